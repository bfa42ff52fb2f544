"""The parser on real reports: the sample, the real PDFs, and the cut-off openings of real web pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gi_analytics import form_spec as form
from gi_analytics.model import CellState, Severity
from gi_analytics.parse import parse_document
from gi_analytics.parse.cells import assign, split_run_together
from gi_analytics.readers import Document, TableBlock, TextBlock
from gi_analytics.readers.files import read_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "000_32c9a0a42e9b7f0e.txt"
OPENINGS = FIXTURES / "real-openings"


def parse(path: Path):
    return parse_document(read_path(path))


def text_doc(text: str) -> Document:
    return Document("t.txt", "txt", [TextBlock(line) for line in text.split("\n")])


def errors(report) -> list[str]:
    return [p.code for p in report.problems if p.severity is Severity.ERROR]


# ---- the sample report the project started from ------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return parse(SAMPLE)


def test_sample_identity(sample):
    assert (sample.unit, sample.year, sample.template) == ("平昌关镇", 2021, "2021")


def test_sample_every_value_is_zero_not_null(sample):
    expected_rows = {
        "active": [r.key for r in form.ACTIVE_2021],
        "requests": [r.key for r in form.REQUEST_ROWS if r.key != "other"],
        "appeals": list(form.APPEAL_PROCEEDINGS),
    }
    for name, rows in expected_rows.items():
        table = sample.tables[name]
        assert list(table) == rows
        for row in rows:
            assert all(c.state is CellState.NUMBER and c.value == 0 for c in table[row].values()), (name, row)


def test_sample_row_with_lost_leading_tabs_is_read(sample):
    assert sample.value("requests", "rejected_excessive", "total") == 0
    assert len(sample.tables["requests"]["rejected_excessive"]) == 7


def test_sample_sections_and_no_errors(sample):
    assert [s.no for s in sample.sections] == [1, 2, 3, 4, 5, 6]
    assert sample.section(1).text.startswith("2021年,平昌关镇根据")
    assert "存在的问题" in sample.section(5).text
    assert sample.section(6).text == "无"
    assert errors(sample) == []


# ---- real PDFs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["huaian-city-2024", "hongze-district-2024"])
def test_real_pdf_every_cell(name):
    report = parse(FIXTURES / "real-pdf" / f"{name}.pdf")
    expected = json.loads((FIXTURES / "real-pdf" / f"{name}.expected.json").read_text(encoding="utf-8"))
    got = report.to_json_dict()
    for key in ("unit", "year", "template", "period", "active", "requests", "appeals"):
        assert got[key] == expected[key], key
    assert errors(report) == []


@pytest.mark.parametrize("name", ["huaian-city-2024", "hongze-district-2024"])
def test_real_pdf_totals_reconcile(name):
    report = parse(FIXTURES / "real-pdf" / f"{name}.pdf")
    req = report.tables["requests"]
    outcome_rows = [k for k in req if form.ROW_GROUP.get(k)]
    for col in form.REQUEST_COLUMNS:
        v = {row: req[row][col].value for row in req}
        assert v["new_received"] + v["carried_over"] == v["total_processed"] + v["carried_forward"]
        assert sum(v[row] for row in outcome_rows) == v["total_processed"]
    for row in req.values():
        assert sum(row[c].value for c in form.REQUEST_COLUMN_PARTS) == row["total"].value
    for proceeding in report.tables["appeals"].values():
        assert sum(proceeding[r].value for r in form.APPEAL_RESULTS[:-1]) == proceeding["total"].value


def test_hybrid_template_is_flagged():
    report = parse(FIXTURES / "real-pdf" / "hongze-district-2024.pdf")
    assert "other" in report.tables["requests"]
    assert not set(form.OTHER_ROWS_2021) & set(report.tables["requests"])
    assert "template.mixed" in [p.code for p in report.problems]


# ---- real openings: cut off, messy -------------------------------------------------------------

INDEX = [json.loads(line) for line in (OPENINGS / "index.jsonl").read_text(encoding="utf-8").splitlines()]
T3 = {"partial": "partially_granted"}
T4 = {"review_total": "review", "litigation_direct_total": "litigation_direct",
      "litigation_after_review_total": "litigation_after_review"}


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_opening_values_match_the_index(entry):
    report = parse(OPENINGS / entry["file"])
    expected = entry["expected_totals"]
    for key, value in expected["t3"].items():
        assert report.value("requests", T3.get(key, key), "total") == value, key
    for key, value in expected["t4"].items():
        assert report.value("appeals", T4[key], "total") == value, key
    licensing = expected["t2_xingzheng_xuke_decisions_2021"]
    if report.template == "2021":
        assert report.value("active", "licensing", "decisions") == licensing


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_opening_cut_off_parts_are_problems(entry):
    report = parse(OPENINGS / entry["file"])
    codes = {p.code for p in report.problems}
    assert codes & {"section.missing", "table.missing", "row.missing"}
    if entry["year"]:
        assert report.year == entry["year"]
    if entry["unit"] and entry["file"] != "06.txt":
        assert report.unit.removesuffix("办事处") == entry["unit"].removesuffix("办事处")


def test_label_skeleton_gives_nulls_not_zeros():
    report = parse(OPENINGS / "01.txt")
    cells = [c for row in report.tables["requests"].values() for c in row.values()]
    assert cells and all(c.state is CellState.BLANK for c in cells)
    assert all(c.state is CellState.BLANK for row in report.tables["appeals"].values() for c in row.values())


def test_lone_zero_for_three_columns_is_unreadable_not_invented():
    report = parse(OPENINGS / "01.txt")
    assert {c.state for c in report.tables["active"]["regulations"].values()} == {CellState.UNREADABLE}
    assert "cells.unreadable" in errors(report)


def test_only_total_filled():
    report = parse(OPENINGS / "08.txt")
    row = report.tables["requests"]["new_received"]
    assert row["total"].value == 0
    assert all(row[c].state is CellState.BLANK for c in form.REQUEST_COLUMN_PARTS)


def test_run_together_active_cells():
    report = parse(OPENINGS / "07.txt")
    assert report.template == "2021"
    assert [c.value for c in report.tables["active"]["regulations"].values()] == [0, 0, 0]


def test_values_around_stray_blank_cells():
    report = parse(OPENINGS / "03.txt")
    assert [c.value for c in report.tables["active"]["punishment"].values()] == [283, 0, 283]
    assert report.value("active", "procurement", "amount") == 183000  # printed 18.3万元, stored in 元


# ---- cells: run-together, misaligned, unreadable ------------------------------------------------


def test_run_together_split_by_identity():
    reading = split_run_together("640020470", 7, where="", groups=(7,))
    values = [c.value for c in reading.cells]
    assert sum(values[:6]) == values[6]
    assert reading.problems[0].code == "cells.run_together"


def test_run_together_ambiguous_is_unreadable():
    reading = split_run_together("1011", 3, where="", groups=None)
    assert {c.state for c in reading.cells} == {CellState.UNREADABLE}


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["", "3", "0", "0", "0", "0", "0", "3", ""], [3, 0, 0, 0, 0, 0, 3]),  # padding blanks
        (["3", "", "0", "0", "0", "0", "3"], [3, None, 0, 0, 0, 0, 3]),  # an inner blank cell
        (["", "", "", "", "", "", "", "5"], [None] * 6 + [5]),  # only the total, one cell per line
        (["2", "1", "—", "0", "0", "0", "3"], [2, 1, None, 0, 0, 0, 3]),  # a "nothing" marker
        (["0", "0", "0", "0", "0", "0"], [0] * 7),  # one cell lost, identity gives it
    ],
)
def test_assign_rules(tokens, expected):
    reading = assign(tokens, 7, where="", groups=(7,))
    assert [c.value for c in reading.cells] == expected


def test_one_cell_lost_with_two_readings_is_unreadable():
    reading = assign(["3", "0", "0", "0", "0", "3"], 7, where="", groups=(7,))
    assert {c.state for c in reading.cells} == {CellState.UNREADABLE}
    assert reading.problems[0].severity is Severity.ERROR


def test_glued_page_footer_is_stripped():
    doc = Document("t.pdf", "pdf", [TableBlock([
        ["一、本年新收政府信息公开申请数量", "", "", "746", "12", "0", "0", "10", "1", "769"],
        ["", "(四)无法提供", "1.本机关不掌握相关政府信息", "746", "12", "0", "0", "10", "1", "769- 5 -"],
    ])])
    report = parse_document(doc)
    assert report.value("requests", "unavailable_not_held", "total") == 769


def test_parser_never_raises_on_garbage():
    for text in ["", "\x00\x01", "一、总体情况\n" * 50, "规章|||||\n" * 30, "(七)总计\t9" * 3]:
        report = parse_document(text_doc(text))
        assert report.problems


def test_glued_count_and_amount_is_unreadable_not_a_guess():
    text = "\n".join([
        "二、主动公开政府信息情况", "信息内容本年新制作数量本年新公开数量对外公开总数量",
        "规章000", "政府集中采购912.5000",
        "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1",
    ])
    report = parse_document(text_doc(text))
    assert report.template == "2019"
    assert {c.state for c in report.tables["active"]["procurement"].values()} == {CellState.UNREADABLE}


def test_row_cut_off_by_the_end_of_the_page_keeps_what_it_shows():
    report = parse(OPENINGS / "03.txt")
    assert [c.value for c in report.tables["requests"]["carried_over"].values()] == [0, 0, 0, 0, 0, None, None]
    assert "row.truncated" in {p.code for p in report.problems}


def test_two_numbers_in_one_grid_cell_are_unreadable_not_joined():
    doc = Document("t.docx", "docx", [TableBlock([
        ["一、本年新收政府信息公开申请数量", "", "", "72 64", "0", "0", "0", "0", "0", "6\n6"],
    ])])
    row = parse_document(doc).tables["requests"]["new_received"]
    assert row["natural_person"].state is CellState.UNREADABLE
    assert row["total"].state is CellState.UNREADABLE


def test_space_separated_values_in_a_text_cell_are_separate_cells():
    report = parse_document(text_doc("信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t1 0 11"))
    assert [c.value for c in report.tables["active"]["regulations"].values()] == [1, 0, 11]


def test_short_appeals_row_before_the_next_section_is_unreadable_not_truncated():
    text = "四、政府信息公开行政复议、行政诉讼情况\n行政复议\t行政诉讼\n1\t0\t0\t0\t1\t0\t0\n五、存在的主要问题及改进情况\n无。"
    report = parse_document(text_doc(text))
    assert {c.state for row in report.tables["appeals"].values() for c in row.values()} == {CellState.UNREADABLE}
