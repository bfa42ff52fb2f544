"""一致性警告: every finding of the selection, filterable, with its evidence and a link to the report.

Failed checks are counted by severity; checks that could not be evaluated are shown apart as 未能核对 (grey)."""


import streamlit as st

from gi_analytics import analytics, labels
from gi_analytics.app import problems, reviews, ui

ui.route_through_app()

MAX_ROWS = 2000  # rows drawn in the table; the downloads hold them all
UNCHECKED = analytics.STATUS_LABELS[analytics.NOT_EVALUATED]

st.title("一致性警告")
every = ui.query(analytics.findings)
if ui.empty(every):
    st.stop()

totals = analytics.finding_totals(every)
m = st.columns(5)
for col, (label, value) in zip(m, (("错误", totals.errors), ("警告", totals.warnings), ("提示", totals.infos)),
                               strict=False):
    col.metric(label, value, help="未通过的核对")
m[3].metric(f":gray[{UNCHECKED}]", totals.not_evaluated, help="因数据缺失等原因无法执行的核对，不计入上面的数目")
m[4].metric("有错误的报告", totals.reports_with_errors, help="至少有一条错误的报告")

if ui.unit_views("缺失、空白和全零的报告"):  # not checks' findings, but the first to see
    problems.show(ui.query(analytics.coverage), "w_problem_reports")
st.subheader("核对发现的问题", divider="gray")
cols = st.columns([3, 2.5, 2.5, 2.5, 2])
severities = cols[0].multiselect("严重程度", list(analytics.SEVERITY_LABELS), default=["error", "warning"],
                                 format_func=analytics.SEVERITY_LABELS.get, key="w_severity")
statuses = cols[1].multiselect("核对结果", list(analytics.STATUS_LABELS), default=["failed"],
                               format_func=analytics.STATUS_LABELS.get, key="w_status")
titles = dict(zip(every["check_id"], every["title"], strict=False))
checks = cols[2].multiselect("检查项", sorted(titles), format_func=titles.get, key="w_checks",
                             placeholder="全部检查项")
units = cols[3].multiselect("单位", labels.by_pinyin(every["unit"]), key="w_units", placeholder="全部单位")
shown = every[every["severity"].isin(severities or list(analytics.SEVERITY_LABELS))]
shown = shown[shown["status"].isin(statuses or list(analytics.STATUS_LABELS))]
shown = shown[shown["check_id"].isin(checks)] if checks else shown
shown = shown[shown["unit"].isin(units)] if units else shown
shown = reviews.state_filter(shown, cols[4], "w_review")
st.caption(reviews.summary())
if ui.empty(shown):
    st.stop()

counts = shown.assign(kind=shown["result_label"]).groupby(["title", "kind"]).size().unstack(fill_value=0)
by_check = counts.assign(total=counts.sum(axis=1)).reset_index().rename(columns={"title": "unit"})
ui.chart(ui.figure("findings_by_check", by_check.assign(flag=None, flag_text="")),
         key="by_check")

table = shown.head(MAX_ROWS)
table = table.assign(link=problems.report_links(table))
if len(shown) > MAX_ROWS:
    st.caption(f"共 {len(shown):,} 条，表中显示前 {MAX_ROWS:,} 条；下载可得全部。")
picked = reviews.selectable_table(table, ["result_label", "title", "unit", "year", "place", "message",
                                          "expected_text", "actual_text", "link"], "findings_table", width="stretch",
                                  column_config={
    "result_label": "严重程度", "title": "检查项", "unit": "单位",
    "year": st.column_config.NumberColumn("年度", format="%d"), "place": "位置",
    "message": st.column_config.TextColumn("说明", width="large"),
    "expected_text": "应为", "actual_text": "实际",
    "link": st.column_config.LinkColumn("报告", display_text="打开报告")})
ui.table_downloads(shown, "一致性问题清单", "findings_table", ui.FINDING_LABELS)
reviews.review_form(picked, "findings_table")
