"""Parts of the 报告详情 page: the banner of a blank or zero-filled report, and the report's tables laid out
like the form with the cells of each finding marked."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from .. import analytics, export
from .. import form_spec as form
from ..charts import form as charts
from ..labels import COVERAGE_STATES
from . import ui

SHORT = {"active": "表二", "requests": "表三", "appeals": "表四"}  # as the form numbers its tables
BANNERS = {
    "blank": "本报告是**空白模板**：表格栏目齐全，但没有填写任何数字。",
    "all_zero": "本报告表三、表四的数字**全部为0**，请核实是否如实填报。",
}


def checked(head: pd.Series) -> bool:
    """Whether the shown version was checked: only a report's current version is; an older one says so, so that
    no count of its problems (there are none stored) reads as "no problems"."""
    if bool(head["is_current"]):
        return True
    st.info(f"这是第{int(head['version'])}版，已被更新的版本取代。核对只针对当前版本进行，本版本没有核对结果；"
            "请在“版本”中选择当前版本查看问题。", icon=":material/history:")
    return False


def banner(findings: pd.DataFrame) -> None:
    """Above everything else: a report that is a blank template or filled with zeros says so."""
    state = analytics.state_of_findings(findings)
    if state:
        st.warning(f"{COVERAGE_STATES[state]}：{BANNERS[state]}", icon=":material/report:")


def form_tables(cells: pd.DataFrame, head: pd.Series, findings: pd.DataFrame, name: str) -> None:
    """The three tables with the form's labels and headings, marked cells, and CSV/XLSX downloads of each."""
    st.caption("红色：错误；黄色：警告（只标出问题涉及的单元格）。鼠标悬停在单元格上可看说明。")
    html, items = [charts.FORM_CSS], []
    for tbl, label in form.TABLE_LABELS.items():
        table = analytics.form_table(cells, tbl, head["template"])
        html.append(f"<h4>{label}</h4>" + charts.form_table_html(table, tbl, findings, head["template"]))
        items += [replace(d, label=f"{SHORT[tbl]} {d.label.removeprefix('下载 ')}") for d in
                  export.table_download_items(charts.form_table_labelled(table, tbl, head["template"]),
                                              f"{name}_{label}")]
    st.html("".join(html))
    st.caption("下载表格：")
    ui.downloads(items, "form_tables")
