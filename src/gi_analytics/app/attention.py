"""总览, 需要关注的单位: the top of analytics.attention's ranked list, with a download of every unit."""

from __future__ import annotations

import streamlit as st

from .. import analytics
from ..analytics import attention as rules  # the module (its rules and labels)
from . import ui

TOP = 10
SHOWN = ["rank", "unit", "score", "missing", "late", "confirmed", "outliers", "sample", "reasons"]


def show(top: int = TOP) -> None:
    """The section: who needs attention first and why; the full table (every unit) as CSV/XLSX."""
    ranked = ui.query(analytics.needs_attention)
    st.subheader("需要关注的单位", divider="gray")
    year = ranked["rate_year"].dropna()
    rates_year = f"{int(year.iloc[0])}年度" if not year.empty else "最近一年"
    st.caption(
        f"按缺失报告（每份3分）、已确认待整改的问题（每条2分）、逾期发布（每份1分）和异常比率（每项1分）排序。"
        f"比率为{rates_year}的公开率、不予公开率、无法提供率、复议纠错率，与全区P10/P90及本单位上年比较；"
        f"办理不足{rules.MIN_SAMPLE}件的单位不评比率（{rules.INSUFFICIENT}）。"
    )
    listed = ranked[ranked["score"] > 0]
    if listed.empty:
        st.info("所选范围内没有需要特别关注的单位。", icon=":material/check_circle:")
    else:
        st.dataframe(
            listed.head(top)[SHOWN].rename(columns=rules.LABELS),
            hide_index=True,
            width="stretch",
            column_config={rules.LABELS["reasons"]: st.column_config.TextColumn(width="large")},
        )
        more = len(listed) - min(top, len(listed))
        if more > 0:
            st.caption(f"另有 {more} 个单位有待关注事项，见下载的完整名单。")
    ui.table_downloads(ranked, "需要关注的单位", "attention", rules.LABELS)
