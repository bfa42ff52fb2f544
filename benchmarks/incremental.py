"""Adding a batch to a big database against building it: the cost of a batch grows with the batch, not the base.

    python benchmarks/incremental.py [--reports 10000 69860] [--batch 25]

For each size: a province of that many text reports (units of 7 years in districts of 25, as scale.py makes
them) is generated; all but a batch of `--batch` reports (the newest year of the last district, then the year
before, as a district sends them in) are ingested in one go, then the batch is ingested into that database.
Prints both times (wall and CPU, this process and its workers) and their ratio. Targets (issue 16): the batch
under 1/20 of the full ingest at 10,000 reports, under 1/100 at 69,860.
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import tempfile
import time
from pathlib import Path

from scale import split_districts

from gi_analytics.demo.corpus import generate_corpus
from gi_analytics.ingest.pipeline import ingest_paths


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the parse workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def take_batch(corpus: Path, batch: Path, size: int) -> int:
    """Move `size` reports of the last district, newest year first, from the corpus to the batch folder."""
    with (corpus / "units.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    last = rows[-1]["district"]
    units = [r["unit"] for r in rows if r["district"] == last]
    batch.mkdir()
    moved = 0
    for year in range(2025, 2018, -1):
        for unit in units:
            file = corpus / f"{unit}_{year}.txt"
            if moved < size and file.exists():
                shutil.move(file, batch / file.name)
                moved += 1
    return moved


def timed_ingest(folder: Path, db: Path, units_csv: Path) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = ingest_paths([folder], db, units_csv=units_csv, keep_originals=False, workers=2)
    assert not result.failed, result.failed[:3]
    return time.perf_counter() - wall, cpu_seconds() - cpu, len(result.files)


def run(work: Path, reports: int, batch_size: int) -> None:
    corpus, batch, db = work / "corpus", work / "batch", work / "base.duckdb"
    generate_corpus(
        corpus, units=round(reports / 6.986), years=(2019, 2025), seed=3, formats=("txt",), workers=2
    )
    split_districts(corpus / "units.csv", 25)
    moved = take_batch(corpus, batch, batch_size)
    full_wall, full_cpu, n = timed_ingest(corpus, db, corpus / "units.csv")
    size = db.stat().st_size / 2**20
    add_wall, add_cpu, _ = timed_ingest(batch, db, corpus / "units.csv")
    print(
        f"{n + moved:>7} reports | full ingest of {n}: {full_wall:7.1f} s wall {full_cpu:7.1f} s CPU "
        f"({size:.0f} MiB) | batch of {moved}: {add_wall:5.2f} s wall {add_cpu:5.2f} s CPU "
        f"| ratio 1/{full_wall / add_wall:.0f} wall, 1/{full_cpu / add_cpu:.0f} CPU",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, nargs="+", default=[10_000, 69_860])
    parser.add_argument("--batch", type=int, default=25)
    args = parser.parse_args()
    for reports in args.reports:
        work = Path(tempfile.mkdtemp(prefix="gi-incremental-"))
        try:
            run(work, reports, args.batch)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
