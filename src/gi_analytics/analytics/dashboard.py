"""The dashboard's figures for a selection -> pandas DataFrames (store/dashboard.py runs the SQL).

Chart-ready frames carry `flag` ("error" | "warning" | None) and `flag_text` (which findings, in Chinese) so
every chart can mark data that comes from a questionable report. No streamlit, no plotly here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import form_spec as form
from ..derived.figures import COUNT_COLUMNS, REASON_ROWS
from ..labels import (
    COVERAGE_STATES,
    PROBLEM_STATES,
    SEVERITY_LABELS,
    STATE_CHECKS,
    district_label,
    pinyin_column,
)
from ..store import dashboard as sql
from ..store.selection import Filters

FLAG_SEVERITIES = ("error", "warning")
# A selection of more units than this (a province, a nation) is shown by its sums: totals per year, rankings,
# reasons. What shows unit by unit (the coverage grid, lists of reports, text comparison) asks for a district.
UNIT_VIEW_MAX = 2_000
REASON_FRAME = ["row_key", "requests", "flag", "flag_text", "group", "group_label", "label"]


def unit_year(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected current report: its key counts (NaN where blank), outcome groups and flags."""
    df = sql.unit_year(path, f)
    df["flag"] = _none(df["flag"])
    return df


def totals(path: str, f: Filters, by: str = "year") -> pd.DataFrame:
    """`aggregate(unit_year(path, f), by)` computed in SQL: sums per year or unit, rates and flags."""
    if by not in ("year", "unit"):
        raise ValueError(by)
    df = sql.totals(path, f, by)
    df["flag"] = _none(df["flag"])
    return _add_rates(df)


def report_flags(path: str, f: Filters) -> pd.DataFrame:
    """One row per selected report with failed error/warning findings: unit, year, flag, titles."""
    return sql.report_flags(path, f)


def expected_units(path: str, f: Filters) -> pd.DataFrame:
    """The units of the selection (whatever their reports) and the years they should report."""
    return sql.expected_units(path, f)


def coverage(path: str, f: Filters) -> pd.DataFrame:
    """Units × years of the selection with the state of each report (see COVERAGE_STATES). A cell exists only
    where a report is expected (the unit's district's years), as in the check series.missing_report."""
    out = sql.coverage(path, f)
    out["label"] = out["state"].map(COVERAGE_STATES)
    out["flag"] = _none(out["flag"])
    return out


PROBLEM_REPORT_LABELS = {"unit": "单位", "year": "年度", "label": "情况", "since": "自何年起", "link": "报告"}


def problem_reports(grid: pd.DataFrame) -> pd.DataFrame:
    """The missing, blank and zero-filled reports of a coverage grid (`coverage`), one row each: unit, year,
    state, its label, and `since`: the first year of the unit's unbroken run of that state up to this year."""
    g = grid.sort_values(["unit", "year"], key=pinyin_column, ignore_index=True)
    new_run = (g["unit"] != g["unit"].shift()) | (g["state"] != g["state"].shift()) | (g["year"] != g["year"].shift() + 1)
    g["since"] = g["year"].where(new_run).ffill().astype("int64")
    out = g[g["state"].isin(PROBLEM_STATES)]
    return out[["unit", "year", "state", "label", "since", "report_id"]].reset_index(drop=True)


def state_of_findings(findings: pd.DataFrame) -> str | None:
    """"blank" or "all_zero" when one report's findings make it so (as the coverage grid decides), else None."""
    failed = set(findings.loc[findings["status"] == "failed", "check_id"])
    return next((state for state, check in STATE_CHECKS.items() if check in failed), None)


DISTRICT_LABELS = {"label": "区县", "units": "单位数", "expected": "应报送", "reports": "已收到", "missing": "缺失",
                   "reports_with_errors": "有错误的报告", "new_received": "新收申请", "processed": "办理总数",
                   "disclosure_rate": "公开率", "review": "行政复议", "litigation": "行政诉讼"}


