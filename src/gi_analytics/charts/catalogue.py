"""The named charts shared by the pages and the meeting pack: what each one draws, its title and its part.

A page and a slide draw the same chart from the same frame; only the title (a page may say more) and the
number of units in a ranking (a slider on the page, TOP_UNITS on a slide) differ, and both are arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from .. import form_spec as form
from ..labels import STATE_COLORS
from . import plots, text

TOP_UNITS = 15  # units in a ranking on a slide
PAGE_TOP = 20  # units in a ranking on a page, unless its slider says otherwise
TYPE_ORDER = [form.REQUEST_COLUMN_LABELS[k] for k in form.REQUEST_COLUMN_PARTS]
APPEAL_COUNTS = {"review": "行政复议", "litigation": "行政诉讼", "pending": "尚未审结"}

Draw = Callable[[pd.DataFrame, str, int], go.Figure]  # (frame, title, top) -> figure


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    part: str  # requests | outcomes | appeals | quality (the meeting pack's parts); "" for page-only charts
    draw: Draw


_CHARTS = [
    Chart("requests_trend", "申请量趋势", "requests",
          lambda d, t, n: plots.trend(d, {"new_received": "本年新收", "processed": "办理总数"}, t)),
    Chart("applicant_types", "新收申请：按申请人类型", "requests",
          lambda d, t, n: plots.stacked_counts(d, "year", "type", "requests", t, TYPE_ORDER)),
    Chart("requests_ranking", "各单位新收申请", "requests",
          lambda d, t, n: plots.ranking(d, "new_received", t, top=n)),
    Chart("outcomes_by_year", "办理结果构成（按年度）", "outcomes", lambda d, t, n: plots.stacked_shares(d, "year", t)),
    Chart("outcomes_by_unit", "办理结果构成（按单位）", "outcomes", lambda d, t, n: plots.stacked_shares(d, "unit", t)),
    Chart("outcome_reasons", "不予公开与无法提供：按理由", "outcomes", lambda d, t, n: plots.reasons(d, t)),
    Chart("disclosure_rate", "公开率排名", "outcomes",
          lambda d, t, n: plots.ranking(d, "disclosure_rate", t, x_title="公开率", top=n, percent=True)),
    Chart("appeals_counts", "行政复议与行政诉讼数量", "appeals",
          lambda d, t, n: plots.grouped_counts(d, APPEAL_COUNTS, t)),
    Chart("appeals_rates", "每百件办理申请的复议、诉讼数", "appeals",
          lambda d, t, n: plots.trend(d, {"review_rate": "复议率", "litigation_rate": "诉讼率"}, t,
                                      y_title="件/百件")),
    Chart("correction_rate", "纠错率（结果纠正/已审结）", "appeals",
          lambda d, t, n: plots.trend(d, {"correction_rate": "纠错率"}, t, y_title="", percent=True)),
    Chart("appeals_ranking", "各单位复议与诉讼合计", "appeals", lambda d, t, n: plots.ranking(d, "appeals", t, top=n)),
    Chart("coverage_by_year", "报送情况（按年度）", "quality",
          lambda d, t, n: plots.stacked_counts(d, "year", "label", "reports", t, list(STATE_COLORS),
                                              STATE_COLORS)),
    # the pages' own charts (part ""): not in the meeting pack
    Chart("coverage_grid", "报送情况", "", lambda d, t, n: plots.coverage_grid(d, t)),
    Chart("findings_by_check", "各检查项的发现数", "", lambda d, t, n: plots.ranking(d, "total", t, x_title="条", top=n)),
    Chart("text_similarity", "文字相似度", "", lambda d, t, n: text.heatmap(d, t)),
    Chart("text_lengths", "字数", "", lambda d, t, n: text.section_lengths(d, t)),
    Chart("text_reuse", "正文沿用上年文字的比例（第一、五、六部分合计）", "", lambda d, t, n: text.reuse_heatmap(d, t)),
]
CHARTS: dict[str, Chart] = {c.name: c for c in _CHARTS}


def figure(name: str, df: pd.DataFrame, title: str | None = None, top: int = PAGE_TOP) -> go.Figure:
    """The chart `name` of the catalogue drawn from `df` (its own title unless one is given)."""
    chart = CHARTS[name]
    return chart.draw(df, title or chart.title, top)
