"""The renderer: one canonical report in every layout, read back by the real readers and parser."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from canonical_reports import canonical_json, canonical_report, consistent_small_report, read_back

from gi_analytics.demo.render import EXTENSIONS, LAYOUTS, format_cell, render
from gi_analytics.model import BLANK, Cell, CellState, Report
from gi_analytics.readers import TableBlock, TextBlock
from gi_analytics.readers.files import read_bytes

# blanks lost or cells merged: tests/parse/test_parse_layouts.py counts their wrong cells
AMBIGUOUS_LAYOUTS = {"txt_runtogether", "txt_oneline", "md", "md_ocr", "md_repeated"}


def document_text(report: Report, layout: str) -> str:
    doc = read_bytes(render(report, layout), f"report.{EXTENSIONS[layout]}")
    parts = []
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            parts.append(block.text)
        elif isinstance(block, TableBlock):
            parts.extend(cell or "" for row in block.rows for cell in row)
    return "\n".join(parts)


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("layout", [layout for layout in LAYOUTS if layout != "md_ocr"])  # OCR alters labels
def test_every_layout_shows_title_labels_and_numbers(template: str, layout: str) -> None:
    report = canonical_report(template)
    text = document_text(report, layout)
    assert "青河镇" in text and f"{report.year}年政府信息公开工作年度报告" in text
    for label in ("本年新收政府信息公开申请数量", "结转下年度继续办理", "行政复议", "规章", "总计"):
        assert label in text, label
    assert ("其他处理" in text) and (("逾期不补正" in text) == (template == "2021"))
    assert "12.3456" in text and "—" in text


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("layout", sorted(set(LAYOUTS) - AMBIGUOUS_LAYOUTS))
def test_every_layout_parses_back_to_the_same_canonical_json(template: str, layout: str) -> None:
    report = canonical_report(template)
    assert canonical_json(read_back(report, layout)) == canonical_json(report)


def test_run_together_cells_parse_back_when_the_identities_fix_the_split() -> None:
    report = consistent_small_report()
    text = render(report, "txt_runtogether").decode("utf-8")
    assert "规章111" in text and "一、本年新收政府信息公开申请数量2100003" in text
    assert canonical_json(read_back(report, "txt_runtogether")) == canonical_json(report)


def test_requests_table_follows_the_rows_the_report_has() -> None:
    hybrid = canonical_report("2019")
    hybrid.template = "2021"  # 2021 table 二 with the single (六)其他处理 row, as seen in the wild
    text = render(hybrid, "txt_tabs").decode("utf-8")
    assert "\t(六)其他处理\t\t" in text and "逾期不补正" not in text and "本年制发件数" in text


def test_tab_rows_emit_every_cell_so_blanks_keep_their_column() -> None:
    text = render(canonical_report("2021"), "txt_tabs").decode("utf-8")
    granted = next(line for line in text.splitlines() if "予以公开" in line).split("\t")
    assert granted[:3] == ["三、本年度办理结果", "(一)予以公开", ""] and len(granted) == 10
    assert granted[5] == ""  # research column left blank


def test_gb18030_layout_is_gb18030() -> None:
    data = render(canonical_report("2021"), "txt_gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "本年新收政府信息公开申请数量" in data.decode("gb18030")


def test_html_and_docx_merge_cells_like_the_official_form() -> None:
    html = render(canonical_report("2021"), "html").decode("utf-8")
    assert 'rowspan="22"' in html  # 三、本年度办理结果 spans the 21 outcome rows and (七)总计
    assert '<td colspan="5">行政复议</td>' in html and '<td colspan="10">行政诉讼</td>' in html
    import docx

    document = docx.Document(io.BytesIO(render(canonical_report("2021"), "docx")))
    requests = document.tables[1]
    assert requests.cell(5, 0).text == requests.cell(20, 0).text == "三、本年度办理结果"


def test_pdf_has_ruled_tables_and_page_footers() -> None:
    with pdfplumber.open(io.BytesIO(render(canonical_report("2021"), "pdf"))) as pdf:
        tables = [t for page in pdf.pages for t in page.extract_tables()]
        footers = [page.extract_text().splitlines()[-1].strip() for page in pdf.pages]
    assert [len(t[0]) for t in tables] == [4, 10, 15]
    assert footers == [f"- {n} -" for n in range(1, len(footers) + 1)]


@pytest.mark.parametrize("layout", ["docx", "pdf"])
def test_binary_layouts_are_byte_stable(layout: str) -> None:
    report = canonical_report("2019")
    assert render(report, layout) == render(report, layout)


@pytest.mark.parametrize(("cell", "decimal", "text"), [
    (Cell.number(3), False, "3"),
    (Cell.number(3.0), False, "3"),
    (Cell.number(0.5), True, "0.5000"),
    (Cell.number(-2), False, "-2"),
    (BLANK, False, ""),
    (None, False, ""),
    (Cell(CellState.NOTHING, None, ""), False, "—"),
    (Cell(CellState.NOTHING, None, "/"), False, "/"),
    (Cell(CellState.UNREADABLE, None, "1O"), False, "1O"),
])
def test_format_cell(cell: Cell | None, decimal: bool, text: str) -> None:
    assert format_cell(cell, decimal) == text


def test_unknown_layout_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="未知的版式"):
        render(canonical_report("2021"), "rtf")
