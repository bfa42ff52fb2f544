"""一致性警告: every finding of the selection, filterable, with its evidence and a link to the report."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from gi_analytics import analytics, charts, ui

st.title("一致性警告")
every = ui.query(analytics.findings)
if ui.empty(every):
    st.stop()

cols = st.columns(3)
severities = cols[0].multiselect("严重程度", list(analytics.SEVERITY_LABELS), default=["error", "warning"],
                                 format_func=analytics.SEVERITY_LABELS.get, key="w_severity")
titles = dict(zip(every["check_id"], every["title"], strict=False))
checks = cols[1].multiselect("检查项", sorted(titles), format_func=titles.get, key="w_checks",
                             placeholder="全部检查项")
units = cols[2].multiselect("单位", sorted(every["unit"].unique()), key="w_units", placeholder="全部单位")
shown = every[every["severity"].isin(severities or list(analytics.SEVERITY_LABELS))]
shown = shown[shown["check_id"].isin(checks)] if checks else shown
shown = shown[shown["unit"].isin(units)] if units else shown

counts = shown.groupby(["title", "severity"]).size().rename("n").reset_index()
m = st.columns(3)
for col, (sev, label) in zip(m, analytics.SEVERITY_LABELS.items(), strict=True):
    col.metric(label, int((shown["severity"] == sev).sum()))
if ui.empty(shown):
    st.stop()

by_check = counts.pivot_table(index="title", columns="severity", values="n", fill_value=0).reset_index()
by_check = by_check.rename(columns={"title": "unit"}).assign(flag=None, flag_text="")
by_check["total"] = by_check[[c for c in analytics.SEVERITY_LABELS if c in by_check]].sum(axis=1)
ui.chart(charts.ranking(by_check, "total", "各检查项的发现数", x_title="条"), key="by_check")


links = ["" if pd.isna(rid) else "./report?" + urlencode(ui.report_link_params(unit, year), doseq=True)
         for rid, unit, year in zip(shown["report_id"], shown["unit"], shown["year"], strict=True)]
table = shown.assign(link=links)
st.dataframe(table[["severity_label", "title", "unit", "year", "place", "message", "expected", "actual", "link"]],
             hide_index=True, width="stretch", key="findings_table", column_config={
                 "severity_label": "严重程度", "title": "检查项", "unit": "单位",
                 "year": st.column_config.NumberColumn("年度", format="%d"), "place": "位置",
                 "message": st.column_config.TextColumn("说明", width="large"),
                 "expected": "应为", "actual": "实际",
                 "link": st.column_config.LinkColumn("报告", display_text="打开报告")})
