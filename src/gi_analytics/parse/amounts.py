"""Amounts of table 二 in the unit their canonical key declares: the 2021 `fees.amount` in 万元 (the template's
header says so), the 2019 `procurement.amount` in 元. A number printed with its own unit (`18.3万元`, `251000元`)
or under a header that names one is converted; one whose unit cannot be known is kept as printed, with a warning
naming the cell. Pure: the table is updated in place, the problems are returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import Cell, CellState, Number, Problem, Severity, Table
from .tokens import Line, compact, is_value_text

_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_PRINTED = re.compile(r"(亿元|万元|元)$")


@dataclass(frozen=True)
class AmountSpec:
    template: str
    row: str
    unit: str  # the unit the canonical key declares
    header: re.Pattern[str]  # the column header, capturing the unit it names
    where: str
    default: str | None  # the unit when neither the cell nor its header names one (the template's own)


SPECS = (
    AmountSpec("2021", "fees", "万元", re.compile(r"收费(?:总)?金额\(?(?:单位:?)?(亿元|万元|元)"),
               "表二·行政事业性收费·本年收费金额", "万元"),
    AmountSpec("2019", "procurement", "元", re.compile(r"采购(?:总)?金额\(?(?:单位:?)?(亿元|万元|元)"),
               "表二·政府集中采购·采购总金额", None),
)  # fmt: skip


def in_declared_units(table: Table, template: str | None, lines: Sequence[Line]) -> list[Problem]:
    """Convert the table's amount cells (read from `lines`, the table's own lines) to their declared unit."""
    problems: list[Problem] = []
    for spec in SPECS:
        cell = table.get(spec.row, {}).get("amount")
        if spec.template != (template or "2021") or cell is None or cell.state is not CellState.NUMBER:
            continue
        printed = _PRINTED.search(re.sub(r"\s+", "", cell.raw))
        unit = printed[1] if printed else (_header_unit(spec, lines) or spec.default)
        if unit is None:
            if cell.value != 0:  # zero is zero in any unit
                message = f"金额 {cell.raw or cell.value} 没有注明单位（元或万元），按原数保留，请核对"
                problems.append(Problem("amount.unit_unknown", Severity.WARNING, message, spec.where))
            continue
        if unit != spec.unit:
            value = convert(cell.value, unit, spec.unit)
            table[spec.row]["amount"] = Cell.number(value, cell.raw)
            shown = f"“{cell.raw}”" if printed else f" {cell.value}（表头单位：{unit}）"
            message = f"金额{shown}换算为 {value} {spec.unit}"
            problems.append(Problem("amount.converted", Severity.INFO, message, spec.where))
    return problems


def convert(value: Number, unit: str, to: str) -> Number:
    """Exact decimal conversion: 18.3 万元 -> 183000 元 (not 183000.00000000003)."""
    exact = Decimal(str(value)) * _FACTORS[unit] / _FACTORS[to]
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def _header_unit(spec: AmountSpec, lines: Sequence[Line]) -> str | None:
    """The unit the column header names, however it is broken over cells or lines (`采\n购\n…(万元)`)."""
    labels = "".join(compact(c) for line in lines for c in line.cells if not is_value_text(c))
    match = spec.header.search(labels)
    return match[1] if match else None
