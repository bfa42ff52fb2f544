"""Connections: read-only per use, copy-on-write for writers, damage detection, the schema.

Concurrency: a read-write DuckDB connection locks the file against every other process, so the database
file itself is never opened for writing. An ingest copies it to `<db>.tmp`, applies the whole batch there,
CHECKPOINTs, closes and swaps it in with `os.replace` (atomic). Readers open the file read-only per use
through `read_connection`, so they see either the old or the new database, never a half-written one.
Writers take an exclusive lock on `<db>.lock` (named after the real file, symlinks resolved) so two ingests
cannot interleave; a `.tmp` left by a killed ingest is removed by the next one, a finished `.rebuilt` is put in
place by it (swap.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from . import snapshot
from .records import StoreError
from .swap import (
    free_space_problem,
    fsync,
    install_rebuilt,
    is_disk_full,
    keep_owner,
    real_path,
    rebuilt_path,
    tmp_path,
)

READ_RETRY_SECONDS = 2.0
DatabaseError = duckdb.Error  # what a query may raise besides StoreError (the app shows it, never a traceback)
WRITE_MEMORY = "1GB"  # DuckDB's buffer pool in a write: a national ingest spills to disk instead of growing
PAUSE_ENV = "GI_TEST_PAUSE_BEFORE_SWAP"  # tests: seconds to sleep after the batch is written, before the swap


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(resources.files("gi_analytics.store").joinpath("schema.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT DO NOTHING")


def _damaged(path: Path) -> StoreError:
    return StoreError(
        f"数据库文件损坏或不是 DuckDB 文件：{path}，"
        "可从报告重新构建（gi-analytics ingest --rebuild 报告文件夹）"
    )


def _is_not_duckdb(exc: duckdb.Error) -> bool:
    text = str(exc)
    markers = ("not a valid DuckDB database", "Could not read enough bytes", "Corrupt database file")
    return any(marker in text for marker in markers)


def _is_damage(exc: BaseException | None) -> bool:
    """A DuckDB error, or one raised while handling it, that says the file itself is broken. A truncated or
    corrupted file often opens fine and fails only when a query reaches the bad block."""
    while exc is not None:
        if isinstance(exc, duckdb.Error) and _is_not_duckdb(exc):
            return True
        exc = exc.__context__
    return False


@contextlib.contextmanager
def read_connection(path: str | os.PathLike[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to the database at `path`.

    The file is ATTACHed to a private in-memory database instead of `duckdb.connect(path)`: DuckDB caches
    open databases by path within a process, and that cache would keep serving the file as it was before the
    last swap for as long as any connection to it stays open.
    """
    path = Path(path)
    pin = snapshot.pinned_pin(path)
    if not path.exists() or (pin is not None and pin.key == snapshot.MISSING):
        raise StoreError(f"数据库不存在：{path}，请先导入报告（gi-analytics ingest）")
    con = _attach_read_only(path) if pin is None else _pinned_cursor(pin, path)
    try:
        yield con
    except duckdb.Error as exc:
        if _is_damage(exc):
            raise _damaged(path) from exc
        raise
    finally:
        con.close()


