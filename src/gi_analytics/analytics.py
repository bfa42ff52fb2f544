"""Named queries over the DuckDB file -> pandas DataFrames, for the dashboard and the exports.

Every query takes the database path and a `Filters` and opens its own short read-only connection: a cached
connection would be shared between threads and would hold the file lock an ingest needs (ecosystem.md).
No streamlit, no plotly here. Chart-ready frames carry `flag` ("error" | "warning" | None) and `flag_text`
(which findings, in Chinese) so every chart can mark data that comes from a questionable report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import form
from .checks import BY_ID
from .store import read_connection as connect


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
FLAG_SEVERITIES = ("error", "warning")


def _df(path: str, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    with connect(path) as con:
        con.execute("SET enable_progress_bar = false")
        return con.execute(sql, list(params)).df()


def check_title(check_id: str) -> str:
    """The Chinese title of a check id (the id itself for a check the registry does not know)."""
    spec = BY_ID.get(check_id)
    return spec.title_zh if spec is not None else check_id


# ---- selection ----------------------------------------------------------------------------------


def _where(f: Filters, template: bool = True) -> tuple[str, list[Any]]:
    """SQL conditions on `r` (reports) and `u` (units) for a selection, with parameters."""
    clauses, params = ["r.is_current"], []
    if f.district:
        clauses.append("u.district = ?")
        params.append(f.district)
    if f.units:
        clauses.append("list_contains(?::VARCHAR[], u.name)")
        params.append(list(f.units))
    if f.year_from is not None:
        clauses.append("r.year >= ?")
        params.append(f.year_from)
    if f.year_to is not None:
        clauses.append("r.year <= ?")
        params.append(f.year_to)
    if template and f.template:
        clauses.append("r.template = ?")
        params.append(f.template)
    return " AND ".join(clauses), params


def _selected(f: Filters, template: bool = True) -> tuple[str, list[Any]]:
    """A CTE `sel` of the current reports in the selection."""
    where, params = _where(f, template)
    sql = f"""sel AS (SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year, r.template
               FROM reports r JOIN units u USING (unit_id) WHERE {where})"""
    return sql, params


def filter_options(path: str) -> FilterOptions:
    units = _df(path, "SELECT DISTINCT u.district, u.name FROM units u ORDER BY 1, 2")
    years = _df(path, "SELECT DISTINCT year FROM reports ORDER BY 1")
    templates = _df(path, "SELECT DISTINCT template FROM reports WHERE template IS NOT NULL ORDER BY 1")
    by_district = {d: tuple(g["name"]) for d, g in units.groupby("district", sort=True)}
    return FilterOptions(
        tuple(by_district), by_district, tuple(int(y) for y in years["year"]), tuple(templates["template"])
    )


# ---- flags: which reports have error/warning findings ------------------------------------------


def report_flags(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected report with failed error/warning findings: unit, year, flag, checks."""
    sel, params = _selected(f)
    sql = f"""WITH {sel}
        SELECT s.report_id, s.unit, s.year,
               CASE WHEN bool_or(x.severity = 'error') THEN 'error' ELSE 'warning' END AS flag,
               list(DISTINCT x.check_id ORDER BY x.check_id) AS checks
        FROM sel s JOIN findings x ON x.report_id = s.report_id
        WHERE x.status = 'failed' AND x.severity IN ('error', 'warning')
        GROUP BY ALL"""
    df = _df(path, sql, params)
    df["titles"] = [("、".join(check_title(c) for c in cs)) for cs in df["checks"]]
    return df


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
    lines = flagged[flagged[text].astype(bool)] if not flagged.empty else flagged
    reduced = (
        lines.groupby(list(by), sort=False)
        .agg(flag=("flag", lambda s: "error" if (s == "error").any() else "warning"), flag_text=(text, _summarize_lines))
        .reset_index()
    ) if not lines.empty else pd.DataFrame(columns=[*by, "flag", "flag_text"])
    out = target.drop(columns=["flag", "flag_text"], errors="ignore").merge(reduced, on=list(by), how="left")
    out["flag"] = out["flag"].astype(object).where(out["flag"].notna(), None)
    out["flag_text"] = out["flag_text"].fillna("")
    return out


def _summarize_lines(lines: pd.Series, limit: int = 4) -> str:
    items = list(lines)
    text = "<br>".join(items[:limit])
    return text + (f"<br>等共{len(items)}份报告" if len(items) > limit else "")


# ---- figures per report -------------------------------------------------------------------------


def _measures() -> list[tuple[str, str, str, str]]:
    """(tbl, row_key, col_key, measure): which cells add up to which per-report figure (keys from form.py)."""
    out = [("requests", row, "total", name) for row, name in (
        ("new_received", "new_received"), ("carried_over", "carried_over"), ("total_processed", "processed"),
        ("carried_forward", "carried_forward"))]
    out += [("requests", row, "total", "other_single" if row == "other" else
             "other_sub" if group == "other" else group) for row, group in form.ROW_GROUP.items()]
    for proc in form.APPEAL_PROCEEDINGS:
        name = "review" if proc == "review" else "litigation"
        out += [("appeals", proc, "total", name), ("appeals", proc, "corrected", f"{name}_corrected"),
                ("appeals", proc, "pending", f"{name}_pending")]
    return out


