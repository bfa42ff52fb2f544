"""End to end in real headless Chromium on a copy of the demo district: confirm a finding on the warnings page,
see 已确认 on its report's page, then in the ledger (问题台账.xlsx) downloaded from the export page."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import openpyxl
from test_e2e import CHROMIUM, CHROMIUM_ARGS, _server

from gi_analytics import analytics
from gi_analytics.store import reviews
from gi_analytics.store.connection import read_connection


def only_finding(db: Path) -> tuple[str, int, str]:
    """A unit and year whose warnings page (errors and warnings that failed, the default) lists one finding, and
    that finding's id."""
    every = analytics.findings(str(db), analytics.Filters())
    shown = every[every["severity"].isin(["error", "warning"]) & (every["status"] == "failed")]
    counts = shown.groupby(["unit", "year"]).size()
    with_report = shown[shown["report_id"].notna()].set_index(["unit", "year"]).index
    unit, year = next(k for k in counts[counts == 1].index if k in with_report)
    row = shown[(shown["unit"] == unit) & (shown["year"] == year)].iloc[0]
    return unit, int(year), row["finding_id"]


def stored(db: Path, fid: str) -> tuple[str, str, str]:
    with read_connection(db) as con:
        r = reviews.reviewed_findings(con).set_index("finding_id").loc[fid]
    return r["review_status"], r["review_note"], r["reviewer"]


def test_confirm_on_the_warnings_page_then_report_page_and_ledger(demo_db, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    db = tmp_path / "gi.duckdb"
    shutil.copy(demo_db, db)
    unit, year, fid = only_finding(db)
    selection = urlencode({"unit": unit, "years": f"{year}-{year}"})
    with _server(SimpleNamespace(path=db), tmp_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        page.goto(url)  # the first visit runs app.py; the deep links below open inside its navigation
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=60_000)

        page.goto(f"{url}/warnings?{selection}")
        expect(page.get_by_role("heading", name="一致性警告")).to_be_visible(timeout=60_000)
        grid = page.locator("[data-testid='stDataFrame']").last
        expect(grid).to_be_visible(timeout=30_000)
        expect(page.get_by_text("在上表左侧勾选问题")).to_be_visible(timeout=30_000)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # row 1's checkbox, under the 35px header
        expect(page.get_by_text("已选 1 个问题", exact=False)).to_be_visible(timeout=30_000)
        page.get_by_label("核实人").fill("张三")
        page.get_by_label("说明").fill("合计与分项不符，已与单位核对")
        page.get_by_role("button", name="保存核实结果").click()
        expect(page.get_by_text("已将 1 个问题标为“已确认”。")).to_be_visible(timeout=30_000)
        assert stored(db, fid) == ("已确认", "合计与分项不符，已与单位核对", "张三")
        expect(page.get_by_text("已确认（未整改）1条", exact=False)).to_be_visible(timeout=30_000)
        # the grid draws on a canvas; its hidden accessible table holds the cells (column 2: 核实状态)
        expect(grid.get_by_test_id("glide-cell-2-0")).to_have_text("已确认", timeout=30_000)
        page.screenshot(path=str(tmp_path / "warnings.png"), full_page=True)

        page.goto(f"{url}/report?{urlencode({'r_unit': unit, 'r_year': str(year)})}")
        expect(page.get_by_role("heading", name="报告详情")).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="发现的问题").click()
        panel = page.get_by_role("tabpanel", name="发现的问题")
        status = panel.locator("td[role='gridcell'][aria-colindex='2']")
        expect(status.filter(has_text="已确认")).to_have_count(1, timeout=30_000)
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

        page.goto(f"{url}/export")
        expect(page.get_by_role("heading", name="导出")).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="整改通知").click()
        page.get_by_role("button", name="生成整改通知").click()
        expect(page.get_by_text("已生成 1 份整改通知", exact=False)).to_be_visible(timeout=60_000)
        with page.expect_download() as ledger_download:
            page.get_by_role("button", name="下载问题台账（XLSX）").click()
        with page.expect_download() as zip_download:
            page.get_by_role("button", name="下载整改通知和问题台账（ZIP）").click()
        assert ledger_download.value.suggested_filename == "问题台账.xlsx"
        ledger = Path(ledger_download.value.path()).read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(Path(zip_download.value.path()).read_bytes()))
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()

    rows = list(openpyxl.load_workbook(io.BytesIO(ledger)).active.iter_rows(values_only=True))
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert (by_id[fid]["核实状态"], by_id[fid]["核实人"]) == ("已确认", "张三")
    assert {r["核实状态"] for i, r in by_id.items() if i != fid} == {"待核实"}
    assert sorted(archive.namelist()) == sorted([f"整改通知_{unit}.docx", "问题台账.xlsx"])
