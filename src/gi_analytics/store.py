"""Every DuckDB read and write. Parameterized SQL only.

Concurrency: a read-write DuckDB connection locks the file against every other process, so the database
file itself is never opened for writing. An ingest copies it to `<db>.tmp`, applies the whole batch there,
CHECKPOINTs, closes and swaps it in with `os.replace` (atomic). Readers open the file read-only per use
through `read_connection`, so they see either the old or the new database, never a half-written one.
Writers take an exclusive lock on `<db>.lock` so two ingests cannot interleave; a `.tmp` left by a killed
ingest is removed by the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from .model import Cell, CellState, Finding, Period, Problem, Report, Section, Severity

READ_RETRY_SECONDS = 2.0
PAUSE_ENV = "GI_TEST_PAUSE_BEFORE_SWAP"  # tests: seconds to sleep after the batch is written, before the swap


DB_ENV = "GI_DB"
BUNDLED_DB = Path(__file__).resolve().parents[2] / "data" / "gi.duckdb"


def default_db() -> Path:
    """The database used when none is named: environment variable GI_DB, else data/gi.duckdb in the repo."""
    return Path(os.environ.get(DB_ENV) or BUNDLED_DB)


class StoreError(Exception):
    """The database cannot be used; the message says why, in Chinese."""


class Outcome(StrEnum):
    STORED = "stored"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    FAILED = "failed"


OUTCOME_LABELS = {
    Outcome.STORED: "已入库",
    Outcome.NEW_VERSION: "新版本",
    Outcome.UNCHANGED: "未变化",
    Outcome.FAILED: "失败",
}


CellRow = tuple[str, str, str, float | None, str]


def flatten_cells(report: Report) -> list[CellRow]:
    number = CellState.NUMBER
    return [
        (tbl, row_key, col_key, float(cell.value) if cell.state is number else None, str(cell.state))
        for tbl, table in report.tables.items()
        for row_key, cells in table.items()
        for col_key, cell in cells.items()
    ]


@dataclass
class ParsedFile:
    """One file offered to ingest: its bytes, its parsed report and the unit/year it was resolved to.

    `reason` (Chinese) is set when the file cannot be stored; `report` is then usually None.
    """

    source: str
    content_hash: str | None = None
    format: str | None = None
    data: bytes | None = None
    report: Report | None = None
    unit: str | None = None
    district: str = ""
    kind: str | None = None
    year: int | None = None
    reason: str | None = None
    deadline: date | None = None  # the units CSV's deadline for this report, if it sets one
    # the report's cells as (tbl, row_key, col_key, value, state) rows; when set, `report.tables` is not read.
    # Parse workers send this instead of Cell objects: five times cheaper to pass between processes.
    cells: list[CellRow] | None = None

    def slim(self) -> ParsedFile:
        """This file with its cells flattened and its report's tables dropped."""
        if self.report is None or self.cells is not None:
            return self
        cells = flatten_cells(self.report)
        return replace(self, report=replace(self.report, tables={}), cells=cells)

    @property
    def failed(self) -> bool:
        return self.reason is not None or self.report is None or not self.unit or self.year is None


@dataclass(frozen=True)
class FileOutcome:
    source: str
    outcome: Outcome
    unit: str | None = None
    year: int | None = None
    template: str | None = None
    problems: dict[str, int] = field(default_factory=dict)  # severity -> count
    reason: str | None = None
    report_id: int | None = None
    version: int | None = None


@dataclass
class BatchResult:
    files: list[FileOutcome]
    changed: bool  # False when the batch changed nothing (the database file was left untouched)


# ---------------------------------------------------------------- connections and schema


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(resources.files("gi_analytics").joinpath("schema.sql").read_text(encoding="utf-8"))
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
    if not path.exists():
        raise StoreError(f"数据库不存在：{path}，请先导入报告（gi-analytics ingest）")
    con = _attach_read_only(path)
    try:
        yield con
    except duckdb.Error as exc:
        if _is_damage(exc):
            raise _damaged(path) from exc
        raise
    finally:
        con.close()


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


