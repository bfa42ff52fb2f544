"""The table `report_figures` (derived/figures.py says what it holds): built in SQL from the cells and
findings inside every ingest's write; `select_sql()` is the same query, for a database written before the
table existed."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from ..checks import BY_ID
from ..derived.figures import KEY_PATTERN, MEASURES, TABLE
from ..labels import STATE_CHECKS
from .connection import has_table
from .scope import district_reports


def _lit(text: str) -> str:
    """A SQL string literal of a constant from form.py or the check registry (never user input)."""
    return "'" + text.replace("'", "''") + "'"


def _values(rows: list[tuple[str, ...]]) -> str:
    return ", ".join("(" + ", ".join(_lit(v) for v in row) + ")" for row in rows)


def _pivot() -> str:
    names = dict.fromkeys(m for *_, m in MEASURES)
    assert all(KEY_PATTERN.match(n) for n in names)  # identifiers come from form.py keys
    cols = [f"sum(v) FILTER (WHERE measure = {_lit(n)}) AS {n}" for n in names if not n.startswith("other_")]
    cols.append("coalesce(sum(v) FILTER (WHERE measure = 'other_sub'), "
                "sum(v) FILTER (WHERE measure = 'other_single')) AS other")  # 2021: three sub-rows; 2019: one
    return ", ".join(cols)


def select_sql(only: str = "") -> str:
    """The figures of every current report, computed from reports, units, cells and findings; `only` names a
    table of report ids to limit them to (a chunk of districts)."""
    keep = f" AND r.report_id IN (SELECT report_id FROM {only})" if only else ""
    keep_f = f" AND report_id IN (SELECT report_id FROM {only})" if only else ""
    titles = _values([(cid, spec.title_zh) for cid, spec in BY_ID.items()])
    return f"""
    WITH m(tbl, row_key, col_key, measure) AS (VALUES {_values(MEASURES)}),
    per_measure AS (
        SELECT c.report_id, m.measure, sum(c.value) AS v
        FROM cells c JOIN m ON c.tbl = m.tbl AND c.row_key = m.row_key AND c.col_key = m.col_key
        JOIN reports r ON r.report_id = c.report_id
        WHERE c.state = 'number' AND r.is_current{keep} GROUP BY ALL),
    figures AS (SELECT report_id, {_pivot()} FROM per_measure GROUP BY report_id),
    t(check_id, title) AS (VALUES {titles}),
    flagged AS (
        SELECT x.report_id, bool_or(x.any_error) AS any_error,
               string_agg(coalesce(t.title, x.check_id), '、' ORDER BY x.check_id) AS flag_titles
        FROM (SELECT report_id, check_id, bool_or(severity = 'error') AS any_error FROM findings
              WHERE report_id IS NOT NULL AND status = 'failed' AND severity IN ('error', 'warning'){keep_f}
              GROUP BY ALL) x LEFT JOIN t USING (check_id)
        GROUP BY x.report_id),
    counts AS (
        SELECT report_id,
               bool_or(status = 'failed' AND check_id = {_lit(STATE_CHECKS['blank'])}) AS blank,
               bool_or(status = 'failed' AND check_id = {_lit(STATE_CHECKS['all_zero'])}) AS all_zero,
               count(*) FILTER (WHERE status = 'failed' AND severity = 'error') AS errors,
               count(*) FILTER (WHERE status = 'failed' AND severity = 'warning') AS warnings,
               count(*) FILTER (WHERE status = 'failed' AND severity = 'info') AS infos,
               count(*) FILTER (WHERE status = 'not_evaluated') AS not_evaluated
        FROM findings WHERE report_id IS NOT NULL{keep_f} GROUP BY report_id)
    SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year, r.template,
           f.* EXCLUDE (report_id),
           coalesce(k.blank, FALSE) AS blank, coalesce(k.all_zero, FALSE) AS all_zero,
           coalesce(k.errors, 0)::INTEGER AS errors, coalesce(k.warnings, 0)::INTEGER AS warnings,
           coalesce(k.infos, 0)::INTEGER AS infos, coalesce(k.not_evaluated, 0)::INTEGER AS not_evaluated,
           CASE WHEN g.any_error THEN 'error' WHEN g.report_id IS NOT NULL THEN 'warning' END AS flag,
           coalesce(g.flag_titles, '') AS flag_titles
    FROM reports r JOIN units u USING (unit_id)
    LEFT JOIN figures f USING (report_id) LEFT JOIN counts k USING (report_id) LEFT JOIN flagged g USING (report_id)
    WHERE r.is_current{keep}
    ORDER BY u.district, r.year, u.name"""


def write_figures(con: duckdb.DuckDBPyConnection, districts: Sequence[str] | None = None) -> None:
    """(Re)build `report_figures` from the database's cells and findings (inside the ingest's write): the whole
    table, or only the rows of the given districts (the rest cannot have changed)."""
    if districts is None or not has_figures(con):
        con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS {select_sql()}")
        return
    con.execute(f"DELETE FROM {TABLE} WHERE list_contains(?, district)", [list(districts)])
    con.register("_figure_reports", district_reports(con, districts))
    try:
        con.execute(f"INSERT INTO {TABLE} {select_sql('_figure_reports')}")
    finally:
        con.unregister("_figure_reports")


def has_figures(con: duckdb.DuckDBPyConnection) -> bool:
    return has_table(con, TABLE)


def source(con: duckdb.DuckDBPyConnection) -> str:
    """What to select the figures from: the materialized table, or the query itself on an older database."""
    return TABLE if has_figures(con) else f"({select_sql()})"
