"""Reviewing findings in the app: the 核实状态 column and filter, a findings table whose rows can be selected, and
the form that sets the state of the selected findings (warnings page and the report page's 发现的问题 tab).

Writes go through store.reviews; a write swaps in a new database file with a new data version, so every cached
query (keyed by ui.version) shows the new state on the very next run.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from .. import analytics, export, store
from ..export import notices
from . import auth, ui

STATES = analytics.REVIEW_STATES
DEFAULT_STATE = "已确认"
COLUMN = "review_status"
_REVIEWER = "_reviewer"  # the last reviewer's name, offered again on every form


def _no_selection() -> dict[str, dict[str, list]]:
    return {"selection": {"rows": [], "columns": [], "cells": []}}


def state_filter(frame: pd.DataFrame, container: Any, key: str) -> pd.DataFrame:
    """A 核实状态 multiselect (empty: every state) and the rows of `frame` it keeps (failed findings only: a check
    that could not run is not reviewed)."""
    chosen = container.multiselect("核实状态", list(STATES), key=key, placeholder="全部状态")
    return frame[frame[COLUMN].isin(chosen) & (frame["status"] == "failed")] if chosen else frame


def summary(f: analytics.Filters | None = None) -> str:
    """The selection's findings by review state, as the meeting pack counts them."""
    return "核实情况：" + ui.query(analytics.review_summary, f=f).text()


def selectable_table(table: pd.DataFrame, columns: list[str], key: str, **kwargs: Any) -> pd.DataFrame:
    """`table` (with finding_id) as st.dataframe showing `columns` and the review state, several rows selectable;
    returns the selected rows. A selection is dropped when the rows shown change (a filter), so it never points
    at findings the user did not pick."""
    shown = [*columns[:1], COLUMN, *columns[1:]]
    signature = hash(tuple(table["finding_id"]))
    if st.session_state.get(f"{key}_rows") != signature:
        st.session_state[f"{key}_rows"] = signature
        if key in st.session_state:
            st.session_state[key] = _no_selection()
    config = {COLUMN: st.column_config.TextColumn("核实状态"), **kwargs.pop("column_config", {})}
    reviewable = table["status"] == "failed"  # a check that could not run has nothing to review
    event = st.dataframe(
        table.assign(**{COLUMN: table[COLUMN].where(reviewable, "—")}),
        key=key,
        hide_index=True,
        column_order=shown,
        column_config=config,
        on_select="rerun",
        selection_mode="multi-row",
        **kwargs,
    )
    rows = [r for r in event.selection.rows if r < len(table)]
    return table.iloc[rows]


