"""What can be exported, declared as data: named charts (with a generated Chinese caption) and named tables,
and the meeting pack built from them for one district and a span of years.

No streamlit. `export.py` turns the result into files (PNG/SVG, CSV/XLSX, PPTX/PDF).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from . import analytics, charts, form
from .analytics import Filters
from .export import ExportError, Pack, Slide, figure_images, labelled, warm_up

PARTS = {"requests": "申请量", "outcomes": "办理结果", "appeals": "复议诉讼", "quality": "报送与问题"}
SLIDE_SIZE = (1100, 560)  # CSS pixels of a chart on a 16:9 slide
TOP_UNITS = 15
ROWS_PER_SLIDE = 12
MAX_FINDING_UNITS = 36
PROBLEM_STATES = ("missing", "blank", "all_zero")


class Source:
    """The frames of one selection, each queried once (twelve charts come from five queries)."""

    def __init__(self, db: str, f: Filters) -> None:
        self.db, self.f = db, f

    @cached_property
    def unit_year(self) -> pd.DataFrame:
        return analytics.unit_year(self.db, self.f)

    @cached_property
    def per_year(self) -> pd.DataFrame:
        return analytics.per_year(self.unit_year)

    @cached_property
    def per_unit(self) -> pd.DataFrame:
        return analytics.per_unit(self.unit_year)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        return analytics.coverage(self.db, self.f)

    @cached_property
    def findings(self) -> pd.DataFrame:
        return analytics.findings(self.db, self.f, severities=("error", "warning"))


# ---- numbers in words ---------------------------------------------------------------------------


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.1%}"


def _change(now: float, before: float) -> str:
    diff = now - before
    if diff == 0:
        return "与上年持平"
    word = "增加" if diff > 0 else "减少"
    rel = f"（{abs(diff) / before:.1%}）" if before else ""
    return f"比上年{word}{_n(abs(diff))}件{rel}"


def _span(df: pd.DataFrame) -> str:
    years = sorted(int(y) for y in df["year"].dropna().unique())
    return f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"


# ---- captions: one or two sentences with the key numbers ----------------------------------------


def caption_requests_trend(df: pd.DataFrame) -> str:
    d = df.dropna(subset=["new_received"])
    last = d.iloc[-1]
    text = f"{int(last['year'])}年新收申请{_n(last['new_received'])}件"
    prev = d[d["year"] == last["year"] - 1]
    if not prev.empty:
        text += "，" + _change(last["new_received"], prev.iloc[0]["new_received"])
    return f"{text}；{_span(d)}合计{_n(d['new_received'].sum())}件。"


def caption_applicant_types(df: pd.DataFrame) -> str:
    sums = df.groupby("type")["requests"].sum().sort_values(ascending=False)
    total = sums.sum()
    if not total:
        return f"{_span(df)}没有新收申请。"
    parts = [f"{t}{_n(v)}件（{v / total:.1%}）" for t, v in sums.head(2).items() if v > 0]
    return f"{_span(df)}新收申请{_n(total)}件，其中" + "，".join(parts) + "。"


def _caption_top(column: str, what: str, percent: bool = False) -> Callable[[pd.DataFrame], str]:
    def caption(df: pd.DataFrame) -> str:
        d = df.dropna(subset=[column]).sort_values(column, ascending=False)
        fmt = _pct if percent else (lambda v: f"{_n(v)}件")
        top = d.iloc[0]
        text = f"{what}最高的是{top['unit']}（{fmt(top[column])}）"
        if len(d) > 1:
            low = d.iloc[-1]
            text += f"，最低的是{low['unit']}（{fmt(low[column])}）"
        if not percent and len(d) > 3 and d[column].sum() > 0:
            share = d[column].head(3).sum() / d[column].sum()
            text += f"；前三名占全部的{share:.1%}"
        shown = f"，图中为前{TOP_UNITS}名" if len(d) > TOP_UNITS else ""
        return text + f"；共{len(d)}个单位{shown}。"

    return caption


def caption_outcomes_year(df: pd.DataFrame) -> str:
    last_year = df["year"].max()
    d = df[df["year"] == last_year].set_index("group")
    disclosed = d["share"].reindex(["granted", "partially_granted"]).fillna(0).sum()
    denied = d["share"].get("denied", 0.0)
    return (f"{int(last_year)}年办理结果中，予以公开和部分公开合计占{_pct(disclosed)}，"
            f"不予公开占{_pct(denied)}，共{_n(d['count'].sum())}件。")


def caption_outcomes_unit(df: pd.DataFrame) -> str:
    shares = df[df["group"].isin(["granted", "partially_granted"])].groupby("unit")["share"].sum(min_count=1)
    d = shares.dropna().sort_values()
    shown, total = df.attrs.get("units", (0, 0))
    note = f"图中为办理总数最多的{shown}个单位（共{total}个）。" if shown < total else ""
    if d.empty:
        return note + "所选单位没有予以公开或部分公开的申请。"
    return note + (f"予以公开和部分公开的比例最高的是{d.index[-1]}（{_pct(d.iloc[-1])}），"
                   f"最低的是{d.index[0]}（{_pct(d.iloc[0])}）。")


def caption_reasons(df: pd.DataFrame) -> str:
    top = df.sort_values("requests", ascending=False).iloc[0]
    total = df["requests"].sum()
    label = re.sub(r"^\s*[\d一二三四五六七八九十]+\s*[.、．]\s*", "", str(top["label"]))
    return (f"不予公开与无法提供共{_n(total)}件，最常见的理由是“{label}”"
            f"（{_n(top['requests'])}件，占{top['requests'] / total:.1%}）。")


def caption_appeals_counts(df: pd.DataFrame) -> str:
    t = df[["review", "litigation", "pending"]].sum()
    return (f"{_span(df)}行政复议{_n(t['review'])}件、行政诉讼{_n(t['litigation'])}件，"
            f"尚未审结{_n(t['pending'])}件。")


def caption_appeals_rates(df: pd.DataFrame) -> str:
    d = df.dropna(subset=["review_rate"])
    if d.empty:
        return "所选年度没有可计算复议率的数据（办理总数为空）。"
    last = d.iloc[-1]
    return (f"{int(last['year'])}年每百件办理申请对应行政复议{last['review_rate']:.1f}件、"
            f"行政诉讼{last['litigation_rate']:.1f}件。")


def caption_correction(df: pd.DataFrame) -> str:
    corrected = (df["review_corrected"].fillna(0) + df["litigation_corrected"].fillna(0)).sum()
    decided = (df["review"].fillna(0) + df["litigation"].fillna(0) - df["pending"]).sum()
    if decided <= 0:
        return f"{_span(df)}没有已审结的复议诉讼。"
    return f"{_span(df)}复议诉讼已审结{_n(decided)}件，其中结果纠正{_n(corrected)}件，纠错率{_pct(corrected / decided)}。"


def caption_coverage(df: pd.DataFrame) -> str:
    counts = df.groupby("label")["reports"].sum()
    expected = counts.sum()
    received = expected - counts.get("缺失", 0)
    states = "、".join(f"{label}{_n(counts[label])}份" for label in ("缺失", "空白模板", "全零", "有错误")
                       if counts.get(label, 0))
    return f"{_span(df)}应报{_n(expected)}份，收到{_n(received)}份" + (f"；其中{states}。" if states else "，全部正常。")


# ---- chart data ---------------------------------------------------------------------------------


def _types(s: Source) -> pd.DataFrame:
    return analytics.applicant_types(s.db, s.f)


def _reasons(s: Source) -> pd.DataFrame:
    return analytics.outcome_reasons(s.db, s.f)


def _appeals_per_unit(s: Source) -> pd.DataFrame:
    d = s.per_unit.assign(appeals=s.per_unit["review"].fillna(0) + s.per_unit["litigation"].fillna(0))
    return d[d["appeals"] > 0]


def _outcomes_by_unit(s: Source) -> pd.DataFrame:
    """Outcome shares of the TOP_UNITS units with most requests processed (a slide cannot hold 100 bars)."""
    busiest = s.per_unit.dropna(subset=["processed"]).nlargest(TOP_UNITS, "processed")["unit"]
    out = analytics.outcome_shares(s.unit_year[s.unit_year["unit"].isin(busiest)], "unit")
    out.attrs["units"] = (len(busiest), s.per_unit["unit"].nunique())
    return out


def _coverage_per_year(s: Source) -> pd.DataFrame:
    c = s.coverage
    return c.groupby(["year", "label"]).size().rename("reports").reset_index() if not c.empty else c


_TYPE_ORDER = [form.REQUEST_COLUMN_LABELS[k] for k in form.REQUEST_COLUMN_PARTS]


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str
    part: str  # a key of PARTS
    data: Callable[[Source], pd.DataFrame]
    figure: Callable[[pd.DataFrame, str], go.Figure]
    caption: Callable[[pd.DataFrame], str]


_SPECS = [
    ChartSpec("requests_trend", "申请量趋势", "requests", lambda s: s.per_year,
              lambda d, t: charts.trend(d, {"new_received": "本年新收", "processed": "办理总数"}, t),
              caption_requests_trend),
    ChartSpec("applicant_types", "新收申请：按申请人类型", "requests", _types,
              lambda d, t: charts.stacked_counts(d, "year", "type", "requests", t, _TYPE_ORDER),
              caption_applicant_types),
    ChartSpec("requests_ranking", "各单位新收申请", "requests", lambda s: s.per_unit,
              lambda d, t: charts.ranking(d, "new_received", t, top=TOP_UNITS),
              _caption_top("new_received", "新收申请")),
    ChartSpec("outcomes_by_year", "办理结果构成（按年度）", "outcomes",
              lambda s: analytics.outcome_shares(s.unit_year, "year"),
              lambda d, t: charts.stacked_shares(d, "year", t), caption_outcomes_year),
    ChartSpec("outcomes_by_unit", "办理结果构成（按单位）", "outcomes",
              _outcomes_by_unit, lambda d, t: charts.stacked_shares(d, "unit", t), caption_outcomes_unit),
    ChartSpec("outcome_reasons", "不予公开与无法提供：按理由", "outcomes", _reasons, charts.reasons, caption_reasons),
    ChartSpec("disclosure_rate", "公开率排名", "outcomes", lambda s: s.per_unit,
              lambda d, t: charts.ranking(d, "disclosure_rate", t, x_title="公开率", top=TOP_UNITS, percent=True),
              _caption_top("disclosure_rate", "公开率", percent=True)),
    ChartSpec("appeals_counts", "行政复议与行政诉讼数量", "appeals", lambda s: s.per_year,
              lambda d, t: charts.grouped_counts(d, {"review": "行政复议", "litigation": "行政诉讼",
                                                     "pending": "尚未审结"}, t), caption_appeals_counts),
    ChartSpec("appeals_rates", "每百件办理申请的复议、诉讼数", "appeals", lambda s: s.per_year,
              lambda d, t: charts.trend(d, {"review_rate": "复议率", "litigation_rate": "诉讼率"}, t,
                                        y_title="件/百件"), caption_appeals_rates),
    ChartSpec("correction_rate", "纠错率（结果纠正/已审结）", "appeals", lambda s: s.per_year,
              lambda d, t: charts.trend(d, {"correction_rate": "纠错率"}, t, y_title="", percent=True),
              caption_correction),
    ChartSpec("appeals_ranking", "各单位复议与诉讼合计", "appeals", _appeals_per_unit,
              lambda d, t: charts.ranking(d, "appeals", t, top=TOP_UNITS), _caption_top("appeals", "复议诉讼")),
    ChartSpec("coverage_by_year", "报送情况（按年度）", "quality", _coverage_per_year,
              lambda d, t: charts.stacked_counts(d, "year", "label", "reports", t, list(charts.STATE_COLORS)),
              caption_coverage),
]
CHARTS: dict[str, ChartSpec] = {c.name: c for c in _SPECS}


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    data: Callable[[Source], pd.DataFrame]
    labels: Mapping[str, str]


_COUNTS = {"new_received": "本年新收", "carried_over": "上年结转", "processed": "办理总数",
           "carried_forward": "结转下年", **form.OUTCOME_GROUPS, "review": "行政复议", "litigation": "行政诉讼",
           "pending": "尚未审结"}
_RATES = {"disclosure_rate": "公开率", "review_rate": "复议率（每百件）", "litigation_rate": "诉讼率（每百件）",
          "correction_rate": "纠错率"}
_TABLES = [
    TableSpec("key_figures", "主要指标（按年度）", lambda s: analytics.key_figures(s.db, s.f),
              {"year": "年度", "expected": "应报单位", "reports": "收到报告", **_COUNTS, **_RATES,
               "error": "错误", "warning": "警告", "info": "提示"}),
    TableSpec("unit_year", "各单位各年度数据", lambda s: analytics.with_rates(s.unit_year),
              {"unit": "单位", "district": "区县", "year": "年度", "template": "模板", **_COUNTS, **_RATES,
               "flag_text": "问题"}),
    TableSpec("per_unit", "各单位汇总", lambda s: s.per_unit,
              {"unit": "单位", "reports": "报告数", **_COUNTS, **_RATES}),
    TableSpec("coverage", "报送情况", lambda s: s.coverage,
              {"unit": "单位", "year": "年度", "label": "报送情况", "problems": "问题数"}),
    TableSpec("findings", "一致性问题清单", lambda s: s.findings,
              {"severity_label": "严重程度", "title": "检查项", "unit": "单位", "year": "年度", "place": "位置",
               "message": "说明", "expected": "应为", "actual": "实际"}),
]
TABLES: dict[str, TableSpec] = {t.name: t for t in _TABLES}


def build_chart(spec: ChartSpec, source: Source) -> tuple[go.Figure, str] | None:
    """The figure and its caption, or None when the selection has no data for it."""
    df = spec.data(source)
    numbers = df.select_dtypes("number").drop(columns=["year", "report_id"], errors="ignore")
    if df.empty or (not numbers.empty and not numbers.fillna(0).to_numpy().any()):
        return None
    return spec.figure(df, spec.title), spec.caption(df)


def build_table(spec: TableSpec, source: Source) -> pd.DataFrame:
    return labelled(spec.data(source), spec.labels)


# ---- the meeting pack ---------------------------------------------------------------------------


def parse_years(text: str) -> tuple[int, int]:
    """"2021-2023" or "2023" -> (first, last); a clear Chinese error otherwise."""
    lo, sep, hi = text.strip().replace("—", "-").replace("–", "-").partition("-")
    if not lo.strip().isdigit() or (sep and not hi.strip().isdigit()):
        raise ExportError(f"年度应写成“2021-2023”或“2023”，而不是“{text}”")
    first, last = int(lo), int(hi) if sep else int(lo)
    if first > last:
        raise ExportError(f"年度范围的起始年份大于结束年份：{text}")
    return first, last


def selection(db: str, district: str, years: tuple[int, int]) -> Filters:
    """The Filters of a district and a span of years, checked against what the database holds."""
    options = analytics.filter_options(db)
    if options.empty:
        raise ExportError("数据库中没有报告，请先导入报告。")
    if district not in options.districts:
        known = "、".join(map(district_label, options.districts))
        raise ExportError(f"数据库中没有区县“{district}”（现有：{known}）")
    held = [y for y in options.years if years[0] <= y <= years[1]]
    if not held:
        raise ExportError(f"数据库中没有 {years[0]}—{years[1]} 年度的报告（现有年度：{options.years[0]}—{options.years[-1]}）")
    return Filters(district=district, year_from=years[0], year_to=years[1])


def _paginate(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], caption: str,
              widths: tuple[float, ...]) -> list[Slide]:
    chunks = [rows[i:i + ROWS_PER_SLIDE] for i in range(0, len(rows), ROWS_PER_SLIDE)] or [[]]
    return [Slide(title if i == 0 else f"{title}（续）", caption if i == 0 else "", None, header, chunk, widths)
            for i, chunk in enumerate(chunks)]


def missing_slides(source: Source) -> list[Slide]:
    """One row per unit with its missing, blank and zero-filled years."""
    c = source.coverage
    bad = c[c["state"].isin(PROBLEM_STATES)]
    labels = [analytics.COVERAGE_STATES[s] for s in PROBLEM_STATES]
    if bad.empty:
        caption = "所选范围内没有缺失、空白模板或全零的报告。"
    else:
        counts = bad["label"].value_counts()
        caption = "、".join(f"{lab}{counts.get(lab, 0)}份" for lab in labels) + f"，涉及{bad['unit'].nunique()}个单位。"
    rows = []
    for unit, part in bad.sort_values(["unit", "year"]).groupby("unit", sort=True):
        years = [_years_text(part[part["state"] == s]["year"]) for s in PROBLEM_STATES]
        rows.append((unit, *years))
    return _paginate("缺失、空白与全零报告", ("单位", *labels), rows, caption, (2, 2, 2, 2))


def _years_text(years: pd.Series) -> str:
    return "、".join(str(int(y)) for y in years) or "—"


def unit_findings(findings: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per unit: errors, warnings and its most frequent checks ("标题×n"), worst units first."""
    if findings.empty:
        return pd.DataFrame(columns=["unit", "error", "warning", "top"])
    counts = findings.pivot_table(index="unit", columns="severity", values="check_id", aggfunc="size",
                                  fill_value=0).reindex(columns=["error", "warning"], fill_value=0)
    titles = findings.groupby(["unit", "title"]).size().rename("n").reset_index()
    titles = titles.sort_values(["unit", "n", "title"], ascending=[True, False, True])
    tops = titles.groupby("unit").head(top).groupby("unit").apply(
        lambda g: "；".join(f"{t}×{n}" for t, n in zip(g["title"], g["n"], strict=True)), include_groups=False)
    out = counts.assign(top=tops).reset_index()
    return out.sort_values(["error", "warning", "unit"], ascending=[False, False, True]).reset_index(drop=True)