# ---------------------------------------------------------------- copy-on-write


def tmp_path(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _leftovers(path: Path) -> list[Path]:
    tmp = tmp_path(path)
    return [tmp, tmp.with_name(tmp.name + ".wal")]


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class WriteTxn:
    con: duckdb.DuckDBPyConnection
    changed: bool = False


@contextlib.contextmanager
def write_connection(path: str | os.PathLike[str], *, rebuild: bool = False) -> Iterator[WriteTxn]:
    """Copy-on-write access: changes go to `<db>.tmp`, swapped in on success when `txn.changed` is set.

    `rebuild=True` starts from an empty database (the old file, if damaged, is left as `<db>.damaged`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        for leftover in _leftovers(path):
            leftover.unlink(missing_ok=True)
        tmp = tmp_path(path)
        if path.exists() and not rebuild:
            shutil.copyfile(path, tmp)
        txn = WriteTxn(_open_for_write(tmp, path), changed=not path.exists() or rebuild)
        try:
            ensure_schema(txn.con)
            yield txn
            if txn.changed:
                _bump_data_version(txn.con)
            txn.con.execute("CHECKPOINT")
        except BaseException as exc:
            txn.con.close()
            tmp.unlink(missing_ok=True)
            if _is_damage(exc):
                raise _damaged(path) from exc
            raise
        txn.con.close()
        _swap(tmp, path, txn.changed, rebuild)


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
        return duckdb.connect(str(tmp))
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
    if rebuild and path.exists():
        os.replace(path, path.with_name(path.name + ".damaged"))
    _fsync(tmp)
    os.replace(tmp, path)


def _bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", [str(data_version(con) + 1)])


# ---------------------------------------------------------------- writing a batch

CHUNK_FILES = 2_000  # files planned and written at a time inside one batch's transaction


def write_batch(
    path: str | os.PathLike[str],
    files: Iterable[ParsedFile],
    *,
    keep_originals: bool = True,
    after_write: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    rebuild: bool = False,
) -> BatchResult:
    """Store a batch atomically. `after_write(con)` runs inside the same write (e.g. the checks) when the
    batch changed something, so readers never see reports without their findings."""
    try:
        with write_connection(path, rebuild=rebuild) as txn:
            txn.con.execute("BEGIN")
            outcomes, changed = _apply(txn.con, files, keep_originals)
            txn.changed = txn.changed or changed
            if txn.changed and after_write is not None:
                after_write(txn.con)
            txn.con.execute("COMMIT")
    except OSError as exc:  # disk full, no permission: the database file itself is untouched
        raise StoreError(f"无法写入数据库 {path}：{exc.strerror or exc}；数据库未改变") from exc
    return BatchResult(outcomes, txn.changed)


@dataclass
class _Plan:
    """What a batch will insert, built in Python and written with a few bulk statements."""

    units: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    stored: list[ParsedFile] = field(default_factory=list)
    files: list[tuple[str, str | None, str, str | None, int | None]] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)


def _apply(
    con: duckdb.DuckDBPyConnection, files: Iterable[ParsedFile], keep_originals: bool
) -> tuple[list[FileOutcome], bool]:
    """Plan and write the batch CHUNK_FILES files at a time (still one transaction), so memory stays flat
    however many files a batch has: parsed files are consumed as they arrive and dropped once written."""
    planner = _Planner(con)
    outcomes: list[FileOutcome] = []
    changed = False
    chunk: list[ParsedFile] = []
    for item in files:
        chunk.append(item)
        if len(chunk) == CHUNK_FILES:
            outcomes += [planner.add(f) for f in chunk]
            changed |= _write_plan(con, planner.take_plan(), keep_originals)
            chunk = []
    outcomes += [planner.add(f) for f in chunk]
    changed |= _write_plan(con, planner.take_plan(), keep_originals)
    planner.close()
    return outcomes, changed


class _Ids:
    """Hands out consecutive values of a sequence with one query, then advances the sequence past them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, sequence: str) -> None:
        self.con, self.sequence, self.next, self.used = con, sequence, 0, 0

    def __call__(self) -> int:
        if self.used == 0:
            self.next = self.con.execute(f"SELECT nextval('{self.sequence}')").fetchall()[0][0]
        self.used += 1
        self.next += 1
        return self.next - 1

    def close(self) -> None:
        if self.used > 1:
            self.con.execute(
                f"SELECT max(nextval('{self.sequence}')) FROM range(?)", [self.used - 1]
            ).fetchall()


