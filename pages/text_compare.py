"""文本对比: two reports' text side by side, similarity heatmaps and the most similar pairs, length and reuse over
time, keyword search and the distinctive terms of a year. Report text is shown escaped (textcompare does it)."""

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gi_analytics.analytics import text as tc
from gi_analytics.app import ui
from gi_analytics.charts import plots as charts

ui.route_through_app()

VIEWS = ("并排对比", "相似度", "篇幅与沿用", "关键词")
SECTIONS = tuple(tc.SECTION_TITLES)


@st.cache_data(show_spinner=False, max_entries=128)
def _cached(name: str, path: str, version: str, args: tuple) -> object:
    return getattr(tc, name)(path, *args)


def q(fn, *args):
    path = ui.db_path()
    return ui.guarded(lambda: _cached(fn.__name__, path, ui.version(path), args))


def section_label(no: int) -> str:
    return f"{'一二三四五六'[no - 1]}、{tc.SECTION_TITLES[no]}"


def selected(reports: pd.DataFrame) -> pd.DataFrame:
    f = ui.filters()
    keep = pd.Series(True, index=reports.index)
    if f.district:
        keep &= reports["district"] == f.district
    if f.units:
        keep &= reports["unit"].isin(f.units)
    if f.year_from is not None and f.year_to is not None:
        keep &= reports["year"].between(f.year_from, f.year_to)
    return reports[keep].reset_index(drop=True)


def open_pair(a: int, b: int, no: int) -> None:
    st.session_state.update(tc_left=a, tc_right=b, tc_section=no, tc_view=VIEWS[0])


