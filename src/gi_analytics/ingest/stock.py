"""The stock rule applied while an ingest streams its files: a report whose table 二 stock counts ran together
waits for the rest of the batch, then the same unit's neighbouring years — from the batch or the database —
decide its reading (parse/stock.py), or its cells stay unreadable."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from ..model import Cell, CellState
from ..parse.stock import STOCK_ROWS, Neighbours, resolve_stock
from ..store import read as store_read
from ..store.records import CellRow, ParsedFile, flatten_cells

Key = tuple[str, str, int, str]  # unit, district, year, row


def with_stock_rule(items: Iterable[ParsedFile], db_path: str | os.PathLike[str]) -> Iterator[ParsedFile]:
    known: dict[Key, dict[str, float]] = {}
    held: list[ParsedFile] = []
    for item in items:
        if item.failed or item.report is None:
            yield item
            continue
        known.update(_stock_values(item))
        if any(table == "active" for table, _ in item.report.ambiguous):
            held.append(item)
        else:
            yield item
    if held:
        wanted = [(i.unit, i.district, i.year + d) for i in held for d in (-1, 1)]
        known = {**_from_database(db_path, wanted), **known}
        for item in held:
            _decide(item, known)
    yield from held


def _stock_values(item: ParsedFile) -> dict[Key, dict[str, float]]:
    out: dict[Key, dict[str, float]] = {}
    if item.cells is not None:
        for tbl, row, col, value, state in item.cells:
            if tbl == "active" and row in STOCK_ROWS and state == CellState.NUMBER:
                out.setdefault((item.unit, item.district, item.year, row), {})[col] = value
        return out
    for row, cells in (item.report.tables.get("active") or {}).items():
        if row in STOCK_ROWS:
            values = {c: cell.value for c, cell in cells.items() if cell.state is CellState.NUMBER}
            out[(item.unit, item.district, item.year, row)] = values
    return out


def _from_database(db_path: str | os.PathLike[str], wanted: list[tuple[str, str, int]]) -> dict:
    return store_read.if_readable(db_path, lambda con: store_read.load_stock(con, wanted), {})


def _decide(item: ParsedFile, known: dict[Key, dict[str, float]]) -> None:
    report = item.report
    neighbours = {}
    for row in STOCK_ROWS:
        before = known.get((item.unit, item.district, item.year - 1, row), {})
        after = known.get((item.unit, item.district, item.year + 1, row), {})
        neighbours[row] = Neighbours(
            before.get("in_force"), after.get("issued"), after.get("repealed"), after.get("in_force")
        )
    if item.cells is not None:  # the worker sent flat cells: give the stock rule the rows it may rewrite
        report.tables = {"active": _active_rows(item.cells)}
    decided = resolve_stock(report, neighbours)
    if item.cells is not None and decided:
        kept = [c for c in item.cells if not (c[0] == "active" and c[1] in decided)]
        item.cells = kept + [r for r in flatten_cells(report) if r[1] in decided]
    if item.cells is not None:
        report.tables = {}


def _active_rows(cells: list[CellRow]) -> dict:
    rows: dict = {}
    for tbl, row, col, value, state in cells:
        if tbl == "active" and row in STOCK_ROWS:
            number = state == CellState.NUMBER
            cell = Cell(
                CellState(state), (int(value) if float(value).is_integer() else value) if number else None
            )
            rows.setdefault(row, {})[col] = cell
    return rows
