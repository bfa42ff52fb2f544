"""办理结果: outcome distribution per unit and per year, denial/unavailable reasons, disclosure-rate ranking."""

import streamlit as st

from gi_analytics import analytics
from gi_analytics.app import ui

ui.route_through_app()

st.title("办理结果")
per_report = ui.query(analytics.unit_year)
if ui.empty(per_report) or per_report["processed"].fillna(0).sum() == 0:
    if not per_report.empty:
        st.info("暂无数据：所选报告中没有办理结果。")
    st.stop()

by_year, by_unit, why, rate = st.tabs(["按年度", "按单位", "不予公开与无法提供的理由", "公开率排名"])
with by_year:
    shares = ui.derived(analytics.outcome_shares, per_report, "year")
    ui.chart(ui.figure("outcomes_by_year", shares), key="shares_year")
with by_unit:
    busiest = per_report.groupby("unit")["processed"].sum().nlargest(30).index  # a readable chart
    if per_report["unit"].nunique() > len(busiest):
        st.caption(f"仅显示办理量最多的 {len(busiest)} 个单位；请用侧栏筛选单位。")
    shares = ui.derived(analytics.outcome_shares, per_report[per_report["unit"].isin(busiest)], "unit")
    ui.chart(ui.figure("outcomes_by_unit", shares), key="shares_unit")
with why:
    reasons = ui.query(analytics.outcome_reasons)
    if reasons.empty:
        st.info("所选范围内没有不予公开或无法提供的申请。")
    else:
        ui.chart(ui.figure("outcome_reasons", reasons), key="reasons")
with rate:
    units = ui.query(analytics.totals, "unit")
    ui.chart(ui.figure("disclosure_rate", units, "公开率排名（予以公开+部分公开）/办理总数"), key="rate")
