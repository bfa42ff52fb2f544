"""Reading the stored reports back: frames of reports, cells, sections, problems, units, files; one report."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from ..checks.frames import CheckInput
from ..model import Cell, CellState, Period, Problem, Report, Section, Severity
from .connection import read_connection
from .findings import load_findings
from .records import StoreError
from .scope import district_reports

T = TypeVar("T")

_REPORT_COLUMNS = (
    "r.report_id, r.unit_id, u.name AS unit, u.district, u.kind, r.year, r.template, r.period_start, "
    "r.period_end, r.source, r.format, r.content_hash, r.version, r.is_current, r.ingested_at"
)
_LATER_COLUMNS = {"published": "DATE", "unit_printed": "VARCHAR"}  # absent from databases written before them


def _reports_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND table_name = 'reports'"
        ).fetchall()
    }


def _report_columns(con: duckdb.DuckDBPyConnection) -> str:
    """The report columns to select; a column an older (read-only) database lacks reads as NULL."""
    have = _reports_columns(con)
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


def load_stock(
    con: duckdb.DuckDBPyConnection, wanted: Sequence[tuple[str, str, int]]
) -> dict[tuple[str, str, int, str], dict[str, float]]:
    """(unit name, district, year, row) -> {column: value} of the stock rows of table 二 (regulations,
    normative documents) in the current reports of the given units and years; only cells holding a number."""
    if not wanted:
        return {}
    con.register("_wanted_stock", pd.DataFrame(wanted, columns=["name", "district", "year"]))
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


def if_readable(path: str | os.PathLike[str], query: Callable[[duckdb.DuckDBPyConnection], T], empty: T) -> T:
    """`query` on the database at `path`, or `empty` when there is none or it cannot be read: for what ingest
    looks up before it writes (the write that follows reports a damaged file)."""
    if not Path(path).exists():
        return empty
    try:
        with read_connection(path) as con:
            return query(con)
    except (StoreError, duckdb.Error):
        return empty


def load_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT unit_id, name, district, kind FROM units ORDER BY district, name").df()


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


def _timeliness_columns(con: duckdb.DuckDBPyConnection) -> str:
    """published, deadline and the unit's kind; a column an older (read-only) database lacks reads as NULL."""
    have = _reports_columns(con)
    cols = (f"r.{c}" if c in have else f"NULL::DATE AS {c}" for c in ("published", "deadline"))
    return ", ".join([*cols, "u.kind"])


def check_input(con: duckdb.DuckDBPyConnection, districts: Sequence[str] | None = None) -> CheckInput:
    """The current reports and everything attached to them, as check frames: of the whole database, or only
    of the given districts (what one chunk of an ingest's derive step reads; scope.py)."""
    if districts is None:
        return _check_input(con, "WHERE r.is_current", "", [])
    ids = district_reports(con, districts)
    con.register("_chunk_reports", ids)
    try:
        return _check_input(con, "WHERE r.is_current AND list_contains(?, u.district)",
                            "JOIN _chunk_reports USING (report_id)", [list(districts)])
    finally:
        con.unregister("_chunk_reports")


def _check_input(con: duckdb.DuckDBPyConnection, where: str, chunk: str, params: list[Any]) -> CheckInput:
    cur = f"{chunk} JOIN reports r USING (report_id) WHERE r.is_current"
    reports = con.execute(
        "SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year, r.template, "
        "CAST(r.period_start AS VARCHAR) AS period_start, CAST(r.period_end AS VARCHAR) AS period_end, "
        f"{_timeliness_columns(con)} "
        f"FROM reports r JOIN units u USING (unit_id) {where} ORDER BY r.report_id", params).df()
    # keys arrive as Arrow strings and become categories directly: 15 million cells never exist as Python strings
    cells = con.sql(f"SELECT c.report_id, c.tbl, c.row_key, c.col_key, c.value, c.state FROM cells c {cur}"
                    ).to_arrow_table().to_pandas(strings_to_categorical=True)
    sections = con.execute(f"SELECT s.report_id, s.no, s.title, s.text FROM sections s {cur} "
                           "ORDER BY s.report_id, s.no, s.rowid").df()
    problems = con.execute(f"SELECT p.report_id, p.code, p.severity, p.message, p.location FROM problems p {cur}"
                           ).df()
    unit_where = "" if not params else "WHERE list_contains(?, district)"
    units = con.execute(f"SELECT unit_id, name, district FROM units {unit_where} ORDER BY unit_id", params).df()
    return CheckInput(reports.astype({"year": "Int64"}), cells, sections, problems, units)
