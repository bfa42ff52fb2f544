"""The publication date: labelled on the page, in the page's metadata, in the closing date line, or (last, and
said so) in the PDF's properties; stored in reports.published, and databases written before it still open."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from gi_analytics import store
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.parse import parse_document
from gi_analytics.readers import Document, TextBlock
from gi_analytics.readers.files import read_bytes, read_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OPENINGS = FIXTURES / "real-openings"
SAMPLE = FIXTURES / "000_32c9a0a42e9b7f0e.txt"


def parse_text(text: str):
    return parse_document(Document("t.txt", "txt", [TextBlock(line) for line in text.split("\n")]))


def codes(report) -> list[str]:
    return [p.code for p in report.problems]


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("03.txt", "2020-01-07"),  # not the site banner `2019年12月3日星期二` above it
        ("07.txt", "2024-01-12"),  # `时间:2024-01-12 14:33来源:…`
        ("09.txt", "2021-01-25"),  # `发布时间 : 2021-01-25`, before the signature's 2021年1月20日
        ("01.txt", None),
        ("04.txt", None),
    ],
)
def test_real_openings(name: str, published: str | None) -> None:
    assert parse_document(read_path(OPENINGS / name)).published == published


def test_the_banner_date_alone_is_not_a_publication_date() -> None:
    text = (OPENINGS / "03.txt").read_text(encoding="utf-8").replace("发布时间:2020-01-07 00:00", "")
    assert "2019年12月3日星期二" in text
    assert parse_text(text).published is None


def test_the_closing_date_line_when_nothing_is_labelled() -> None:
    text = (OPENINGS / "09.txt").read_text(encoding="utf-8")
    text = text.replace("发布时间 : 2021-01-25", "")
    assert "桂花坪街道办事处\n\n2021年1月20日\n\n扫一扫在手机打开当前页" in text
    assert parse_text(text).published == "2021-01-20"


@pytest.mark.parametrize(
    ("closing", "published"),
    [
        ("某某镇人民政府\n二〇二四年一月二十日", "2024-01-20"),
        ("某某镇人民政府\n二○二四年二月二十九日", "2024-02-29"),
        ("某某镇人民政府\n2024年1月5日", "2024-01-05"),
        ("某某镇人民政府 2024年1月5日", "2024-01-05"),
        ("某某镇人民政府\n2024年1月5日\n\n", "2024-01-05"),
        ("2023年12月31日前完成整改。", None),  # a sentence, not a date line
        ("整改将于2024年1月5日", None),
        ("某某镇人民政府\n2024年2月30日", None),  # no such day
        ("某某镇人民政府\n2015年1月5日", None),  # before the year reported on
    ],
)
def test_closing_date_lines(closing: str, published: str | None) -> None:
    text = (
        "某某镇2023年政府信息公开工作年度报告\n一、总体情况\n本年度无。\n六、其他需要报告的事项\n无。\n"
        + closing
    )
    assert parse_text(text).published == published


def test_a_one_line_page_ends_with_its_date() -> None:
    text = "某某镇2023年政府信息公开工作年度报告一、总体情况本年度无。六、其他需要报告的事项无。某某镇人民政府2024年1月20日"
    assert parse_text(text).published == "2024-01-20"


# HTML in the shape of real CMS pages (TRS, 开普云, WordPress-like): metadata in <head>, banner dates, labels.
CMS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>某某镇2022年政府信息公开工作年度报告_某某县人民政府</title>
{meta}
</head><body>
<div class="top">某某县人民政府 2023年3月15日 星期三 <a>无障碍</a> <a>简体</a> | <a>繁体</a></div>
<div class="crumb">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<h1>某某镇2022年政府信息公开工作年度报告</h1>
<div class="info">{label}<span>来源：某某镇人民政府</span> <span>浏览次数：</span></div>
<div class="content"><p>一、总体情况</p><p>2022年，某某镇认真贯彻落实《条例》。</p>
<p>六、其他需要报告的事项</p><p>无。</p>{closing}</div>
<div class="foot">版权所有：某某县人民政府 网站标识码 1234567890</div>
</body></html>"""


