"""Single-report checks: one passing and one failing case per check, on reports shaped like real ones."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from checks_helpers import clone, make_report, set_cell, set_text

from gi_analytics.checks import REGISTRY, check_report
from gi_analytics.model import BLANK, Cell, CellState, Period, Report, Severity, Status

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"


def zeros(r: Report) -> Report:
    for table in (r.tables["requests"], r.tables["appeals"]):
        for row in table.values():
            for col in row:
                row[col] = Cell.number(0)
    r.sections = [s for s in r.sections if s.no != 1]
    r.sections.insert(0, make_report(new=0, review=0).sections[0])
    return r


def blank(r: Report, tbl: str) -> Report:
    r.tables[tbl] = {row: dict.fromkeys(cols, BLANK) for row, cols in r.tables[tbl].items()}
    return r


def drop_section(r: Report, no: int) -> Report:
    r.sections = [s for s in r.sections if s.no != no]
    return r


Mutation = Callable[[Report], Report]
CASES: list[tuple[str, str, Mutation, dict]] = [
    # (check id, case, mutation of a consistent report, check_report kwargs)
    ("requests.balance", "carried_forward not in processed",
     lambda r: set_cell(set_cell(r, "requests", "carried_forward", "natural_person", 1), "requests",
                        "carried_forward", "total", 1), {}),
    ("requests.outcome_sum", "granted one too many",
     lambda r: set_cell(set_cell(r, "requests", "granted", "natural_person", 4), "requests", "granted", "total", 4), {}),
    ("requests.column_sum", "total column short",
     lambda r: set_cell(r, "requests", "granted", "commercial", 1), {}),
    ("appeals.sum", "review total exceeds results", lambda r: set_cell(r, "appeals", "review", "total", 2), {}),
    ("cells.invalid", "unreadable cell",
     lambda r: set_cell(r, "appeals", "litigation_direct", "other", Cell(CellState.UNREADABLE, None, "O")), {}),
    ("cells.invalid", "fractional count", lambda r: set_cell(r, "active", "licensing", "decisions", 2.5), {}),
    ("report.blank_tables", "unfilled appeals template", lambda r: blank(r, "appeals"), {}),
    ("report.missing_section", "no section 5", lambda r: drop_section(r, 5), {}),
    ("report.missing_section", "no appeals table", lambda r: (r.tables.pop("appeals"), r)[1], {}),
    ("report.template_mismatch", "2019 template on 2021 report",
     lambda r: (setattr(r, "template", "2019"), r)[1], {}),
    ("report.period_mismatch", "period of the previous year",
     lambda r: (setattr(r, "period", Period("2020-01-01", "2020-12-31")), r)[1], {}),
    ("report.period_mismatch", "text about another year",
     lambda r: set_text(r, 1, "2020年，我镇认真贯彻条例要求，全年共收到政府信息公开申请4件。"), {}),
    ("text.table_mismatch", "narrative says 16 requests",
     lambda r: set_text(r, 1, "2021年，全年共收到政府信息公开申请16件，均已按时答复。"), {}),
    ("text.table_mismatch", "narrative says no review",
     lambda r: set_text(r, 6, "本年度未发生因政府信息公开申请提起的行政复议。"), {}),
    ("text.other_unit", "neighbour's name copied",
     lambda r: set_text(r, 5, "明港镇将进一步加强政务公开培训，提高公开质量和实效，回应群众关切。"),
     {"district_units": ["平昌关镇", "明港镇", "甘岸街道"]}),
    ("report.all_zero", "zero-filled", zeros, {}),
    ("cells.blank_in_filled_table", "one blank cell",
     lambda r: set_cell(r, "requests", "denied_query", "research", BLANK), {}),
]


def ids(findings) -> set[str]:
    return {f.check for f in findings}


@pytest.mark.parametrize(("check", "case", "mutate", "kwargs"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_check_fails_on_fault(check, case, mutate, kwargs):
    found = check_report(mutate(make_report()), **kwargs)
    assert check in ids(f for f in found if f.status == Status.FAILED)
    hit = next(f for f in found if f.check == check)
    assert (hit.unit, hit.year) == ("平昌关镇", 2021)


@pytest.mark.parametrize("check", sorted({c[0] for c in CASES}))
def test_consistent_report_passes(check):
    found = check_report(make_report(), district_units=["平昌关镇", "明港镇", "甘岸街道"])
    assert check not in ids(found)


def test_consistent_report_has_no_findings_at_all():
    assert check_report(make_report(year=2020)) == []
    assert check_report(make_report(year=2023, new=0, review=2)) == []


@pytest.mark.parametrize(("text", "expect"), [
    ("主动公开政府信息232条，全年共收到政府信息公开申请4件。", set()),          # 232条 is not a request count
    ("答复3050件(含上年度结转申请34件)，受理政府信息公开申请4件。", set()),
    ("区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。", {"requests"}),
    ("2020年收到申请9件，2021年全年共收到政府信息公开申请4件。", set()),         # another year's clause
    ("政府信息公开行政复议1件，其中结果维持1件。", set()),
    ("政府信息公开行政复议3件，行政诉讼2件。", {"review", "litigation"}),
    ("本年度无行政复议、行政诉讼政府公开信息。", {"review"}),
    ("没有因政府信息公开申请行政复议、提起行政诉讼和申诉的情况发生。", {"review"}),
])
def test_text_table_mismatch_reads_counts(text, expect):
    found = check_report(set_text(make_report(), 1, "2021年，" + text))
    got = {"requests" if f.row == "new_received" else "review" if f.row == "review" else "litigation"
           for f in found if f.check == "text.table_mismatch"}
    assert got == expect


def test_not_evaluated_when_inputs_blank():
    r = make_report()
    for col in ("natural_person", "total"):
        set_cell(r, "requests", "carried_over", col, BLANK)
    found = [f for f in check_report(r) if f.check == "requests.balance"]
    assert [(f.status, f.severity) for f in found] == [(Status.NOT_EVALUATED, Severity.ERROR)]
    assert "上年结转" in found[0].message


def test_balance_finding_carries_evidence():
    r = set_cell(clone(make_report()), "requests", "carried_forward", "natural_person", 1)
    f = next(f for f in check_report(r) if f.check == "requests.balance" and f.column == "natural_person")
    assert (f.table, f.expected, f.actual) == ("requests", 4, 5)
    assert f.message == "自然人列：本年新收 4 + 上年结转 0 = 4，但办理结果总计 4 + 结转下年度 1 = 5"


def test_hybrid_table_sums_its_own_rows():
    r = make_report(year=2021)
    r.tables["requests"] = make_report(year=2020, new=4).tables["requests"]  # single （六）其他处理 row
    found = check_report(r)
    assert "requests.outcome_sum" not in ids(found)
    assert [(f.check, f.table) for f in found] == [("report.template_mismatch", "requests")]


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared corpus not mounted")
def test_sample_report_only_all_zero():
    from gi_analytics.parse import parse_document
    from gi_analytics.readers.files import read_path

    report = parse_document(read_path(SAMPLE))
    found = check_report(report)
    failed = [f for f in found if f.status is Status.FAILED]
    assert [(f.check, f.severity) for f in failed] == [("report.all_zero", Severity.INFO)]
    # the sample prints no publication date: timeliness is not evaluated, never passed
    assert [f.check for f in found if f.status is Status.NOT_EVALUATED] == ["report.late_publication"]


def test_every_check_documented():
    docs = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| ([a-z_]+\.[a-z_]+) \|", (Path(__file__).resolve().parents[1] / "fixtures" / "domain-checks.md").read_text(encoding="utf-8"), re.M))
    registered = {spec.id for spec in REGISTRY}
    assert registered == listed
    assert [i for i in registered if f"`{i}`" not in docs] == []


def test_a_received_count_that_adds_last_years_carried_requests_is_reported_as_such():
    r = make_report()  # 4 new requests in 2021
    for col in ("natural_person", "total"):
        set_cell(r, "requests", "carried_over", col, 1)
        set_cell(r, "requests", "granted", col, r.tables["requests"]["granted"][col].value + 1)
        set_cell(r, "requests", "total_processed", col, r.tables["requests"]["total_processed"][col].value + 1)
    new = r.tables["requests"]["new_received"]["total"].value
    found = [f for f in check_report(set_text(r, 1, f"2021年，全年共收到政府信息公开申请{int(new) + 1}件。"))
             if f.check == "text.table_mismatch"]
    assert [(f.severity, f.status, f.row) for f in found] == [(Severity.WARNING, Status.FAILED, "new_received")]
    assert "上年结转" in found[0].message and "算作本年收到" in found[0].message
    assert not [f for f in check_report(set_text(r, 1, f"2021年，全年共收到政府信息公开申请{int(new)}件。"))
                if f.check == "text.table_mismatch"]
