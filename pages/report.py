"""报告详情: one report laid out like the form, cells in findings highlighted, its text, versions, original."""

import pandas as pd
import streamlit as st

from gi_analytics import analytics
from gi_analytics.app import auth, report_view, reviews, ui

ui.route_through_app()

st.title("报告详情")
if not ui.unit_views("报告详情"):
    st.stop()
index = ui.query(analytics.report_index)
if ui.empty(index):
    st.stop()

qp = st.query_params
if qp.get("r_unit") and (qp.get("r_unit"), qp.get("r_year")) != st.session_state.get("_r_seen"):
    st.session_state["_r_seen"] = (qp.get("r_unit"), qp.get("r_year"))  # a link was followed: show its report
    if qp["r_unit"] in set(index["unit"]):
        st.session_state["r_unit"] = qp["r_unit"]
        st.session_state["r_year"] = int(qp.get("r_year", "0") or 0)
units = list(dict.fromkeys(index["unit"]))
cols = st.columns([2, 1, 3])
unit = cols[0].selectbox("单位", units, key="r_unit")
years = list(index[index["unit"] == unit]["year"])
if st.session_state.get("r_year") not in years:
    if qp.get("r_unit") == unit and qp.get("r_year"):  # a link to a year with no report: say so, never hide it
        st.warning(f"{ui.md_escape(unit)} {ui.md_escape(qp['r_year'])}年度没有报告；下面显示该单位最近一年的报告。",
                   icon=":material/block:")
    st.session_state["r_year"] = years[0]
year = cols[1].selectbox("年度", years, key="r_year")
qp["r_unit"], qp["r_year"] = unit, str(year)
st.session_state["_r_seen"] = (unit, str(year))

current = int(index[(index["unit"] == unit) & (index["year"] == year)]["report_id"].iloc[0])
versions = ui.report_query(analytics.report_versions, current)
chosen = cols[2].selectbox("版本", list(versions["report_id"]), key=f"r_version_{current}", format_func=lambda rid: (
    lambda v: f"第{v['version']}版{'（当前）' if v['is_current'] else ''} · {v['source']} · "
              f"{v['ingested_at']:%Y-%m-%d %H:%M}")(versions[versions["report_id"] == rid].iloc[0]))
head = ui.report_query(analytics.report_header, chosen).iloc[0]
findings = ui.report_query(analytics.report_findings, chosen)

checked = report_view.checked(head)
report_view.banner(findings)
m = st.columns([1, 2, 1, 1])  # the period's two dates need the room
m[0].metric("模板", f"{head['template']}年版" if head["template"] else "未识别")
has_period = not (pd.isna(head["period_start"]) or pd.isna(head["period_end"]))  # NaT is truthy
period = f"{head['period_start']:%Y-%m-%d} 至 {head['period_end']:%Y-%m-%d}" if has_period else "未写明"
m[1].metric("统计期限", period)
totals = analytics.finding_totals(findings)
m[2].metric("错误", totals.errors if checked else "—")
m[3].metric("警告", totals.warnings if checked else "—")
st.caption(f"{ui.report_identity_note(head)}　{ui.unchecked_note(totals)}")

tab_tables, tab_findings, tab_text, tab_file = st.tabs(["表格", "发现的问题", "正文", "版本与原件"])
with tab_tables:
    report_view.form_tables(ui.report_query(analytics.report_cells, chosen), head, findings, f"{unit}{year}")
with tab_findings:
    reviews.report_findings_tab(findings, f"r_findings_{chosen}", checked)
with tab_text:
    for _, s in ui.report_query(analytics.report_sections, chosen).iterrows():
        st.subheader(f"{s['no']}. {ui.md_escape(s['title'])}", divider="gray")
        st.text(s["text"])  # always as plain text: the report's own words are never rendered as markup
with tab_file:
    labels = {"version": "版本", "is_current": "当前", "source": "文件", "format": "格式", "ingested_at": "导入时间"}
    ui.table(versions[list(labels)], f"{unit}{year}_版本", "versions_table", labels, column_config=labels)
    original = ui.report_query(analytics.original_file, chosen)
    if original and auth.allowed(auth.EXPORT):
        st.download_button("下载原件", original[1], file_name=original[0], icon=":material/download:")
    else:
        st.caption("下载原件需要“导出”权限。" if original else "未保存原件。")
