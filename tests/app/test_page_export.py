"""The 导出 page through AppTest on real DuckDB files: build the meeting pack, download charts and tables."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/export.py"


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """app.py runs as the server would, with an empty query cache."""


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_pack_is_built_and_offered_as_pptx_and_pdf(small_db, monkeypatch) -> None:
    at = open_page(small_db.path, monkeypatch)
    assert at.selectbox(key="x_district").value is None  # the whole database until a district is chosen
    at.selectbox(key="x_district").set_value(small_db.district).run()
    at.multiselect(key="x_parts").set_value(["appeals", "quality"]).run()
    at.button(key="x_build").click().run()
    assert not at.exception and not at.error
    assert "已生成" in at.success[0].value
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["下载演示文稿（PPTX）", "下载讲义（PDF）"]
    files = at.session_state["x_files"]
    prs = Presentation(io.BytesIO(files["pptx"]))
    assert len(prs.slides) == files["slides"] == 1 + 4 + 1 + 3  # title, 4 appeals charts, coverage, 3 lists
    assert files["pdf"].startswith(b"%PDF")


def test_single_table_offers_csv_and_xlsx(small_db, monkeypatch) -> None:
    at = open_page(small_db.path, monkeypatch)
    at.radio(key="x_kind").set_value("表格").run()
    at.selectbox(key="x_table").set_value("findings").run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("下载 CSV") == labels.count("下载 XLSX") == 1  # once each, under the table
    shown = at.dataframe[0].value
    assert isinstance(shown, pd.DataFrame) and "检查项" in shown.columns


def test_single_chart_offers_png_and_svg(small_db, monkeypatch) -> None:
    at = open_page(small_db.path, monkeypatch)
    at.selectbox(key="x_chart").set_value("requests_trend").run()
    assert not at.exception and at.get("plotly_chart")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("下载 PNG") == labels.count("下载 SVG") == 1  # once each, under the chart


def test_the_whole_database_is_a_pack_named_so(small_db, monkeypatch) -> None:
    at = open_page(small_db.path, monkeypatch)
    at.multiselect(key="x_parts").set_value(["appeals"]).run()
    at.button(key="x_build").click().run()
    assert not at.exception and not at.error
    assert at.session_state["x_files"]["name"].startswith("全部区县")


def test_empty_database_says_so(empty_db, monkeypatch) -> None:
    at = open_page(empty_db, monkeypatch)
    assert at.info and not at.get("download_button")
