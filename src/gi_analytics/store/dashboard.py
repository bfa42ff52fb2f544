"""The dashboard's selection queries: one filtered scan and GROUP BY of `report_figures` each (or of the
reports and findings for coverage). Frames come back as stored; analytics/ adds rates and labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..derived.figures import COUNT_COLUMNS, TYPE_COLUMNS
from ..labels import NOT_EVALUATED, by_pinyin, pinyin_column, pinyin_key
from .selection import FIGURES, FINDINGS, LC, REPORTS, RF, FilterOptions, Filters, frame, frames, where

_LINE = "CASE WHEN flag IS NOT NULL THEN unit || ' ' || year || '年：' || flag_titles ELSE '' END"


def _summary(limit: int = 4) -> str:
    """SQL aggregates: the worst flag and the flagged reports' lines (first `limit`, then the count)."""
    lines = f"list({_LINE} ORDER BY unit, year) FILTER (WHERE flag IS NOT NULL)"
    return f"""CASE WHEN bool_or(flag = 'error') THEN 'error' WHEN bool_or(flag = 'warning') THEN 'warning' END AS flag,
        coalesce(array_to_string({lines}[1:{limit}], '<br>')
                 || CASE WHEN len({lines}) > {limit} THEN '<br>等共' || len({lines}) || '份报告' ELSE '' END, '')
            AS flag_text"""


def _district_order(district: str) -> tuple[bool, str]:
    """Districts in pinyin order, 未填区县 ('') last."""
    return district == "", pinyin_key(district)


def filter_options(path: str) -> FilterOptions:
    units, years, templates = frames(path, [
        ("SELECT district, name FROM units", ()),  # (name, district) is unique
        ("SELECT DISTINCT year FROM reports ORDER BY 1", ()),
        ("SELECT DISTINCT template FROM reports WHERE template IS NOT NULL ORDER BY 1", ()),
    ])
    districts, by_district, all_units = _units_by_district(units)
    return FilterOptions(districts, by_district, tuple(int(y) for y in years["year"]),
                         tuple(templates["template"]), all_units)


def _units_by_district(units: pd.DataFrame) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Districts in `_district_order`, each with its unit names in pinyin order, and every name in that
    order: one sort of the names and one of the districts, the ranks found and the rows grouped with Arrow and
    numpy (a nation: 40,000 units in 1,600 districts)."""
    if units.empty:
        return (), {}, ()
    names, districts = pa.array(units["name"], type=pa.string()), pa.array(units["district"], type=pa.string())
    all_units = by_pinyin(names.to_pylist())
    order = sorted(set(districts.to_pylist()), key=_district_order)
    name_rank = pc.index_in(names, value_set=pa.array(all_units, type=pa.string())).to_numpy()
    district_rank = pc.index_in(districts, value_set=pa.array(order, type=pa.string())).to_numpy()
    ordered = pc.take(names, pa.array(np.lexsort((name_rank, district_rank)))).to_pylist()
    ends = np.cumsum(np.bincount(district_rank, minlength=len(order))).tolist()
    grouped = {d: tuple(ordered[lo:hi]) for d, lo, hi in zip(order, [0, *ends[:-1]], ends, strict=True)}
    return tuple(order), grouped, tuple(all_units)


def report_flags(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected report with failed error/warning findings: unit, year, flag, titles."""
    cond, params = where(f, FIGURES)
    sql = f"""SELECT report_id, unit, year, flag, flag_titles AS titles FROM {RF}
              WHERE {cond} AND flag IS NOT NULL ORDER BY unit, year"""
    return frame(path, sql, params)


