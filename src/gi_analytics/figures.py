"""Per-report figures materialized at ingest: the table `report_figures`, one wide row per current report.

The dashboard's questions are "sum these figures over a selection": with the figures of each report already
in one row, every analytics query is a filtered scan and a GROUP BY instead of a join over the long `cells`
table (7 M rows for 10,000 units × 7 years). `write_figures(con)` runs inside every ingest's write
(importer._derive), after the checks, so the table always matches the cells and findings it was made from.
`select_sql()` is the same query, for a database written before this table existed.

Columns: report_id, unit_id, unit, district, year, template; the counts of COUNT_COLUMNS (NULL where the
report has no number for them); new_<type> (new requests per applicant type); reason_<row> (requests per
denial/unavailable reason); blank, all_zero (findings of those checks); errors, warnings, infos (failed
findings by severity), not_evaluated; flag ('error' | 'warning' | NULL) and flag_titles (the Chinese titles
of its failed error/warning checks, "、"-joined).
"""

from __future__ import annotations

import re

import duckdb

from . import form
from .checks import BY_ID

TABLE = "report_figures"
REASON_GROUPS = ("denied", "unavailable")
REASON_ROWS = tuple(k for k, g in form.ROW_GROUP.items() if g in REASON_GROUPS)
APPLICANT_TYPES = form.REQUEST_COLUMN_PARTS
_KEY = re.compile(r"^[a-z0-9_.]+$")


def _measures() -> list[tuple[str, str, str, str]]:
    """(tbl, row_key, col_key, measure): which cells add up to which figure of a report (keys from form.py)."""
    out = [("requests", row, "total", name) for row, name in (
        ("new_received", "new_received"), ("carried_over", "carried_over"), ("total_processed", "processed"),
        ("carried_forward", "carried_forward"))]
    out += [("requests", row, "total", "other_single" if row == "other" else
             "other_sub" if group == "other" else group) for row, group in form.ROW_GROUP.items()]
    out += [("requests", "new_received", col, f"new_{col}") for col in APPLICANT_TYPES]
    out += [("requests", row, "total", f"reason_{row}") for row in REASON_ROWS]
    for proc in form.APPEAL_PROCEEDINGS:
        name = "review" if proc == "review" else "litigation"
        out += [("appeals", proc, "total", name), ("appeals", proc, "corrected", f"{name}_corrected"),
                ("appeals", proc, "pending", f"{name}_pending")]
    return out


MEASURES = _measures()
COUNT_COLUMNS = (
    "new_received", "carried_over", "processed", "carried_forward",
    "review", "review_corrected", "review_pending", "litigation", "litigation_corrected", "litigation_pending",
    *form.OUTCOME_GROUPS,
)
TYPE_COLUMNS = tuple(f"new_{c}" for c in APPLICANT_TYPES)
REASON_COLUMNS = tuple(f"reason_{r}" for r in REASON_ROWS)


def _lit(text: str) -> str:
    """A SQL string literal of a constant from form.py or the check registry (never user input)."""
    return "'" + text.replace("'", "''") + "'"


def _values(rows: list[tuple[str, ...]]) -> str:
    return ", ".join("(" + ", ".join(_lit(v) for v in row) + ")" for row in rows)


def _pivot() -> str:
    names = dict.fromkeys(m for *_, m in MEASURES)
    assert all(_KEY.match(n) for n in names)  # identifiers come from form.py keys
    cols = [f"sum(v) FILTER (WHERE measure = {_lit(n)}) AS {n}" for n in names if not n.startswith("other_")]
    cols.append("coalesce(sum(v) FILTER (WHERE measure = 'other_sub'), "
                "sum(v) FILTER (WHERE measure = 'other_single')) AS other")  # 2021: three sub-rows; 2019: one
    return ", ".join(cols)


def select_sql() -> str:
    """The figures of every current report, computed from reports, units, cells and findings."""
    titles = _values([(cid, spec.title_zh) for cid, spec in BY_ID.items()])
    return f"""
    WITH m(tbl, row_key, col_key, measure) AS (VALUES {_values(MEASURES)}),
    per_measure AS (
        SELECT c.report_id, m.measure, sum(c.value) AS v
        FROM cells c JOIN m ON c.tbl = m.tbl AND c.row_key = m.row_key AND c.col_key = m.col_key
        JOIN reports r ON r.report_id = c.report_id
        WHERE c.state = 'number' AND r.is_current GROUP BY ALL),
    figures AS (SELECT report_id, {_pivot()} FROM per_measure GROUP BY report_id),
    t(check_id, title) AS (VALUES {titles}),
    flagged AS (
        SELECT x.report_id, bool_or(x.any_error) AS any_error,
               string_agg(coalesce(t.title, x.check_id), '、' ORDER BY x.check_id) AS flag_titles
        FROM (SELECT report_id, check_id, bool_or(severity = 'error') AS any_error FROM findings
              WHERE report_id IS NOT NULL AND status = 'failed' AND severity IN ('error', 'warning')
              GROUP BY ALL) x LEFT JOIN t USING (check_id)
        GROUP BY x.report_id),
    counts AS (
        SELECT report_id,
               bool_or(status = 'failed' AND check_id = 'report.blank_tables') AS blank,
               bool_or(status = 'failed' AND check_id = 'report.all_zero') AS all_zero,
               count(*) FILTER (WHERE status = 'failed' AND severity = 'error') AS errors,
               count(*) FILTER (WHERE status = 'failed' AND severity = 'warning') AS warnings,
               count(*) FILTER (WHERE status = 'failed' AND severity = 'info') AS infos,
               count(*) FILTER (WHERE status = 'not_evaluated') AS not_evaluated
        FROM findings WHERE report_id IS NOT NULL GROUP BY report_id)
    SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year, r.template,
           f.* EXCLUDE (report_id),
           coalesce(k.blank, FALSE) AS blank, coalesce(k.all_zero, FALSE) AS all_zero,
           coalesce(k.errors, 0)::INTEGER AS errors, coalesce(k.warnings, 0)::INTEGER AS warnings,
           coalesce(k.infos, 0)::INTEGER AS infos, coalesce(k.not_evaluated, 0)::INTEGER AS not_evaluated,
           CASE WHEN g.any_error THEN 'error' WHEN g.report_id IS NOT NULL THEN 'warning' END AS flag,
           coalesce(g.flag_titles, '') AS flag_titles
    FROM reports r JOIN units u USING (unit_id)
    LEFT JOIN figures f USING (report_id) LEFT JOIN counts k USING (report_id) LEFT JOIN flagged g USING (report_id)
    WHERE r.is_current
    ORDER BY u.district, r.year, u.name"""


def write_figures(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build `report_figures` from the database's cells and findings (inside the ingest's write)."""
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS {select_sql()}")


def has_figures(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database()",
                       [TABLE]).fetchall()
    return bool(rows)


def source(con: duckdb.DuckDBPyConnection) -> str:
    """What to select the figures from: the materialized table, or the query itself on an older database."""
    return TABLE if has_figures(con) else f"({select_sql()})"