def heatmap(m: pd.DataFrame, title: str, colorscale: str = "Blues") -> go.Figure:
    fig = go.Figure(go.Heatmap(
        z=m.values, x=[str(c) for c in m.columns], y=[str(i) for i in m.index], zmin=0, zmax=1,
        colorscale=colorscale, texttemplate="%{z:.2f}" if len(m) <= 15 else None,
        hovertemplate="%{y} × %{x}<br>%{z:.2f}<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return charts.style(fig, title)


def side_by_side(reports: pd.DataFrame) -> None:
    ids = list(reports["report_id"])
    name = dict(zip(ids, reports["unit"] + " · " + reports["year"].astype(str) + "年", strict=True))
    if st.session_state.get("tc_right") not in ids:
        st.session_state["tc_right"] = ids[-1]
    if st.session_state.get("tc_left") not in ids:
        right = reports[reports["report_id"] == st.session_state["tc_right"]].iloc[0]
        prev = reports[(reports["unit"] == right["unit"]) & (reports["year"] < right["year"])]
        st.session_state["tc_left"] = int(prev["report_id"].iloc[-1]) if len(prev) else ids[0]
    c = st.columns([2, 2, 2])
    left = c[0].selectbox("左侧报告（原文）", ids, key="tc_left", format_func=name.get)
    right = c[1].selectbox("右侧报告（对照）", ids, key="tc_right", format_func=name.get)
    no = c[2].selectbox("部分", SECTIONS, key="tc_section", format_func=section_label)
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
    no = c[0].selectbox("部分", SECTIONS, key="tc_sim_section", format_func=section_label)
    year = c[1].selectbox("年度", sorted(set(reports["year"]), reverse=True), key="tc_sim_year")
    unit = c[2].selectbox("单位", sorted(set(reports["unit"])), key="tc_sim_unit")
    units = sorted(set(reports[reports["year"] == year]["unit"]))
    st.caption("字符 n-gram TF-IDF 余弦相似度（数字与本单位名称已归一）；过短的文字（如“无”）不参与比较。")
    pairs = q(tc.similarity_pairs, 0.0, no, int(year))
    ui.chart(heatmap(tc.unit_matrix(pairs, no, year, units), f"{year}年各单位“{tc.SECTION_TITLES[no]}”相似度"),
             key="tc_unit_heatmap")
    years = sorted(set(reports[reports["unit"] == unit]["year"]))
    own = q(tc.similarity_pairs, 0.0, no, None, unit)
    ui.chart(heatmap(tc.year_matrix(own, unit, no, years), f"{unit}各年度“{tc.SECTION_TITLES[no]}”相似度"),
             key="tc_year_heatmap")
    similar_pairs(reports)


def similar_pairs(reports: pd.DataFrame) -> None:
    st.subheader(f"最相似的文字（相似度 ≥ {tc.THRESHOLD}）", divider="gray")
    ids = set(reports["report_id"])
    top = q(tc.similarity_pairs, tc.THRESHOLD)
    top = top[top["report_a"].isin(ids) & top["report_b"].isin(ids)].head(30)
    if top.empty:
        st.info("当前筛选范围内没有相似度达到阈值的文字。", icon=":material/info:")
    for k, p in enumerate(top.itertuples()):
        c = st.columns([5, 1, 1])
        c[0].text(f"{p.unit_a} {p.year_a}年 ↔ {p.unit_b} {p.year_b}年 · {section_label(p.section_no)}")
        c[1].markdown(f"**{p.score:.2f}**")
        c[2].button("并排查看", key=f"tc_open_{k}", on_click=open_pair, args=(p.report_a, p.report_b, p.section_no))


def length_and_reuse(reports: pd.DataFrame) -> None:
    no = st.selectbox("部分", SECTIONS, key="tc_len_section", format_func=section_label)
    lengths = q(tc.section_lengths)
    lengths = lengths[(lengths["section_no"] == no) & lengths["unit"].isin(reports["unit"])
                      & lengths["year"].isin(reports["year"])]
    fig = go.Figure([go.Scatter(x=g["year"].astype(str), y=g["length"], name=u, mode="lines+markers")
                     for u, g in lengths.groupby("unit")])
    fig.update_xaxes(type="category")
    ui.chart(charts.style(fig, f"“{tc.SECTION_TITLES[no]}”字数", "年度", "字"), key="tc_lengths")
    reuse = q(tc.reuse_shares)
    reuse = reuse[reuse["unit"].isin(reports["unit"]) & reuse["year"].isin(reports["year"])]
    if reuse.empty:
        st.info("没有可与上一年度比较的报告。", icon=":material/info:")
        return
    grid = reuse.pivot_table(index="unit", columns="year", values="share")
    ui.chart(heatmap(grid, "正文沿用上年文字的比例（第一、五、六部分合计）", "Reds"), key="tc_reuse")


def keywords(reports: pd.DataFrame) -> None:
    phrase = st.text_input("关键词或短语", key="tc_keyword", placeholder="例如：数字政府").strip()
    if phrase:
        hits = q(tc.keyword_hits, phrase)
        hits = hits[hits["unit"].isin(reports["unit"]) & hits["year"].isin(reports["year"])]
        if hits.empty:
            st.info(f"没有报告提到“{ui.md_escape(phrase)}”。", icon=":material/info:")
        else:
            counts = hits.pivot_table(index="unit", columns="year", values="count", aggfunc="sum", fill_value=0)
            st.dataframe(counts, key="tc_keyword_counts")
            items = [f"<li><b>{html.escape(h.unit)} {h.year}年 · {section_label(h.section_no)}</b>："
                     + " ".join(tc.snippets_html(h.text, phrase)) + "</li>" for h in hits.head(40).itertuples()]
            st.html(f"<ul>{''.join(items)}</ul>")
    st.subheader("年度特色词", divider="gray")
    year = st.selectbox("年度", sorted(set(reports["year"]), reverse=True), key="tc_terms_year")
    terms = tc.distinctive_terms(q(tc.term_counts), int(year))
    if terms.empty:
        st.info("需要至少两个年度的报告才能比较用词。", icon=":material/info:")
        return
    st.caption("jieba 分词；与其他年度相比该年明显多用的词（全部报告，至少两份报告使用）。")
    st.dataframe(terms, hide_index=True, key="tc_terms", column_config={
        "term": "词", "score": "特色度", "count": "出现次数", "reports": "报告数", "other_count": "其他年度次数"})


st.title("文本对比")
reports = selected(q(tc.text_reports))
if ui.empty(reports):
    st.stop()
view = st.radio("视图", VIEWS, key="tc_view", horizontal=True, label_visibility="collapsed")
{VIEWS[0]: side_by_side, VIEWS[1]: similarity, VIEWS[2]: length_and_reuse, VIEWS[3]: keywords}[view](reports)
