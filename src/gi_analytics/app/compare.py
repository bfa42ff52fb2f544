"""文本对比 page's views: side-by-side diff, similarity heatmaps and pairs, length and reuse, keywords. The
chosen view and side-by-side pair are kept in the URL (view, a, a_year, b, b_year, part), so a link shows them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import labels
from ..analytics import text as tc
from . import ui

VIEWS = ("并排对比", "相似度", "篇幅与沿用", "关键词")
TOP_PAIRS = 30  # the most similar pairs listed
q = ui.text_query


def open_pair(a: int, b: int, no: int) -> None:
    st.session_state.update(tc_left=a, tc_right=b, tc_section=no, tc_view=VIEWS[0])


def side_by_side(reports: pd.DataFrame) -> None:
    name = tc.report_names(reports)
    if st.session_state.get("tc_right") not in name:
        st.session_state["tc_right"] = list(name)[-1]
    if st.session_state.get("tc_left") not in name:
        st.session_state["tc_left"] = tc.default_left(reports, st.session_state["tc_right"])
    c = st.columns([2, 2, 2])
    left = c[0].selectbox("左侧报告（原文）", list(name), key="tc_left", format_func=name.get)
    right = c[1].selectbox("右侧报告（对照）", list(name), key="tc_right", format_func=name.get)
    no = c[2].selectbox("部分", tc.TEXT_SECTIONS, key="tc_section", format_func=tc.section_label)
    result = tc.compare(q(tc.section_text, left, no), q(tc.section_text, right, no))
    m = st.columns(3)
    m[0].metric("左侧字数", result.left_chars)
    m[1].metric("右侧字数", result.right_chars)
    m[2].metric("右侧未改动文字占比", f"{result.share:.0%}", help="右侧文字中与左侧逐字相同的部分")
    if not result.rows:
        st.info("两份报告的这一部分都没有文字。", icon=":material/info:")
        return
    st.caption("红色删除线：仅左侧有的文字；绿色：右侧新增或改写的文字。")
    st.html(tc.comparison_html(result, name[left], name[right]))


def similarity(reports: pd.DataFrame) -> None:
    c = st.columns(3)
    no = c[0].selectbox("部分", tc.TEXT_SECTIONS, key="tc_sim_section", format_func=tc.section_label)
    year = c[1].selectbox("年度", sorted(set(reports["year"]), reverse=True), key="tc_sim_year")
    unit = c[2].selectbox("单位", labels.by_pinyin(reports["unit"]), key="tc_sim_unit")
    units = labels.by_pinyin(reports[reports["year"] == year]["unit"])
    st.caption("字符 n-gram TF-IDF 余弦相似度（数字与本单位名称已归一）；过短的文字（如“无”）不参与比较。")
    pairs = tc.unit_matrix(q(tc.similarity_pairs, 0.0, no, int(year), None, ui.filters()), no, year, units)
    ui.chart(
        ui.figure("text_similarity", pairs, f"{year}年各单位“{tc.SECTION_TITLES[no]}”相似度"),
        key="tc_unit_heatmap",
    )
    years = sorted(set(reports[reports["unit"] == unit]["year"]))
    own = tc.year_matrix(q(tc.similarity_pairs, 0.0, no, None, unit, ui.filters()), unit, no, years)
    ui.chart(
        ui.figure("text_similarity", own, f"{unit}各年度“{tc.SECTION_TITLES[no]}”相似度"),
        key="tc_year_heatmap",
    )
    st.subheader(f"最相似的文字（相似度 ≥ {tc.THRESHOLD}）", divider="gray")
    top = q(tc.similarity_pairs, tc.THRESHOLD, None, None, None, ui.filters()).head(TOP_PAIRS)  # both in the selection
    if top.empty:
        st.info("当前筛选范围内没有相似度达到阈值的文字。", icon=":material/info:")
    for k, p in enumerate(top.itertuples()):
        c = st.columns([5, 1, 1])
        c[0].text(f"{p.unit_a} {p.year_a}年 ↔ {p.unit_b} {p.year_b}年 · {tc.section_label(p.section_no)}")
        c[1].markdown(f"**{p.score:.2f}**")
        c[2].button(
            "并排查看", key=f"tc_open_{k}", on_click=open_pair, args=(p.report_a, p.report_b, p.section_no)
        )


def length_and_reuse(reports: pd.DataFrame) -> None:
    no = st.selectbox("部分", tc.TEXT_SECTIONS, key="tc_len_section", format_func=tc.section_label)
    lengths = q(tc.section_lengths, ui.filters(), no)
    ui.chart(ui.figure("text_lengths", lengths, f"“{tc.SECTION_TITLES[no]}”字数"), key="tc_lengths")
    reuse = q(tc.reuse_shares, ui.filters())
    if reuse.empty:
        st.info("没有可与上一年度比较的报告。", icon=":material/info:")
        return
    ui.chart(ui.figure("text_reuse", reuse), key="tc_reuse")


def keywords(reports: pd.DataFrame) -> None:
    phrase = st.text_input("关键词或短语", key="tc_keyword", placeholder="例如：数字政府").strip()
    hits = q(tc.keyword_hits, phrase, ui.filters()) if phrase else None
    if hits is not None and hits.empty:
        st.info(f"没有报告提到“{ui.md_escape(phrase)}”。", icon=":material/info:")
    elif hits is not None:
        st.dataframe(tc.keyword_counts(hits), key="tc_keyword_counts")
        st.html(tc.hits_html(hits, phrase))
    st.subheader("年度特色词", divider="gray")
    if len(reports) > tc.TERM_REPORTS_MAX:  # jieba reads every text: ≈ 1.6 s per 1,000 reports
        st.info(f"所选范围有 {len(reports):,} 份报告，年度特色词最多比较 {tc.TERM_REPORTS_MAX:,} 份：请在侧栏选择区县或单位。",
                icon=":material/info:")
        return
    year = st.selectbox("年度", sorted(set(reports["year"]), reverse=True), key="tc_terms_year")
    terms = tc.distinctive_terms(q(tc.term_counts, ui.filters()), int(year))
    if terms.empty:
        st.info("需要至少两个年度的报告才能比较用词。", icon=":material/info:")
        return
    st.caption("jieba 分词；与其他年度相比该年明显多用的词（所选范围的报告，至少两份报告使用）。")
    st.dataframe(terms, hide_index=True, key="tc_terms", column_config=tc.TERM_LABELS)


SLUGS = dict(zip(VIEWS, ("side", "similarity", "length", "keywords"), strict=True))


URL_KEYS = ("view", "a", "a_year", "b", "b_year", "part")


def _link() -> tuple[str | None, ...]:
    """The comparison as the URL holds it."""
    return tuple(st.query_params.get(k) for k in URL_KEYS)


def restore_from_url(reports: pd.DataFrame) -> None:
    """A followed link (its query string not seen before in this session) sets the view, pair and part."""
    qp = st.query_params
    link = _link()
    if link == st.session_state.get("_tc_link"):
        return
    st.session_state["_tc_link"] = link
    view = {slug: v for v, slug in SLUGS.items()}.get(qp.get("view", ""))
    if view:
        st.session_state["tc_view"] = view
    for side, key in (("a", "tc_left"), ("b", "tc_right")):
        rid = _report_id(reports, qp.get(side), qp.get(f"{side}_year"))
        if rid is not None:
            st.session_state[key] = rid
    if qp.get("part", "").isdigit() and int(qp["part"]) in tc.TEXT_SECTIONS:
        st.session_state["tc_section"] = int(qp["part"])


def record_in_url(reports: pd.DataFrame) -> None:
    """The current view (and, side by side, its pair and part) in the query string, to be shared as a link."""
    qp, state = st.query_params, st.session_state
    values = {"view": SLUGS[state["tc_view"]]}
    if state["tc_view"] == VIEWS[0]:
        by_id = reports.set_index("report_id")
        for side, key in (("a", "tc_left"), ("b", "tc_right")):
            values[side], values[f"{side}_year"] = (
                by_id.loc[state[key], "unit"],
                str(by_id.loc[state[key], "year"]),
            )
        values["part"] = str(state["tc_section"])
    for key in URL_KEYS:
        if key not in values:
            qp.pop(key, None)
        elif qp.get(key) != values[key]:
            qp[key] = values[key]
    state["_tc_link"] = _link()


def _report_id(reports: pd.DataFrame, unit: str | None, year: str | None) -> int | None:
    if not unit or not (year or "").isdigit():
        return None
    hit = reports[(reports["unit"] == unit) & (reports["year"] == int(year))]["report_id"]
    return int(hit.iloc[0]) if not hit.empty else None


def show(reports: pd.DataFrame) -> None:
    restore_from_url(reports)
    view = st.radio("视图", VIEWS, key="tc_view", horizontal=True, label_visibility="collapsed")
    {VIEWS[0]: side_by_side, VIEWS[1]: similarity, VIEWS[2]: length_and_reuse, VIEWS[3]: keywords}[view](
        reports
    )
    record_in_url(reports)
