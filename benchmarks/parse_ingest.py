"""Parse rate per format and ingest rate of a generated corpus.

    python benchmarks/parse_ingest.py [--reports 10000] [--per-format 140]

Targets on the 2-core machine: text, HTML, one-line web text and markdown parse ≥ 300 reports/s per core;
PDF ≥ 10 pages/s; 10,000 text reports ingested in under 60 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from scale import split_districts

from gi_analytics.demo.corpus import generate_corpus
from gi_analytics.demo.render import EXTENSIONS, render
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.parse import parse_document
from gi_analytics.readers.files import SUPPORTED_SUFFIXES, read_bytes

REAL_PDFS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real-pdf"


def parse_rate(files: list[Path]) -> tuple[float, float, int]:
    """(reports per CPU second, reports per wall second, pages) for read + parse in this process."""
    blobs = [(f.name, f.read_bytes()) for f in files]
    cpu, wall, pages = time.process_time(), time.perf_counter(), 0
    for name, data in blobs:
        doc = read_bytes(data, name)
        pages += doc.pages
        parse_document(doc)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return len(blobs) / cpu, len(blobs) / wall, pages


def bench_formats(work: Path, units: int) -> None:
    print(f"{'format':<8}{'files':>7}{'reports/s (CPU)':>18}{'reports/s (wall)':>18}")
    for fmt in ("txt", "html", "docx", "pdf"):
        out = work / fmt
        generate_corpus(out, units=units, years=(2019, 2025), seed=11, formats=(fmt,))
        files = sorted(p for p in out.iterdir() if p.suffix in SUPPORTED_SUFFIXES)
        per_cpu, per_wall, _ = parse_rate(files)
        print(f"{fmt:<8}{len(files):>7}{per_cpu:>18.0f}{per_wall:>18.0f}")
    pdfs = sorted(REAL_PDFS.glob("*.pdf"))
    start = time.perf_counter()
    _, _, pages = parse_rate(pdfs)
    print(f"real PDFs: {pages} pages in {time.perf_counter() - start:.2f} s "
          f"= {pages / (time.perf_counter() - start):.1f} pages/s")


def bench_layouts(work: Path, units: int) -> None:
    """The generated text reports re-rendered in the layouts of published text, each parsed back."""
    out = work / "layouts"
    generate_corpus(out, units=units, years=(2019, 2025), seed=13, formats=("txt",))
    reports = [parse_document(read_bytes(p.read_bytes(), p.name)) for p in sorted(out.glob("*.txt"))]
    print(f"{'layout':<12}{'files':>7}{'reports/s (CPU)':>18}")
    for layout in ("txt_tabs", "txt_oneline", "md", "md_ocr"):
        blobs = [(f"r.{EXTENSIONS[layout]}", render(r, layout)) for r in reports]
        cpu = time.process_time()
        for name, data in blobs:
            parse_document(read_bytes(data, name))
        print(f"{layout:<12}{len(blobs):>7}{len(blobs) / (time.process_time() - cpu):>18.0f}")


def bench_ingest(work: Path, reports: int) -> None:
    corpus = work / "corpus"
    start = time.perf_counter()
    manifest = generate_corpus(corpus, units=max(1, reports // 7), years=(2019, 2025), seed=5, formats=("txt",))
    split_districts(corpus / "units.csv", 25)
    files = len(manifest.files)
    print(f"generated {files} text reports in {time.perf_counter() - start:.1f} s")
    db = work / "bench.duckdb"
    start = time.perf_counter()
    result = ingest_paths([corpus], db, units_csv=corpus / "units.csv", keep_originals=False)
    elapsed = time.perf_counter() - start
    stored = len(result.files) - len(result.failed)
    print(f"ingest: {stored}/{files} reports in {elapsed:.1f} s = {files / elapsed:.0f} reports/s "
          f"(database {db.stat().st_size / 2**20:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000, help="size of the ingest corpus")
    parser.add_argument("--per-format", type=int, default=20, help="units per format corpus (×7 years)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_formats(Path(tmp), args.per_format)
        bench_layouts(Path(tmp), args.per_format)
        bench_ingest(Path(tmp), args.reports)


if __name__ == "__main__":
    main()
