"""总览: key figures of the latest year with the change against the previous year, and the coverage grid."""

from dataclasses import replace

import streamlit as st

from gi_analytics import analytics
from gi_analytics.app import attention, districts, problems, ui

ui.route_through_app()

st.title("总览")
figures = ui.query(analytics.key_figures)
if ui.empty(figures) or figures["reports"].sum() == 0:
    st.stop()

received = figures[figures["reports"] > 0]
now = received.iloc[-1]
before = figures[figures["year"] == now["year"] - 1]
prev = before.iloc[0] if not before.empty else None


def delta(col: str, scale: float = 1.0, fmt: str = "{:+,.0f}") -> str | None:
    if prev is None or prev[col] != prev[col] or now[col] != now[col]:  # NaN: no comparison
        return None
    return fmt.format((now[col] - prev[col]) * scale)


def num(value: float, fmt: str = "{:,.0f}") -> str:
    return "—" if value != value else fmt.format(value)


st.caption(f"{int(now['year'])}年度，与{int(now['year']) - 1}年比较（所选单位与模板）")
top, bottom = st.columns(4), st.columns(4)
top[0].metric("收到报告", f"{int(now['reports']):,} / {int(now['expected']):,}", delta("reports"),
              help="收到的报告数 / 应报送的单位数")
top[1].metric("新收申请", num(now["new_received"]), delta("new_received"))
top[2].metric("办理总数", num(now["processed"]), delta("processed"))
top[3].metric("公开率", num(now["disclosure_rate"], "{:.1%}"), delta("disclosure_rate", 100, "{:+.1f}个百分点"),
              help="(予以公开 + 部分公开) / 办理总数")
bottom[0].metric("行政复议", num(now["review"]), delta("review"), delta_color="inverse",
                 help=f"每百件申请 {num(now['review_rate'], '{:.1f}')} 件")
bottom[1].metric("行政诉讼", num(now["litigation"]), delta("litigation"), delta_color="inverse",
                 help=f"每百件申请 {num(now['litigation_rate'], '{:.1f}')} 件")
t_now, t_prev = (ui.query(analytics.selection_totals, f=replace(ui.filters(), year_from=int(y), year_to=int(y)))
                 for y in (now["year"], now["year"] - 1))
t_prev = t_prev if prev is not None else None
bottom[2].metric("错误 / 警告", f"{t_now.errors} / {t_now.warnings}",
                 None if t_prev is None else f"{t_now.errors - t_prev.errors:+d}", delta_color="inverse",
                 help=f"未通过核对的问题（错误、警告）；有错误的报告 {t_now.reports_with_errors} 份；另有提示 {t_now.infos} 条")
bottom[3].metric(f":gray[{analytics.STATUS_LABELS[analytics.NOT_EVALUATED]}]", t_now.not_evaluated,
                 None if t_prev is None else f"{t_now.not_evaluated - t_prev.not_evaluated:+d}", delta_color="off",
                 help="因数据缺失等原因无法执行的核对，不计入错误和警告")
ui.table_downloads(figures, "主要指标", "key_figures", ui.KEY_FIGURE_LABELS)
if not ui.unit_views("报送情况、需要关注的单位和问题报告清单"):
    districts.show()  # a province or a nation: district by district
    st.stop()

grid = ui.query(analytics.coverage)
MAX_UNITS = 60
shown = grid
if grid["unit"].nunique() > MAX_UNITS:  # keep the grid readable: units with most problems first
    worst = grid.groupby("unit")["problems"].sum().sort_values(ascending=False).head(MAX_UNITS).index
    shown = grid[grid["unit"].isin(worst)]
    st.caption(f"共 {grid['unit'].nunique()} 个单位，仅显示问题最多的 {MAX_UNITS} 个；请用侧栏筛选单位。")
st.caption("报送情况：点击方块打开该年度的报告。")  # in the page, not in the chart's title: not on a slide
event = ui.chart(ui.figure("coverage_grid", shown, "报送情况"), key="coverage", name="报送情况",
                 on_select="rerun", selection_mode="points")
points = event.selection.points if event else []
if points:
    unit, year = points[0]["y"], int(points[0]["x"])
    if grid[(grid["unit"] == unit) & (grid["year"] == year)]["report_id"].notna().any():
        st.switch_page("pages/report.py", query_params=ui.report_link_params(unit, year))
    st.warning(f"{ui.md_escape(unit)} {year}年度没有报告。", icon=":material/block:")

counts = grid["label"].value_counts()
st.caption("　".join(f"{label} {counts.get(label, 0)}" for label in analytics.COVERAGE_STATES.values()))
ui.table_downloads(grid, "报送情况", "coverage_table", ui.COVERAGE_LABELS)
attention.show()  # 需要关注的单位
problems.show(grid, "problem_reports")