def unit_year(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected current report: its key counts (NaN where blank), flag and flag line."""
    cond, params = where(f, FIGURES)
    counts = ", ".join(f"{c}::DOUBLE AS {c}" for c in COUNT_COLUMNS)
    sql = f"""SELECT report_id, unit, district, year, template, {counts}, flag, {_LINE} AS flag_text
              FROM {RF} WHERE {cond} ORDER BY unit, year"""
    return frame(path, sql, params)


def totals(path: str, f: Filters, by: str) -> pd.DataFrame:
    """Sums per year or unit with the flags of the reports summed."""
    return frame(path, *_totals_sql(f, by))


def _totals_sql(f: Filters, by: str) -> tuple[str, list[Any]]:
    cond, params = where(f, FIGURES)
    sums = ", ".join(f"sum({c})::DOUBLE AS {c}" for c in COUNT_COLUMNS)
    sql = f"""SELECT {by}, count(*) AS reports, {sums}, {_summary()}
              FROM {RF} WHERE {cond} GROUP BY {by} ORDER BY {by}"""
    return sql, params


def year_figures(path: str, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The overview's three queries on one connection: `expected_per_year`, `totals` by year, `finding_counts`."""
    expected, per_year, counts = frames(path, [_expected_per_year_sql(f), _totals_sql(f, "year"),
                                               _finding_counts_sql(f)])
    return expected, per_year, counts


def _expected_sql(f: Filters) -> tuple[str, list[Any]]:
    """CTEs `overdue` and `expect`: the units of the selection and the years they should report, by the rule of
    the check series.missing_report: the year span of the unit's district (a unit without a district: its own
    span); a year whose report a listing page lacked after the deadline (`overdue`) counts as seen."""
    cond, params = where(f, REPORTS, template=False, years=False, current=False)
    sql = f"""overdue AS (SELECT unit, district, year, max(checked_at) AS checked_at,
                                 arg_max(deadline, checked_at) AS deadline
                          FROM {LC} WHERE checked_at::DATE > deadline GROUP BY ALL),
        seen AS (SELECT r.unit_id, u.district, r.year FROM reports r JOIN units u USING (unit_id) WHERE r.is_current
                 UNION ALL
                 SELECT u.unit_id, u.district, o.year FROM overdue o
                 JOIN units u ON u.name = o.unit AND u.district = o.district),
        span AS (SELECT district, min(year) AS lo, max(year) AS hi FROM seen GROUP BY 1),
        own AS (SELECT unit_id, min(year) AS lo, max(year) AS hi FROM seen GROUP BY 1),
        expect AS (
            SELECT u.unit_id, u.name AS unit, u.district,
                   CASE WHEN u.district <> '' THEN s.lo ELSE o.lo END AS first_year,
                   CASE WHEN u.district <> '' THEN s.hi ELSE o.hi END AS last_year
            FROM units u LEFT JOIN span s USING (district) LEFT JOIN own o USING (unit_id)
            WHERE {cond})"""
    return sql, params


def expected_units(path: str, f: Filters) -> pd.DataFrame:
    """The units of the selection (whatever their reports) and the years they should report."""
    cte, params = _expected_sql(f)
    return frame(path, f"WITH {cte} SELECT * FROM expect ORDER BY unit", params)


def _grid_sql(f: Filters) -> tuple[str, list[Any]]:
    """CTE `grid`: (unit_id, unit, year) for every report expected in the selection's years."""
    cte, params = _expected_sql(f)
    lo = "greatest(first_year, ?)" if f.year_from is not None else "first_year"
    hi = "least(last_year, ?)" if f.year_to is not None else "last_year"
    params += [y for y in (f.year_from, f.year_to) if y is not None]
    sql = f"""{cte}, grid AS (
            SELECT unit_id, unit, district, unnest(range({lo}, {hi} + 1)) AS year
            FROM expect WHERE first_year IS NOT NULL)"""
    return sql, params


def coverage(path: str, f: Filters) -> pd.DataFrame:
    """Units × years of the selection with the state of each expected report. One state per cell, the first
    that holds: missing, blank, all_zero, error, late (a failed report.late_publication), warning, unchecked,
    clean — so a report both late and with errors shows its errors (`late` still says it was late, and its
    hover names 报告逾期发布), and a late report with other warnings shows as late. A missing report that a
    listing page lacked after the deadline carries the day it was checked (`checked_at`, `checked_text`)."""
    grid, params = _grid_sql(f)
    sql = f"""WITH {grid}
        SELECT g.unit_id, g.unit, g.district, g.year::BIGINT AS year, x.report_id,
               CASE WHEN x.report_id IS NULL THEN 'missing' WHEN x.blank THEN 'blank'
                    WHEN x.all_zero THEN 'all_zero' WHEN x.errors > 0 THEN 'error'
                    WHEN l.report_id IS NOT NULL THEN 'late'
                    WHEN x.warnings > 0 THEN 'warning' WHEN x.not_evaluated > 0 THEN 'unchecked'
                    ELSE 'clean' END AS state,
               l.report_id IS NOT NULL AS late,
               coalesce(x.errors + x.warnings, 0)::BIGINT AS problems,
               x.flag, CASE WHEN x.flag IS NOT NULL THEN x.unit || ' ' || x.year || '年：' || x.flag_titles
                            ELSE '' END AS flag_text,
               CASE WHEN x.report_id IS NULL THEN o.checked_at END AS checked_at,
               CASE WHEN x.report_id IS NULL AND o.checked_at IS NOT NULL
                    THEN '年报栏目于' || strftime(o.checked_at, '%Y-%m-%d') || '检查，未见本年度报告（截止日期'
                         || strftime(o.deadline, '%Y-%m-%d') || '）' ELSE '' END AS checked_text
        FROM grid g LEFT JOIN {RF} x ON x.unit_id = g.unit_id AND x.year = g.year
        LEFT JOIN (SELECT DISTINCT report_id FROM findings
                   WHERE check_id = 'report.late_publication' AND status = 'failed') l ON l.report_id = x.report_id
        LEFT JOIN overdue o ON o.unit = g.unit AND o.district = g.district AND o.year = g.year
        ORDER BY g.unit, g.year"""
    return frame(path, sql, params)


def district_summary(path: str, f: Filters) -> pd.DataFrame:
    """Per district of the selection: units, reports expected (the coverage grid's cells), received and missing
    (its `missing` cells), reports with errors, and the sums of the received reports' counts. Counted per unit
    from its span of years rather than cell by cell (a nation's grid has 280,000 cells): a unit's reports all lie
    within its span, which is drawn from them."""
    cte, params = _expected_sql(f)
    lo = "greatest(first_year, ?)" if f.year_from is not None else "first_year"
    hi = "least(last_year, ?)" if f.year_to is not None else "last_year"
    params += [y for y in (f.year_from, f.year_to) if y is not None]
    sums = ", ".join(f"sum(x.{c})::DOUBLE AS {c}" for c in COUNT_COLUMNS)
    sql = f"""WITH {cte},
        unit_span AS (SELECT unit_id, district, {lo} AS lo, {hi} AS hi FROM expect WHERE first_year IS NOT NULL),
        got AS (SELECT s.district, count(*) AS reports, count(*) FILTER (WHERE x.errors > 0) AS reports_with_errors,
                       {sums}
                FROM {RF} x JOIN unit_span s ON s.unit_id = x.unit_id AND x.year BETWEEN s.lo AND s.hi GROUP BY 1),
        owed AS (SELECT district, count(*) FILTER (WHERE hi >= lo) AS units,
                        sum(greatest(hi - lo + 1, 0))::BIGINT AS expected FROM unit_span GROUP BY 1)
        SELECT o.district, o.units, o.expected, coalesce(g.reports, 0) AS reports,
               o.expected - coalesce(g.reports, 0) AS missing, coalesce(g.reports_with_errors, 0) AS reports_with_errors,
               g.* EXCLUDE (district, reports, reports_with_errors)
        FROM owed o LEFT JOIN got g USING (district) WHERE o.units > 0"""
    out = frame(path, sql, params)
    return out.sort_values("district", key=lambda s: s.map(_district_order), ignore_index=True)


def expected_per_year(path: str, f: Filters) -> pd.DataFrame:
    return frame(path, *_expected_per_year_sql(f))


def _expected_per_year_sql(f: Filters) -> tuple[str, list[Any]]:
    grid, params = _grid_sql(f)
    return f"WITH {grid} SELECT year::BIGINT AS year, count(*) AS expected FROM grid GROUP BY 1 ORDER BY 1", params


def finding_counts(path: str, f: Filters) -> pd.DataFrame:
    """Findings per year and severity for the selection (missing reports included): `findings` failed ones,
    `not_evaluated` the checks that could not be run."""
    return frame(path, *_finding_counts_sql(f))


def _finding_counts_sql(f: Filters) -> tuple[str, list[Any]]:
    cond, params = where(f, FINDINGS, template=False, current=False)
    sql = f"""SELECT x.year, x.severity, count(*) FILTER (WHERE x.status = 'failed') AS findings,
                     count(*) FILTER (WHERE x.status = '{NOT_EVALUATED}') AS not_evaluated
              FROM findings x JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = x.report_id
              WHERE (x.report_id IS NULL OR r.is_current) AND {cond}
              GROUP BY ALL ORDER BY 1, 2"""
    return sql, params


def applicant_types(path: str, f: Filters) -> pd.DataFrame:
    """New requests per year and applicant column key (long form) with the flags of each year."""
    cond, params = where(f, FIGURES)
    cols = ", ".join(TYPE_COLUMNS)
    sql = f"""WITH s AS (SELECT year, {cols} FROM {RF} WHERE {cond}),
        flags AS (SELECT year, {_summary()} FROM {RF} WHERE {cond} GROUP BY year),
        long AS (UNPIVOT s ON {cols} INTO NAME col VALUE v)
        SELECT l.year, substr(l.col, 5) AS col_key, sum(l.v)::BIGINT AS requests, g.flag, g.flag_text
        FROM long l JOIN flags g USING (year) GROUP BY ALL"""
    return frame(path, sql, [*params, *params])


def outcome_reasons(path: str, f: Filters, rows: list[str]) -> pd.DataFrame:
    """Requests per reason row (of `rows`) in the selection, with the flags of the contributing reports."""
    cond, params = where(f, FIGURES)
    cols = ", ".join(f"reason_{k}" for k in rows)
    sql = f"""WITH s AS (SELECT unit, year, flag, flag_titles, {cols} FROM {RF} WHERE {cond}),
        long AS (UNPIVOT s ON {cols} INTO NAME col VALUE requests)
        SELECT substr(col, 8) AS row_key, sum(requests) AS requests, {_summary()}
        FROM long WHERE requests > 0 GROUP BY 1"""
    return frame(path, sql, params)


def report_index(path: str, f: Filters) -> pd.DataFrame:
    """Selected current reports: report_id, unit, year (for choosing one)."""
    cond, params = where(f, FIGURES)
    index = frame(path, f"SELECT report_id, unit, year FROM {RF} WHERE {cond}", params)
    return index.sort_values(["unit", "year"], ascending=[True, False], key=pinyin_column, ignore_index=True)