def _pinned_cursor(pin: snapshot.Pin, path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on the run's one connection to the pinned version of `path` (snapshot.py), attached on first
    use; closing the cursor leaves the connection open for the rest of the run."""
    if pin.con is None:
        before = snapshot.file_version(path)
        con = _attach_read_only(path)
        try:
            snapshot.check_attached(pin, path, before)
        except snapshot.VersionChanged:
            con.close()
            raise
        pin.con = con
    cursor = pin.con.cursor()
    cursor.execute("USE db")
    return cursor


def _attach_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + READ_RETRY_SECONDS
    while True:
        con = duckdb.connect()
        try:
            # TYPE DUCKDB: a SQLite file would otherwise make DuckDB download its sqlite extension
            con.execute("ATTACH ? AS db (READ_ONLY, TYPE DUCKDB)", [str(path)])
            con.execute("USE db")
            return con
        except duckdb.Error as exc:
            con.close()
            if _is_not_duckdb(exc):
                raise _damaged(path) from exc
            if not isinstance(exc, duckdb.IOException) or time.monotonic() > deadline:
                raise StoreError(f"无法打开数据库：{path}（{exc}）") from exc
            time.sleep(0.02)


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connection's database has the table `name` (a database written before it existed has not)."""
    sql = "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?"
    return bool(con.execute(sql, [name]).fetchall())


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def db_version(path: str | os.PathLike[str]) -> str:
    """A string that changes whenever the database changes: cache key for the app."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return "missing"
    with read_connection(path) as con:
        return f"{data_version(con)}-{mtime}"


def _leftovers(path: Path) -> list[Path]:
    tmp = tmp_path(path)
    return [tmp, tmp.with_name(tmp.name + ".wal")]


def _remove_leftovers(path: Path) -> None:
    for leftover in _leftovers(path):
        leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass
class WriteTxn:
    con: duckdb.DuckDBPyConnection
    changed: bool = False


@contextlib.contextmanager
def write_connection(path: str | os.PathLike[str], *, rebuild: bool = False) -> Iterator[WriteTxn]:
    """Copy-on-write access: changes go to `<db>.tmp`, swapped in on success when `txn.changed` is set.

    `path` is resolved first (a symlink stays a link; the real file is updated). `rebuild=True` starts from an
    empty database; the old file is kept as a numbered backup (swap.py). Any failure, disk full included, leaves
    the database as it was and no temporary file.
    """
    path = real_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        if rebuilt_path(path).exists():  # a rebuild finished but was killed before its swap
            install_rebuilt(path, damaged=not _healthy(path))
        _remove_leftovers(path)
        if (problem := free_space_problem(path)) is not None:
            raise StoreError(problem)
        tmp = tmp_path(path)
        txn = None
        try:
            if path.exists() and not rebuild:
                shutil.copyfile(path, tmp)
            txn = WriteTxn(_open_for_write(tmp, path), changed=not path.exists() or rebuild)
            ensure_schema(txn.con)
            yield txn
            if txn.changed:
                _bump_data_version(txn.con)
            txn.con.execute("CHECKPOINT")
        except BaseException as exc:
            if txn is not None:
                txn.con.close()
            _remove_leftovers(path)
            error = _write_error(exc, path)
            if error is exc:
                raise
            raise error from exc
        txn.con.close()
        _swap(tmp, path, txn.changed, rebuild)


def _write_error(exc: BaseException, path: Path) -> BaseException:
    if is_disk_full(exc):
        return StoreError(f"磁盘空间不足，无法写入数据库 {path}；数据库未改变，请清理磁盘后重新导入")
    if _is_damage(exc):
        return _damaged(path)
    return exc


def _healthy(path: Path) -> bool:
    """The file opens as a DuckDB database and every block of every table reads (a cut file opens fine)."""
    try:
        with read_connection(path) as con:
            tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
            for table in tables:
                con.execute(f'SELECT max(hash(COLUMNS(*))) FROM "{table}"').fetchall()
    except (StoreError, duckdb.Error):
        return False
    return True


def _has_duckdb_magic(file: Path) -> bool:
    """Every DuckDB file has b"DUCK" at byte 8; connect() on another format (SQLite) tries to download an extension."""
    with open(file, "rb") as fh:
        head = fh.read(12)
    return not head or head[8:12] == b"DUCK"


def _open_for_write(tmp: Path, path: Path) -> duckdb.DuckDBPyConnection:
    if tmp.exists() and not _has_duckdb_magic(tmp):
        tmp.unlink(missing_ok=True)
        raise _damaged(path)
    try:
        con = duckdb.connect(str(tmp))
        con.execute(f"SET memory_limit = '{WRITE_MEMORY}'")
        return con
    except duckdb.Error as exc:
        tmp.unlink(missing_ok=True)
        if _is_not_duckdb(exc):
            raise _damaged(path) from exc
        raise StoreError(f"无法写入数据库：{path}（{exc}）") from exc


def _swap(tmp: Path, path: Path, changed: bool, rebuild: bool) -> None:
    pause = float(os.environ.get(PAUSE_ENV) or 0)
    if pause:
        time.sleep(pause)
    if not changed:
        tmp.unlink(missing_ok=True)
        return
    fsync(tmp)
    if rebuild:
        _check_rebuilt(tmp, path)
        damaged = path.exists() and not _healthy(path)
        os.replace(tmp, rebuilt_path(path))  # from here the rebuild is complete: no later writer deletes it
        install_rebuilt(path, damaged)
        return
    keep_owner(tmp, path)
    os.replace(tmp, path)


def _check_rebuilt(tmp: Path, path: Path) -> None:
    """A rebuild replaces the database only with one that opens and holds reports."""
    try:
        with read_connection(tmp) as con:
            reports = con.execute("SELECT count(*) FROM reports").fetchall()[0][0]
    except (StoreError, duckdb.Error):
        reports = 0
    if not reports:
        _remove_leftovers(path)
        raise StoreError(f"重建得到的数据库没有任何报告，已放弃；原数据库 {path} 未改变")


def _bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", [str(data_version(con) + 1)])