class _Planner:
    """Decides, file by file, what the batch inserts: units, versions, outcomes."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute("SELECT unit_id, name, district, kind FROM units").fetchall()
        self.units = {(n, d): (uid, k) for uid, n, d, k in rows}
        self.districts: dict[str, set[str]] = {}
        for _, name, district, _ in rows:
            self.districts.setdefault(name, set()).add(district)
        self.versions: dict[tuple[int, int], tuple[set[str], int]] = {}
        for uid, year, hashes, top in con.execute(
            "SELECT unit_id, year, list(content_hash), max(version) FROM reports GROUP BY ALL"
        ).fetchall():
            self.versions[(uid, year)] = (set(hashes), top)
        self.unit_ids, self.report_ids = _Ids(con, "unit_ids"), _Ids(con, "report_ids")
        self.plan = _Plan()

    def take_plan(self) -> _Plan:
        """What was planned since the last call; the planner goes on remembering units and versions."""
        plan, self.plan = self.plan, _Plan()
        return plan

    def close(self) -> None:
        self.unit_ids.close()
        self.report_ids.close()

    def add(self, item: ParsedFile) -> FileOutcome:
        key = self._unit_key(item) if not item.failed else None
        if not isinstance(key, tuple):
            reason = key or item.reason or "无法确定单位或年度"
            self.plan.files.append((item.source, item.content_hash, Outcome.FAILED, reason, None))
            return FileOutcome(item.source, Outcome.FAILED, item.unit, item.year, reason=reason)
        unit_id = self._unit_id(key, item.kind)
        base = {"unit": item.unit, "year": item.year, "template": item.report.template,
                "problems": _problem_counts(item.report)}  # fmt: skip
        hashes, top = self.versions.get((unit_id, item.year), (set(), 0))
        if item.content_hash in hashes:
            return FileOutcome(item.source, Outcome.UNCHANGED, **base)
        report_id, version = self.report_ids(), top + 1
        self.versions[(unit_id, item.year)] = (hashes | {item.content_hash}, version)
        self.plan.reports.append(_report_row(item, report_id, unit_id, version))
        self.plan.stored.append(item)
        outcome = Outcome.STORED if version == 1 else Outcome.NEW_VERSION
        self.plan.files.append((item.source, item.content_hash, outcome, None, report_id))
        return FileOutcome(item.source, outcome, report_id=report_id, version=version, **base)

    def _unit_key(self, item: ParsedFile) -> tuple[str, str] | str:
        """(name, district); without a district, the one district that already has this unit name.
        A reason (str) when the name is in several districts."""
        if item.district:
            return (item.unit, item.district)
        known = sorted(self.districts.get(item.unit, ()))
        if len(known) > 1:
            return f"单位“{item.unit}”在多个区县都有（{'、'.join(known)}），请用 --district 指定区县"
        return (item.unit, known[0] if known else "")

    def _unit_id(self, key: tuple[str, str], kind: str | None) -> int:
        if key not in self.units:
            self.units[key] = (self.unit_ids(), kind)
            self.districts.setdefault(key[0], set()).add(key[1])
            self.plan.units.append((self.units[key][0], key[0], key[1], kind))
        elif kind and self.units[key][1] is None:
            self.units[key] = (self.units[key][0], kind)
            self.plan.kinds[self.units[key][0]] = kind
        return self.units[key][0]


def _problem_counts(report: Report) -> dict[str, int]:
    counts = {str(s): 0 for s in Severity}
    for p in report.problems:
        counts[str(p.severity)] = counts.get(str(p.severity), 0) + 1
    return counts


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _report_row(item: ParsedFile, report_id: int, unit_id: int, version: int) -> dict[str, Any]:
    period = item.report.period
    return {
        "report_id": report_id,
        "unit_id": unit_id,
        "year": item.year,
        "template": item.report.template,
        "period_start": _iso_date(period.start) if period else None,
        "period_end": _iso_date(period.end) if period else None,
        "source": item.source,
        "format": item.format or Path(item.source).suffix.lstrip(".").lower() or "txt",
        "content_hash": item.content_hash,
        "version": version,
        "published": _iso_date(item.report.published),
        "unit_printed": item.report.unit_printed,
        "deadline": item.deadline,
    }


def _write_plan(con: duckdb.DuckDBPyConnection, plan: _Plan, keep_originals: bool) -> bool:
    now = datetime.now().replace(microsecond=0)
    if plan.units:
        _insert(
            con,
            "units",
            pa.table(
                dict(zip(("unit_id", "name", "district", "kind"), zip(*plan.units, strict=True), strict=True))
            ),
        )
    for unit_id, kind in plan.kinds.items():
        con.execute("UPDATE units SET kind = ? WHERE unit_id = ?", [kind, unit_id])
    if plan.reports:
        _insert_reports(con, plan.reports, now)
        _insert(con, "cells", _cells_table(plan))
        _insert(con, "sections", _sections_table(plan))
        _insert(con, "problems", _problems_table(plan))
        if keep_originals:
            _insert_originals(con, plan.stored)
    new_files = _record_files(con, plan.files, now)
    return bool(plan.units or plan.kinds or plan.reports or new_files)


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    if data.num_rows == 0:
        return
    con.register("_batch", data)
    try:
        columns = ", ".join(data.column_names)
        # table and column names are ours, never input
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _batch")
    finally:
        con.unregister("_batch")


_REPORT_ROW = ("report_id", "unit_id", "year", "template", "period_start", "period_end", "source", "format",
               "content_hash", "version", "published", "unit_printed", "deadline")  # fmt: skip


def _insert_reports(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], now: datetime) -> None:
    frame = pa.Table.from_pylist(rows, schema=_REPORTS_SCHEMA)
    con.register("_new_reports", frame)
    try:
        con.execute(
            "UPDATE reports SET is_current = false FROM (SELECT DISTINCT unit_id, year FROM _new_reports) n "
            "WHERE reports.unit_id = n.unit_id AND reports.year = n.year"
        )
        con.execute(
            f"INSERT INTO reports ({', '.join(_REPORT_ROW)}, is_current, ingested_at) "
            f"SELECT {', '.join(_REPORT_ROW)}, version = max(version) OVER (PARTITION BY unit_id, year), ? "
            "FROM _new_reports",
            [now],
        )
    finally:
        con.unregister("_new_reports")


_REPORTS_SCHEMA = pa.schema(
    [("report_id", pa.int32()), ("unit_id", pa.int32()), ("year", pa.int32()), ("template", pa.string()),
     ("period_start", pa.date32()), ("period_end", pa.date32()), ("source", pa.string()), ("format", pa.string()),
     ("content_hash", pa.string()), ("version", pa.int32()), ("published", pa.date32()),
     ("unit_printed", pa.string()), ("deadline", pa.date32())]
)  # fmt: skip
_CELL_SCHEMA = pa.schema(
    [("report_id", pa.int32()), ("tbl", pa.string()), ("row_key", pa.string()), ("col_key", pa.string()),
     ("value", pa.float64()), ("state", pa.string())]
)  # fmt: skip


def _cells_table(plan: _Plan) -> pa.Table:
    """Every cell of the batch's reports as columns (the hot loop of a big ingest: kept flat)."""
    rids: list[int] = []
    rows: list[CellRow] = []
    for entry, item in zip(plan.reports, plan.stored, strict=True):
        cells = item.cells if item.cells is not None else flatten_cells(item.report)
        rids.extend(repeat(entry["report_id"], len(cells)))
        rows.extend(cells)
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(5)]
    return pa.table([rids, *columns], schema=_CELL_SCHEMA)


