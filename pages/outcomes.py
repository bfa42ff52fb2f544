"""办理结果: outcome distribution per unit and per year, denial/unavailable reasons, disclosure-rate ranking."""

import streamlit as st

from gi_analytics import analytics
from gi_analytics.app import ui

ui.route_through_app()

st.title("办理结果")
yearly = ui.query(analytics.totals, "year")  # sums of the selection's reports: the same shares as report by report
if ui.empty(yearly) or yearly["processed"].fillna(0).sum() == 0:
    if not yearly.empty:
        st.info("暂无数据：所选报告中没有办理结果。")
    st.stop()
units = ui.query(analytics.totals, "unit")

by_year, by_unit, why, rate = st.tabs(["按年度", "按单位", "不予公开与无法提供的理由", "公开率排名"])
with by_year:
    shares = ui.derived(analytics.outcome_shares, yearly, "year")
    ui.chart(ui.figure("outcomes_by_year", shares), key="shares_year")
with by_unit:
    busiest = units.nlargest(30, "processed")["unit"]  # a readable chart
    if len(units) > len(busiest):
        st.caption(f"仅显示办理量最多的 {len(busiest)} 个单位；请用侧栏筛选单位。")
    shares = ui.derived(analytics.outcome_shares, units[units["unit"].isin(busiest)], "unit")
    ui.chart(ui.figure("outcomes_by_unit", shares), key="shares_unit")
with why:
    reasons = ui.query(analytics.outcome_reasons)
    if reasons.empty:
        st.info("所选范围内没有不予公开或无法提供的申请。")
    else:
        ui.chart(ui.figure("outcome_reasons", reasons), key="reasons")
with rate:
    ui.chart(ui.figure("disclosure_rate", units, "公开率排名（予以公开+部分公开）/办理总数"), key="rate")
