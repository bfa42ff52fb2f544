"""Every case in every layout the renderer writes, read back by the real readers and parser: no cell may differ
from the truth unless a problem names its row (a wrong number that nothing points at must not exist)."""

from __future__ import annotations

import pytest
from canonical_reports import canonical_report, consistent_small_report, read_back

from gi_analytics import form_spec as form
from gi_analytics.demo.render import LAYOUTS
from gi_analytics.model import BLANK, Cell, CellState, Report

TABLE_WHERE = {"active": "表二", "requests": "表三", "appeals": "表四"}
LOSSLESS = {"html", "docx", "pdf"}  # real grids: every cell read exactly, blanks at either end included


def _value(cell: Cell | None):
    return cell.value if cell is not None and cell.state is CellState.NUMBER else None


def row_where(report: Report, table: str, row: str) -> str:
    if table == "appeals":
        return "表四"
    return f"{TABLE_WHERE[table]}·{form.row_label(table, row, report.template or '2021')}"


def wrong_cells(truth: Report, parsed: Report, *, silent: bool) -> list[tuple]:
    """Cells whose value differs from the truth; with `silent`, only those no problem points at."""
    named = {p.where for p in parsed.problems} if silent else set()
    named |= {p.where for p in parsed.problems if p.code == "table.missing"}
    out = []
    for table, rows in truth.tables.items():
        got = parsed.tables.get(table) or {}
        for row, cols in rows.items():
            if table in named or row_where(parsed, table, row) in named:
                continue
            for col, cell in cols.items():
                if _value(cell) != _value(got.get(row, {}).get(col)):
                    out.append((table, row, col, _value(cell), _value(got.get(row, {}).get(col))))
    return out


def _consistent_large() -> Report:
    """Multi-digit counts with every identity holding, as real district reports have them."""
    report = consistent_small_report()
    req = report.tables["requests"]
    for key, natural, commercial in (
        ("new_received", 80, 1),
        ("granted", 60, 1),
        ("unavailable_not_held", 20, 0),
        ("total_processed", 80, 1),
    ):
        req[key] = {
            **{c: Cell.number(0) for c in form.REQUEST_COLUMNS},
            "natural_person": Cell.number(natural),
            "commercial": Cell.number(commercial),
            "total": Cell.number(natural + commercial),
        }
    report.tables["appeals"]["review"] = {
        "upheld": Cell.number(3),
        "corrected": Cell.number(1),
        "other": Cell.number(0),
        "pending": Cell.number(2),
        "total": Cell.number(6),
    }
    return report


def _blank_variants(template: str) -> list[tuple[str, Report]]:
    trailing = canonical_report(template)  # 复议后起诉 left blank, the rest zeros
    for proceeding in form.APPEAL_PROCEEDINGS:
        for result in form.APPEAL_RESULTS:
            blank = proceeding == "litigation_after_review"
            trailing.tables["appeals"][proceeding][result] = BLANK if blank else Cell.number(0)
    research = canonical_report(template)  # 科研机构 blank beside a three-digit count
    research.tables["requests"]["new_received"].update(
        natural_person=Cell.number(258), research=BLANK, total=Cell.number(270)
    )
    edges = canonical_report(template)  # blanks at both ends of rows
    edges.tables["requests"]["carried_forward"]["total"] = BLANK
    edges.tables["requests"]["granted"]["natural_person"] = BLANK
    return [
        ("canonical", canonical_report(template)),
        ("appeals_trailing_blank", trailing),
        ("research_blank", research),
        ("edge_blanks", edges),
    ]


CASES = [
    *[(f"{t}-{name}", r) for t in ("2021", "2019") for name, r in _blank_variants(t)],
    ("consistent_small", consistent_small_report()),
    ("consistent_large", _consistent_large()),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("name", "truth"), CASES, ids=[c[0] for c in CASES])
def test_no_silent_wrong_cell(name: str, truth: Report, layout: str) -> None:
    assert wrong_cells(truth, read_back(truth, layout), silent=True) == []


