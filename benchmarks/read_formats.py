"""Reader speed on the real reports: pages/s for PDF, time per file for the others.

Run: python benchmarks/read_formats.py [--repeat N]
Both wall-clock and CPU time are shown: on a shared machine the CPU figure is the reader's own cost.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from gi_analytics.readers import Document, files, pdf

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
PDFS = ["real-pdf/huaian-city-2024.pdf", "real-pdf/hongze-district-2024.pdf"]
OTHERS = ["official-template-2021.docx", "000_32c9a0a42e9b7f0e.txt"]


def best_of(repeat: int, action: Callable[[], Document]) -> tuple[float, float, Document]:
    """The fastest wall and CPU times of `repeat` runs (the minimum is the least disturbed)."""
    walls, cpus, doc = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        doc = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert doc is not None
    return min(walls), min(cpus), doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    pages, wall, cpu = 0, 0.0, 0.0
    for name in PDFS:
        data = (FIXTURES / name).read_bytes()
        seconds, cpu_seconds, doc = best_of(repeat, lambda data=data, name=name: pdf.read(data, name))
        pages, wall, cpu = pages + doc.pages, wall + seconds, cpu + cpu_seconds
        print(_pdf_line(name, doc.pages, seconds, cpu_seconds))
    print(_pdf_line("PDF overall", pages, wall, cpu))
    for name in OTHERS:
        path = FIXTURES / name
        seconds, _, doc = best_of(repeat, lambda path=path: files.read_path(path))
        print(f"{name:32} {len(doc.blocks):3d} blocks {seconds * 1000:7.1f} ms")


def _pdf_line(name: str, pages: int, wall: float, cpu: float) -> str:
    return (
        f"{name:32} {pages:3d} pages  {wall * 1000:7.1f} ms  {pages / wall:6.1f} pages/s"
        f"  ({pages / cpu:5.1f} pages per CPU-second)"
    )


if __name__ == "__main__":
    main()
