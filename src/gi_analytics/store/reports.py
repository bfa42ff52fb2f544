"""One report for the report page, and the findings of a selection (dashboard) or of the check command."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from .connection import read_connection
from .fetch import query_frame
from .reviews import FINDING_ID, finding_id_sql, has_reviews, review_columns
from .selection import FINDINGS, Filters, frame, row, where

_BY_SEVERITY = "CASE {0}severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"


def report_header(path: str, report_id: int) -> pd.DataFrame:
    # r.*: `published` and `unit_printed` where the database has them (older ones do not)
    sql = """SELECT r.*, u.name AS unit, u.district
             FROM reports r JOIN units u USING (unit_id) WHERE r.report_id = ?"""
    return frame(path, sql, [report_id])


def report_versions(path: str, report_id: int) -> pd.DataFrame:
    sql = """SELECT v.report_id, v.version, v.is_current, v.source, v.format, v.ingested_at
             FROM reports r JOIN reports v ON v.unit_id = r.unit_id AND v.year = r.year
             WHERE r.report_id = ? ORDER BY v.version DESC"""
    return frame(path, sql, [report_id])


def report_cells(path: str, report_id: int) -> pd.DataFrame:
    sql = "SELECT tbl, row_key, col_key, value, state FROM cells WHERE report_id = ?"
    return frame(path, sql, [report_id])


def report_sections(path: str, report_id: int) -> pd.DataFrame:
    return frame(path, "SELECT no, title, text FROM sections WHERE report_id = ? ORDER BY no", [report_id])


def report_finding_rows(path: str, report_id: int) -> pd.DataFrame:
    """A report's findings with their id and review state."""
    sql = f"""SELECT {{finding_id}} AS finding_id, u.name AS unit, f.year, f.check_id, f.severity, f.status, f.tbl,
                     f.row_key, f.col_key, f.section_no, f.expected, f.actual, f.message, {{review}}
             FROM findings f JOIN units u USING (unit_id) {{join}}
             WHERE f.report_id = ? ORDER BY f.status <> 'failed', {_BY_SEVERITY.format("f.")}, f.check_id, f.tbl,
                   f.row_key, f.col_key, f.section_no"""  # failed first, then a stable order
    return _reviewed(path, sql, [report_id], "f")


def _reviewed(path: str, sql: str, params: Sequence[object], alias: str) -> pd.DataFrame:
    """Run `sql` with its {finding_id}, {review} and {join} filled in for findings `alias` and units `u`."""
    with read_connection(path) as con:
        return _reviewed_on(con, sql, params, alias, has_reviews(con))


def _reviewed_on(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object], alias: str,
                 reviewed: bool) -> pd.DataFrame:
    select, join = review_columns(reviewed, alias)
    return query_frame(con, sql.format(finding_id=finding_id_sql(alias), review=select, join=join), params)


def stored_original(path: str, report_id: int) -> tuple[str, bytes] | None:
    """The file as received (name, bytes), or None when it was not kept."""
    sql = """SELECT r.source, o.data FROM reports r JOIN originals o USING (content_hash) WHERE r.report_id = ?"""
    found = row(path, sql, [report_id])
    return (found[0], bytes(found[1])) if found else None


def find_report(path: str, unit: str, year: int, district: str | None = None) -> int | None:
    """The current report id of a unit and year (for links by name, which survive a rebuild)."""
    sql = """SELECT r.report_id FROM reports r JOIN units u USING (unit_id)
             WHERE r.is_current AND u.name = ? AND r.year = ? AND (? IS NULL OR u.district = ?)
             ORDER BY r.report_id LIMIT 1"""
    found = row(path, sql, [unit, year, district, district])
    return int(found[0]) if found else None


def selection_findings(path: str, f: Filters, severities: Sequence[str] = (),
                       checks: Sequence[str] = ()) -> pd.DataFrame:
    """Failed and not-evaluated findings of the selection with the unit's name, id and review state, errors
    first."""
    cond, params = where(f, FINDINGS, template=False)
    if severities:
        cond += " AND list_contains(?::VARCHAR[], x.severity)"
        params.append(list(severities))
    if checks:
        cond += " AND list_contains(?::VARCHAR[], x.check_id)"
        params.append(list(checks))
    sql = f"""SELECT {{finding_id}} AS finding_id, x.report_id, u.name AS unit, u.district, x.year, x.check_id, x.severity,
                     x.status, x.tbl, x.row_key, x.col_key, x.section_no, x.expected, x.actual, x.message, {{review}}
              FROM findings x JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = x.report_id {{join}}
              WHERE {cond}
              ORDER BY {_BY_SEVERITY.format("x.")}, u.name, x.year, x.check_id, x.tbl, x.row_key, x.col_key,
                       x.section_no"""  # a stable order: selected rows are positions
    return _reviewed(path, sql, params, "x")


_CHECK_QUERY = """
SELECT {finding_id} AS id, f.report_id, f.check_id AS "check", f.severity, f.status, u.name AS unit, f.year,
       f.tbl AS "table", f.row_key AS "row", f.col_key AS "column", f.section_no AS section, f.expected, f.actual,
       f.message, {review}
FROM findings f JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = f.report_id {join}
WHERE (f.report_id IS NULL OR r.is_current) AND ($unit IS NULL OR u.name = $unit) AND ($year IS NULL OR f.year = $year)
  AND list_position(['error', 'warning', 'info'], f.severity) <= list_position(['error', 'warning', 'info'], $severity)
ORDER BY u.name, f.year, list_position(['error', 'warning', 'info'], f.severity), f.check_id
"""


def check_findings(db: Path, unit: str | None, year: int | None, severity: str) -> pd.DataFrame:
    """The stored findings the check command prints: of a unit and year, at least `severity`."""
    with read_connection(db) as con:
        select, join = review_columns(has_reviews(con))
        sql = _CHECK_QUERY.format(finding_id=FINDING_ID, review=select, join=join)
        return con.execute(sql, {"unit": unit, "year": year, "severity": severity}).df()


_REVIEWS = {"current": "TRUE", "district": "v.district", "unit": "v.unit", "year": "v.year", "template": ""}


def selection_reviews(path: str, f: Filters) -> pd.DataFrame:
    """The review state of every failed finding of the selection, and of every corrected one (已整改) that a newer
    version of its report no longer has (so not in `findings`): unit, year, check, severity, review_status."""
    cond, params = where(f, FINDINGS, template=False)
    sql = f"""SELECT {{finding_id}} AS finding_id, u.name AS unit, x.year, x.check_id, x.severity, {{review}}
              FROM findings x JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = x.report_id {{join}}
              WHERE {cond} AND x.status = 'failed'"""
    with read_connection(path) as con:
        if not has_reviews(con):
            return _reviewed_on(con, sql, params, "x", reviewed=False)
        gone, more = where(f, _REVIEWS, template=False)
        sql += f"""
              UNION ALL
              SELECT v.finding_id, v.unit, v.year, v.check_id, NULL, v.status, v.note, v.reviewer, v.reviewed_at
              FROM reviews v WHERE {gone} AND v.status = '已整改'
                AND v.finding_id NOT IN (SELECT {FINDING_ID} FROM findings f JOIN units u USING (unit_id))"""
        return _reviewed_on(con, sql + " ORDER BY unit, year, check_id", [*params, *more], "x", reviewed=True)
