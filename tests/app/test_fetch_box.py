"""导入 page, 从网址导入 through AppTest: a real HTTP server on 127.0.0.1 serves a report page made by the
project's renderer and a 404; the box stores the report in a new own database (the demo-like database stays as
it was), lists each URL's outcome in Chinese, and a second fetch into that database says 未变化."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from checks_helpers import make_report
from conftest import table_rows
from local_http import serving
from streamlit.testing.v1 import AppTest

from gi_analytics import store
from gi_analytics.demo.render import render

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/import_reports.py"
REPORT = render(make_report("丁镇", 2023), "html")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        found = self.path == "/zfxxgk/2023.html"
        body = REPORT if found else b"<h1>404</h1>"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with serving(Handler, monkeypatch) as url:
        yield url


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""


def open_import(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, urls: str) -> AppTest:
    at.text_area(key="fu_urls").input(urls)
    next(b for b in at.button if b.label == "获取并导入").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def outcomes(at: AppTest) -> dict[str, tuple[str, str]]:
    table = next(d.value for d in at.dataframe if list(d.value.columns) == ["网址", "结果", "说明"])
    return {u.rsplit("/", 1)[-1]: (r, s) for u, r, s in table.itertuples(index=False)}


def test_urls_go_into_a_new_own_database_with_a_chinese_outcome_each(small_db, server, monkeypatch):
    before = table_rows(small_db.path)
    at = open_import(small_db.path, monkeypatch)
    assert at.radio(key="i_target").value == "新建自己的数据库"  # small_db holds only the demo's district
    at.text_input(key="i_name").input("网址导入")
    at = submit(at, f"{server}/zfxxgk/2023.html\n\n{server}/zfxxgk/gone.html\n")
    got = outcomes(at)
    assert got["2023.html"][0] == "已入库" and "丁镇 2023年度" in got["2023.html"][1]
    assert got["gone.html"] == ("失败", "获取失败：网页不存在（HTTP 404）。")  # the URL is in its own column
    # a URL gave no report: the summary is a warning, not a success
    assert any("已入库 1 个，失败 1 个" in w.value and "网址导入" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]
    new = small_db.path.parent / "网址导入.duckdb"
    with store.read_connection(new) as con:
        reports = store.load_reports(con)
        sources = con.execute("SELECT url FROM fetches").fetchall()
    assert list(zip(reports["unit"], reports["year"], strict=True)) == [("丁镇", 2023)]
    assert sources == [(f"{server}/zfxxgk/2023.html",)]
    assert table_rows(small_db.path) == before  # the demo-like database was not touched
    assert at.selectbox(key="f_db").value == "网址导入"  # and the new one is open

    target = at.radio(key="i_target")
    target.set_value(target.options[1]).run()  # now into the current database: the own one just made
    assert target.options[1] == "当前数据库（网址导入）"
    at = submit(at, f"{server}/zfxxgk/2023.html")
    assert outcomes(at)["2023.html"][0] == "未变化"
    assert any("未变化 1 个" in s.value for s in at.success)


def test_the_box_says_what_is_missing_before_fetching(small_db, monkeypatch):
    at = open_import(small_db.path, monkeypatch)
    at = submit(at, "  \n")
    assert any("请先填写网址" in w.value for w in at.warning)
    at = submit(at, "http://127.0.0.1:9/x.html")  # no name for the new database: nothing is fetched
    assert any("名称只能包含" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not list(small_db.path.parent.glob("*.duckdb.*"))
