"""The list of missing, blank and zero-filled reports (unit, year, state, since when): on the overview and on
the warnings page, downloadable, with a link to each report that is there."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from .. import analytics
from ..labels import COVERAGE_STATES, PROBLEM_STATES
from . import ui

TITLE = "缺失、空白与全零报告"


def report_links(rows: pd.DataFrame) -> list[str]:
    """For rows with unit, year and report_id (and district): a relative link that opens the report page on each
    report, keeping the selection; from a selection too large for the report page (a nation), the link selects
    the report's district and unit. "" where there is no report."""
    base = ui.report_link_params("", 0)  # the selection, read once for all the rows
    own = "district" in rows and ui.selected_units() > analytics.UNIT_VIEW_MAX
    districts = rows["district"] if own else [None] * len(rows)
    return ["" if pd.isna(rid) else "./report?" + urlencode(
                {**base, **({"district": d, "unit": unit} if own else {}), "r_unit": unit, "r_year": str(int(year))},
                doseq=True)
            for unit, year, rid, d in zip(rows["unit"], rows["year"], rows["report_id"], districts, strict=True)]


def show(grid: pd.DataFrame, key: str) -> None:
    """The list for a coverage grid (`analytics.coverage` of the selection)."""
    rows = analytics.problem_reports(grid)
    st.subheader(TITLE, divider="gray")
    if rows.empty:
        st.success("所选范围内没有缺失、空白模板或全零的报告。", icon=":material/check_circle:")
        return
    counts = rows["label"].value_counts()
    st.caption("　".join(f"{COVERAGE_STATES[s]} {counts.get(COVERAGE_STATES[s], 0)}份" for s in PROBLEM_STATES)
               + f"；涉及 {rows['unit'].nunique()} 个单位。“自何年起”：该情况连续出现的第一年。")
    rows = rows.assign(link=report_links(rows))
    labels = analytics.PROBLEM_REPORT_LABELS
    st.dataframe(rows[list(labels)], hide_index=True, key=key, column_config={
        **labels, "year": st.column_config.NumberColumn("年度", format="%d"),
        "since": st.column_config.NumberColumn("自何年起", format="%d"),
        "link": st.column_config.LinkColumn("报告", display_text="打开报告")})
    ui.table_downloads(rows.drop(columns=["link", "state", "report_id"]), TITLE, f"{key}_file",
                       {k: v for k, v in labels.items() if k != "link"})
