"""Named queries over the DuckDB file -> pandas DataFrames, for the dashboard and the exports.

Every query takes the database path and a `Filters` and opens its own short read-only connection: a cached
connection would be shared between threads and would hold the file lock an ingest needs (ecosystem.md).
Selection queries read `report_figures` (one wide row per current report, written at ingest by figures.py), so
each is a filtered scan and a GROUP BY. No streamlit, no plotly here. Chart-ready frames carry `flag`
("error" | "warning" | None) and `flag_text` (which findings, in Chinese) so every chart can mark data that
comes from a questionable report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import figures, form
from .checks import BY_ID
from .figures import COUNT_COLUMNS, REASON_ROWS
from .store import read_connection as connect

__all__ = ["COUNT_COLUMNS", "Filters", "FilterOptions"]


@dataclass(frozen=True)
class Filters:
    """The sidebar selection. Empty values mean "all"."""

    district: str | None = None
    units: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    template: str | None = None


@dataclass(frozen=True)
class FilterOptions:
    districts: tuple[str, ...] = ()
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # district -> unit names
    years: tuple[int, ...] = ()
    templates: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.years


SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABELS = {"failed": "未通过", "not_evaluated": "未能核对"}
NOT_EVALUATED = "not_evaluated"
FLAG_SEVERITIES = ("error", "warning")
RF = "{RF}"  # placeholder in SQL for the figures source (table, or the query on an older database)


def _df(path: str, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    with connect(path) as con:
        con.execute("SET enable_progress_bar = false")
        if RF in sql:
            sql = sql.replace(RF, figures.source(con))
        return con.execute(sql, list(params)).df()


def check_title(check_id: str) -> str:
    """The Chinese title of a check id (the id itself for a check the registry does not know)."""
    spec = BY_ID.get(check_id)
    return spec.title_zh if spec is not None else check_id


def _none(s: pd.Series) -> pd.Series:
    """Missing values as None (object column), as the charts and tests expect for `flag`."""
    return s.astype(object).where(s.notna(), None)


# ---- selection ----------------------------------------------------------------------------------


_REPORT_COLUMNS = {
    "current": "r.is_current",
    "district": "u.district",
    "unit": "u.name",
    "year": "r.year",
    "template": "r.template",
}
_FIGURE_COLUMNS = {
    "current": "TRUE",
    "district": "district",
    "unit": "unit",
    "year": "year",
    "template": "template",
}


def _where(
    f: Filters, template: bool = True, cols: dict[str, str] = _REPORT_COLUMNS
) -> tuple[str, list[Any]]:
    """SQL conditions for a selection, with parameters; `cols` names the columns (default: on `r` reports and
    `u` units)."""
    clauses, params = [cols["current"]], []
    conditions = [
        (f.district, f"{cols['district']} = ?", f.district),
        (f.units, f"list_contains(?::VARCHAR[], {cols['unit']})", list(f.units)),
        (f.year_from is not None, f"{cols['year']} >= ?", f.year_from),
        (f.year_to is not None, f"{cols['year']} <= ?", f.year_to),
        (template and f.template, f"{cols['template']} = ?", f.template),
    ]
    for wanted, clause, param in conditions:
        if wanted:
            clauses.append(clause)
            params.append(param)
    return " AND ".join(clauses), params


def _fig_where(f: Filters, template: bool = True) -> tuple[str, list[Any]]:
    """The same conditions on the columns of `report_figures` (current reports only)."""
    return _where(f, template, _FIGURE_COLUMNS)


def filter_options(path: str) -> FilterOptions:
    units = _df(path, "SELECT DISTINCT u.district, u.name FROM units u ORDER BY 1, 2")
    years = _df(path, "SELECT DISTINCT year FROM reports ORDER BY 1")
    templates = _df(path, "SELECT DISTINCT template FROM reports WHERE template IS NOT NULL ORDER BY 1")
    by_district = {d: tuple(g["name"]) for d, g in units.groupby("district", sort=True)}
    return FilterOptions(
        tuple(by_district), by_district, tuple(int(y) for y in years["year"]), tuple(templates["template"])
    )


# ---- flags: which reports have error/warning findings ------------------------------------------

_LINE = "CASE WHEN flag IS NOT NULL THEN unit || ' ' || year || '年：' || flag_titles ELSE '' END"


def _summary(limit: int = 4) -> str:
    """SQL aggregates: the worst flag and the flagged reports' lines (first `limit`, then the count)."""
    lines = f"list({_LINE} ORDER BY unit, year) FILTER (WHERE flag IS NOT NULL)"
    return f"""CASE WHEN bool_or(flag = 'error') THEN 'error' WHEN bool_or(flag = 'warning') THEN 'warning' END AS flag,
        coalesce(array_to_string({lines}[1:{limit}], '<br>')
                 || CASE WHEN len({lines}) > {limit} THEN '<br>等共' || len({lines}) || '份报告' ELSE '' END, '')
            AS flag_text"""