def findings_slides(source: Source) -> list[Slide]:
    per_unit = unit_findings(source.findings)
    shown = per_unit.head(MAX_FINDING_UNITS)
    if per_unit.empty:
        caption = "所选范围内没有错误或警告。"
    else:
        caption = (f"{len(per_unit)}个单位共有错误{int(per_unit['error'].sum())}条、警告{int(per_unit['warning'].sum())}条"
                   + (f"；按问题多少列出前{len(shown)}个单位。" if len(shown) < len(per_unit) else "。"))
    rows = [(u, str(e), str(w), t) for u, e, w, t in
            zip(shown["unit"], shown["error"], shown["warning"], shown["top"], strict=True)]
    return _paginate("各单位主要问题", ("单位", "错误", "警告", "主要问题（检查项×条数）"), rows, caption, (2.2, 0.7, 0.7, 6))


Progress = Callable[[int, int, str], None]


def _tell(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


def build_pack(db: str, district: str, years: tuple[int, int], parts: Sequence[str] = tuple(PARTS),
               progress: Progress | None = None) -> Pack:
    """The meeting pack's content: charts rendered to PNG with captions, and the list slides."""
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise ExportError(f"未知的内容：{'、'.join(unknown)}（可选：{'、'.join(PARTS)}）" if unknown else "请至少选择一项内容")
    source = Source(str(db), selection(str(db), district, years))
    warm_up()  # Chromium starts while the database is queried
    specs = [c for c in CHARTS.values() if c.part in parts]
    steps = 2 * len(specs) + 1
    built: list[tuple[ChartSpec, go.Figure, str]] = []
    skipped = []
    for i, spec in enumerate(specs):
        _tell(progress, i, steps, f"查询：{spec.title}")
        chart = build_chart(spec, source)
        if chart is None:
            skipped.append(spec.title)
        else:
            fig = chart[0].update_layout(title_text="", margin_t=40)  # the slide carries the title
            built.append((spec, fig, chart[1]))
    _tell(progress, len(specs), steps, f"绘制图表（共{len(built)}张）")
    images = figure_images([fig for _, fig, _ in built], "png", *SLIDE_SIZE, on_each=lambda i: _tell(
        progress, len(specs) + i + 1, steps, f"已绘制：{built[i][0].title}"))
    slides = [Slide(spec.title, caption, png) for (spec, _, caption), png in zip(built, images, strict=True)]
    if "quality" in parts:
        slides += missing_slides(source) + findings_slides(source)
    _tell(progress, steps, steps, "完成")
    span = f"{years[0]}年度" if years[0] == years[1] else f"{years[0]}—{years[1]}年度"
    notes = [f"内容：{'、'.join(PARTS[p] for p in parts)}", f"生成日期：{date.today():%Y年%m月%d日}"]
    if skipped:
        notes.append(f"无数据而省略：{'、'.join(skipped)}")
    return Pack(f"{district_label(district)}政府信息公开工作年度报告分析", span, notes, slides)


def district_label(district: str) -> str:
    """How a district is named on slides and in the app (units imported without one have "")."""
    return district or "（未填区县）"
