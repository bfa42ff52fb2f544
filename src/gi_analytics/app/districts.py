"""各区县情况: a selection too large to show unit by unit (a province, a nation) shown district by district on the
overview, each row with the same counts as the coverage grid and the findings; choosing a row selects the
district."""

from __future__ import annotations

import streamlit as st

from .. import analytics
from . import ui

COLUMNS = {
    **analytics.DISTRICT_LABELS,
    "disclosure_rate": st.column_config.NumberColumn("公开率", format="percent"),
}


def show() -> None:
    summary = ui.query(analytics.district_summary)
    st.subheader("各区县情况", divider="gray")
    st.caption(
        "应报送、已收到、缺失与报送情况的计算相同；有错误的报告与一致性警告相同。点击一行查看该区县的各单位。"
    )
    event = ui.table(
        summary[list(analytics.DISTRICT_LABELS)],
        "各区县情况",
        "district_summary",
        analytics.DISTRICT_LABELS,
        column_config=COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
        width="stretch",
    )
    rows = event.selection.rows if event else []
    if rows:
        ui.pick_district(summary["district"].iloc[rows[0]])
