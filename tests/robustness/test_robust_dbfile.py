"""The database file: `--rebuild` keeps numbered backups and survives a kill; an ingest through a symlink
updates the real file and locks it; the file's mode survives the swap; a write that cannot fit on the disk says
so in Chinese and leaves the database as it was."""

from __future__ import annotations

import os
import shutil
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
from gi_analytics.ingest.pipeline import IngestError, ingest_paths

SRC = Path(__file__).resolve().parents[2] / "src"


def _reports(db: Path) -> int:
    with store.read_connection(db) as con:
        return con.execute(COUNTS_SQL).fetchall()[0][0]


def _wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def district(tmp_path: Path) -> tuple[Path, Path]:
    """A database of the 3 reports in `folder`."""
    folder = tmp_path / "reports"
    write_reports(folder, ["甲镇", "乙镇", "丙镇"])
    db = tmp_path / "gi.duckdb"
    assert ingest_paths([folder], db, workers=1).ok
    return db, folder


# ---------------------------------------------------------------- rebuild


def test_rebuild_twice_keeps_numbered_backups_and_loses_no_report(district, capsys) -> None:
    db, folder = district
    before = table_rows(db)
    for n in (1, 2):
        assert cli.main(["ingest", str(folder), "--db", str(db), "--workers", "1", "--rebuild"]) == cli.EXIT_OK
        assert _reports(db) == 3
        assert db.with_name(f"gi.duckdb.bak{n}").exists()
    assert table_rows(db.with_name("gi.duckdb.bak1")) == before
    assert _reports(db.with_name("gi.duckdb.bak2")) == 3
    assert not store.tmp_path(db).exists() and not store.rebuilt_path(db).exists()


def test_rebuild_from_a_single_file_is_refused_and_changes_nothing(district, capsys) -> None:
    db, folder = district
    before = db.read_bytes()
    code = cli.main(["ingest", str(folder / "甲镇2021.txt"), "--db", str(db), "--rebuild"])
    assert code == cli.EXIT_CANNOT_RUN
    assert "重建数据库只能从报告文件夹开始" in capsys.readouterr().err
    assert db.read_bytes() == before and not list(db.parent.glob("gi.duckdb.bak*"))


def test_rebuild_that_stores_no_report_keeps_the_old_database(district, tmp_path) -> None:
    db, _ = district
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "坏.txt").write_bytes(b"\x00\x01" * 50)
    before = db.read_bytes()
    with pytest.raises(IngestError, match="重建得到的数据库没有任何报告"):
        ingest_paths([empty], db, workers=1, rebuild=True)
    assert db.read_bytes() == before and not store.tmp_path(db).exists()


