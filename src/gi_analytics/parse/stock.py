"""Run-together counts of table 二 that no identity inside the report decides (`行政规范性文件77132470`), decided
by the stock rule across years: in_force(N) = in_force(N−1) + issued(N) − repealed(N), for the 2021 template's
regulations and normative documents. A reading is accepted only where it alone satisfies the rule with the
neighbouring year(s) of the same unit."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Cell, Number, Problem, Report, Severity

STOCK_ROWS = {"regulations": "规章", "normative_documents": "行政规范性文件"}
COLUMNS = ("issued", "repealed", "in_force")


@dataclass(frozen=True, slots=True)
class Neighbours:
    """What the same unit's adjacent reports say of one row (None where unknown)."""

    previous_in_force: Number | None = None
    next_issued: Number | None = None
    next_repealed: Number | None = None
    next_in_force: Number | None = None


def fits(reading: tuple, near: Neighbours) -> bool | None:
    """True or False where a neighbour allows the rule to be evaluated, None where none does."""
    issued, repealed, in_force = reading
    verdicts = []
    if near.previous_in_force is not None:
        verdicts.append(in_force == near.previous_in_force + issued - repealed)
    if None not in (near.next_issued, near.next_repealed, near.next_in_force):
        verdicts.append(near.next_in_force == in_force + near.next_issued - near.next_repealed)
    return all(verdicts) if verdicts else None


def resolve_stock(report: Report, neighbours: dict[str, Neighbours]) -> list[str]:
    """Decide the report's ambiguous stock rows in place; returns the row keys it decided."""
    decided = []
    for row, near in neighbours.items():
        readings = report.ambiguous.get(("active", row))
        if row not in STOCK_ROWS or not readings or report.template != "2021":
            continue
        matching = [r for r in readings if len(r) == 3 and fits(r, near)]
        if len(matching) != 1:
            continue
        reading = matching[0]
        raw = "".join(map(str, reading))  # the digits as printed: a split keeps every digit in order
        report.tables["active"][row] = {c: Cell.number(v, raw) for c, v in zip(COLUMNS, reading, strict=True)}
        where = f"表二·{STOCK_ROWS[row]}"
        report.problems[:] = [
            p for p in report.problems if not (p.code == "cells.unreadable" and p.where == where)
        ]
        values = " ".join(map(str, reading))
        message = f"数字连在一起（{raw}），按相邻年度的现行有效件数（上年现行有效 + 本年制发 − 本年废止）唯一确定为 {values}"
        report.problems.append(Problem("cells.by_stock_rule", Severity.INFO, message, where))
        del report.ambiguous[("active", row)]
        decided.append(row)
    return decided
