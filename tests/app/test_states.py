"""One vocabulary of states with one palette and order, and years ascending, in every chart of the app and the
meeting pack (drawn from the demo district)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gi_analytics import analytics
from gi_analytics.export import pack
from gi_analytics.labels import COVERAGE_STATES, STATE_COLORS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CHART_PAGES = ["pages/overview.py", "pages/requests.py", "pages/outcomes.py", "pages/appeals.py",
               "pages/warnings.py", "pages/text_compare.py"]
YEAR = re.compile(r"^(19|20)\d\d$")


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""


def test_the_vocabulary_is_the_issue_s() -> None:
    assert list(STATE_COLORS) == ["缺失", "空白模板", "全零", "有错误", "逾期发布", "有警告", "正常", "未能核对"]
    assert list(STATE_COLORS) == list(COVERAGE_STATES.values())
    assert len(set(STATE_COLORS.values())) == len(STATE_COLORS)


def check_figure(spec: dict, where: str) -> int:
    """Assert the state colours, their legend order and ascending years; return the state traces seen."""
    traces = spec["data"]
    states = [t for t in traces if t.get("name") in STATE_COLORS]
    for t in states:
        assert t["marker"]["color"] == STATE_COLORS[t["name"]], (where, t["name"])
    names = [t["name"] for t in states]
    assert names == [s for s in STATE_COLORS if s in names], where
    for axis in ("xaxis", "yaxis"):
        values = [str(v) for t in traces for v in (t.get(axis[0]) or []) if isinstance(t.get(axis[0]), list)]
        if values and all(YEAR.match(v) for v in values) and len(set(values)) > 1:
            layout = spec["layout"].get(axis, {})
            assert layout.get("categoryorder") == "category ascending", (where, axis, layout)
    return len(states)


def test_app_charts_share_the_states_and_order_years(demo_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("GI_DB", str(demo_db))
    states = 0
    for page in CHART_PAGES:
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for i, chart in enumerate(at.get("plotly_chart")):
            states += check_figure(json.loads(chart.proto.spec), f"{page}#{i}")
    assert states >= 5  # the coverage grid draws the demo's states


def test_pack_charts_share_the_states_and_order_years(demo_db: Path) -> None:
    db = str(demo_db)
    years = analytics.filter_options(db).years
    source = pack.Source(db, pack.selection(db, "示例区", (years[0], years[-1])))
    states = 0
    for name, spec in pack.CHARTS.items():
        chart = pack.build_chart(spec, source)
        if chart is not None:
            states += check_figure(json.loads(chart[0].to_json()), name)
    assert states >= 5  # 报送情况（按年度）