def _sections_table(plan: _Plan) -> pa.Table:
    rows = [
        {"report_id": r["report_id"], "no": s.no, "title": s.title, "text": s.text}
        for r, item in zip(plan.reports, plan.stored, strict=True)
        for s in item.report.sections
    ]
    return pa.Table.from_pylist(rows) if rows else pa.table({"report_id": []})


def _problems_table(plan: _Plan) -> pa.Table:
    rows = [
        {
            "report_id": r["report_id"],
            "code": p.code,
            "severity": str(p.severity),
            "message": p.message,
            "location": p.where,
        }
        for r, item in zip(plan.reports, plan.stored, strict=True)
        for p in item.report.problems
    ]
    return pa.Table.from_pylist(rows) if rows else pa.table({"report_id": []})


def _insert_originals(con: duckdb.DuckDBPyConnection, stored: list[ParsedFile]) -> None:
    unique = {i.content_hash: i.data for i in stored if i.data is not None}
    if not unique:
        return
    con.register("_originals", pa.table({"content_hash": list(unique), "data": list(unique.values())}))
    try:
        con.execute(
            "INSERT INTO originals SELECT content_hash, data FROM _originals "
            "WHERE content_hash NOT IN (SELECT content_hash FROM originals)"
        )
    finally:
        con.unregister("_originals")


