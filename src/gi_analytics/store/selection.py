"""The sidebar's selection as SQL: `Filters`, the one WHERE builder, and running a query to a frame.

Every dashboard query takes the database path and opens its own short read-only connection: a cached
connection would be shared between threads and would hold the file lock an ingest needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .connection import read_connection
from .fetch import query_frame
from .fetches import checks_source
from .figures import source

RF = "{RF}"  # placeholder in SQL for the figures source (table, or the query on an older database)
LC = "{LC}"  # placeholder for the listing checks (table, or an empty one on an older database)


@dataclass(frozen=True)
class Filters:
    """The sidebar selection. Empty values mean "all"."""

    district: str | None = None
    units: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    template: str | None = None


@dataclass(frozen=True)
class FilterOptions:
    districts: tuple[str, ...] = ()
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # district -> unit names
    years: tuple[int, ...] = ()
    templates: tuple[str, ...] = ()
    all_units: tuple[str, ...] = ()  # every district's units, in pinyin order

    @property
    def empty(self) -> bool:
        return not self.years

    def unit_count(self, f: Filters) -> int:
        """How many units the selection `f` spans."""
        if f.units:
            return len(f.units)
        return len(self.units.get(f.district, ())) if f.district is not None else len(self.all_units)


# column names of the selection in the usual joins: reports r + units u; report_figures; findings x + units u
REPORTS = {"current": "r.is_current", "district": "u.district", "unit": "u.name", "year": "r.year",
           "template": "r.template"}
FIGURES = {"current": "TRUE", "district": "district", "unit": "unit", "year": "year", "template": "template"}
FINDINGS = {"current": "(x.report_id IS NULL OR r.is_current)", "district": "u.district", "unit": "u.name",
            "year": "x.year", "template": "r.template"}


def where(f: Filters, cols: Mapping[str, str] = REPORTS, *, template: bool = True, years: bool = True,
          current: bool = True) -> tuple[str, list[Any]]:
    """SQL conditions for a selection, with parameters, on the columns `cols` names."""
    clauses, params = [cols["current"] if current else "TRUE"], []
    conditions = [
        (f.district is not None, f"coalesce({cols['district']}, '') = ?", f.district),  # '': 未填区县
        (f.units, f"list_contains(?::VARCHAR[], {cols['unit']})", list(f.units)),
        (years and f.year_from is not None, f"{cols['year']} >= ?", f.year_from),
        (years and f.year_to is not None, f"{cols['year']} <= ?", f.year_to),
        (template and f.template, f"{cols['template']} = ?", f.template),
    ]
    for wanted, clause, param in conditions:
        if wanted:
            clauses.append(clause)
            params.append(param)
    return " AND ".join(clauses), params


def frame(path: str, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run one query on a short read-only connection; {RF} stands for the per-report figures, {LC} for the
    listing checks."""
    return frames(path, [(sql, params)])[0]


def frames(path: str, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[pd.DataFrame]:
    """Several queries on one short read-only connection (opening one costs more than a small query)."""
    with read_connection(path) as con:
        con.execute("SET enable_progress_bar = false")
        figures = source(con) if any(RF in sql for sql, _ in queries) else ""
        checks = checks_source(con) if any(LC in sql for sql, _ in queries) else ""
        return [query_frame(con, sql.replace(RF, figures).replace(LC, checks), params) for sql, params in queries]


def row(path: str, sql: str, params: Sequence[Any] = ()) -> tuple | None:
    with read_connection(path) as con:
        return con.execute(sql, list(params)).fetchone()
