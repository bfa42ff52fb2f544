"""The pure side of collecting: decoding pages, finding the year's report on a listing page, a wrapper's
attachment, naming the file."""

from __future__ import annotations

import pytest

from gi_analytics.collect.jobs import JobsError, jobs_from_units
from gi_analytics.collect.pages import (
    file_name,
    find_attachment,
    find_report_link,
    looks_like_report,
    page_text,
    title_matches,
)


@pytest.mark.parametrize(("title", "year", "match"), [
    ("2023年度平昌关镇政府信息公开工作年度报告", 2023, True),
    ("平昌关镇2023年政府信息公开工作年度报告", 2023, True),
    ("平昌关镇2022年政府信息公开工作年度报告", 2023, False),  # another year
    ("2024年1月20日发布：平昌关镇2023年度政府信息公开工作年报", 2023, False),  # the first year is publication's
    ("平昌关镇2023年政府信息公开工作要点", 2023, False),  # not an annual report
    ("信阳市平桥区2023 年政府信息公开工作年度报告", 2023, True),
])  # fmt: skip
def test_title_matches(title: str, year: int, match: bool) -> None:
    assert title_matches(title, year) is match


def test_listing_links_are_absolute_and_picked_by_year() -> None:
    page = (
        '<ul><li><a href="/a/2024.html">平昌关镇2024年政府信息公开工作年度报告</a></li>'
        '<li><a href="art/2023.html" title="平昌关镇2023年政府信息公开工作年度报告">平昌关镇2023年…</a></li></ul>'
    )
    link = find_report_link(page, "http://x.gov.cn/col/list.html", 2023)
    assert link is not None and link.url == "http://x.gov.cn/col/art/2023.html"
    assert find_report_link(page, "http://x.gov.cn/col/list.html", 2021) is None


def test_gbk_declared_in_the_header_only() -> None:
    data = "<html><body><a href='/r.html'>2023年度报告</a></body></html>".encode("gbk")
    assert "2023年度报告" in page_text(data, "text/html; charset=GBK")
    assert "2023年度报告" in page_text(data, "text/html")  # detection, when nothing is declared


def test_a_wrapper_page_and_its_attachment() -> None:
    page = (
        "<p>附件：<a href='/u/cms/1.pdf'>平昌关镇2023年度政府信息公开工作年度报告.pdf</a></p>"
        "<p><a href='/u/cms/guide.docx'>公开指南.docx</a></p>"
    )
    assert not looks_like_report(page)
    attachment = find_attachment(page, "http://x.gov.cn/art/1.html")
    assert attachment is not None and attachment.url == "http://x.gov.cn/u/cms/1.pdf"
    assert find_attachment("<p>无附件</p>", "http://x.gov.cn/") is None
    report = "<h2>二、主动公开政府信息情况</h2><h2>三、收到和处理政府信息公开申请情况</h2>"
    assert looks_like_report(report)


@pytest.mark.parametrize(("url", "disposition", "data", "name"), [
    ("http://x/files/%E6%8A%A5%E5%91%8A.pdf", "", b"%PDF-1.4", "报告.pdf"),
    ("http://x/download.do?id=7", 'attachment; filename="2023.pdf"', b"%PDF-1.4", "2023.pdf"),
    ("http://x/download.do?id=7", "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf", b"%PDF-1.4", "年报.pdf"),
    ("http://x/view.do?id=7", "", b"%PDF-1.4", "view.pdf"),  # the bytes say PDF
])  # fmt: skip
def test_file_name(url: str, disposition: str, data: bytes, name: str) -> None:
    assert file_name(url, disposition, "标题", data) == name


def test_units_csv_jobs(tmp_path) -> None:
    csv = tmp_path / "units.csv"
    csv.write_text(
        "unit,district,report_list_url,report_url\n甲镇,平桥区,http://a/list,\n乙镇,平桥区,,http://b/r.pdf\n"
        "丙乡,平桥区,,\n",
        encoding="utf-8",
    )
    jobs = jobs_from_units(csv, 2023)
    assert [(j.url, j.year, j.unit) for j in jobs] == [
        ("http://a/list", 2023, "甲镇"),
        ("http://b/r.pdf", None, "乙镇"),
    ]
    assert jobs[0].key == "http://a/list#2023"
    csv.write_text("unit,district\n甲镇,平桥区\n", encoding="utf-8")
    with pytest.raises(JobsError, match="没有网址"):
        jobs_from_units(csv, 2023)