def cms_page(meta: str = "", label: str = "", closing: str = "") -> bytes:
    return CMS_PAGE.format(meta=meta, label=label, closing=closing).encode("utf-8")


@pytest.mark.parametrize(
    ("meta", "label", "closing", "published"),
    [
        ('<meta name="PubDate" content="2023-01-18 09:30">', "", "", "2023-01-18"),
        ('<meta name="pubdate" content="20230118">', "", "", "2023-01-18"),
        (
            '<meta property="article:published_time" content="2023-01-18T09:30:00+08:00">',
            "",
            "",
            "2023-01-18",
        ),
        ('<meta name="firstpublishedtime" content="2023-01-18-09:30:00">', "", "", "2023-01-18"),
        ("", "<span>发布日期：2023年01月19日</span>", "", "2023-01-19"),
        ("", "<span>发布时间：2023-01-19 10:00:00</span>", "", "2023-01-19"),
        ("", "<span>日期：2023/01/19</span>", "", "2023-01-19"),
        (
            '<meta name="PubDate" content="2023-01-18 09:30">',
            "<span>发布时间：2023-01-19</span>",
            "",
            "2023-01-19",
        ),
        ("", "", "<p>某某镇人民政府</p><p>2023年1月17日</p>", "2023-01-17"),
        ("", "", "", None),  # only the banner's 2023年3月15日 and the title
    ],
)
def test_cms_pages(meta: str, label: str, closing: str, published: str | None) -> None:
    report = parse_document(read_bytes(cms_page(meta, label, closing), "page.html"))
    assert (report.unit, report.year) == ("某某镇", 2022)
    assert report.published == published


def test_html_reader_keeps_the_meta_tags() -> None:
    doc = read_bytes(
        cms_page('<meta name="PubDate" content="2023-01-18 09:30"><meta name="ColumnName" content="年报">'),
        "p.html",
    )
    assert doc.metadata["PubDate"] == "2023-01-18 09:30" and doc.metadata["ColumnName"] == "年报"


@pytest.mark.parametrize("name", ["huaian-city-2024.pdf", "hongze-district-2024.pdf"])
def test_pdf_properties_are_the_last_resort_and_said_so(name: str) -> None:
    doc = read_path(FIXTURES / "real-pdf" / name)
    assert doc.metadata["CreationDate"].startswith("D:20250225")
    report = parse_document(doc)
    assert report.published == "2025-02-25"
    assert "published.from_file" in codes(report)


def test_json_carries_published() -> None:
    report = parse_document(read_path(OPENINGS / "03.txt"))
    assert report.to_json_dict()["published"] == "2020-01-07"
    assert parse_document(read_path(SAMPLE)).to_json_dict()["published"] is None


# ---- the store ------------------------------------------------------------------------------------


def test_published_and_printed_name_are_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "03.txt").write_bytes((OPENINGS / "03.txt").read_bytes())
    db = tmp_path / "gi.duckdb"
    ingest_paths([folder], db)
    with store.read_connection(db) as con:
        row = store.load_reports(con).iloc[0]
        detail = store.report_detail(con, int(row.report_id))
    assert (row.unit, row.published.date(), row.unit_printed) == (
        "泗村店镇",
        date(2020, 1, 7),
        "武清区泗村店镇",
    )
    assert (detail.report.published, detail.report.unit_printed) == ("2020-01-07", "武清区泗村店镇")


def test_a_database_written_before_the_column_still_opens_and_gains_it(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    ingest_paths([SAMPLE], db)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE reports DROP COLUMN published")
    con.execute("ALTER TABLE reports DROP COLUMN unit_printed")
    con.close()
    with store.read_connection(db) as con:  # read-only: nothing can be added, the columns read as NULL
        reports = store.load_reports(con)
        detail = store.report_detail(con, int(reports.report_id[0]))
    assert reports.published.isna().all() and detail.report.published is None
    ingest_paths([OPENINGS / "03.txt"], db)
    with store.read_connection(db) as con:
        published = dict(zip(store.load_reports(con).unit, store.load_reports(con).published, strict=True))
    assert published["泗村店镇"].date() == date(2020, 1, 7)
