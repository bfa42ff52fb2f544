"""What can be exported, declared as data: named charts (with a generated Chinese caption) and named tables,
and the meeting pack built from them for one district and a span of years.

No streamlit. `export.py` turns the result into files (PNG/SVG, CSV/XLSX, PPTX/PDF).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from .. import analytics
from .. import form_spec as form
from ..analytics import Filters
from ..charts import catalogue
from ..charts.catalogue import TOP_UNITS
from ..labels import PACK_PARTS, PROBLEM_STATES, district_label, parse_year_range, pinyin_column
from .captions import (
    caption_appeals_counts,
    caption_appeals_rates,
    caption_applicant_types,
    caption_correction,
    caption_coverage,
    caption_outcomes_unit,
    caption_outcomes_year,
    caption_reasons,
    caption_requests_trend,
    caption_top,
)
from .images import ExportError, figure_images, warm_up
from .slides import Pack, Slide
from .tables import labelled

PARTS = PACK_PARTS
SLIDE_SIZE = (1100, 560)  # CSS pixels of a chart on a 16:9 slide
ROWS_PER_SLIDE = 12
MAX_FINDING_UNITS = 36
ALL_DISTRICTS = "全部区县"


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
        """Every finding of the selection: failed and not evaluated (see `totals`)."""
        return analytics.findings(self.db, self.f)

    @cached_property
    def totals(self) -> analytics.Totals:
        return analytics.finding_totals(self.findings)

    @cached_property
    def reviews(self) -> pd.DataFrame:
        """Every failed finding of the selection with its review state, corrected ones included."""
        return analytics.selection_reviews(self.db, self.f)


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


@dataclass(frozen=True)
class ChartSpec:
    """A chart of the catalogue with the data a slide draws it from and the caption under it."""

    name: str
    title: str
    part: str  # a key of PARTS
    data: Callable[[Source], pd.DataFrame]
    figure: Callable[[pd.DataFrame, str], go.Figure]
    caption: Callable[[pd.DataFrame], str]


_SOURCES: dict[str, tuple[Callable[[Source], pd.DataFrame], Callable[[pd.DataFrame], str]]] = {
    "requests_trend": (lambda s: s.per_year, caption_requests_trend),
    "applicant_types": (_types, caption_applicant_types),
    "requests_ranking": (lambda s: s.per_unit, caption_top("new_received", "新收申请")),
    "outcomes_by_year": (lambda s: analytics.outcome_shares(s.unit_year, "year"), caption_outcomes_year),
    "outcomes_by_unit": (_outcomes_by_unit, caption_outcomes_unit),
    "outcome_reasons": (_reasons, caption_reasons),
    "disclosure_rate": (lambda s: s.per_unit, caption_top("disclosure_rate", "公开率", percent=True)),
    "appeals_counts": (lambda s: s.per_year, caption_appeals_counts),
    "appeals_rates": (lambda s: s.per_year, caption_appeals_rates),
    "correction_rate": (lambda s: s.per_year, caption_correction),
    "appeals_ranking": (_appeals_per_unit, caption_top("appeals", "复议诉讼")),
    "coverage_by_year": (_coverage_per_year, caption_coverage),
}


def _spec(chart: catalogue.Chart) -> ChartSpec:
    data, caption = _SOURCES[chart.name]
    return ChartSpec(chart.name, chart.title, chart.part, data,
                     lambda d, t: chart.draw(d, t, TOP_UNITS), caption)


CHARTS: dict[str, ChartSpec] = {name: _spec(c) for name, c in catalogue.CHARTS.items() if c.part}


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
              {"unit": "单位", "year": "年度", "label": "报送情况", "problems": "问题数", "checked_text": "栏目检查"}),
    TableSpec("findings", "一致性问题清单", lambda s: s.findings,
              {"severity_label": "严重程度", "title": "检查项", "unit": "单位", "year": "年度", "place": "位置",
               "message": "说明", "expected": "应为", "actual": "实际"}),
    TableSpec("reviews", "整改情况（按单位）", lambda s: analytics.review_counts(s.reviews),
              {"unit": "单位", **analytics.REVIEW_COUNT_LABELS, "total": "合计"}),
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
    try:
        return parse_year_range(text)
    except ValueError as exc:
        raise ExportError(str(exc)) from None


def selection(db: str, district: str | None, years: tuple[int, int]) -> Filters:
    """The Filters of a district (None: the whole database) and a span of years, checked against the database."""
    options = analytics.filter_options(db)
    if options.empty:
        raise ExportError("数据库中没有报告，请先导入报告。")
    if district is not None and district not in options.districts:
        known = "、".join(map(district_label, options.districts))
        raise ExportError(f"数据库中没有区县“{district}”（现有：{known}）")
    held = [y for y in options.years if years[0] <= y <= years[1]]
    if not held:
        raise ExportError(f"数据库中没有 {years[0]}—{years[1]} 年度的报告（现有年度：{options.years[0]}—{options.years[-1]}）")
    return Filters(district=district, year_from=years[0], year_to=years[1])


def selection_totals(db: str, district: str | None, years: tuple[int, int]) -> analytics.Totals:
    """The totals of the pack's selection, as its 各单位主要问题 slide states them."""
    return analytics.selection_totals(db, selection(db, district, years))


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
    for unit, part in bad.sort_values(["unit", "year"], key=pinyin_column).groupby("unit", sort=False):
        years = [_years_text(part[part["state"] == s]["year"]) for s in PROBLEM_STATES]
        rows.append((unit, *years))
    return _paginate("缺失、空白与全零报告", ("单位", *labels), rows, caption, (2, 2, 2, 2))


