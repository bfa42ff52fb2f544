"""The stock rule across years decides run-together counts of table 二 that one report cannot."""

from __future__ import annotations

from test_parse_layouts import _parse_text

from gi_analytics.model import CellState
from gi_analytics.parse.stock import Neighbours, resolve_stock

GLUED = (
    "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数"
    "规章000行政规范性文件77132470第二十条第(五)项信息内容本年处理决定数量行政许可12"
    "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量801000081"
)


def _report():
    report = _parse_text(GLUED)
    report.template = "2021"
    return report


def test_the_previous_year_in_force_decides_the_reading() -> None:
    report = _report()
    assert resolve_stock(report, {"normative_documents": Neighbours(previous_in_force=2406)}) == [
        "normative_documents"
    ]
    row = report.tables["active"]["normative_documents"]
    assert [row[c].value for c in ("issued", "repealed", "in_force")] == [77, 13, 2470]
    assert not [
        p for p in report.problems if p.code == "cells.unreadable" and p.where == "表二·行政规范性文件"
    ]
    assert any(p.code == "cells.by_stock_rule" and "77 13 2470" in p.message for p in report.problems)


def test_the_next_year_pins_only_the_stock_so_two_readings_stay_open() -> None:
    report = _report()
    near = Neighbours(next_issued=5, next_repealed=0, next_in_force=2475)  # in_force 2470: 77 13 or 7 713
    assert resolve_stock(report, {"normative_documents": near}) == []
    both = Neighbours(previous_in_force=2406, next_issued=5, next_repealed=0, next_in_force=2475)
    assert resolve_stock(report, {"normative_documents": both}) == ["normative_documents"]


def test_no_neighbour_or_several_fitting_readings_leave_the_cells_unreadable() -> None:
    report = _report()
    assert resolve_stock(report, {"normative_documents": Neighbours()}) == []
    assert resolve_stock(report, {"normative_documents": Neighbours(previous_in_force=-(10**9))}) == []
    assert {c.state for c in report.tables["active"]["normative_documents"].values()} == {
        CellState.UNREADABLE
    }


def _glued_report(unit: str, year: int, normative: str) -> str:
    return (
        f"{unit}{year}年政府信息公开工作年度报告"
        + "一、总体情况本镇依法公开政府信息。"
        + GLUED.replace("77132470", normative)
    )


def test_ingest_decides_a_glued_stock_row_with_the_previous_year_in_the_database(tmp_path) -> None:
    from gi_analytics import store
    from gi_analytics.ingest.pipeline import ingest_bytes

    db = tmp_path / "gi.duckdb"
    previous = _glued_report("甲镇", 2021, "\t5\t1\t2406")  # in force 2406 at the end of 2021
    ingest_bytes([("甲镇2021.txt", previous.encode())], db, district="乙区")
    ingest_bytes([("甲镇2022.txt", _glued_report("甲镇", 2022, "77132470").encode())], db, district="乙区")
    with store.read_connection(db) as con:
        rows = con.execute(
            "SELECT c.col_key, c.value FROM cells c JOIN reports r USING (report_id) "
            "WHERE r.year = 2022 AND c.row_key = 'normative_documents' ORDER BY c.col_key"
        ).fetchall()
    assert dict(rows) == {"in_force": 2470, "issued": 77, "repealed": 13}


def test_ingest_decides_it_with_the_previous_year_in_the_same_batch(tmp_path) -> None:
    from gi_analytics import store
    from gi_analytics.ingest.pipeline import ingest_bytes

    db = tmp_path / "gi.duckdb"
    files = [
        ("甲镇2022.txt", _glued_report("甲镇", 2022, "77132470").encode()),
        ("甲镇2021.txt", _glued_report("甲镇", 2021, "\t5\t1\t2406").encode()),
    ]
    ingest_bytes(files, db, district="乙区")
    with store.read_connection(db) as con:
        state = con.execute(
            "SELECT min(c.state), max(c.value) FROM cells c JOIN reports r USING (report_id) "
            "WHERE r.year = 2022 AND c.row_key = 'normative_documents'"
        ).fetchone()
    assert state == ("number", 2470)
