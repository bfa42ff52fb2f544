"""复议诉讼: reconsideration and litigation counts, rates per 100 requests, correction rate, pending cases."""

import streamlit as st

from gi_analytics import analytics
from gi_analytics.app import ui

ui.route_through_app()

st.title("复议诉讼")
yearly = ui.query(analytics.totals, "year")
if ui.empty(yearly):
    st.stop()

total = yearly[["review", "litigation", "pending"]].sum()
cols = st.columns(3)
cols[0].metric("行政复议（件）", f"{total['review']:,.0f}")
cols[1].metric("行政诉讼（件）", f"{total['litigation']:,.0f}")
cols[2].metric("尚未审结（件）", f"{total['pending']:,.0f}")

per_year, per_unit = st.tabs(["按年度", "按单位"])
with per_year:
    left, right = st.columns(2)
    with left:
        ui.chart(ui.figure("appeals_counts", yearly, "复议诉讼数量"), key="counts")
    with right:
        ui.chart(ui.figure("appeals_rates", yearly), key="rates")
    ui.chart(ui.figure("correction_rate", yearly), key="correction")
with per_unit:
    units = ui.query(analytics.totals, "unit")
    units = units[(units["review"].fillna(0) + units["litigation"].fillna(0)) > 0]
    if units.empty:
        st.info("所选范围内没有行政复议或行政诉讼。")
    else:
        ui.chart(ui.figure("appeals_ranking", units.assign(appeals=units["review"] + units["litigation"])),
                 key="unit_counts")
        labels = {"unit": "单位", "review": "行政复议", "litigation": "行政诉讼", "pending": "尚未审结",
                  "review_rate": "复议率（每百件）", "correction_rate": "纠错率"}
        ui.table(units[list(labels)], "各单位复议诉讼", "appeals_table", labels, column_config={
            "unit": "单位", "review": "行政复议", "litigation": "行政诉讼", "pending": "尚未审结",
            "review_rate": st.column_config.NumberColumn("复议率（每百件）", format="%.1f"),
            "correction_rate": st.column_config.NumberColumn("纠错率", format="percent")})
