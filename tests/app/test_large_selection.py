"""A selection of more units than analytics.UNIT_VIEW_MAX (a province, a nation) is shown by its sums; what shows
unit by unit asks for a district or units, and shows again once the selection is narrowed. `small_db` has 3
units, so a limit of 2 makes it "large"."""

from __future__ import annotations

import pytest

from gi_analytics import analytics
from tests.apptest import open_app

ASKS = "所选范围有 3 个单位"


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(analytics, "UNIT_VIEW_MAX", 2)


def _asked(at) -> bool:
    return any(ASKS in i.value and "请先在侧栏选择区县或单位" in i.value for i in at.info)


def _queries(monkeypatch) -> list[str]:
    """Names of the analytics queries the app runs from now on."""
    from gi_analytics.app import ui

    ran: list[str] = []
    original = ui._cached.__wrapped__ if hasattr(ui._cached, "__wrapped__") else None
    assert original is not None
    monkeypatch.setattr(ui, "_cached", lambda name, *args: ran.append(name) or original(name, *args))
    return ran


def test_the_overview_of_a_large_selection_shows_its_sums_only(
    small_db, monkeypatch, large, clear_streamlit_cache
):
    ran = _queries(monkeypatch)
    at = open_app(small_db.path, monkeypatch, "pages/overview.py")
    assert _asked(at) and at.metric and not at.get("plotly_chart")
    assert "key_figures" in ran and not {"coverage", "needs_attention", "unit_year"} & set(ran)
    districts = next(d.value for d in at.dataframe if "label" in d.value.columns)  # 各区县情况
    assert districts["label"].tolist() == [small_db.district] and districts["missing"].tolist() == [1]
    assert any(s.value == "各区县情况" for s in at.subheader)
    assert at.multiselect(key="f_units").proto.disabled  # 全部: a nation's unit names are not listed
    at.selectbox(key="f_district").set_value(small_db.district).run()
    assert _asked(at) and not at.multiselect(key="f_units").proto.disabled  # a district of 3 > 2: pick units
    at.multiselect(key="f_units").select("甲镇").run()
    assert not _asked(at) and at.get("plotly_chart") and "coverage" in ran


@pytest.mark.parametrize("page", ["pages/report.py", "pages/text_compare.py"])
def test_report_and_text_pages_ask_for_a_district(small_db, monkeypatch, large, clear_streamlit_cache, page):
    ran = _queries(monkeypatch)
    at = open_app(small_db.path, monkeypatch, page)
    assert _asked(at) and not [s for s in at.selectbox if s.key in ("r_unit", "tc_right")]
    assert "report_index" not in ran


def test_requests_outcomes_and_warnings_keep_their_sums(small_db, monkeypatch, large, clear_streamlit_cache):
    ran = _queries(monkeypatch)
    at = open_app(small_db.path, monkeypatch, "pages/requests.py")
    assert len(at.get("plotly_chart")) == 3 and _asked(at)  # trend, applicant types, ranking; no jumps
    at.switch_page("pages/outcomes.py").run()
    assert not at.exception and len(at.get("plotly_chart")) == 4
    at.switch_page("pages/warnings.py").run()
    assert (
        not at.exception and _asked(at) and at.dataframe
    )  # the findings, without the list of missing reports
    assert not {"unit_year", "coverage"} & set(ran)


def test_a_findings_link_of_a_large_selection_opens_its_report(small_db, monkeypatch, large, clear_streamlit_cache):
    """The findings table of the whole database links each report with its district and unit, so the report page
    (which asks a large selection for a district or units) opens it."""
    from urllib.parse import parse_qs, urlsplit

    at = open_app(small_db.path, monkeypatch, "pages/warnings.py")
    table = next(d for d in at.dataframe if "link" in d.value.columns)
    link = next(v for v in table.value["link"] if v)
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert query["district"] == small_db.district and query["unit"] == query["r_unit"]
    report = open_app(small_db.path, monkeypatch, "pages/report.py", **query)
    assert not _asked(report) and report.selectbox(key="r_unit").value == query["r_unit"]


def test_choosing_a_district_in_the_table_selects_it(small_db, monkeypatch, large, clear_streamlit_cache):
    """A row chosen in 各区县情况 (ui.pick_district; AppTest cannot click a table row) selects the district."""
    at = open_app(small_db.path, monkeypatch, "pages/overview.py")
    at.session_state["_pick_district"] = small_db.district
    at.run()
    assert at.selectbox(key="f_district").value == small_db.district and not at.exception
