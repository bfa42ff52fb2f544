"""导入 page, 从网址导入: report pages (or, with a year, listing pages) pasted one a line, fetched and ingested by
the library function `gi-analytics fetch` uses, with a progress bar and one Chinese outcome per URL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ..collect.jobs import jobs_from_urls
from ..ingest.fetched import SENTENCE_LABELS, Line, fetch_and_ingest, summary
from ..ingest.pipeline import IngestError
from ..store.records import StoreError
from . import databases, ui

MAX_URLS = 100  # one batch; more belong in `gi-analytics fetch --urls 文件`
FOLLOW_UP = SENTENCE_LABELS  # 失败, 缺失, 未发布: a URL that gave no report
RESULT = "fu_result"  # the last batch's summary and table, kept across the rerun that opens its database


def show(creating: bool, name: str) -> None:
    """The box; `creating`/`name` are the page's choice of a new own database (the demo is never written)."""
    st.subheader("从网址导入", divider="gray")
    st.caption("粘贴年度报告网页、PDF 或 DOCX 的网址，每行一个；填写年度时，网址按年报栏目页处理，"
               "在栏目中按标题查找该年度的报告。已获取过且内容未变的网址不会重复导入。")  # fmt: skip
    with st.form("fetch_urls"):
        text = st.text_area("网址（每行一个）", key="fu_urls", height=120,
                            placeholder="https://www.example.gov.cn/zfxxgk/2024/report.html")  # fmt: skip
        left, right = st.columns(2)
        year = left.number_input("年度（可选，栏目页时填写）", min_value=2008, max_value=2100, value=None, step=1,
                                 key="fu_year")  # fmt: skip
        district = right.text_input("区县（可选）", max_chars=40, key="fu_district")
        submitted = st.form_submit_button("获取并导入", icon=":material/travel_explore:")
    if submitted:
        _run(text, int(year) if year else None, district.strip() or None, creating, name.strip())
    if RESULT in st.session_state:
        message, table = st.session_state[RESULT]
        if table["结果"].isin(FOLLOW_UP).any():  # some URLs gave no report: say so in the colour too
            st.warning(message, icon=":material/warning:")
        else:
            st.success(message, icon=":material/check_circle:")
        ui.table(table, "网址导入结果", "fetch_result", width="stretch")


def _run(text: str, year: int | None, district: str | None, creating: bool, name: str) -> None:
    urls = [u.strip() for u in text.splitlines() if u.strip() and not u.lstrip().startswith("#")]
    problem = databases.name_problem(name) if creating else None
    if not urls:
        st.warning("请先填写网址，每行一个。", icon=":material/edit:")
        return
    if len(urls) > MAX_URLS:
        st.warning(f"一次最多 {MAX_URLS} 个网址（现有 {len(urls)} 个）；更多网址请用命令 "
                   "`gi-analytics fetch --urls 网址.txt`。", icon=":material/edit:")  # fmt: skip
        return
    if problem:
        st.warning(f"{problem}。", icon=":material/edit:")
        return
    path = databases.new_path(name) if creating else Path(ui.db_path())
    jobs = jobs_from_urls(urls, year)
    bar = st.progress(0.0, text=f"共 {len(jobs)} 个网址，正在获取…")

    def progress(done: int, total: int, url: str) -> None:
        bar.progress(done / max(total, 1), text=f"已获取 {done}/{total}：{url}")

    try:
        lines = fetch_and_ingest(jobs, path, district=district, progress=progress)
    except (IngestError, StoreError) as exc:
        st.error(f"导入失败：{ui.md_escape(exc)}\n\n{ui.hints.for_error(str(exc), path)}", icon=":material/error:")
        return
    bar.progress(1.0, text="获取完成")
    opened = creating and path.exists()
    if opened:
        databases.switch_to(name)  # own reports in their own database; the demo stays as it was
    where = f"已新建并打开数据库“{name}”，其他页面显示它的数据。" if opened else "其他页面已显示新数据。"
    st.session_state[RESULT] = (f"{summary(lines)}。{where}", outcome_table(lines))
    st.switch_page("pages/import_reports.py")  # run again on this page, with the new database open


def outcome_table(lines: list[Line]) -> pd.DataFrame:
    """One row per URL: 网址, 结果 (已入库 / 新版本 / 未变化 / 缺失 / 未发布 / 失败) and 说明 (what, or why not)."""
    rows = [{"网址": line.url, "结果": line.label, "说明": _detail(line)} for line in lines]
    return pd.DataFrame(rows, columns=["网址", "结果", "说明"])


def _detail(line: Line) -> str:
    """The line's detail without the URL its own column shows."""
    text = line.detail.strip()
    return text[len(line.url) :].strip() if text.startswith(line.url) else text