def report_flags(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected report with failed error/warning findings: unit, year, flag, titles."""
    where, params = _fig_where(f)
    sql = f"""SELECT report_id, unit, year, flag, flag_titles AS titles FROM {RF}
              WHERE {where} AND flag IS NOT NULL ORDER BY unit, year"""
    return _df(path, sql, params)


def attach_flags(df: pd.DataFrame, flags: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Add `flag` and `flag_text` to a frame keyed by `keys` (a subset of unit, year)."""
    out = df.copy()
    if flags.empty or out.empty:
        out["flag"], out["flag_text"] = None, ""
        return out
    lines = flags.assign(line=flags["unit"] + " " + flags["year"].astype(str) + "年：" + flags["titles"])
    return _merge_flags(out, lines, keys, "line")


def _merge_flags(target: pd.DataFrame, flagged: pd.DataFrame, by: Sequence[str], text: str) -> pd.DataFrame:
    """Reduce `flagged` rows per `by` (worst flag, joined `text` lines) and left-merge them into `target`."""
    by = list(by)
    lines = flagged[flagged[text].astype(bool)] if not flagged.empty else flagged
    if lines.empty:
        reduced = pd.DataFrame(columns=[*by, "flag", "flag_text"])
    else:
        groups = lines.groupby(by, sort=False)
        reduced = groups[text].agg(list).rename("flag_text").reset_index()
        reduced["flag_text"] = [_summarize_lines(items) for items in reduced["flag_text"]]
        worst = (lines["flag"] == "error").groupby([lines[k] for k in by], sort=False).any().to_numpy()
        reduced["flag"] = ["error" if e else "warning" for e in worst]
    out = target.drop(columns=["flag", "flag_text"], errors="ignore").merge(reduced, on=by, how="left")
    out["flag"] = _none(out["flag"])
    out["flag_text"] = out["flag_text"].fillna("")
    return out


def _summarize_lines(lines: Sequence[str], limit: int = 4) -> str:
    items = list(lines)
    text = "<br>".join(items[:limit])
    return text + (f"<br>等共{len(items)}份报告" if len(items) > limit else "")


# ---- figures per report -------------------------------------------------------------------------


def unit_year(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected current report: its key counts (NaN where blank), outcome groups and flags."""
    where, params = _fig_where(f)
    counts = ", ".join(f"{c}::DOUBLE AS {c}" for c in COUNT_COLUMNS)
    sql = f"""SELECT report_id, unit, district, year, template, {counts}, flag, {_LINE} AS flag_text
              FROM {RF} WHERE {where} ORDER BY unit, year"""
    df = _df(path, sql, params)
    df["flag"] = _none(df["flag"])
    return df


def _add_rates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    processed = out["processed"].where(out["processed"] > 0)
    out["disclosure_rate"] = (out["granted"].fillna(0) + out["partially_granted"].fillna(0)) / processed
    out["review_rate"] = out["review"] / processed * 100
    out["litigation_rate"] = out["litigation"] / processed * 100
    decided = (
        out["review"].fillna(0)
        + out["litigation"].fillna(0)
        - out["review_pending"].fillna(0)
        - out["litigation_pending"].fillna(0)
    )
    corrected = out["review_corrected"].fillna(0) + out["litigation_corrected"].fillna(0)
    out["correction_rate"] = corrected / decided.where(decided > 0)
    out["pending"] = out["review_pending"].fillna(0) + out["litigation_pending"].fillna(0)
    return out


def aggregate(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum a `unit_year` frame per year or per unit, with rates and the flags of its reports."""
    keep = [c for c in COUNT_COLUMNS if c in df.columns]
    if df.empty:
        return _add_rates(pd.DataFrame(columns=[by, "reports", *keep, "flag", "flag_text"]))
    sums = df.groupby(by, sort=True)[keep].sum(min_count=1).reset_index()
    sums["reports"] = df.groupby(by, sort=True).size().to_numpy()
    return _add_rates(_merge_flags(sums, df[df["flag"].notna()], [by], "flag_text"))


def per_year(df: pd.DataFrame) -> pd.DataFrame:
    return aggregate(df, "year")


def per_unit(df: pd.DataFrame) -> pd.DataFrame:
    return aggregate(df, "unit")


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """A `unit_year` frame with the rates of `aggregate`."""
    return _add_rates(df)


def totals(path: str, f: Filters, by: str = "year") -> pd.DataFrame:
    """`aggregate(unit_year(path, f), by)` computed in SQL: sums per year or unit, rates and flags."""
    if by not in ("year", "unit"):
        raise ValueError(by)
    where, params = _fig_where(f)
    sums = ", ".join(f"sum({c})::DOUBLE AS {c}" for c in COUNT_COLUMNS)
    sql = f"""SELECT {by}, count(*) AS reports, {sums}, {_summary()}
              FROM {RF} WHERE {where} GROUP BY {by} ORDER BY {by}"""
    df = _df(path, sql, params)
    df["flag"] = _none(df["flag"])
    return _add_rates(df)


# ---- overview -----------------------------------------------------------------------------------


def _expected_sql(f: Filters) -> tuple[str, list[Any]]:
    """CTE `expect`: the units of the selection and the years they should report, by the rule of the check
    series.missing_report: the year span of the unit's district (a unit without a district: its own span)."""
    clauses, params = ["TRUE"], []
    if f.district:
        clauses.append("u.district = ?")
        params.append(f.district)
    if f.units:
        clauses.append("list_contains(?::VARCHAR[], u.name)")
        params.append(list(f.units))
    sql = f"""span AS (SELECT u.district, min(r.year) AS lo, max(r.year) AS hi
                       FROM reports r JOIN units u USING (unit_id) WHERE r.is_current GROUP BY 1),
        own AS (SELECT unit_id, min(year) AS lo, max(year) AS hi FROM reports WHERE is_current GROUP BY 1),
        expect AS (
            SELECT u.unit_id, u.name AS unit, u.district,
                   CASE WHEN u.district <> '' THEN s.lo ELSE o.lo END AS first_year,
                   CASE WHEN u.district <> '' THEN s.hi ELSE o.hi END AS last_year
            FROM units u LEFT JOIN span s USING (district) LEFT JOIN own o USING (unit_id)
            WHERE {" AND ".join(clauses)})"""
    return sql, params


def expected_units(path: str, f: Filters) -> pd.DataFrame:
    """The units of the selection (whatever their reports) and the years they should report."""
    cte, params = _expected_sql(f)
    return _df(path, f"WITH {cte} SELECT * FROM expect ORDER BY unit", params)


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


COVERAGE_STATES = {
    "missing": "缺失",
    "blank": "空白模板",
    "all_zero": "全零",
    "error": "有错误",
    "warning": "有警告",
    "clean": "正常",
}


def coverage(path: str, f: Filters) -> pd.DataFrame:
    """Units × years of the selection with the state of each report (see COVERAGE_STATES). A cell exists only
    where a report is expected (the unit's district's years), as in the check series.missing_report."""
    grid, params = _grid_sql(f)
    sql = f"""WITH {grid}
        SELECT g.unit_id, g.unit, g.year::BIGINT AS year, x.report_id,
               CASE WHEN x.report_id IS NULL THEN 'missing' WHEN x.blank THEN 'blank'
                    WHEN x.all_zero THEN 'all_zero' WHEN x.errors > 0 THEN 'error'
                    WHEN x.warnings > 0 THEN 'warning' ELSE 'clean' END AS state,
               coalesce(x.errors + x.warnings, 0)::BIGINT AS problems,
               x.flag, CASE WHEN x.flag IS NOT NULL THEN x.unit || ' ' || x.year || '年：' || x.flag_titles
                            ELSE '' END AS flag_text
        FROM grid g LEFT JOIN {RF} x ON x.unit_id = g.unit_id AND x.year = g.year
        ORDER BY g.unit, g.year"""
    out = _df(path, sql, params)
    out["label"] = out["state"].map(COVERAGE_STATES)
    out["flag"] = _none(out["flag"])
    return out


def finding_counts(path: str, f: Filters) -> pd.DataFrame:
    """Findings per year and severity for the selection (missing reports included): `findings` failed ones,
    `not_evaluated` the checks that could not be run."""
    clauses, params = _where(f, template=False)
    clauses = clauses.replace("r.is_current", "TRUE").replace("r.year", "x.year")
    sql = f"""SELECT x.year, x.severity, count(*) FILTER (WHERE x.status = 'failed') AS findings,
                     count(*) FILTER (WHERE x.status = '{NOT_EVALUATED}') AS not_evaluated
              FROM findings x JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = x.report_id
              WHERE (x.report_id IS NULL OR r.is_current) AND {clauses}
              GROUP BY ALL ORDER BY 1, 2"""
    return _df(path, sql, params)


def key_figures(path: str, f: Filters) -> pd.DataFrame:
    """Per year: reports received and expected, counts, rates, failed findings by severity and the findings
    that could not be evaluated (`not_evaluated`)."""
    grid, params = _grid_sql(f)
    expected = _df(
        path,
        f"WITH {grid} SELECT year::BIGINT AS year, count(*) AS expected FROM grid GROUP BY 1 ORDER BY 1",
        params,
    )
    out = expected.merge(totals(path, f, "year"), on="year", how="left")
    out["reports"] = out["reports"].fillna(0).astype("int64")
    out["flag_text"] = out["flag_text"].fillna("")
    counts = finding_counts(path, f)
    for severity in SEVERITY_LABELS:
        part = counts[counts["severity"] == severity][["year", "findings"]].rename(
            columns={"findings": severity}
        )
        out = out.merge(part, on="year", how="left")
        out[severity] = out[severity].fillna(0).astype("int64")
    unchecked = counts.groupby("year", as_index=False)["not_evaluated"].sum()
    out = out.merge(unchecked, on="year", how="left")
    out["not_evaluated"] = out["not_evaluated"].fillna(0).astype("int64")
    return out


# ---- requests, outcomes, appeals ----------------------------------------------------------------


def applicant_types(path: str, f: Filters) -> pd.DataFrame:
    """New requests per year and applicant type (long form, Chinese label in `type`)."""
    where, params = _fig_where(f)
    cols = ", ".join(figures.TYPE_COLUMNS)
    sql = f"""WITH s AS (SELECT year, {cols} FROM {RF} WHERE {where}),
        flags AS (SELECT year, {_summary()} FROM {RF} WHERE {where} GROUP BY year),
        long AS (UNPIVOT s ON {cols} INTO NAME col VALUE v)
        SELECT l.year, substr(l.col, 5) AS col_key, sum(l.v)::BIGINT AS requests, g.flag, g.flag_text
        FROM long l JOIN flags g USING (year) GROUP BY ALL"""
    df = _df(path, sql, [*params, *params])
    order = {k: i for i, k in enumerate(form.REQUEST_COLUMN_PARTS)}
    df = df.sort_values(["year", "col_key"], key=lambda s: s.map(order) if s.name == "col_key" else s)
    df["type"] = df["col_key"].map(form.REQUEST_COLUMN_LABELS)
    df["flag"] = _none(df["flag"])
    return df.reset_index(drop=True)


def volume_jumps(df: pd.DataFrame, factor: float = 2.0, min_increase: int = 10) -> pd.DataFrame:
    """From a `unit_year` frame: units whose new requests rose ≥ `factor`× and by ≥ `min_increase`."""
    cols = ["unit", "year", "new_received"]
    d = df[cols].dropna().sort_values(["unit", "year"])
    d["previous"] = d.groupby("unit")["new_received"].shift()
    d["prev_year"] = d.groupby("unit")["year"].shift()
    jump = (
        (d["prev_year"] == d["year"] - 1)
        & (d["new_received"] - d["previous"] >= min_increase)
        & (d["new_received"] >= factor * d["previous"])
    )
    out = d[jump].assign(increase=lambda x: x["new_received"] - x["previous"])
    return out.sort_values("increase", ascending=False).reset_index(drop=True)


def outcome_shares(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """From a `unit_year` frame: long form (by, group, label, count, share) of the outcome groups."""
    groups = list(form.OUTCOME_GROUPS)
    sums = df.groupby(by, sort=True)[groups].sum(min_count=1).reset_index()
    long = sums.melt(id_vars=[by], var_name="group", value_name="count").dropna()
    total = long.groupby(by)["count"].transform("sum")
    long["share"] = long["count"] / total.where(total > 0)
    long["label"] = long["group"].map(form.OUTCOME_GROUPS)
    flags = aggregate(df, by)[[by, "flag", "flag_text"]]
    return (
        long.merge(flags, on=by, how="left")
        .sort_values([by, "group"], key=_group_order)
        .reset_index(drop=True)
    )


def _group_order(s: pd.Series) -> pd.Series:
    order = {g: i for i, g in enumerate(form.OUTCOME_GROUPS)}
    return s.map(order) if s.name == "group" else s


REASON_FRAME = ["row_key", "requests", "flag", "flag_text", "group", "group_label", "label"]


def outcome_reasons(
    path: str, f: Filters, groups: tuple[str, ...] = ("denied", "unavailable")
) -> pd.DataFrame:
    """Requests per reason row (denials, unavailable…) in the selection, with Chinese labels and the flags of
    the reports that contribute to each row."""
    rows = [k for k in REASON_ROWS if form.ROW_GROUP[k] in groups]
    if not rows:
        return pd.DataFrame(columns=REASON_FRAME)
    where, params = _fig_where(f)
    cols = ", ".join(f"reason_{k}" for k in rows)
    sql = f"""WITH s AS (SELECT unit, year, flag, flag_titles, {cols} FROM {RF} WHERE {where}),
        long AS (UNPIVOT s ON {cols} INTO NAME col VALUE requests)
        SELECT substr(col, 8) AS row_key, sum(requests) AS requests, {_summary()}
        FROM long WHERE requests > 0 GROUP BY 1"""
    df = _df(path, sql, params)
    if df.empty:
        return pd.DataFrame(columns=REASON_FRAME)
    df["flag"] = _none(df["flag"])
    df["group"] = df["row_key"].map(form.ROW_GROUP)
    df["group_label"] = df["group"].map(form.OUTCOME_GROUPS)
    df["label"] = [form.row_label("requests", k) for k in df["row_key"]]
    order = {k: i for i, k in enumerate(rows)}
    return df.sort_values("row_key", key=lambda s: s.map(order)).reset_index(drop=True)[REASON_FRAME]


# ---- findings and single reports ----------------------------------------------------------------


def findings(
    path: str, f: Filters, severities: Sequence[str] = (), checks: Sequence[str] = ()
) -> pd.DataFrame:
    """Failed and not-evaluated findings of the selection, with Chinese labels and the report they belong to."""
    where, params = _where(f, template=False)
    where = where.replace("r.is_current", "(x.report_id IS NULL OR r.is_current)").replace("r.year", "x.year")
    extra = ""
    if severities:
        extra += " AND list_contains(?::VARCHAR[], x.severity)"
        params.append(list(severities))
    if checks:
        extra += " AND list_contains(?::VARCHAR[], x.check_id)"
        params.append(list(checks))
    sql = f"""SELECT x.report_id, u.name AS unit, x.year, x.check_id, x.severity, x.status, x.tbl, x.row_key,
                     x.col_key, x.section_no, x.expected, x.actual, x.message
              FROM findings x JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = x.report_id
              WHERE {where}{extra}
              ORDER BY CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, u.name, x.year"""
    df = _df(path, sql, params)
    df["title"] = df["check_id"].map(check_title)
    df["severity_label"] = df["severity"].map(SEVERITY_LABELS)
    df["status_label"] = df["status"].map(STATUS_LABELS)
    unchecked = df["status"] == NOT_EVALUATED  # not a failure: never shown as an error or a warning
    df["result_label"] = df["severity_label"].where(~unchecked, STATUS_LABELS[NOT_EVALUATED])
    df["expected_text"] = [number_text(v) for v in df["expected"]]
    df["actual_text"] = [number_text(v) for v in df["actual"]]
    df["place"] = [
        _place(*p) for p in zip(df["tbl"], df["row_key"], df["col_key"], df["section_no"], strict=True)
    ]
    return df


def number_text(value: Any) -> str:
    """A number as a reader writes it: blank when missing, no ".0" on whole numbers."""
    if value is None or pd.isna(value):
        return ""
    v = float(value)
    return f"{int(v):,}" if v.is_integer() else f"{v:,.4f}".rstrip("0").rstrip(".")


def _place(tbl: Any, row: Any, col: Any, section: Any) -> str:
    """Where a finding stands, in the report's own words."""
    if isinstance(tbl, str) and tbl in form.TABLE_LABELS:
        parts = [form.TABLE_LABELS[tbl]]
        for label, key in ((form.row_label, row), (form.column_label, col)):
            if isinstance(key, str) and key:
                try:
                    parts.append(label(tbl, key))
                except (KeyError, StopIteration):
                    parts.append(key)
        return " / ".join(parts)
    if pd.notna(section):
        return f"第{int(section)}部分"
    return ""


def report_index(path: str, f: Filters) -> pd.DataFrame:
    """Selected current reports: report_id, unit, year (for choosing one)."""
    where, params = _fig_where(f)
    return _df(path, f"SELECT report_id, unit, year FROM {RF} WHERE {where} ORDER BY unit, year DESC", params)


def report_header(path: str, report_id: int) -> pd.DataFrame:
    # r.*: `published` and `unit_printed` where the database has them (older ones do not)
    sql = """SELECT r.*, u.name AS unit, u.district
             FROM reports r JOIN units u USING (unit_id) WHERE r.report_id = ?"""
    return _df(path, sql, [report_id])


def report_versions(path: str, report_id: int) -> pd.DataFrame:
    sql = """SELECT v.report_id, v.version, v.is_current, v.source, v.format, v.ingested_at
             FROM reports r JOIN reports v ON v.unit_id = r.unit_id AND v.year = r.year
             WHERE r.report_id = ? ORDER BY v.version DESC"""
    return _df(path, sql, [report_id])


def report_cells(path: str, report_id: int) -> pd.DataFrame:
    sql = "SELECT tbl, row_key, col_key, value, state FROM cells WHERE report_id = ?"
    return _df(path, sql, [report_id])


def report_sections(path: str, report_id: int) -> pd.DataFrame:
    return _df(path, "SELECT no, title, text FROM sections WHERE report_id = ? ORDER BY no", [report_id])


def report_findings(path: str, report_id: int) -> pd.DataFrame:
    sql = """SELECT check_id, severity, status, tbl, row_key, col_key, section_no, expected, actual, message
             FROM findings WHERE report_id = ?
             ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"""
    df = _df(path, sql, [report_id])
    df["title"] = df["check_id"].map(check_title)
    df["severity_label"] = df["severity"].map(SEVERITY_LABELS)
    return df


def original_file(path: str, report_id: int) -> tuple[str, bytes] | None:
    """The file as received (name, bytes), or None when it was not kept."""
    sql = """SELECT r.source, o.data FROM reports r JOIN originals o USING (content_hash) WHERE r.report_id = ?"""
    with connect(path) as con:
        row = con.execute(sql, [report_id]).fetchone()
    return (row[0], bytes(row[1])) if row else None


def find_report(path: str, unit: str, year: int, district: str | None = None) -> int | None:
    """The current report id of a unit and year (for links by name, which survive a rebuild)."""
    sql = """SELECT r.report_id FROM reports r JOIN units u USING (unit_id)
             WHERE r.is_current AND u.name = ? AND r.year = ? AND (? IS NULL OR u.district = ?)
             ORDER BY r.report_id LIMIT 1"""
    with connect(path) as con:
        row = con.execute(sql, [unit, year, district, district]).fetchone()
    return int(row[0]) if row else None


def form_table(cells: pd.DataFrame, tbl: str, template: str | None) -> pd.DataFrame:
    """One table of a report laid out like the printed form: Chinese row and column labels, display strings."""
    rows, cols = _layout(tbl, template)
    part = cells[cells["tbl"] == tbl]
    shown = {
        (r, c): _display(v, s)
        for r, c, v, s in zip(part["row_key"], part["col_key"], part["value"], part["state"], strict=True)
    }
    data = [[shown.get((r, c), "") for c in cols] for r in rows]
    out = pd.DataFrame(data, index=rows, columns=cols)
    extra = sorted(set(part["row_key"]) - set(rows))  # rows of the other template, kept rather than hidden
    for r in extra:
        out.loc[r] = [shown.get((r, c), "") for c in cols]
    return out


def _layout(tbl: str, template: str | None) -> tuple[list[str], list[str]]:
    if tbl == "requests":
        skip = ("other",) if template != "2019" else form.OTHER_ROWS_2021
        return [k for k in form.REQUEST_ROW_KEYS if k not in skip], list(form.REQUEST_COLUMNS)
    if tbl == "appeals":
        return list(form.APPEAL_PROCEEDINGS), list(form.APPEAL_RESULTS)
    specs = form.ACTIVE.get(template or "2021", form.ACTIVE_2021)
    cols = list(dict.fromkeys(c for s in specs for c in s.columns))
    return [s.key for s in specs], cols


def _display(value: Any, state: str) -> str:
    if state == "number" and value is not None and pd.notna(value):
        return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")
    return {"blank": "", "nothing": "—", "unreadable": "无法识别"}.get(state, "")