def _years_text(years: pd.Series) -> str:
    return "、".join(str(int(y)) for y in years) or "—"


def unit_findings(findings: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per unit: errors, warnings and its most frequent checks ("标题×n"), worst units first."""
    findings = findings[(findings["status"] == "failed") & findings["severity"].isin(["error", "warning"])]
    if findings.empty:
        return pd.DataFrame(columns=["unit", "error", "warning", "top"])
    counts = findings.pivot_table(index="unit", columns="severity", values="check_id", aggfunc="size",
                                  fill_value=0).reindex(columns=["error", "warning"], fill_value=0)
    titles = findings.groupby(["unit", "title"]).size().rename("n").reset_index()
    titles = titles.sort_values(["unit", "n", "title"], ascending=[True, False, True], key=pinyin_column)
    tops = titles.groupby("unit").head(top).groupby("unit").apply(
        lambda g: "；".join(f"{t}×{n}" for t, n in zip(g["title"], g["n"], strict=True)), include_groups=False)
    out = counts.assign(top=tops).reset_index()
    return out.sort_values(["error", "warning", "unit"], ascending=[False, False, True],
                           key=pinyin_column).reset_index(drop=True)


def findings_slides(source: Source) -> list[Slide]:
    per_unit = unit_findings(source.findings)
    shown = per_unit.head(MAX_FINDING_UNITS)
    caption = f"所选范围：{source.totals.text()}。"
    if per_unit.empty:
        caption += "没有单位有错误或警告。"
    elif len(shown) < len(per_unit):
        caption += f"按问题多少列出前{len(shown)}个单位（共{len(per_unit)}个）。"
    rows = [(u, str(e), str(w), t) for u, e, w, t in
            zip(shown["unit"], shown["error"], shown["warning"], shown["top"], strict=True)]
    return _paginate("各单位主要问题", ("单位", "错误", "警告", "主要问题（检查项×条数）"), rows, caption, (2.2, 0.7, 0.7, 6))


def review_slides(source: Source) -> list[Slide]:
    """Per unit: its findings 待核实, 已确认 (not yet corrected), 已忽略 and 已整改 (analytics.review_counts)."""
    per_unit = analytics.review_counts(source.reviews)
    totals = analytics.review_totals(source.reviews)
    caption = f"所选范围的问题（含提示）：{totals.text()}。" if len(per_unit) else "所选范围内没有问题。"
    if totals.confirmed:
        caption += f"尚有{(per_unit['已确认'] > 0).sum()}个单位的已确认问题未整改。"
    rows = [(r["unit"], *(str(int(r[s])) for s in analytics.REVIEW_STATES), str(int(r["total"])))
            for _, r in per_unit.iterrows()]
    if rows:
        counts = totals.counts().values()
        rows.append(("合计", *(str(n) for n in counts), str(sum(counts))))
    header = ("单位", *analytics.REVIEW_COUNT_LABELS.values(), "合计")
    return _paginate("整改情况", header, rows, caption, (2.4, 1, 1.4, 1, 1, 1))


Progress = Callable[[int, int, str], None]


def _tell(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


def build_pack(db: str, district: str | None, years: tuple[int, int], parts: Sequence[str] = tuple(PARTS),
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
        slides += missing_slides(source) + findings_slides(source) + review_slides(source)
    _tell(progress, steps, steps, "完成")
    span = f"{years[0]}年度" if years[0] == years[1] else f"{years[0]}—{years[1]}年度"
    notes = [f"内容：{'、'.join(PARTS[p] for p in parts)}", f"生成日期：{date.today():%Y年%m月%d日}"]
    if skipped:
        notes.append(f"无数据而省略：{'、'.join(skipped)}")
    return Pack(f"{scope_label(district)}政府信息公开工作年度报告分析", span, notes, slides)


def scope_label(district: str | None) -> str:
    """What a pack covers, as its title and file name say: a district, 未填区县, or the whole database."""
    return ALL_DISTRICTS if district is None else district_label(district)
