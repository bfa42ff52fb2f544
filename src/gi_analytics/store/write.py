"""Writing a batch of parsed files: units, versions, reports, cells, sections, problems, originals, files.

Planned in Python and written with a few bulk Arrow inserts, CHUNK_FILES files at a time, inside one
copy-on-write transaction (connection.write_connection). Parameterized SQL only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..model import Report, Severity
from .connection import write_connection
from .records import BatchResult, CellRow, FileOutcome, Outcome, ParsedFile, StoreError, flatten_cells
from .reviews import carry_over
from .scope import record_touched

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
    batch changed something, so readers never see reports without their findings; the units the batch wrote
    are recorded for it (scope.touched_districts)."""
    try:
        with write_connection(path, rebuild=rebuild) as txn:
            if rebuild:  # the supervisor's reviews outlive the database they were made in (before BEGIN: a
                carry_over(txn.con, path)  # damaged old file only fails its ATTACH, not the batch)
            txn.con.execute("BEGIN")
            outcomes, changed, touched = _apply(txn.con, files, keep_originals)
            txn.changed = txn.changed or changed
            record_touched(txn.con, touched)
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
) -> tuple[list[FileOutcome], bool, set[int]]:
    """Plan and write the batch CHUNK_FILES files at a time (committed to the copy chunk by chunk), so memory stays flat
    however many files a batch has: parsed files are consumed as they arrive and dropped once written.
    Also returns the ids of the units given a report or a kind."""
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
            _flush(con)
    outcomes += [planner.add(f) for f in chunk]
    changed |= _write_plan(con, planner.take_plan(), keep_originals)
    planner.close()
    return outcomes, changed, planner.touched


def _flush(con: duckdb.DuckDBPyConnection) -> None:
    """Commit what the batch wrote so far to the copy being written: DuckDB keeps an open transaction's appends
    in memory (60 MB per 1,000 reports), so a national batch in one transaction grew without bound. Readers
    still see the whole batch or nothing: they only ever open the file the copy replaces at the end."""
    con.execute("COMMIT")
    con.execute("BEGIN")


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
        self.touched: set[int] = set()  # units given a report or a kind by this batch

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
        self.touched.add(unit_id)
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
            self.touched.add(self.units[key][0])
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
        insert_arrow(
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
        insert_arrow(con, "cells", _cells_table(plan))
        insert_arrow(con, "sections", _sections_table(plan))
        insert_arrow(con, "problems", _problems_table(plan))
        if keep_originals:
            _insert_originals(con, plan.stored)
    new_files = _record_files(con, plan.files, now)
    return bool(plan.units or plan.kinds or plan.reports or new_files)


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
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