def district_summary(path: str, f: Filters) -> pd.DataFrame:
    """Per district of the selection (a province's or a nation's view): units, reports expected, received and
    missing, reports with errors, counts and the rates of `totals`; `label` as shown (未填区县); districts in
    pinyin order, 未填区县 last."""
    out = _add_rates(sql.district_summary(path, f))
    out["label"] = out["district"].map(district_label)
    return out


def finding_counts(path: str, f: Filters) -> pd.DataFrame:
    """Findings per year and severity for the selection: failed ones and those not evaluated."""
    return sql.finding_counts(path, f)


def key_figures(path: str, f: Filters) -> pd.DataFrame:
    """Per year: reports received and expected, counts, rates, failed findings by severity and the findings
    that could not be evaluated (`not_evaluated`)."""
    expected, per_year, counts = sql.year_figures(path, f)
    per_year["flag"] = _none(per_year["flag"])
    out = expected.merge(_add_rates(per_year), on="year", how="left")
    out["reports"] = out["reports"].fillna(0).astype("int64")
    out["flag_text"] = out["flag_text"].fillna("")
    for severity in SEVERITY_LABELS:
        part = counts[counts["severity"] == severity][["year", "findings"]].rename(columns={"findings": severity})
        out = out.merge(part, on="year", how="left")
        out[severity] = out[severity].fillna(0).astype("int64")
    unchecked = counts.groupby("year", as_index=False)["not_evaluated"].sum()
    out = out.merge(unchecked, on="year", how="left")
    out["not_evaluated"] = out["not_evaluated"].fillna(0).astype("int64")
    return out


def applicant_types(path: str, f: Filters) -> pd.DataFrame:
    """New requests per year and applicant type (long form, Chinese label in `type`)."""
    df = sql.applicant_types(path, f)
    order = {k: i for i, k in enumerate(form.REQUEST_COLUMN_PARTS)}
    df = df.sort_values(["year", "col_key"], key=lambda s: s.map(order) if s.name == "col_key" else s)
    df["type"] = df["col_key"].map(form.REQUEST_COLUMN_LABELS)
    df["flag"] = _none(df["flag"])
    return df.reset_index(drop=True)


def outcome_reasons(
    path: str, f: Filters, groups: tuple[str, ...] = ("denied", "unavailable")
) -> pd.DataFrame:
    """Requests per reason row (denials, unavailable…) in the selection, with Chinese labels and the flags of
    the reports that contribute to each row."""
    rows = [k for k in REASON_ROWS if form.ROW_GROUP[k] in groups]
    if not rows:
        return pd.DataFrame(columns=REASON_FRAME)
    df = sql.outcome_reasons(path, f, rows)
    if df.empty:
        return pd.DataFrame(columns=REASON_FRAME)
    df["flag"] = _none(df["flag"])
    df["group"] = df["row_key"].map(form.ROW_GROUP)
    df["group_label"] = df["group"].map(form.OUTCOME_GROUPS)
    df["label"] = [form.row_label("requests", k) for k in df["row_key"]]
    order = {k: i for i, k in enumerate(rows)}
    return df.sort_values("row_key", key=lambda s: s.map(order)).reset_index(drop=True)[REASON_FRAME]


def _none(s: pd.Series) -> pd.Series:
    """Missing values as None (object column), as the charts and tests expect for `flag`."""
    return s.astype(object).where(s.notna(), None)


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
    out["denial_rate"] = out["denied"].fillna(0) / processed  # 不予公开率
    out["unavailable_rate"] = out["unavailable"].fillna(0) / processed  # 无法提供率
    out["review_decided"] = out["review"].fillna(0) - out["review_pending"].fillna(0)  # 已审结的行政复议
    out["review_correction_rate"] = (  # 复议纠错率: 结果纠正 / 已审结 (行政复议 only)
        out["review_corrected"].fillna(0) / out["review_decided"].where(out["review_decided"] > 0))
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
