"""End to end in real headless Chromium: the app (`python -m gi_analytics.app`) on a free port, overview -> warnings page."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from gi_analytics.analytics import check_title
from gi_analytics.app import local

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextmanager
def _server(db, tmp_path: Path):
    """The app on a free local port against `db.path`; yields its URL."""
    with local.serving(db.path, log=tmp_path / "streamlit.log", timeout=30) as app:
        yield app.url


@pytest.fixture
def server(small_db, tmp_path):
    with _server(small_db, tmp_path) as url:
        yield url


def test_overview_then_warnings_in_chromium(server, small_db, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server)
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=30_000)
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        page.get_by_role("link", name="一致性警告").click()
        expect(page.get_by_role("heading", name="一致性警告")).to_be_visible(timeout=30_000)
        grids = page.locator("[data-testid='stDataFrame']")  # the missing/blank/zero list, then the findings
        expect(grids).to_have_count(2, timeout=30_000)
        expect(grids.last).to_be_visible()
        expect(page.get_by_text("单位", exact=True).first).to_be_visible()  # the shared sidebar is still there
        # the data grid draws on a canvas; its search (Ctrl+F) is not needed: the by-check chart names it too
        title = check_title(small_db.finding.check_id)
        expect(page.locator(".js-plotly-plot").get_by_text(title)).to_be_visible(timeout=30_000)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "warnings.png"), full_page=True)
        browser.close()
    assert (tmp_path / "warnings.png").stat().st_size > 10_000


def test_a_fresh_servers_first_visit_opens_inside_the_app(server, small_db):
    """A fresh server's first session starts in Streamlit's mode for a pages/ folder (English file names as the
    navigation, "Page not found" for /compare): the launcher switches it off, so a shared link opens as shared."""
    from playwright.sync_api import expect, sync_playwright

    unit = small_db.units[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        english = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: english.extend(
            word for word in ("Page not found", "import_reports") if word.encode() in _bytes(frame))))
        for address, heading in ((f"{server}/compare", "文本对比"),
                                 (f"{server}/report?r_unit={unit}&r_year={small_db.years[-1]}", "报告详情")):
            page.goto(address)
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
            expect(page.locator("[data-testid='stSidebarNav']").get_by_text("一致性警告")).to_be_visible()
            assert page.url.startswith(address.split("?")[0])
        assert english == []  # never sent: no old-style navigation of file names, no "Page not found"
        expect(page.locator("[data-testid='stMain'] [data-testid='stSelectbox'] input").first).to_have_value(unit)
        browser.close()


def _bytes(frame: str | bytes) -> bytes:
    return frame if isinstance(frame, bytes) else frame.encode()


HOSTILE_UNIT = '<img src=x onerror="window.__pwned=1">镇'
HOSTILE_TEXT = "全年共收到政府信息公开申请0件。<script>window.__pwned=2</script><b>粗体</b>"


@pytest.fixture
def hostile_db(tmp_path):
    from gi_analytics.ingest.pipeline import ingest_paths

    sample = (ROOT / "tests" / "fixtures" / "000_32c9a0a42e9b7f0e.txt").read_text(encoding="utf-8")
    report = tmp_path / "<svg onload=alert(1)>.txt"
    hostile = sample.replace("六、其他需要报告的事项", HOSTILE_TEXT + "\n\n六、其他需要报告的事项")
    assert hostile != sample
    report.write_text(hostile, encoding="utf-8")
    db = tmp_path / "hostile.duckdb"
    assert ingest_paths([report], db, unit=HOSTILE_UNIT, year=2021, district="测试区").ok
    return db


def test_hostile_report_content_is_shown_as_text_and_never_runs(hostile_db, tmp_path):
    from urllib.parse import urlencode

    from playwright.sync_api import expect, sync_playwright

    class Db:  # the server fixture's shape
        path = hostile_db

    with _server(Db(), tmp_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/report?{urlencode({'r_unit': HOSTILE_UNIT, 'r_year': '2021'})}")
        expect(page.get_by_role("heading", name="报告详情")).to_be_visible(timeout=30_000)
        page.get_by_role("tab", name="正文").click()
        expect(page.get_by_text("<script>window.__pwned=2</script>", exact=False)).to_be_visible(timeout=30_000)
        for name in ("总览", "一致性警告", "文本对比"):
            page.get_by_role("link", name=name).click()
            expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=30_000)
            page.wait_for_timeout(1500)
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src='x']").count() == 0
        page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
        browser.close()


def _demo_state(path: Path) -> tuple:
    from gi_analytics import analytics

    index = analytics.report_index(str(path), analytics.Filters())
    return len(index), tuple(sorted(set(index["unit"]))), analytics.selection_totals(str(path), analytics.Filters())


def _start_import(page, expect, names: list[str]) -> None:
    """Click 开始导入 once the uploads have reached the server: the uploader lists each file with its size when
    its upload is done, and the rerun it triggers must finish first. On a loaded machine the click can still
    overtake it (the page then says 请先选择文件), so it is clicked again, at most twice more."""
    for name in names:
        expect(page.get_by_text(name[:6], exact=False).first).to_be_visible(timeout=60_000)  # shown cut: hongze-…
    for _ in range(3):
        page.wait_for_timeout(2_000)
        page.get_by_role("button", name="开始导入").click()
        done, early = page.get_by_text("入库 2 个"), page.get_by_text("请先选择文件")
        expect(done.or_(early).first).to_be_visible(timeout=120_000)
        if done.count():
            return
    expect(done).to_be_visible(timeout=1)


def test_own_reports_go_to_a_new_database_and_the_demo_stays(demo_db, tmp_path):
    """Import the two real PDFs into a new database through the import page; the demo is left as it was."""
    from playwright.sync_api import expect, sync_playwright

    folder = tmp_path / "data"
    folder.mkdir()
    demo = folder / "gi.duckdb"
    shutil.copy(demo_db, demo)
    before = _demo_state(demo)
    pdfs = sorted(str(p) for p in (ROOT / "tests" / "fixtures" / "real-pdf").glob("*.pdf"))
    notice = "虚构的示范区县"  # the demo notice
    with _server(SimpleNamespace(path=demo), tmp_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=30_000)
        page.get_by_role("link", name="导入").click()
        expect(page.get_by_role("heading", name="导入", exact=True)).to_be_visible(timeout=30_000)
        expect(page.get_by_text(notice)).to_be_visible(timeout=30_000)
        page.get_by_label("新数据库的名称").fill("本区")
        page.get_by_label("新数据库的名称").press("Enter")
        page.locator("input[type=file]").set_input_files(pdfs)
        _start_import(page, expect, [Path(p).name for p in pdfs])
        expect(page.get_by_text("已新建并打开数据库“本区”")).to_be_visible(timeout=60_000)
        page.get_by_role("link", name="总览").click()
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=30_000)
        grid = page.locator(".js-plotly-plot").first
        for unit in ("淮安市洪泽区", "淮安市"):  # as the titles name them
            expect(grid.get_by_text(unit, exact=True)).to_be_visible(timeout=30_000)
        expect(page.get_by_text(notice)).to_have_count(0, timeout=30_000)
        page.goto(url)  # back to the default database: the demo
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=30_000)
        expect(page.get_by_text(notice)).to_be_visible(timeout=30_000)
        browser.close()
    assert (folder / "本区.duckdb").exists()
    assert _demo_state(demo) == before