MEASURES = _measures()


def _figures_sql() -> str:
    names = dict.fromkeys(m for *_, m in MEASURES)
    cols = [f"sum(v) FILTER (WHERE measure = '{n}')::BIGINT AS {n}" for n in names]
    return ", ".join(cols)


COUNT_COLUMNS = (
    "new_received",
    "carried_over",
    "processed",
    "carried_forward",
    "review",
    "review_corrected",
    "review_pending",
    "litigation",
    "litigation_corrected",
    "litigation_pending",
    *form.OUTCOME_GROUPS,
)


def unit_year(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected current report: its key counts (NaN where blank), outcome groups and flags."""
    sel, params = _selected(f)
    values = ", ".join("(?, ?, ?, ?)" for _ in MEASURES)
    sql = f"""WITH {sel},
        m(tbl, row_key, col_key, measure) AS (VALUES {values}),
        per_measure AS (
            SELECT c.report_id, m.measure, sum(c.value) AS v
            FROM cells c JOIN m ON c.tbl = m.tbl AND c.row_key = m.row_key AND c.col_key = m.col_key
            WHERE c.state = 'number' AND c.report_id IN (SELECT report_id FROM sel)
            GROUP BY ALL),
        figures AS (SELECT report_id, {_figures_sql()} FROM per_measure GROUP BY report_id)
        SELECT s.report_id, s.unit, s.district, s.year, s.template, x.* EXCLUDE (report_id)
        FROM sel s LEFT JOIN figures x USING (report_id) ORDER BY s.unit, s.year"""
    df = _df(path, sql, [*params, *(v for m in MEASURES for v in m)])
    df["other"] = df.pop("other_sub").fillna(df.pop("other_single"))  # 2021: three sub-rows; 2019: one row
    df = df.astype({c: "float64" for c in COUNT_COLUMNS})  # NaN where blank; plotly takes plain floats
    return attach_flags(df, report_flags(path, f), ["unit", "year"])


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


# ---- overview -----------------------------------------------------------------------------------


def expected_units(path: str, f: Filters) -> pd.DataFrame:
    """The units of the selection (whatever their reports) and the district's year span."""
    clauses, params = ["TRUE"], []
    if f.district:
        clauses.append("u.district = ?")
        params.append(f.district)
    if f.units:
        clauses.append("list_contains(?::VARCHAR[], u.name)")
        params.append(list(f.units))
    sql = f"""SELECT u.unit_id, u.name AS unit, u.district,
                     (SELECT min(year) FROM reports r JOIN units d USING (unit_id) WHERE d.district = u.district)
                         AS first_year,
                     (SELECT max(year) FROM reports r JOIN units d USING (unit_id) WHERE d.district = u.district)
                         AS last_year
              FROM units u WHERE {" AND ".join(clauses)} ORDER BY u.name"""
    return _df(path, sql, params)


def _years(units: pd.DataFrame, f: Filters) -> list[int]:
    if units.empty or units["first_year"].isna().all():
        return []
    lo, hi = int(units["first_year"].min()), int(units["last_year"].max())
    lo = max(lo, f.year_from) if f.year_from is not None else lo
    hi = min(hi, f.year_to) if f.year_to is not None else hi
    return list(range(lo, hi + 1))


COVERAGE_STATES = {
    "missing": "缺失",
    "blank": "空白模板",
    "all_zero": "全零",
    "error": "有错误",
    "warning": "有警告",
    "clean": "正常",
}


def coverage(path: str, f: Filters) -> pd.DataFrame:
    """Units × years of the selection with the state of each report (see COVERAGE_STATES)."""
    units = expected_units(path, f)
    years = _years(units, f)
    grid = units[["unit_id", "unit"]].merge(pd.DataFrame({"year": years}, dtype="int64"), how="cross")
    sel, params = _selected(f, template=False)
    sql = f"""WITH {sel}
        SELECT s.unit_id, s.year, s.report_id,
               CASE WHEN bool_or(x.check_id = 'report.blank_tables') THEN 'blank'
                    WHEN bool_or(x.check_id = 'report.all_zero') THEN 'all_zero'
                    WHEN bool_or(x.severity = 'error') THEN 'error'
                    WHEN bool_or(x.severity = 'warning') THEN 'warning' ELSE 'clean' END AS state,
               count(x.check_id) FILTER (WHERE x.severity IN ('error', 'warning')) AS problems
        FROM sel s LEFT JOIN findings x ON x.report_id = s.report_id AND x.status = 'failed'
        GROUP BY ALL"""
    reports = _df(path, sql, params)
    out = grid.merge(reports, on=["unit_id", "year"], how="left")
    out["state"] = out["state"].fillna("missing")
    out["problems"] = out["problems"].fillna(0).astype("int64")
    out["label"] = out["state"].map(COVERAGE_STATES)
    flags = report_flags(path, Filters(f.district, f.units, f.year_from, f.year_to))
    return attach_flags(out, flags, ["unit", "year"])


def finding_counts(path: str, f: Filters) -> pd.DataFrame:
    """Failed findings per year and severity for the selection (missing reports included)."""
    clauses, params = _where(f, template=False)
    clauses = clauses.replace("r.is_current", "TRUE").replace("r.year", "x.year")
    sql = f"""SELECT x.year, x.severity, count(*) AS findings
              FROM findings x JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = x.report_id
              WHERE x.status = 'failed' AND (x.report_id IS NULL OR r.is_current) AND {clauses}
              GROUP BY ALL ORDER BY 1, 2"""
    return _df(path, sql, params)


def key_figures(path: str, f: Filters) -> pd.DataFrame:
    """Per year: reports received and expected, counts, rates and findings by severity."""
    units = expected_units(path, f)
    years = pd.DataFrame({"year": _years(units, f)}, dtype="int64")
    yearly = per_year(unit_year(path, f))
    out = years.merge(yearly, on="year", how="left")
    out["expected"] = len(units)
    out["reports"] = out["reports"].fillna(0).astype("int64")
    counts = finding_counts(path, f)
    for severity in SEVERITY_LABELS:
        part = counts[counts["severity"] == severity][["year", "findings"]].rename(
            columns={"findings": severity}
        )
        out = out.merge(part, on="year", how="left")
        out[severity] = out[severity].fillna(0).astype("int64")
    return out


# ---- requests, outcomes, appeals ----------------------------------------------------------------


def applicant_types(path: str, f: Filters) -> pd.DataFrame:
    """New requests per year and applicant type (long form, Chinese label in `type`)."""
    sel, params = _selected(f)
    sql = f"""WITH {sel}
        SELECT s.year, c.col_key, sum(c.value)::BIGINT AS requests
        FROM sel s JOIN cells c ON c.report_id = s.report_id
        WHERE c.tbl = 'requests' AND c.row_key = 'new_received' AND c.col_key <> 'total' AND c.state = 'number'
        GROUP BY ALL ORDER BY 1, 2"""
    df = _df(path, sql, params)
    order = {k: i for i, k in enumerate(form.REQUEST_COLUMN_PARTS)}
    df = df.sort_values(["year", "col_key"], key=lambda s: s.map(order) if s.name == "col_key" else s)
    df["type"] = df["col_key"].map(form.REQUEST_COLUMN_LABELS)
    return attach_flags(df.reset_index(drop=True), report_flags(path, f), ["year"])


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


def outcome_reasons(
    path: str, f: Filters, groups: tuple[str, ...] = ("denied", "unavailable")
) -> pd.DataFrame:
    """Requests per reason row (denials, unavailable…) in the selection, with Chinese labels and the flags of
    the reports that contribute to each row."""
    rows = [k for k, g in form.ROW_GROUP.items() if g in groups]
    sel, params = _selected(f)
    sql = f"""WITH {sel}
        SELECT s.unit, s.year, c.row_key, c.value AS requests
        FROM sel s JOIN cells c ON c.report_id = s.report_id
        WHERE c.tbl = 'requests' AND c.col_key = 'total' AND c.state = 'number' AND c.value > 0
          AND list_contains(?::VARCHAR[], c.row_key)"""
    parts = attach_flags(_df(path, sql, [*params, rows]), report_flags(path, f), ["unit", "year"])
    if parts.empty:
        return pd.DataFrame(
            columns=["row_key", "requests", "flag", "flag_text", "group", "group_label", "label"]
        )
    df = parts.groupby("row_key", sort=False)["requests"].sum().reset_index()
    df = _merge_flags(df, parts[parts["flag"].notna()], ["row_key"], "flag_text")
    df["group"] = df["row_key"].map(form.ROW_GROUP)
    df["group_label"] = df["group"].map(form.OUTCOME_GROUPS)
    df["label"] = [form.row_label("requests", k) for k in df["row_key"]]
    order = {k: i for i, k in enumerate(rows)}
    return df.sort_values("row_key", key=lambda s: s.map(order)).reset_index(drop=True)


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
    df["place"] = [
        _place(*p) for p in zip(df["tbl"], df["row_key"], df["col_key"], df["section_no"], strict=True)
    ]
    return df


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
    sel, params = _selected(f)
    return _df(path, f"WITH {sel} SELECT report_id, unit, year FROM sel ORDER BY unit, year DESC", params)


def report_header(path: str, report_id: int) -> pd.DataFrame:
    sql = """SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year, r.template, r.period_start,
                    r.period_end, r.source, r.format, r.version, r.is_current, r.ingested_at, r.content_hash
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