def review_form(selected: pd.DataFrame, key: str) -> None:
    """Set the review state of the selected findings: state, note, reviewer; 已忽略 needs a reason."""
    if not auth.allowed(auth.REVIEW):
        st.caption("设定核实状态需要“核实”权限。")
        return
    failed = selected[selected["status"] == "failed"]
    skipped = len(selected) - len(failed)
    if selected.empty:
        st.caption("在上表左侧勾选问题（可多选），再在下面设定核实状态。")
    else:
        names = "；".join(f"{r.unit}{int(r.year)}年度 {r.title}" for r in failed.head(3).itertuples())
        more = f"等{len(failed)}个" if len(failed) > 3 else ""
        st.caption(
            f"已选 {len(failed)} 个问题：{ui.md_escape(names)}{more}"
            + (f"（另有{skipped}项未能核对，不需核实）" if skipped else "")
        )
    with st.form(f"{key}_form", border=True):
        st.markdown("**核实所选问题**")
        cols = st.columns([2, 2, 5])
        cols[0].selectbox("核实状态", STATES, index=STATES.index(DEFAULT_STATE), key=f"{key}_state")
        cols[1].text_input("核实人", value=st.session_state.get(_REVIEWER) or auth.signed_in(), key=f"{key}_by", max_chars=40)
        cols[2].text_input("说明", key=f"{key}_note", max_chars=500, placeholder="标为“已忽略”时须写明理由")
        st.form_submit_button(
            "保存核实结果",
            type="primary",
            icon=":material/fact_check:",
            on_click=_save,
            args=(tuple(failed["finding_id"]), key),
        )
    message = st.session_state.pop(f"{key}_message", None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(
            text, icon=":material/check_circle:" if kind == "ok" else ":material/error:"
        )


def _save(ids: tuple[str, ...], key: str) -> None:
    """The form's callback (runs before the page): write, then clear the selection and say what was done."""
    if not auth.allowed(auth.REVIEW):  # the form is not drawn without the role; a stale one is refused too
        st.session_state[f"{key}_message"] = ("error", "您没有“核实”权限，未保存。")
        return
    state = st.session_state[f"{key}_state"]
    note = st.session_state[f"{key}_note"].strip()
    reviewer = st.session_state[f"{key}_by"].strip()
    problem = _problem(ids, state, note)
    if problem:
        st.session_state[f"{key}_message"] = ("error", problem)
        return
    try:
        count = store.reviews.set_reviews(ui.db_path(), list(dict.fromkeys(ids)), state, note, reviewer)
    except (store.StoreError, store.DatabaseError) as exc:
        st.session_state[f"{key}_message"] = ("error", f"保存失败：{ui.md_escape(exc)}")
        return
    st.session_state[_REVIEWER] = reviewer
    st.session_state[key] = _no_selection()
    st.session_state[f"{key}_message"] = ("ok", f"已将 {count} 个问题标为“{state}”。")


def _problem(ids: tuple[str, ...], state: str, note: str) -> str | None:
    if not ids:
        return "请先在表格中勾选要核实的问题（未能核对的项不需核实）。"
    if state == "已忽略" and not note:
        return "标为“已忽略”时请在“说明”中写明理由。"
    return None


def report_findings_tab(findings: pd.DataFrame, key: str, checked: bool = True) -> None:
    """The report page's 发现的问题: its findings with their review state, and the review form; for a version
    that was not checked (an older one), that it was not."""
    if not checked:
        st.info("旧版本没有核对结果。", icon=":material/history:")
        return
    if findings.empty:
        st.success("本报告没有发现问题。", icon=":material/check_circle:")
        return
    picked = selectable_table(
        findings,
        ["result_label", "title", "place", "message", "expected_text", "actual_text"],
        key,
        width="stretch",
        column_config={
            "result_label": "严重程度",
            "title": "检查项",
            "place": "位置",
            "message": st.column_config.TextColumn("说明", width="large"),
            "expected_text": "应为",
            "actual_text": "实际",
        },
    )
    review_form(picked, key)


def notices_panel() -> None:
    """The export page's 整改通知: one DOCX per unit with its findings in the chosen state and the ledger, as one
    ZIP; the ledger alone too. Files made from an older version of the database are not offered."""
    path = ui.db_path()
    st.caption(
        "为每个单位生成一份整改通知（Word），列出所选核实状态的问题及其证据；"
        "问题台账（Excel）列出全部问题及其核实状态。范围：数据库中的全部单位。"
    )
    st.caption(summary(analytics.Filters()))
    cols = st.columns([2, 3], vertical_alignment="bottom")
    status = cols[0].selectbox(
        "纳入通知的核实状态", STATES, index=STATES.index(DEFAULT_STATE), key="n_status"
    )
    if cols[1].button("生成整改通知", type="primary", icon=":material/description:", key="n_build"):
        with st.spinner("正在生成整改通知…"):
            files = ui.guarded(lambda: notices.notice_files(path, status))
        st.session_state["n_files"] = {"files": files, "status": status, "version": ui.version(path)}
    built = st.session_state.get("n_files")
    if not built or built["version"] != ui.version(path):
        return
    files, status = built["files"], built["status"]
    count = len(files) - 1
    if count:
        st.success(
            f"已生成 {count} 份整改通知（“{status}”的问题）和问题台账。", icon=":material/check_circle:"
        )
    else:
        st.warning(
            f"没有核实状态为“{status}”的问题，未生成整改通知；可先在“一致性警告”页核实问题。问题台账已生成。",
            icon=":material/warning:",
        )
    left, right = st.columns(2)
    if count:
        left.download_button(
            "下载整改通知和问题台账（ZIP）",
            notices.files_zip(files),
            f"整改通知_{status}.zip",
            "application/zip",
            key="n_dl_zip",
            icon=":material/download:",
            width="stretch",
        )
    right.download_button(
        "下载问题台账（XLSX）",
        files[notices.LEDGER_NAME],
        notices.LEDGER_NAME,
        export.MIME["xlsx"],
        key="n_dl_ledger",
        icon=":material/download:",
        width="stretch",
    )