def _record_files(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple[str, str | None, str, str | None, int | None]],
    now: datetime,
) -> int:
    """The ingest log: one row per distinct (file, content, outcome, reason). Offering the same file again
    adds nothing; a file that is finally stored clears its earlier failures."""
    if not rows:
        return 0
    names = ("source", "content_hash", "outcome", "reason", "report_id")
    data = {"ord": list(range(len(rows))), **dict(zip(names, zip(*rows, strict=True), strict=True))}
    con.register("_files", pa.table(data))
    try:
        con.execute(
            "DELETE FROM files f USING _files n WHERE f.outcome = 'failed' AND n.outcome <> 'failed' "
            "AND f.source = n.source AND f.content_hash IS NOT DISTINCT FROM n.content_hash"
        )
        return con.execute(
            "INSERT INTO files (source, content_hash, outcome, reason, report_id, ingested_at) "
            "SELECT source, content_hash, outcome, reason, report_id, ? FROM ("
            "SELECT DISTINCT ON (source, content_hash, outcome, reason) * FROM _files n "
            "WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.source = n.source "
            "AND f.content_hash IS NOT DISTINCT FROM n.content_hash AND f.outcome = n.outcome "
            "AND f.reason IS NOT DISTINCT FROM n.reason) ORDER BY ord) ORDER BY ord",
            [now],
        ).fetchall()[0][0]
    finally:
        con.unregister("_files")


# ---------------------------------------------------------------- findings (written by the checks)

# the findings table of schema.sql, in column order
FINDING_COLUMNS = (
    "report_id",
    "unit_id",
    "year",
    "check_id",
    "severity",
    "status",
    "tbl",
    "row_key",
    "col_key",
    "section_no",
    "expected",
    "actual",
    "message",
)


def replace_findings(
    con: duckdb.DuckDBPyConnection, findings: Iterable[tuple[int | None, int, Finding]] | pd.DataFrame
) -> int:
    """Replace every stored finding. Rows are (report_id or None, unit_id, Finding), or a DataFrame with the
    columns of the `findings` table."""
    frame = findings if isinstance(findings, pd.DataFrame) else _findings_frame(findings)
    con.execute("DELETE FROM findings")
    if len(frame):
        _insert(con, "findings", pa.Table.from_pandas(frame[list(FINDING_COLUMNS)], preserve_index=False))
    return len(frame)


