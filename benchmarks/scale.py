"""A province-sized database: generate and ingest UNITS × 7 years of text reports.

    python benchmarks/scale.py [--units 10000] [--keep DIR]

The units are split into districts of 25 (a province of districts; peer checks compare units within a
district). Prints generation time, ingest time, database size on disk and peak memory (this process and its workers).
With --keep DIR the corpus and the database stay in DIR (benchmarks/pages.py can then use the database).
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import tempfile
import time
from pathlib import Path

from gi_analytics.demo.corpus import generate_corpus
from gi_analytics.ingest.pipeline import ingest_paths


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MiB (Linux: KiB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def split_districts(units_csv: Path, size: int) -> int:
    """A province, not one giant district: give every `size` units of the corpus a district of their own."""
    with units_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for n, row in enumerate(rows):
        row["district"] = f"示例{n // size + 1:04d}区"
    with units_csv.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return (len(rows) + size - 1) // size


def run(work: Path, units: int, district_size: int) -> None:
    corpus, db = work / "corpus", work / "scale.duckdb"
    start = time.perf_counter()
    manifest = generate_corpus(corpus, units=units, years=(2019, 2025), seed=3, formats=("txt",), workers=2)
    districts = split_districts(corpus / "units.csv", district_size)
    print(f"generated {len(manifest.files)} reports ({units} units in {districts} districts × 7 years) "
          f"in {time.perf_counter() - start:.0f} s")

    start = time.perf_counter()
    result = ingest_paths([corpus], db, units_csv=corpus / "units.csv", keep_originals=False, workers=2)
    elapsed = time.perf_counter() - start
    stored = len(result.files) - len(result.failed)
    own, children = peak_mib()
    print(f"ingest: {stored} reports in {elapsed:.0f} s ({stored / elapsed:.0f} reports/s), "
          f"{len(result.failed)} failed")
    print(f"database on disk: {db.stat().st_size / 2**20:.0f} MiB")
    print(f"peak memory: {own:.0f} MiB (ingest process), {children:.0f} MiB (largest worker)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--district-size", type=int, default=25, help="units per district (a real district: 10–40)")
    parser.add_argument("--keep", type=Path, help="keep the corpus and database in this folder")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep, args.units, args.district_size)
        return
    work = Path(tempfile.mkdtemp(prefix="gi-scale-"))
    try:
        run(work, args.units, args.district_size)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
