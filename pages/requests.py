"""申请量: trend per year, ranking of units, applicant types, units whose volume jumped (within a district-sized
selection: analytics.UNIT_VIEW_MAX)."""

import streamlit as st

from gi_analytics import analytics
from gi_analytics.app import ui

ui.route_through_app()

st.title("申请量")
yearly = ui.query(analytics.totals, "year")
if ui.empty(yearly):
    st.stop()

left, right = st.columns(2)
with left:
    ui.chart(ui.figure("requests_trend", yearly), key="trend")
with right:
    types = ui.query(analytics.applicant_types)
    ui.chart(ui.figure("applicant_types", types, "按申请人类型"), key="types")

units = ui.query(analytics.totals, "unit")
tab_rank, tab_jump = st.tabs(["单位排名", "申请量激增"])
with tab_rank:
    top = st.slider("显示前几名", 5, 50, 20, key="requests_top")
    ui.chart(ui.figure("requests_ranking", units, "各单位新收申请（所选年度合计）", top=top), key="ranking")
with tab_jump:
    if ui.unit_views("申请量激增"):
        jumps = analytics.volume_jumps(ui.query(analytics.unit_year))
        if jumps.empty:
            st.info("所选范围内没有申请量比上年翻倍且增加10件以上的单位。")
        else:
            labels = {"unit": "单位", "year": "年度", "previous": "上年新收", "new_received": "本年新收",
                      "increase": "增加"}
            ui.table(jumps[list(labels)], "申请量激增", "jumps", labels,
                     column_config={**labels, "year": st.column_config.NumberColumn("年度", format="%d")})