def _findings_frame(rows: Iterable[tuple[int | None, int, Finding]]) -> pd.DataFrame:
    records = [
        (
            rid,
            uid,
            f.year,
            f.check,
            str(f.severity),
            str(f.status),
            f.table,
            f.row,
            f.column,
            f.section,
            None if f.expected is None else float(f.expected),
            None if f.actual is None else float(f.actual),
            f.message,
        )
        for rid, uid, f in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=list(FINDING_COLUMNS))
    return frame.astype(
        {"report_id": "Int64", "section_no": "Int64", "expected": "Float64", "actual": "Float64"}
    )


# ---------------------------------------------------------------- readers

_REPORT_COLUMNS = (
    "r.report_id, r.unit_id, u.name AS unit, u.district, u.kind, r.year, r.template, r.period_start, "
    "r.period_end, r.source, r.format, r.content_hash, r.version, r.is_current, r.ingested_at"
)
_LATER_COLUMNS = {"published": "DATE", "unit_printed": "VARCHAR"}  # absent from databases written before them


def _report_columns(con: duckdb.DuckDBPyConnection) -> str:
    """The report columns to select; a column an older (read-only) database lacks reads as NULL."""
    have = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND table_name = 'reports'"
        ).fetchall()
    }
    later = (f"r.{c}" if c in have else f"NULL::{t} AS {c}" for c, t in _LATER_COLUMNS.items())
    return ", ".join([_REPORT_COLUMNS, *later])


def _where(
    current_only: bool, report_ids: Sequence[int] | None, extra: Sequence[tuple[str, Any]] = ()
) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if current_only:
        clauses.append("r.is_current")
    if report_ids is not None:
        clauses.append("list_contains(?, r.report_id)")
        params.append([int(i) for i in report_ids])
    for clause, value in extra:
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def load_reports(con: duckdb.DuckDBPyConnection, current_only: bool = True) -> pd.DataFrame:
    where, params = _where(current_only, None)
    return con.execute(
        f"SELECT {_report_columns(con)} FROM reports r JOIN units u USING (unit_id){where} "
        "ORDER BY u.district, u.name, r.year, r.version",
        params,
    ).df()