@pytest.mark.parametrize("layout", sorted(LOSSLESS))
@pytest.mark.parametrize(("name", "truth"), CASES, ids=[c[0] for c in CASES])
def test_lossless_layouts_read_every_cell(name: str, truth: Report, layout: str) -> None:
    assert wrong_cells(truth, read_back(truth, layout), silent=False) == []


@pytest.mark.parametrize("layout", ["txt_oneline", "txt_runtogether", "md", "md_ocr", "md_repeated"])
@pytest.mark.parametrize("name", ["consistent_small", "consistent_large"])
def test_glued_and_converted_text_reads_every_cell_where_the_identities_decide(
    name: str, layout: str
) -> None:
    truth = dict(CASES)[name]
    assert wrong_cells(truth, read_back(truth, layout), silent=False) == []


def test_one_line_text_has_no_line_break_and_glued_cells() -> None:
    from gi_analytics.demo.render import render

    text = render(_consistent_large(), "txt_oneline").decode("utf-8")
    assert text.count("\n") == 1 and "一、本年新收政府信息公开申请数量801000081" in text
    parsed = read_back(_consistent_large(), "txt_oneline")
    assert [s.no for s in parsed.sections] == [1, 2, 3, 4, 5, 6] and parsed.template == "2021"


def test_ocr_labels_are_matched_with_a_problem_naming_the_label() -> None:
    parsed = read_back(canonical_report("2021"), "md_ocr")
    fuzzy = [p for p in parsed.problems if p.code == "label.fuzzy"]
    assert fuzzy and all(p.severity == "info" and p.where for p in fuzzy)
    assert {p.code for p in parsed.problems} >= {"heading.fuzzy"}


def _ambiguous_rows() -> Report:
    """`110000011` is 1 10 0 0 0 0 11 or 11 0 0 0 0 0 11 in its own row; the outcome rows decide."""
    report = consistent_small_report()
    req = report.tables["requests"]
    zero = {c: Cell.number(0) for c in form.REQUEST_COLUMNS}
    for key in req:
        req[key] = dict(zero)
    for key, natural, commercial in (
        ("new_received", 1, 10),
        ("granted", 1, 5),
        ("partially_granted", 0, 5),
        ("total_processed", 1, 10),
    ):
        req[key] = {
            **zero,
            "natural_person": Cell.number(natural),
            "commercial": Cell.number(commercial),
            "total": Cell.number(natural + commercial),
        }
    return report


@pytest.mark.parametrize("layout", ["txt_oneline", "txt_runtogether"])
def test_rows_the_row_sum_cannot_split_are_decided_by_the_column_identities(layout: str) -> None:
    truth = _ambiguous_rows()
    parsed = read_back(truth, layout)
    assert wrong_cells(truth, parsed, silent=False) == []
    decided = [p for p in parsed.problems if "各列的勾稽关系" in p.message]
    assert {p.where for p in decided} == {"表三·一、本年新收政府信息公开申请数量", "表三·(七)总计"}


def test_a_split_nothing_decides_is_unreadable_and_lists_the_readings() -> None:
    truth = _ambiguous_rows()
    truth.tables["requests"]["granted"] = dict(truth.tables["requests"]["total_processed"])
    truth.tables["requests"]["partially_granted"] = {c: Cell.number(0) for c in form.REQUEST_COLUMNS}
    parsed = read_back(truth, "txt_oneline")
    assert wrong_cells(truth, parsed, silent=True) == []
    errors = [p for p in parsed.problems if p.code == "cells.unreadable" and p.where.startswith("表三")]
    assert errors and all("可能为：1 10 0 0 0 0 11；11 0 0 0 0 0 11" in p.message for p in errors)


def _grid_report(rows: list[list[str | None]]) -> Report:
    from gi_analytics.parse import parse_document
    from gi_analytics.readers import Document, TableBlock, TextBlock

    head = [TextBlock("三、收到和处理政府信息公开申请情况")]
    header = [["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", None, None, "申请人情况"]]
    return parse_document(Document("x.pdf", "pdf", [*head, TableBlock(header + rows)]))


ZEROS = ["0"] * 7


