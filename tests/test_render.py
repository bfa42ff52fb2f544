"""The renderer: one canonical report in every layout, read back by the real readers and parser."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from gi_analytics import form
from gi_analytics.ingest import TableBlock, TextBlock
from gi_analytics.ingest.files import read_bytes
from gi_analytics.model import BLANK, Cell, CellState, Period, Report, Section
from gi_analytics.parse import parse_document
from gi_analytics.render import EXTENSIONS, LAYOUTS, format_cell, render

AMBIGUOUS_LAYOUTS = {"txt_runtogether", "txt_oneline", "md", "md_ocr", "md_repeated"}  # blanks lost or cells merged: test_parse_layouts


def canonical_report(template: str) -> Report:
    """Non-zero numbers, a few blank inner cells and one "—" cell; texts short enough for one PDF line."""
    year = 2022 if template == "2021" else 2020
    active = {spec.key: {m: Cell.number(12.3456 if m in form.DECIMAL_METRICS else 3 + i + j)
                         for j, m in enumerate(spec.columns)}
              for i, spec in enumerate(form.ACTIVE[template])}
    if template == "2019":
        active["licensing"]["change"] = Cell.number(-2)
    rows = form.OUTCOME_ROWS_2021 if template == "2021" else form.OUTCOME_ROWS_2019
    requests = {key: {c: Cell.number((i * 7 + j * 3) % 23) for j, c in enumerate(form.REQUEST_COLUMNS)}
                for i, key in enumerate(("new_received", "carried_over", *rows, "total_processed", "carried_forward"))}
    requests["granted"]["research"] = BLANK
    requests["denied_internal"]["legal_service"] = BLANK
    requests["carried_over"]["social_welfare"] = Cell(CellState.NOTHING, None, "—")
    requests = {k: requests[k] for k in form.REQUEST_ROW_KEYS if k in requests}
    appeals = {p: {r: Cell.number(i + j) for j, r in enumerate(form.APPEAL_RESULTS)}
               for i, p in enumerate(form.APPEAL_PROCEEDINGS)}
    appeals["litigation_direct"]["other"] = BLANK
    texts = {1: f"{year}年,本镇主动公开政府信息86条。\n全年共收到政府信息公开申请9件。", 5: "人员不足。\n加强培训。",
             6: "无"}
    sections = [Section(s.no, s.title, texts.get(s.no, "")) for s in form.SECTIONS]
    return Report("canonical", "青河镇", year, template, Period(f"{year}-01-01", f"{year}-12-31"),
                  {"active": active, "requests": requests, "appeals": appeals}, sections)


def consistent_small_report() -> Report:
    """Single digits and every identity holding: glued digits have exactly one reading."""
    report = canonical_report("2021")
    report.tables["active"] = {k: {m: Cell.number(0.5 if m == "amount" else 1) for m in cols}
                               for k, cols in report.tables["active"].items()}
    zero = {c: Cell.number(0) for c in form.REQUEST_COLUMNS}
    requests = {k: dict(zero) for k in report.tables["requests"]}
    three = {**zero, "natural_person": Cell.number(2), "commercial": Cell.number(1), "total": Cell.number(3)}
    for key in ("new_received", "granted", "total_processed"):
        requests[key] = dict(three)
    report.tables["requests"] = requests
    report.tables["appeals"] = {p: {r: Cell.number(0) for r in form.APPEAL_RESULTS} for p in form.APPEAL_PROCEEDINGS}
    return report


def canonical_json(report: Report) -> dict:
    out = report.to_json_dict()
    del out["source"], out["problems"]
    return out


def read_back(report: Report, layout: str) -> Report:
    data = render(report, layout)
    return parse_document(read_bytes(data, f"report.{EXTENSIONS[layout]}"))


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
