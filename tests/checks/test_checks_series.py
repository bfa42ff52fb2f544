"""Across-report checks, a district with injected faults, and run_all on a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from checks_helpers import make_report, set_cell, set_text

from gi_analytics.checks import check_series
from gi_analytics.checks.frames import from_reports
from gi_analytics.checks.runner import run_checks, to_findings
from gi_analytics.ingest.derive import run_all
from gi_analytics.model import Report

SCHEMA = Path(__file__).resolve().parents[2] / "src" / "gi_analytics" / "store" / "schema.sql"


def series(reports: list[Report], units: list[str] = ()) -> set[tuple[str, str, int]]:
    inp = from_reports(reports, units)
    return {(f.check, f.unit, f.year) for f in check_series(inp.reports, inp.cells, inp.sections, inp.units)}


def carry(r: Report) -> Report:  # 2022 says 1 request was carried over, 2021 carried none forward
    for col in ("natural_person", "total"):
        set_cell(r, "requests", "carried_over", col, 1)
        set_cell(r, "requests", "granted", col, r.tables["requests"]["granted"][col].value + 1)
        set_cell(
            r, "requests", "total_processed", col, r.tables["requests"]["total_processed"][col].value + 1
        )
    return r


def same_numbers(r: Report) -> Report:
    r.tables = make_report(year=2021).tables
    return r


SERIES_CASES = [
    ("series.carry_mismatch", carry),
    ("series.stock_rollover", lambda r: set_cell(r, "active", "normative_documents", "in_force", 15)),
    ("series.identical_numbers", same_numbers),
    ("series.appeals_without_requests", lambda r: r),  # the mutation is in the fixture: new=0 both years
    ("text.reused", lambda r: set_text(r, 5, make_report(year=2021, seed=1).section(5).text)),
]


@pytest.mark.parametrize(("check", "mutate"), SERIES_CASES, ids=[c[0] for c in SERIES_CASES])
def test_series_check(check, mutate):
    new = 0 if check == "series.appeals_without_requests" else None
    before = make_report(year=2021, new=new, seed=1)
    clean = make_report(year=2022, new=new, seed=2)
    assert (check, "平昌关镇", 2022) not in series([before, clean]) or new == 0
    assert (check, "平昌关镇", 2022) in series([before, mutate(make_report(year=2022, new=new, seed=2))])
    if new is None:
        assert series([before, clean]) == set()


def test_zero_streak_and_missing_report():
    zero = [make_report(year=y, new=0, review=0, seed=y) for y in (2021, 2022, 2023)]
    assert series(zero[:2]) == set()
    assert series(zero) == {("series.zero_streak", "平昌关镇", 2023)}
    assert series([zero[0], zero[2]]) == {("series.missing_report", "平昌关镇", 2022)}
    other = make_report("明港镇", 2021, seed=7)
    assert ("series.missing_report", "明港镇", 2022) in series(
        [zero[0], zero[1], other], ["平昌关镇", "明港镇"]
    )


def district() -> tuple[list[Report], set[tuple[str, str, int]]]:
    """甲镇 and 乙镇 for 2020–2022, 丙乡 for 2020 only; each fault below is listed with what it must raise."""
    reports = {
        (u, y): make_report(u, y, seed=k * 3 + y)
        for k, u in enumerate(("甲镇", "乙镇"))
        for y in (2020, 2021, 2022)
    }
    reports["丙乡", 2020] = make_report("丙乡", 2020, seed=11)
    set_text(
        reports["甲镇", 2021],
        1,
        "2021年，甲镇全年共收到政府信息公开申请16件，均按期答复，无一逾期，群众满意。",
    )
    set_cell(reports["甲镇", 2020], "appeals", "review", "total", 3)
    carry(reports["甲镇", 2022])
    set_cell(reports["甲镇", 2022], "active", "normative_documents", "in_force", 40)
    reports["乙镇", 2022].tables = make_report("乙镇", 2021).tables
    reports["乙镇", 2022].sections = [s for s in reports["乙镇", 2022].sections if s.no != 5]
    set_text(reports["乙镇", 2020], 5, "甲镇将进一步加强政务公开培训，提高公开质量和实效，主动回应群众关切。")
    set_text(reports["乙镇", 2021], 5, reports["甲镇", 2021].section(5).text)
    expected = {
        ("text.table_mismatch", "甲镇", 2021),
        ("appeals.sum", "甲镇", 2020),
        ("series.carry_mismatch", "甲镇", 2022),
        ("series.stock_rollover", "甲镇", 2022),
        ("series.identical_numbers", "乙镇", 2022),
        ("report.missing_section", "乙镇", 2022),
        # copying 2021's tables also leaves the stock and the text's own count behind
        ("series.stock_rollover", "乙镇", 2022),
        ("text.table_mismatch", "乙镇", 2022),
        ("text.other_unit", "乙镇", 2020),
        ("text.reused", "甲镇", 2021),
        ("text.reused", "乙镇", 2021),
        ("series.missing_report", "丙乡", 2021),
        ("series.missing_report", "丙乡", 2022),
    }
    return list(reports.values()), expected


def test_district_reports_exactly_the_injected_faults():
    reports, expected = district()
    inp = from_reports(reports, ["甲镇", "乙镇", "丙乡"])
    found = {(f.check, f.unit, f.year) for f in to_findings(run_checks(inp), inp)}
    assert found - expected == set(), "extra findings"
    assert expected - found == set(), "missed findings"


def write_db(path: Path, reports: list[Report]) -> None:
    """The district as the store lays it out (schema.sql), written with plain SQL."""
    inp = from_reports(reports, ["甲镇", "乙镇", "丙乡"])
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    frames = {
        "u": inp.units.assign(district="平桥区", kind="镇"),
        "r": inp.reports.assign(
            source="x.txt",
            format="txt",
            content_hash="h",
            version=1,
            is_current=True,
            ingested_at=pd.Timestamp("2026-01-01"),
        ),
        "c": inp.cells,
        "s": inp.sections,
    }
    for name, df in frames.items():
        con.register(name, df)
    con.execute("INSERT INTO units SELECT unit_id, name, district, kind FROM u")
    con.execute(
        "INSERT INTO reports (report_id, unit_id, year, template, period_start, period_end, source, "
        "format, content_hash, version, is_current, ingested_at, published) SELECT report_id, unit_id, year, "
        "template, NULL, NULL, source, format, content_hash, version, is_current, ingested_at, "
        "CAST(published AS DATE) FROM r"
    )
    con.execute("INSERT INTO cells SELECT * FROM c")
    con.execute("INSERT INTO sections SELECT * FROM s")
    con.close()


def test_run_all_replaces_findings_table(tmp_path):
    reports, expected = district()
    db = tmp_path / "gi.duckdb"
    write_db(db, reports)
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO findings (unit_id, year, check_id, severity, status, message) "
        "VALUES (0, 1999, 'stale', 'info', 'failed', '旧')"
    )
    count = run_all(con)
    rows = con.execute(
        "SELECT f.check_id, u.name, f.year, f.report_id IS NULL FROM findings f JOIN units u USING (unit_id)"
    ).fetchall()
    assert count == len(rows)
    assert {r[:3] for r in rows} == expected
    assert {r[0] for r in rows if r[3]} == {"series.missing_report"}


def test_stock_rollover_with_a_blank_cell_is_not_evaluated_never_passed():
    from gi_analytics.model import BLANK, Status

    before = make_report(year=2021, seed=1)
    blank = set_cell(make_report(year=2022, seed=2), "active", "normative_documents", "issued", BLANK)
    inp = from_reports([before, blank])
    found = [
        f
        for f in check_series(inp.reports, inp.cells, inp.sections, inp.units)
        if f.check == "series.stock_rollover"
    ]
    assert [(f.status, f.row, f.year) for f in found] == [(Status.NOT_EVALUATED, "normative_documents", 2022)]