def test_a_rebuild_killed_before_its_swap_leaves_the_old_database_usable(district) -> None:
    db, folder = district
    before = table_rows(db)
    env = os.environ | {"PYTHONPATH": str(SRC), store.PAUSE_ENV: "60"}
    cmd = [sys.executable, "-m", "gi_analytics", "ingest", str(folder), "--db", str(db), "--workers", "1",
           "--rebuild"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tmp = store.tmp_path(db)
    _wait_for(lambda: tmp.exists() and not tmp.with_name(tmp.name + ".wal").exists())
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert table_rows(db) == before and _reports(db) == 3


@pytest.mark.parametrize("backed_up", [False, True])  # killed before, or after, the old file was linked
def test_a_finished_rebuild_killed_before_its_swap_is_put_in_place_by_the_next_ingest(district, tmp_path,
                                                                                      backed_up) -> None:
    db, folder = district
    if backed_up:
        os.link(db, db.with_name("gi.duckdb.bak1"))
    other = tmp_path / "other"
    write_reports(other, ["丁镇"])
    rebuilt = tmp_path / "rebuilt.duckdb"
    assert ingest_paths([folder], rebuilt, workers=1).ok
    shutil.copyfile(rebuilt, store.rebuilt_path(db))  # the state after `os.replace(tmp, .rebuilt)`
    old = table_rows(db)
    assert ingest_paths([other], db, workers=1).ok
    assert _reports(db) == 4  # the rebuild's 3 and the new one: the finished rebuild was not thrown away
    assert table_rows(db.with_name("gi.duckdb.bak1")) == old
    assert not db.with_name("gi.duckdb.bak2").exists()  # one backup of the old file, never two
    assert not store.rebuilt_path(db).exists()


def test_a_damaged_copy_is_never_overwritten(district) -> None:
    db, folder = district
    db.with_name("gi.duckdb.damaged").write_bytes(b"first damaged copy")
    db.write_bytes(b"garbage" * 100)
    assert ingest_paths([folder], db, workers=1, rebuild=True).ok
    assert db.with_name("gi.duckdb.damaged").read_bytes() == b"first damaged copy"
    assert db.with_name("gi.duckdb.damaged2").read_bytes() == b"garbage" * 100


# ---------------------------------------------------------------- the real file


def test_an_ingest_through_a_symlink_updates_the_real_file(district, tmp_path) -> None:
    db, _ = district
    link = tmp_path / "link.duckdb"
    link.symlink_to(db)
    assert ingest_paths(write_reports(tmp_path / "more", ["丁镇"]), link, workers=1).ok
    assert link.is_symlink() and link.resolve() == db
    assert _reports(db) == 4
    assert not list(tmp_path.glob("link.duckdb.*"))  # lock and temporary files are the real file's


def test_ingests_through_the_link_and_the_real_path_lock_each_other(district, tmp_path) -> None:
    db, _ = district
    link = tmp_path / "link.duckdb"
    link.symlink_to(db)
    a = write_reports(tmp_path / "a", [f"甲{i}村" for i in range(5)])
    b = write_reports(tmp_path / "b", [f"乙{i}村" for i in range(5)])
    env = os.environ | {"PYTHONPATH": str(SRC), store.PAUSE_ENV: "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "gi_analytics", "ingest", *map(str, files), "--db",
                               str(target), "--workers", "1"], env=env, stdout=subprocess.DEVNULL)
             for files, target in ((a, link), (b, db))]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert _reports(db) == 13 and link.is_symlink()


def test_the_file_mode_is_kept_across_the_swap(district, tmp_path) -> None:
    db, _ = district
    os.chmod(db, 0o600)
    assert ingest_paths(write_reports(tmp_path / "more", ["丁镇"]), db, workers=1).ok
    assert db.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def small_disk(tmp_path: Path, request):
    """A small tmpfs, 6 MB unless the test's parameter says otherwise (root only; skipped where mount is
    refused). A database of one report takes 4.4 MB."""
    size = getattr(request, "param", "6m")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_too_little_free_space_is_said_in_chinese_before_writing(small_disk, tmp_path, capsys) -> None:
    db = small_disk / "gi.duckdb"
    assert ingest_paths(write_reports(tmp_path / "a", ["甲镇"]), db, workers=1).ok
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(0, shutil.disk_usage(small_disk).free - int(db.stat().st_size * 1.5)))
    before = db.read_bytes()
    code = cli.main(["ingest", str(write_reports(tmp_path / "b", ["乙镇"])[0]), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_CANNOT_RUN and "Traceback" not in err
    assert "磁盘空间不足" in err and "MB 可用空间" in err and "数据库未改变" in err
    assert db.read_bytes() == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "gi.duckdb", "gi.duckdb.lock"]


# 8 MB: the copy of the database fails; 12 MB: DuckDB's commit fails writing its WAL
@pytest.mark.parametrize("small_disk", ["8m", "12m"], indirect=True)
def test_a_disk_that_fills_during_the_write_leaves_the_database_and_no_leftovers(small_disk, tmp_path,
                                                                                 capsys, monkeypatch) -> None:
    monkeypatch.setattr(store.swap, "FREE_SPACE_FACTOR", 0)  # past the free-space check, into the write
    db = small_disk / "gi.duckdb"
    assert ingest_paths(write_reports(tmp_path / "a", ["甲镇"]), db, workers=1).ok
    before = db.read_bytes()
    many = write_reports(tmp_path / "b", [f"新{i}镇" for i in range(300)])
    code = cli.main(["ingest", str(tmp_path / "b"), "--db", str(db), "--workers", "1"])
    err = capsys.readouterr().err
    assert len(many) == 300 and code == cli.EXIT_CANNOT_RUN
    assert "Traceback" not in err and "磁盘空间不足" in err and "数据库未改变" in err
    assert db.read_bytes() == before and _reports(db) == 1
    assert sorted(p.name for p in small_disk.iterdir()) == ["gi.duckdb", "gi.duckdb.lock"]
