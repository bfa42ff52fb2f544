"""导出: the meeting pack (PPTX deck + PDF handout) for a district and years, and any named chart or table."""

import streamlit as st

from gi_analytics import analytics, export
from gi_analytics.app import auth, packs, reviews, ui
from gi_analytics.export import pack

ui.route_through_app()
auth.require(auth.EXPORT)

st.title("导出")
path = ui.db_path()
options = ui.report_query(analytics.filter_options)
if options.empty:
    ui.empty()
    st.stop()

tab_pack, tab_notices, tab_one = st.tabs(["会议材料", "整改通知", "单项图表与表格"])
with tab_pack:
    chosen_f = ui.filters()
    chosen = chosen_f.district
    cols = st.columns([1, 2])
    scopes = [None, *options.districts]  # None: the whole database
    district = cols[0].selectbox("区县", scopes, key="x_district", format_func=pack.scope_label,
                                 index=scopes.index(chosen) if chosen in scopes else 0)
    years = options.years
    span = (chosen_f.year_from or years[0], chosen_f.year_to or years[-1])  # the sidebar's years to begin with
    lo, hi = (cols[1].select_slider("年度", years, value=span, key="x_years")
              if len(years) > 1 else (years[0], years[0]))
    st.caption(f"所选范围：{packs.totals(district, (int(lo), int(hi))).text()}")
    parts = st.multiselect("内容", list(pack.PARTS), default=list(pack.PARTS), format_func=pack.PARTS.get,
                           key="x_parts")
    if st.button("生成会议材料", type="primary", icon=":material/slideshow:", disabled=not parts, key="x_build"):
        bar = st.progress(0.0, text="准备中…")
        try:
            built = pack.build_pack(path, district, (int(lo), int(hi)), parts,
                                    progress=lambda done, total, what: bar.progress(done / total, text=what))
            with st.spinner("正在生成 PPTX 和 PDF…"):
                st.session_state["x_files"] = {"name": f"{pack.scope_label(district)}{lo}-{hi}年度政府信息公开分析",
                                               "pptx": export.pack_pptx(built), "pdf": export.pack_pdf(built),
                                               "slides": len(built.slides) + 1, "notes": built.notes}
        except export.ExportError as exc:
            st.error(str(exc), icon=":material/error:")
        bar.empty()
    files = st.session_state.get("x_files")
    if files:
        st.success(f"已生成：{ui.md_escape(files['name'])}（{files['slides']}页）", icon=":material/check_circle:")
        st.caption("；".join(files["notes"]))
        left, right = st.columns(2)
        for col, fmt, label in ((left, "pptx", "下载演示文稿（PPTX）"), (right, "pdf", "下载讲义（PDF）")):
            col.download_button(label, files[fmt], f"{files['name']}.{fmt}", export.MIME[fmt], key=f"x_dl_{fmt}",
                                icon=":material/download:", width="stretch")

with tab_notices:
    reviews.notices_panel()

with tab_one:
    st.caption("按侧栏的筛选条件导出。")
    kind = st.radio("类型", ["图表", "表格"], horizontal=True, key="x_kind")
    if kind == "图表":
        name = st.selectbox("图表", list(pack.CHARTS), format_func=lambda n: pack.CHARTS[n].title, key="x_chart")
        chart = packs.chart(name)
        if chart is None:
            st.info("暂无数据：所选范围内没有这张图表的数据。")
            st.stop()
        fig, caption = chart
        ui.chart(fig, key="x_fig", name=pack.CHARTS[name].title)  # with its PNG and SVG downloads
        st.caption(caption)
    else:
        name = st.selectbox("表格", list(pack.TABLES), format_func=lambda n: pack.TABLES[n].title, key="x_table")
        table = packs.table(name)
        if ui.empty(table):
            st.stop()
        ui.table(table, pack.TABLES[name].title, "x_df")  # with its CSV and XLSX downloads
