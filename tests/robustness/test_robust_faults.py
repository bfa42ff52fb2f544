"""Faults: an ingest killed with SIGKILL at any moment leaves the database as it was (or, past the swap, wholly
done); rerunning completes it and clears the leftovers; a damaged database file of any kind gives the Chinese
message with the rebuild command, and `ingest --rebuild` brings it back from the reports."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import table_rows
from robust_workers import COUNTS_SQL, write_reports

from gi_analytics import store
from gi_analytics.cli import main as cli
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.store import StoreError

SRC = Path(__file__).resolve().parents[2] / "src"
NEW = 10  # reports in the batch that gets killed


def _ingest_process(folder: Path, db: Path, pause: float = 0) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(SRC), store.PAUSE_ENV: str(pause)}
    cmd = [sys.executable, "-m", "gi_analytics", "ingest", str(folder), "--db", str(db), "--workers", "1"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A database with two reports, a folder of NEW more, and the database's rows before the batch."""
    db = tmp_path / "gi.duckdb"
    assert ingest_paths(write_reports(tmp_path / "old", ["旧甲镇", "旧乙镇"]), db, workers=1).ok
    folder = tmp_path / "new"
    write_reports(folder, [f"新{i}镇" for i in range(NEW)])
    return db, folder, table_rows(db)


def _counts(db: Path) -> tuple:
    with store.read_connection(db) as con:
        return con.execute(COUNTS_SQL).fetchall()[0]


def test_killed_just_before_the_swap_leaves_the_database_as_it_was(setup) -> None:
    db, folder, before = setup
    proc = _ingest_process(folder, db, pause=60)
    tmp = store.tmp_path(db)
    _wait_for(lambda: tmp.exists() and not tmp.with_name(tmp.name + ".wal").exists())
    time.sleep(2)  # the batch is written and checkpointed into the copy; the process sleeps before the swap
    _kill(proc)
    assert tmp.exists(), "the killed ingest left its copy behind"
    assert table_rows(db) == before
    assert _counts(db)[0] == 2  # readers open the database as usual meanwhile
    result = ingest_paths([folder], db, workers=1)
    assert result.ok and len(result.files) == NEW
    assert not tmp.exists() and not tmp.with_name(tmp.name + ".wal").exists()
    assert _counts(db)[0] == 2 + NEW


@pytest.mark.parametrize("seed", range(6))
def test_killed_at_a_random_moment_it_is_all_or_nothing_and_a_rerun_completes_it(setup, seed: int) -> None:
    db, folder, before = setup
    per_report = [n // 2 for n in _counts(db)[1:5]]
    proc = _ingest_process(folder, db)
    time.sleep(random.Random(seed).uniform(0.2, 3.5))  # importing, parsing, writing the copy, or swapping
    _kill(proc)
    reports, *rest, _ = _counts(db)
    assert reports in (2, 2 + NEW)
    assert rest == [reports * k for k in per_report]
    if reports == 2:
        assert table_rows(db) == before
    result = ingest_paths([folder], db, workers=1)
    assert result.ok
    assert _counts(db)[0] == 2 + NEW
    assert not store.tmp_path(db).exists()


# ---------------------------------------------------------------- damaged database files


def _damage(db: Path, kind: str) -> None:
    data = bytearray(db.read_bytes())
    rng = random.Random(kind)
    if kind == "empty":
        data = bytearray()
    elif kind == "truncated":
        data = data[: len(data) // 2]
    elif kind == "garbage-header":
        data[:4096] = rng.randbytes(4096)
    elif kind == "garbage-blocks":
        for offset in range(12288, len(data), 262144):
            data[offset : offset + 4096] = rng.randbytes(4096)
    elif kind == "not-a-database":
        data = bytearray(b"SQLite format 3\x00" + bytes(8000))
    db.write_bytes(bytes(data))


# (garbage in the file's free tail changes nothing a query reads: not damage, and not detected)
DAMAGE = ["empty", "truncated", "garbage-header", "garbage-blocks", "not-a-database"]


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_database_says_so_in_chinese_and_is_rebuilt_from_the_reports(
    setup, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db, folder, _ = setup
    _damage(db, kind)
    damaged = db.read_bytes()
    with pytest.raises(StoreError, match="损坏.*--rebuild"), store.read_connection(db) as con:  # noqa: PT012
        for table in ("reports", "cells", "sections", "problems", "originals", "files", "findings"):
            con.execute(f"SELECT * FROM {table}").fetchall()  # every block is read
    code = cli.main(["ingest", str(folder), "--db", str(db), "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_CANNOT_RUN and "Traceback" not in out + err
    assert "数据库文件损坏" in err and "--rebuild" in err
    assert db.read_bytes() == damaged and not store.tmp_path(db).exists()
    assert cli.main(["ingest", str(folder), "--db", str(db), "--workers", "1", "--rebuild"]) == cli.EXIT_OK
    assert _counts(db)[0] == NEW
    assert db.with_name(db.name + ".damaged").read_bytes() == damaged
