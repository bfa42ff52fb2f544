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
