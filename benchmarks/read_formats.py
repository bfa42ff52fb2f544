"""Reader speed on the real reports: pages/s for PDF, files/s for the others.

Run: python benchmarks/read_formats.py [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from gi_analytics.ingest import Document, files, pdf

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ingest"
PDFS = ["huaian-city-2024.pdf", "hongze-district-2024.pdf"]
OTHERS = ["official-template-2021.docx", "000_32c9a0a42e9b7f0e.txt"]


def best_of(repeat: int, action: Callable[[], Document]) -> tuple[float, Document]:
    """The fastest of `repeat` runs (the machine is shared: the minimum is the least disturbed)."""
    timings, doc = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        doc = action()
        timings.append(time.perf_counter() - start)
    assert doc is not None
    return min(timings), doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    total_pages, total_seconds = 0, 0.0
    for name in PDFS:
        data = (FIXTURES / name).read_bytes()
        seconds, doc = best_of(repeat, lambda data=data, name=name: pdf.read(data, name))
        total_pages += doc.pages
        total_seconds += seconds
        print(f"{name:32} {doc.pages:3d} pages  {seconds * 1000:7.1f} ms  {doc.pages / seconds:6.1f} pages/s")
    print(
        f"{'PDF overall':32} {total_pages:3d} pages  {total_seconds * 1000:7.1f} ms  "
        f"{total_pages / total_seconds:6.1f} pages/s"
    )
    for name in OTHERS:
        path = FIXTURES / name
        seconds, doc = best_of(repeat, lambda path=path: files.read_path(path))
        print(f"{name:32} {len(doc.blocks):3d} blocks {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