def load_cells(
    con: duckdb.DuckDBPyConnection,
    tbl: str | None = None,
    *,
    current_only: bool = True,
    report_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Cells in long form with their report's unit and year."""
    where, params = _where(current_only, report_ids, [("c.tbl = ?", tbl)])
    return con.execute(
        "SELECT c.report_id, r.unit_id, u.name AS unit, u.district, u.kind, r.year, r.template, "
        "c.tbl, c.row_key, c.col_key, c.value, c.state "
        f"FROM cells c JOIN reports r USING (report_id) JOIN units u USING (unit_id){where} "
        "ORDER BY c.report_id, c.tbl, c.row_key, c.col_key",
        params,
    ).df()


def load_sections(
    con: duckdb.DuckDBPyConnection, *, current_only: bool = True, report_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    where, params = _where(current_only, report_ids)
    return con.execute(
        "SELECT s.report_id, r.unit_id, u.name AS unit, u.district, r.year, s.no, s.title, s.text "
        f"FROM sections s JOIN reports r USING (report_id) JOIN units u USING (unit_id){where} "
        "ORDER BY s.report_id, s.no",
        params,
    ).df()


def load_problems(
    con: duckdb.DuckDBPyConnection, *, current_only: bool = True, report_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    where, params = _where(current_only, report_ids)
    return con.execute(
        "SELECT p.report_id, u.name AS unit, r.year, p.code, p.severity, p.message, p.location "
        f"FROM problems p JOIN reports r USING (report_id) JOIN units u USING (unit_id){where} "
        "ORDER BY p.report_id",
        params,
    ).df()


def load_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT unit_id, name, district, kind FROM units ORDER BY district, name").df()


def load_stock(
    con: duckdb.DuckDBPyConnection, wanted: Sequence[tuple[str, str, int]]
) -> dict[tuple[str, str, int, str], dict[str, float]]:
    """(unit name, district, year, row) -> {column: value} of the stock rows of table 二 (regulations,
    normative documents) in the current reports of the given units and years; only cells holding a number."""
    if not wanted:
        return {}
    pairs = pd.DataFrame(wanted, columns=["name", "district", "year"])
    con.register("_wanted_stock", pairs)
    try:
        rows = con.execute(
            "SELECT u.name, u.district, r.year, c.row_key, c.col_key, c.value FROM _wanted_stock w "
            "JOIN units u ON u.name = w.name AND u.district = w.district "
            "JOIN reports r ON r.unit_id = u.unit_id AND r.year = w.year "
            "JOIN cells c ON c.report_id = r.report_id "
            "WHERE r.is_current AND c.tbl = 'active' AND c.state = 'number' "
            "AND c.row_key IN ('regulations', 'normative_documents')"
        ).fetchall()
    finally:
        con.unregister("_wanted_stock")
    out: dict[tuple[str, str, int, str], dict[str, float]] = {}
    for name, district, year, row, col, value in rows:
        out.setdefault((name, district, year, row), {})[col] = value
    return out


def load_findings(con: duckdb.DuckDBPyConnection, report_id: int | None = None) -> pd.DataFrame:
    where, params = ("WHERE f.report_id = ?", [report_id]) if report_id is not None else ("", [])
    return con.execute(
        "SELECT f.*, u.name AS unit, u.district, u.kind FROM findings f JOIN units u USING (unit_id) "
        f"{where} ORDER BY u.district, u.name, f.year, f.check_id",
        params,
    ).df()


def load_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM files ORDER BY file_id").df()


@dataclass
class ReportDetail:
    info: dict[str, Any]  # the report's row of load_reports
    report: Report  # rebuilt from the stored rows
    findings: pd.DataFrame


def report_detail(con: duckdb.DuckDBPyConnection, report_id: int) -> ReportDetail | None:
    where, params = _where(False, [report_id])
    rows = con.execute(
        f"SELECT {_report_columns(con)} FROM reports r JOIN units u USING (unit_id){where}", params
    ).df()
    if rows.empty:
        return None
    info = rows.iloc[0].to_dict()
    return ReportDetail(info, _rebuild_report(con, info), load_findings(con, report_id))


def _rebuild_report(con: duckdb.DuckDBPyConnection, info: dict[str, Any]) -> Report:
    rid = int(info["report_id"])
    start, end = info["period_start"], info["period_end"]
    report = Report(
        source=info["source"],
        unit=info["unit"],
        year=int(info["year"]),
        template=info["template"] if isinstance(info["template"], str) else None,
        period=Period(pd.Timestamp(start).date().isoformat(), pd.Timestamp(end).date().isoformat())
        if not (pd.isna(start) or pd.isna(end))
        else None,
        published=None if pd.isna(info["published"]) else pd.Timestamp(info["published"]).date().isoformat(),
        unit_printed=info["unit_printed"] if isinstance(info["unit_printed"], str) else None,
    )
    for tbl, row_key, col_key, value, state in con.execute(
        "SELECT tbl, row_key, col_key, value, state FROM cells WHERE report_id = ? ORDER BY rowid", [rid]
    ).fetchall():
        number = int(value) if value is not None and float(value).is_integer() else value
        report.tables.setdefault(tbl, {}).setdefault(row_key, {})[col_key] = Cell(CellState(state), number)
    report.sections = [
        Section(*r)
        for r in con.execute(
            "SELECT no, title, text FROM sections WHERE report_id = ? ORDER BY no, rowid", [rid]
        ).fetchall()
    ]
    report.problems = [
        Problem(c, Severity(s), m, w)
        for c, s, m, w in con.execute(
            "SELECT code, severity, message, location FROM problems WHERE report_id = ? ORDER BY rowid", [rid]
        ).fetchall()
    ]
    return report


def original_file(con: duckdb.DuckDBPyConnection, report_id: int) -> tuple[str, bytes] | None:
    rows = con.execute(
        "SELECT r.source, o.data FROM reports r JOIN originals o USING (content_hash) WHERE r.report_id = ?",
        [report_id],
    ).fetchall()
    return (rows[0][0], bytes(rows[0][1])) if rows else None