def test_values_printed_before_their_label_across_a_page_break_join_the_label() -> None:
    report = _grid_report(
        [
            ["一、本年新收政府信息公开申请数量", "", "", "3", "0", "0", "0", "0", "0", "3"],
            ["", "", "", *ZEROS],  # the bottom of page 1: values whose label went on to page 2
            ["二、上年结转政府信息公开申请数量", "", "", *[""] * 7],
        ]
    )
    assert [c.value for c in report.tables["requests"]["carried_over"].values()] == [0] * 7
    assert any(
        p.code == "row.split" and p.where == "表三·二、上年结转政府信息公开申请数量" for p in report.problems
    )


def test_a_row_with_a_blank_label_takes_the_one_row_the_form_order_leaves_missing() -> None:
    report = _grid_report(
        [
            ["一、本年新收政府信息公开申请数量", "", "", "3", "0", "0", "0", "0", "0", "3"],
            ["", "", "", "1", "0", "0", "0", "0", "0", "1"],
            ["三、本年度办理结果", "(一)予以公开", "", "4", "0", "0", "0", "0", "0", "4"],
        ]
    )
    assert report.tables["requests"]["carried_over"]["total"].value == 1
    assert any(p.code == "row.by_order" for p in report.problems)


def test_a_row_of_values_no_position_places_is_reported_not_dropped() -> None:
    report = _grid_report(
        [
            ["一、本年新收政府信息公开申请数量", "", "", "3", "0", "0", "0", "0", "0", "3"],
            ["", "", "", "5", "0", "0", "0", "0", "0", "5"],
            ["三、本年度办理结果", "(二)部分公开", "", "4", "0", "0", "0", "0", "0", "4"],
        ]
    )
    assert any(p.code == "row.unlabelled" and "5 0 0 0 0 0 5" in p.message for p in report.problems)
    assert "granted" not in report.tables["requests"] and "carried_over" not in report.tables["requests"]


def _parse_text(text: str) -> Report:
    from gi_analytics.parse import parse_document
    from gi_analytics.readers.files import read_bytes

    return parse_document(read_bytes(text.encode("utf-8"), "page.txt"))


def test_a_scraped_page_on_one_line_reads_its_tables() -> None:
    from gi_analytics.demo.render import render

    body = render(_consistent_large(), "txt_oneline").decode("utf-8").strip()
    page = (
        "首页>政务公开>政府信息公开年报 字号:[大中小] 打印本页 " + body + " 扫一扫在手机打开当前页 关闭窗口"
    )
    parsed = _parse_text(page)
    assert wrong_cells(_consistent_large(), parsed, silent=False) == []
    assert parsed.year == 2022 and parsed.template == "2021"


def test_three_counts_glued_without_an_identity_are_unreadable_with_their_readings() -> None:
    parsed = _parse_text(
        "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数"
        "规章000行政规范性文件77132470第二十条第(五)项信息内容本年处理决定数量行政许可12"
        "三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
        "申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计"
        "一、本年新收政府信息公开申请数量801000081二、上年结转政府信息公开申请数量0000000"
    )
    active = parsed.tables["active"]
    assert [c.value for c in active["regulations"].values()] == [0, 0, 0]
    assert {c.state for c in active["normative_documents"].values()} == {CellState.UNREADABLE}
    assert active["licensing"]["decisions"].value == 12
    problem = next(p for p in parsed.problems if p.where == "表二·行政规范性文件")
    assert problem.severity == "error" and "7 7 132470" in problem.message
    assert [c.value for c in parsed.tables["requests"]["new_received"].values()] == [80, 1, 0, 0, 0, 0, 81]


def test_a_label_number_cut_off_onto_the_row_above_is_not_an_eighth_value() -> None:
    parsed = _parse_text(
        "三、收到和处理政府信息公开申请情况\n"
        "(三)不予公开 3.危及“三安全一稳定” 0 0 0 0 0 0 0 4.\n"
        "保护第三方合法权益 0 0 0 0 0 0 0\n"
    )
    requests = parsed.tables["requests"]
    for row in ("denied_security", "denied_third_party"):
        assert [c.value for c in requests[row].values()] == [0] * 7, row
