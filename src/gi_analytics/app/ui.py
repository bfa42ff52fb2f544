"""Shared Streamlit helpers for app.py and pages/: the sidebar selection (kept in session state and in the URL
query string), cached queries and the empty/error states. The only module of the package importing streamlit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from .. import analytics, export, labels, store
from ..analytics import Filters, text
from ..charts import plots as charts
from ..export import pack
from . import auth, databases, hints
from .first_start import ensure_demo_db  # noqa: F401 - app.py calls ui.ensure_demo_db()
from .once import derived, figure  # noqa: F401 - the pages call ui.figure / ui.derived

ALL = "全部"
REBUILD_HINT = hints.damaged(store.BUNDLED_DB)  # the demo's way out; other errors: hints.for_error
EMPTY_MESSAGE = "暂无数据：当前数据库或筛选条件下没有报告。可在侧栏放宽筛选，或到“导入”页上传报告。"

# sidebar widget key -> query-string key
_QP = {
    "f_district": "district",
    "f_units": "unit",
    "f_years": "years",
    "f_template": "template",
    "f_db": "db",
}


def default_db() -> str:
    return str(store.default_db())


def db_path() -> str:
    """The file of the chosen database (the chooser holds a name, never a path)."""
    return databases.path_of(st.session_state.get("f_db") or databases.default_name())


def filters() -> Filters:
    """The current selection (set by `sidebar`)."""
    return st.session_state.get("_filters", Filters())


# ---- cached queries -----------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, path: str, version: str, f: tuple, args: tuple) -> Any:
    return getattr(analytics, name)(path, Filters(*f), *args)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_report(name: str, path: str, version: str, args: tuple) -> Any:
    return getattr(analytics, name)(path, *args)


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_text(name: str, path: str, version: str, args: tuple) -> Any:
    return getattr(text, name)(path, *args)


def text_query(fn: Callable[..., Any], *args: Any) -> Any:
    """Run an `analytics.text` query (similarity pairs, lengths, keyword hits…), cached by file version."""
    path = db_path()
    return guarded(lambda: _cached_text(fn.__name__, path, version(path), args))


def version(path: str) -> str:
    """The database's version, pinned once per page run (store/snapshot.py): the cache key of every query."""
    return store.snapshot.version(path)


def one_version() -> Any:
    """Around a page run (app.py): all its queries read one version of each database."""
    return store.snapshot.pinned()


def query(fn: Callable[..., Any], *args: Any, f: Filters | None = None) -> Any:
    """Run an `analytics` query on the current database and selection, cached by (file version, filters)."""
    path = db_path()
    sel = f if f is not None else filters()
    return guarded(lambda: _cached(fn.__name__, path, version(path), dataclasses.astuple(sel), args))


def report_query(fn: Callable[..., Any], *args: Any) -> Any:
    """Run a per-report `analytics` query (report_cells, report_sections…), cached by file version."""
    path = db_path()
    return guarded(lambda: _cached_report(fn.__name__, path, version(path), args))


def unchecked_note(totals: Any) -> str:
    """The checks that could not run, said apart from the errors and warnings."""
    return f"{analytics.STATUS_LABELS[analytics.NOT_EVALUATED]} {totals.not_evaluated} 项（不计入错误和警告）"


def guarded(run: Callable[[], Any]) -> Any:
    """Turn database failures into a Chinese message with the way out; never a traceback."""
    try:
        return run()
    except store.VersionChanged:
        st.rerun()  # an ingest landed after this run pinned its version: draw the page again on the new one
    except store.StoreError as exc:
        st.error(f"{md_escape(exc)}\n\n{hints.for_error(str(exc), db_path())}", icon=":material/error:")
    except store.DatabaseError as exc:
        st.error(f"读取数据库时出错：{md_escape(exc)}\n\n{hints.for_error(str(exc), db_path())}",
                 icon=":material/error:")
    st.stop()


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Text from a report, safe inside Streamlit markdown (headings, labels): shown as written, never as markup."""
    return _MARKDOWN.sub(r"\\\1", str(text))


# Streamlit's file uploader has no parameters for its own words ("Upload", "50MB per file • TXT, …"): shown in
# Chinese by hiding them and writing the Chinese in their place (display: none keeps them out of the page text).
BUILTIN_TEXT_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {display: none}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {content: "选择文件"}
[data-testid="stFileUploaderDropzoneInstructions"] span {display: none}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {content: "可将文件拖放到这里"; font-size: 0.875rem}
</style>"""


def builtin_text_in_chinese() -> None:
    st.html(BUILTIN_TEXT_CSS)


