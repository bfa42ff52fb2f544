"""A province-sized database: generate and ingest UNITS × 7 years of text reports.

    python benchmarks/scale.py [--units 10000] [--keep DIR]

The units are split into districts of 25 (a province of districts; peer checks compare units within a
district). Prints generation time, ingest time (wall and CPU), the time of each stage of the ingest's write (store, checks,
similarity, figures; parsing runs in the workers meanwhile), database size on disk and peak memory (this
process and its workers). With --keep DIR the corpus and the database stay in DIR (benchmarks/pages.py can then
use the database). Issue 16's target: --units 40000 (≈ 280,000 reports) with a peak under 3 GiB.
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
from gi_analytics.ingest import derive
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.store import write

STAGES = {"store (plan + insert)": (write, "_write_plan"), "checks (read + run + write)": (derive, "run_checks_for"),
          "reviews": (derive, "mark_corrected"), "similarity": (derive, "compute_similarity"),
          "figures": (derive, "write_figures")}  # fmt: skip


def time_stages() -> dict[str, list[float]]:
    """Wrap each stage's function to add up its wall and CPU seconds (this process)."""
    spent: dict[str, list[float]] = {}
    for name, (module, attr) in STAGES.items():
        spent[name] = [0.0, 0.0]
        setattr(module, attr, _timed(getattr(module, attr), spent[name]))
    return spent


def _timed(func, into: list[float]):
    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            into[0] += time.perf_counter() - wall
            into[1] += time.process_time() - cpu

    return timed


def cpu_seconds() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


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


def run(work: Path, units: int, district_size: int, reuse: bool = False) -> None:
    corpus, db = work / "corpus", work / "scale.duckdb"
    start = time.perf_counter()
    if reuse and (corpus / "manifest.json").exists():  # the corpus of an earlier --keep run, districts split
        print(f"reusing the corpus in {corpus}")
    else:
        manifest = generate_corpus(corpus, units=units, years=(2019, 2025), seed=3, formats=("txt",), workers=2)
        districts = split_districts(corpus / "units.csv", district_size)
        print(f"generated {len(manifest.files)} reports ({units} units in {districts} districts × 7 years) "
              f"in {time.perf_counter() - start:.0f} s")
    db.unlink(missing_ok=True)

    spent = time_stages()
    start, (own0, kids0) = time.perf_counter(), cpu_seconds()
    result = ingest_paths([corpus], db, units_csv=corpus / "units.csv", keep_originals=False, workers=2)
    elapsed = time.perf_counter() - start
    own_cpu, kids_cpu = (b - a for a, b in zip((own0, kids0), cpu_seconds(), strict=True))
    stored = len(result.files) - len(result.failed)
    own, children = peak_mib()
    print(f"ingest: {stored} reports in {elapsed:.0f} s ({stored / elapsed:.0f} reports/s), "
          f"{len(result.failed)} failed; CPU {own_cpu:.0f} s ingest process + {kids_cpu:.0f} s parse workers")
    for name, (wall, cpu) in spent.items():
        print(f"  {name:<28}{wall:8.1f} s wall{cpu:8.1f} s CPU")
    print(f"database on disk: {db.stat().st_size / 2**20:.0f} MiB")
    print(f"peak memory: {own:.0f} MiB (ingest process), {children:.0f} MiB (largest worker)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--district-size", type=int, default=25, help="units per district (a real district: 10–40)")
    parser.add_argument("--keep", type=Path, help="keep the corpus and database in this folder")
    parser.add_argument("--reuse", action="store_true", help="with --keep: ingest the corpus already there")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep, args.units, args.district_size, args.reuse)
        return
    work = Path(tempfile.mkdtemp(prefix="gi-scale-"))
    try:
        run(work, args.units, args.district_size)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
