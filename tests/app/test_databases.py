"""The database chooser: the databases of the data folder by name; `?db=` accepts only those names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""


def run(database: Path, monkeypatch, **query: str) -> AppTest:
    monkeypatch.setenv("GI_DB", str(database))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("asked", ["/etc/passwd", "../x", "x.duckdb", "默认数据库/../../etc"])
def test_db_in_the_url_must_be_a_database_of_the_data_folder(small_db, monkeypatch, asked):
    at = run(small_db.path, monkeypatch, db=asked)
    assert any("没有名为" in e.value for e in at.error), [e.value for e in at.error]
    assert at.selectbox(key="f_db").value == "默认数据库"
    assert "passwd" not in " ".join(m.value for m in at.markdown)


def test_chooser_lists_the_data_folder_and_opens_one_by_name(small_db, empty_db, monkeypatch):
    folder = small_db.path.parent
    shutil.copy(empty_db, folder / "本区.duckdb")
    at = run(small_db.path, monkeypatch, db="本区")
    assert not at.error
    assert at.selectbox(key="f_db").options == ["默认数据库", "empty", "本区"]  # empty_db: same folder
    assert at.selectbox(key="f_db").value == "本区"
    assert any("暂无数据" in i.value for i in at.info)  # the empty database is open


def test_a_link_to_a_missing_report_says_that_year_has_none(small_db, monkeypatch):
    at = run(small_db.path, monkeypatch)
    unit = at.switch_page("pages/report.py").run().selectbox(key="r_unit").value
    at = run(small_db.path, monkeypatch, r_unit=unit, r_year="1990")
    at.switch_page("pages/report.py").run()
    assert any("1990年度没有报告" in w.value for w in at.warning), [w.value for w in at.warning]