def route_through_app() -> None:
    """First call of every page. A shared link (…/report?r_unit=…) opened before this server process has run
    app.py makes Streamlit treat pages/ as old-style auto-discovered pages and run the page alone, without the
    navigation and sidebar. Switch the process to app.py's st.navigation for good and run again: the same page
    and query string, now inside the app."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def selected_units() -> int:
    """How many units the sidebar's selection spans."""
    path = db_path()
    return guarded(lambda: _cached_options(path, version(path))).unit_count(filters())


def pick_district(district: str) -> None:
    """Select `district` in the sidebar (from the next run: a drawn widget's value cannot change) and rerun."""
    st.session_state["_pick_district"] = district
    st.rerun()


def unit_views(what: str) -> bool:
    """Whether the selection is small enough to show `what` unit by unit (analytics.UNIT_VIEW_MAX); if not,
    say how to narrow it."""
    count = selected_units()
    if count <= analytics.UNIT_VIEW_MAX:
        return True
    st.info(f"所选范围有 {count:,} 个单位，{what}按单位显示，请先在侧栏选择区县或单位。", icon=":material/filter_alt:")
    return False


def empty(df: pd.DataFrame | None = None) -> bool:
    """Show the empty-state notice when there is nothing to show; True if so."""
    if df is None or df.empty:
        st.info(EMPTY_MESSAGE, icon=":material/info:")
        return True
    return False


def chart(fig: go.Figure, key: str, name: str | None = None, **kwargs: Any) -> Any:
    """A plotly chart with PNG/SVG downloads under it (`name`: file name, default the chart's title)."""
    config = charts.MODEBAR if auth.allowed(auth.EXPORT) else {**charts.MODEBAR, "modeBarButtonsToRemove": ["toImage"]}
    event = st.plotly_chart(fig, key=key, config=config, **kwargs)
    downloads(export.figure_download_items(fig, _file_name(name or fig.layout.title.text or key)), key)
    return event


def table(df: pd.DataFrame, name: str, key: str, labels: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """st.dataframe with CSV/XLSX downloads of the same rows (columns named by `labels` in the files)."""
    shown = st.dataframe(df, key=key, hide_index=True, **kwargs)
    downloads(export.table_download_items(df, _file_name(name), labels), key)
    return shown


def table_downloads(df: pd.DataFrame, name: str, key: str, labels: dict[str, str] | None = None) -> None:
    """CSV/XLSX downloads of a table that is shown some other way (metrics, a chart)."""
    downloads(export.table_download_items(df, _file_name(name), labels), key)


def downloads(items: list[export.Download], key: str) -> None:
    """One row of small download buttons; each file is made only when its button is clicked (role 导出)."""
    if not auth.allowed(auth.EXPORT):
        return
    with st.container(horizontal=True, gap="small"):
        for i, d in enumerate(items):
            st.download_button(
                d.label,
                d.data,
                d.file_name,
                d.mime,
                key=f"{key}_dl_{i}",
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
                width="content",
            )


def _file_name(title: str) -> str:
    """A title as a file name: no markup, no path separators."""
    text = re.sub(r"<[^>]+>", "", str(title))
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")[:60] or "chart"


KEY_FIGURE_LABELS = {**pack.TABLES["key_figures"].labels, "not_evaluated": "未能核对"}
COVERAGE_LABELS = dict(pack.TABLES["coverage"].labels)
FINDING_LABELS = {
    "severity_label": "严重程度",
    "status_label": "核对结果",
    "title": "检查项",
    "unit": "单位",
    "year": "年度",
    "place": "位置",
    "message": "说明",
    "expected_text": "应为",
    "actual_text": "实际",
    "review_status": "核实状态",
    "review_note": "核实说明",
    "reviewer": "核实人",
}
COUNT_LABELS = {"unit": "单位", "year": "年度", "reports": "报告数", **pack.TABLES["unit_year"].labels}


# ---- sidebar ------------------------------------------------------------------------------------


def _load_query_params(options: analytics.FilterOptions) -> None:
    """Once per session: take the selection from the URL (a shared link)."""
    if st.session_state.get("_qp_loaded"):
        return
    st.session_state["_qp_loaded"] = True
    qp = st.query_params
    if qp.get("district") in options.districts:
        st.session_state["f_district"] = qp["district"]
    units = qp.get_all("unit")
    if units:
        st.session_state["f_units"] = units
    years = qp.get("years", "")
    lo, _, hi = years.partition("-")
    if lo.isdigit() and hi.isdigit():
        st.session_state["f_years"] = (int(lo), int(hi))
    if qp.get("template") in options.templates:
        st.session_state["f_template"] = qp["template"]


def _save_query_params(f: Filters, years: tuple[int, ...]) -> None:
    qp = st.query_params
    values: dict[str, str | list[str] | None] = {
        "district": f.district,
        "unit": list(f.units) or None,
        "years": f"{f.year_from}-{f.year_to}"
        if years and (f.year_from, f.year_to) != (years[0], years[-1])
        else None,
        "template": f.template,
        "db": None if st.session_state.get("f_db") in (None, databases.default_name()) else st.session_state["f_db"],
    }
    for key, value in values.items():
        if value:
            if qp.get_all(key) != (value if isinstance(value, list) else [value]):
                qp[key] = value
        elif key in qp:
            del qp[key]


def _valid(key: str, allowed: tuple, default: Any) -> None:
    """Drop a remembered value that the current database does not offer."""
    value = st.session_state.get(key, default)
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in allowed]
    elif value not in allowed:
        st.session_state[key] = default


