"""One report for the report page, and the findings of a selection (dashboard) or of the check command."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .connection import read_connection
from .reviews import FINDING_ID, has_reviews, review_columns
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
    sql = f"""SELECT check_id, severity, status, tbl, row_key, col_key, section_no, expected, actual, message
             FROM findings WHERE report_id = ? ORDER BY {_BY_SEVERITY.format("")}"""
    return frame(path, sql, [report_id])


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
    """Failed and not-evaluated findings of the selection with the unit's name, errors first."""
    cond, params = where(f, FINDINGS, template=False)
    if severities:
        cond += " AND list_contains(?::VARCHAR[], x.severity)"
        params.append(list(severities))
    if checks:
        cond += " AND list_contains(?::VARCHAR[], x.check_id)"
        params.append(list(checks))
    sql = f"""SELECT x.report_id, u.name AS unit, x.year, x.check_id, x.severity, x.status, x.tbl, x.row_key,
                     x.col_key, x.section_no, x.expected, x.actual, x.message
              FROM findings x JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = x.report_id
              WHERE {cond}
              ORDER BY {_BY_SEVERITY.format("x.")}, u.name, x.year"""
    return frame(path, sql, params)


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
