"""The typed result of parsing one annual report, shared by every other module."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class CellState(StrEnum):
    NUMBER = "number"  # a number was read
    BLANK = "blank"  # nothing filled in
    NOTHING = "nothing"  # explicitly "nothing": —, /, 无
    UNREADABLE = "unreadable"  # something is there but it is not a number we can trust


Number = int | float


@dataclass(frozen=True, slots=True)
class Cell:
    state: CellState
    value: Number | None = None
    raw: str = ""

    @classmethod
    def number(cls, value: Number, raw: str = "") -> Cell:
        return cls(CellState.NUMBER, value, raw)

    @classmethod
    def blank(cls) -> Cell:
        return cls(CellState.BLANK)


BLANK = Cell.blank()


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    severity: Severity
    message: str
    where: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "where": self.where,
        }


@dataclass(frozen=True, slots=True)
class Section:
    no: int
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Period:
    start: str  # ISO date
    end: str


# table name -> row key -> column key -> Cell
Table = dict[str, dict[str, Cell]]
TABLE_NAMES = ("active", "requests", "appeals")


@dataclass
class Report:
    source: str
    unit: str | None = None
    year: int | None = None
    template: str | None = None  # "2019" | "2021"
    period: Period | None = None
    tables: dict[str, Table] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (table, row) -> the readings of run-together digits no identity inside the report decided; a neighbouring
    # year of the same unit may decide them at ingest (the stock rule of table 二)
    ambiguous: dict[tuple[str, str], list[tuple]] = field(default_factory=dict)
    published: str | None = None  # ISO date the report was published, where printed
    unit_printed: str | None = None  # the unit's name as the title prints it (`unit` may be shorter)

    def table(self, name: str) -> Table | None:
        return self.tables.get(name)

    def value(self, table: str, row: str, column: str) -> Number | None:
        cell = self.tables.get(table, {}).get(row, {}).get(column)
        return cell.value if cell is not None else None

    def section(self, no: int) -> Section | None:
        return next((s for s in self.sections if s.no == no), None)

    def to_json_dict(self) -> dict[str, Any]:
        """The `parse --json` contract of report-format.md."""
        out: dict[str, Any] = {
            "source": self.source,
            "unit": self.unit,
            "year": self.year,
            "template": self.template,
            "period": {"start": self.period.start, "end": self.period.end} if self.period else None,
            "published": self.published,
        }
        for name in TABLE_NAMES:
            table = self.tables.get(name)
            out[name] = (
                {row: {col: cell.value for col, cell in cols.items()} for row, cols in table.items()}
                if table is not None
                else None
            )
        out["sections"] = [{"no": s.no, "title": s.title, "text": s.text} for s in self.sections]
        out["problems"] = [p.to_dict() for p in self.problems]
        return out


class Status(StrEnum):
    FAILED = "failed"
    NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a consistency check: a failure, or a check that could not be evaluated."""

    check: str  # stable id from checks.md, e.g. "requests.balance"
    severity: Severity
    message: str  # Chinese, for a supervisor
    unit: str | None = None
    year: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    section: int | None = None
    expected: Number | None = None
    actual: Number | None = None
    status: Status = Status.FAILED
