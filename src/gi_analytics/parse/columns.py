"""Run-together rows of table 三 that their own row sum cannot split: decided by the identities between rows.

Per applicant column the form holds new_received + carried_over = total_processed + carried_forward (the
勾稽关系 printed on the table) and total_processed = the sum of the outcome rows. A combination of readings is
accepted only where exactly one satisfies every identity that can be evaluated.
"""

from __future__ import annotations

from itertools import product

from .. import form_spec as form
from ..model import Cell, CellState, Number, Table

MAX_COMBINATIONS = 4096
Values = tuple[Number | None, ...]


def resolve_by_columns(table: Table, candidates: dict[str, list[Values]]) -> dict[str, Values] | None:
    """The one reading per ambiguous row (row key -> values) under which every column identity holds."""
    keys = list(candidates)
    sizes = [len(candidates[k]) for k in keys]
    total = 1
    for size in sizes:
        total *= size
    if not keys or total > MAX_COMBINATIONS:
        return None
    outcomes = [k for k in table if form.ROW_GROUP.get(k)]
    fits = []
    for combo in product(*(candidates[k] for k in keys)):
        trial = dict(zip(keys, combo, strict=True))
        if _columns_hold(table, trial, outcomes, keys):
            fits.append(trial)
            if len(fits) > 1:
                return None
    return fits[0] if fits else None


def _columns_hold(table: Table, trial: dict[str, Values], outcomes: list[str], keys: list[str]) -> bool:
    """Every evaluable identity holds, and each ambiguous row takes part in at least one that was evaluated."""
    checked: set[str] = set()
    for j, column in enumerate(form.REQUEST_COLUMNS):

        def value(row: str, j: int = j, column: str = column) -> Number | None:
            if row in trial:
                return trial[row][j] or 0
            cell = table.get(row, {}).get(column)
            if cell is None or cell.state is CellState.UNREADABLE:
                return None
            return cell.value or 0 if cell.state is CellState.NUMBER else 0

        for rows, lhs, rhs in _identities(outcomes):
            values = [value(r) for r in rows]
            if any(v is None for v in values):
                continue
            named = dict(zip(rows, values, strict=True))
            if sum(named[r] for r in lhs) != sum(named[r] for r in rhs):
                return False
            checked.update(r for r in rows if r in trial)
    return checked >= set(keys)


def _identities(outcomes: list[str]) -> list[tuple[list[str], list[str], list[str]]]:
    balance = ["new_received", "carried_over", "total_processed", "carried_forward"]
    return [
        (balance, balance[:2], balance[2:]),
        ([*outcomes, "total_processed"], outcomes, ["total_processed"]),
    ]


def cells_of(values: Values, raw: str) -> list[Cell]:
    return [Cell(CellState.NOTHING, None, "—") if v is None else Cell.number(v, raw) for v in values]
