"""What ingest hands the store and gets back: parsed files, outcomes, errors. No DuckDB import."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from ..model import CellState, Report


class StoreError(Exception):
    """The database cannot be used; the message says why, in Chinese."""


class Outcome(StrEnum):
    STORED = "stored"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    FAILED = "failed"


CellRow = tuple[str, str, str, float | None, str]


def flatten_cells(report: Report) -> list[CellRow]:
    number = CellState.NUMBER
    return [
        (tbl, row_key, col_key, float(cell.value) if cell.state is number else None, str(cell.state))
        for tbl, table in report.tables.items()
        for row_key, cells in table.items()
        for col_key, cell in cells.items()
    ]


@dataclass
class ParsedFile:
    """One file offered to ingest: its bytes, its parsed report and the unit/year it was resolved to.

    `reason` (Chinese) is set when the file cannot be stored; `report` is then usually None.
    """

    source: str
    content_hash: str | None = None
    format: str | None = None
    data: bytes | None = None
    report: Report | None = None
    unit: str | None = None
    district: str = ""
    kind: str | None = None
    year: int | None = None
    reason: str | None = None
    deadline: date | None = None  # the units CSV's deadline for this report, if it sets one
    # the report's cells as (tbl, row_key, col_key, value, state) rows; when set, `report.tables` is not read.
    # Parse workers send this instead of Cell objects: five times cheaper to pass between processes.
    cells: list[CellRow] | None = None

    def slim(self) -> ParsedFile:
        """This file with its cells flattened and its report's tables dropped."""
        if self.report is None or self.cells is not None:
            return self
        cells = flatten_cells(self.report)
        return replace(self, report=replace(self.report, tables={}), cells=cells)

    @property
    def failed(self) -> bool:
        return self.reason is not None or self.report is None or not self.unit or self.year is None


@dataclass(frozen=True)
class FileOutcome:
    source: str
    outcome: Outcome
    unit: str | None = None
    year: int | None = None
    template: str | None = None
    problems: dict[str, int] = field(default_factory=dict)  # severity -> count
    reason: str | None = None
    report_id: int | None = None
    version: int | None = None


@dataclass
class BatchResult:
    files: list[FileOutcome]
    changed: bool  # False when the batch changed nothing (the database file was left untouched)