def _db_widget() -> str:
    return databases.chooser()


def sidebar() -> Filters:
    """Draw the shared selection in the sidebar, remember it and put it in the URL."""
    path = _db_widget()
    options = guarded(lambda: _cached_options(path, version(path)))
    _load_query_params(options)
    if options.empty:
        st.session_state["_filters"] = Filters()
        return Filters()
    sb = st.sidebar
    sb.subheader("筛选", divider="gray")
    if "_pick_district" in st.session_state:  # a district chosen on a page (pick_district)
        st.session_state["f_district"] = st.session_state.pop("_pick_district")
    _valid("f_district", (ALL, *options.districts), ALL)
    district = sb.selectbox("区县", (ALL, *options.districts), key="f_district",
                            format_func=lambda d: d if d == ALL else labels.district_label(d))
    pool = (options.units.get(district) if district != ALL else options.all_units) or ()
    many = district == ALL and len(pool) > analytics.UNIT_VIEW_MAX  # a nation's names: too many for every page
    _valid("f_units", () if many else tuple(pool), [])
    units = sb.multiselect("单位", () if many else pool, key="f_units", disabled=many,
                           placeholder="请先选择区县" if many else "全部单位（可输入搜索）")
    years = options.years
    if "f_years" in st.session_state:
        lo, hi = st.session_state["f_years"]
        st.session_state["f_years"] = (
            (max(lo, years[0]), min(hi, years[-1])) if lo <= hi else (years[0], years[-1])
        )
    if len(years) > 1:
        lo, hi = sb.select_slider(
            "年度", years, value=st.session_state.get("f_years", (years[0], years[-1])), key="f_years"
        )
    else:
        lo = hi = years[0]
    _valid("f_template", (ALL, *options.templates), ALL)
    template = sb.selectbox(
        "模板版本",
        (ALL, *options.templates),
        key="f_template",
        format_func=lambda t: t if t == ALL else f"{t}年版",
    )
    f = Filters(
        None if district == ALL else district,
        tuple(units),
        int(lo),
        int(hi),
        None if template == ALL else template,
    )
    st.session_state["_filters"] = f
    _save_query_params(f, years)
    return f


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_options(path: str, version: str) -> analytics.FilterOptions:
    return analytics.filter_options(path)


# ---- first start --------------------------------------------------------------------------------


def showing_demo() -> bool:
    """Is the open database the bundled sample (its file, or a copy holding only the demo's district)?"""
    path = db_path()
    districts = guarded(lambda: _cached_options(path, version(path))).districts
    return databases.is_demo(path) or set(districts) - {""} == {databases.DEMO_DISTRICT}


def demo_notice() -> None:
    """Say when the data shown is the bundled sample, and how to use one's own reports."""
    if showing_demo():
        st.sidebar.caption(
            ":material/info: 当前显示的是**示例数据**（虚构的示范区县）。"
            "要分析自己的报告，请在“导入”页上传，或用 `gi-analytics ingest 文件夹 --db 文件` "
            "建立数据库后在上方“数据库”中选择。"
        )


def report_link_params(unit: str, year: int) -> dict[str, str]:
    """Query parameters that open the report page on one report and keep the selection."""
    params = {k: v for k, v in st.query_params.to_dict().items() if k in _QP.values()}
    units = st.query_params.get_all("unit")
    out: dict[str, Any] = {**params, "r_unit": unit, "r_year": str(int(year))}
    if units:
        out["unit"] = units
    return out


def report_identity_note(head: pd.Series) -> str:
    """The report's publication date and the unit's name as its title prints it (when it differs)."""
    published = head.get("published")
    printed = head.get("unit_printed")
    parts = [f"发布日期：{pd.Timestamp(published):%Y-%m-%d}" if not _missing(published) else "发布日期：未写明"]
    if isinstance(printed, str) and printed and printed != head.get("unit"):
        parts.append(f"标题中的单位名称：{md_escape(printed)}")
    return " · ".join(parts)


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))
