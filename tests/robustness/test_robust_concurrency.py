"""Concurrency: reader processes query the database the way the pages do while an ingest loop writes to it, and
two ingests run at once. No reader sees an error or a half-written batch; no batch is lost."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

from robust_workers import COUNTS_SQL, reader_loop, write_reports

from gi_analytics import store
from gi_analytics.ingest.pipeline import ingest_paths

BATCHES, PER_BATCH, READERS, READS = 8, 3, 2, 60


def _per_report(db: Path) -> tuple[int, int, int, int]:
    with store.read_connection(db) as con:
        reports, cells, sections, problems, originals, _ = con.execute(COUNTS_SQL).fetchall()[0]
    assert reports == 1
    return cells, sections, problems, originals


def test_readers_in_other_processes_never_see_an_error_or_a_partial_batch(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    first = write_reports(tmp_path / "start", ["起始镇"])
    assert ingest_paths(first, db, workers=1).ok
    per_report = _per_report(db)
    batches = [
        write_reports(tmp_path / f"b{b}", [f"第{b}批{i}镇" for i in range(PER_BATCH)]) for b in range(BATCHES)
    ]
    context = multiprocessing.get_context("spawn")
    with context.Pool(READERS) as pool:
        ready = [tmp_path / f"reader{n}.ready" for n in range(READERS)]
        readers = [pool.apply_async(reader_loop, (str(db), READS, per_report, str(r))) for r in ready]
        deadline = time.monotonic() + 120  # spawned readers take a while to start on a loaded machine
        while not all(r.exists() for r in ready) and time.monotonic() < deadline:
            time.sleep(0.05)
        for paths in batches:
            assert ingest_paths(paths, db, workers=1).ok
        results = [r.get(timeout=300) for r in readers]
    errors = [e for errs, _ in results for e in errs]
    seen = sorted({n for _, counts in results for n in counts})
    assert not errors, errors[:5]
    assert set(seen) <= {1 + PER_BATCH * k for k in range(BATCHES + 1)}
    assert len(seen) > 1, "the readers ran while the batches were written"
    with store.read_connection(db) as con:
        assert con.execute(COUNTS_SQL).fetchall()[0][0] == 1 + BATCHES * PER_BATCH


def test_two_ingests_at_once_both_land(tmp_path: Path) -> None:
    """The writer lock serializes them: neither batch overwrites the other's copy of the database."""
    db = tmp_path / "gi.duckdb"
    folders = []
    for name in ("甲", "乙"):
        write_reports(tmp_path / name, [f"{name}{i}镇" for i in range(4)])
        folders.append(tmp_path / name)
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    cmd = [sys.executable, "-m", "gi_analytics", "ingest", "--db", str(db), "--workers", "1"]
    procs = [
        subprocess.Popen([*cmd, str(f)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for f in folders
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    with store.read_connection(db) as con:
        units = {r[0] for r in con.execute("SELECT name FROM units").fetchall()}
    assert units == {f"{n}{i}镇" for n in ("甲", "乙") for i in range(4)}
