"""文本对比: side-by-side diff, similarity heatmaps and pairs, length and reuse, keywords and distinctive terms."""

import streamlit as st

from gi_analytics.analytics import text as tc
from gi_analytics.app import ui
from gi_analytics.charts import catalogue

ui.route_through_app()

VIEWS = ("并排对比", "相似度", "篇幅与沿用", "关键词")
q = ui.text_query


def open_pair(a: int, b: int, no: int) -> None:
    st.session_state.update(tc_left=a, tc_right=b, tc_section=no, tc_view=VIEWS[0])


def side_by_side(reports) -> None:
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


def similarity(reports) -> None:
    c = st.columns(3)
    no = c[0].selectbox("部分", tc.TEXT_SECTIONS, key="tc_sim_section", format_func=tc.section_label)
    year = c[1].selectbox("年度", sorted(set(reports["year"]), reverse=True), key="tc_sim_year")
    unit = c[2].selectbox("单位", sorted(set(reports["unit"])), key="tc_sim_unit")
    units = sorted(set(reports[reports["year"] == year]["unit"]))
    st.caption("字符 n-gram TF-IDF 余弦相似度（数字与本单位名称已归一）；过短的文字（如“无”）不参与比较。")
    pairs = tc.unit_matrix(q(tc.similarity_pairs, 0.0, no, int(year)), no, year, units)
    ui.chart(catalogue.figure("text_similarity", pairs, f"{year}年各单位“{tc.SECTION_TITLES[no]}”相似度"),
             key="tc_unit_heatmap")
    years = sorted(set(reports[reports["unit"] == unit]["year"]))
    own = tc.year_matrix(q(tc.similarity_pairs, 0.0, no, None, unit), unit, no, years)
    ui.chart(catalogue.figure("text_similarity", own, f"{unit}各年度“{tc.SECTION_TITLES[no]}”相似度"), key="tc_year_heatmap")
    st.subheader(f"最相似的文字（相似度 ≥ {tc.THRESHOLD}）", divider="gray")
    top = tc.pairs_within(q(tc.similarity_pairs, tc.THRESHOLD), reports)
    if top.empty:
        st.info("当前筛选范围内没有相似度达到阈值的文字。", icon=":material/info:")
    for k, p in enumerate(top.itertuples()):
        c = st.columns([5, 1, 1])
        c[0].text(f"{p.unit_a} {p.year_a}年 ↔ {p.unit_b} {p.year_b}年 · {tc.section_label(p.section_no)}")
        c[1].markdown(f"**{p.score:.2f}**")
        c[2].button("并排查看", key=f"tc_open_{k}", on_click=open_pair, args=(p.report_a, p.report_b, p.section_no))


def length_and_reuse(reports) -> None:
    no = st.selectbox("部分", tc.TEXT_SECTIONS, key="tc_len_section", format_func=tc.section_label)
    lengths = tc.within(q(tc.section_lengths), reports, no)
    ui.chart(catalogue.figure("text_lengths", lengths, f"“{tc.SECTION_TITLES[no]}”字数"), key="tc_lengths")
    reuse = tc.within(q(tc.reuse_shares), reports)
    if reuse.empty:
        st.info("没有可与上一年度比较的报告。", icon=":material/info:")
        return
    ui.chart(catalogue.figure("text_reuse", reuse), key="tc_reuse")


def keywords(reports) -> None:
    phrase = st.text_input("关键词或短语", key="tc_keyword", placeholder="例如：数字政府").strip()
    hits = tc.within(q(tc.keyword_hits, phrase), reports) if phrase else None
    if hits is not None and hits.empty:
        st.info(f"没有报告提到“{ui.md_escape(phrase)}”。", icon=":material/info:")
    elif hits is not None:
        st.dataframe(tc.keyword_counts(hits), key="tc_keyword_counts")
        st.html(tc.hits_html(hits, phrase))
    st.subheader("年度特色词", divider="gray")
    year = st.selectbox("年度", sorted(set(reports["year"]), reverse=True), key="tc_terms_year")
    terms = tc.distinctive_terms(q(tc.term_counts), int(year))
    if terms.empty:
        st.info("需要至少两个年度的报告才能比较用词。", icon=":material/info:")
        return
    st.caption("jieba 分词；与其他年度相比该年明显多用的词（全部报告，至少两份报告使用）。")
    st.dataframe(terms, hide_index=True, key="tc_terms", column_config=tc.TERM_LABELS)


st.title("文本对比")
reports = q(tc.text_reports, ui.filters())
if ui.empty(reports):
    st.stop()
view = st.radio("视图", VIEWS, key="tc_view", horizontal=True, label_visibility="collapsed")
{VIEWS[0]: side_by_side, VIEWS[1]: similarity, VIEWS[2]: length_and_reuse, VIEWS[3]: keywords}[view](reports)
