"""The inputs every check reads, as DataFrames shaped like the schema tables, plus shared derived arrays.

One representation serves both paths: `from_reports` turns parsed Report objects into these frames (ingest of
one report), the runner reads them from DuckDB (the whole database). Checks are vectorized over the frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .. import form
from ..model import CellState, Report

REPORT_COLUMNS = [
    "report_id",
    "unit_id",
    "unit",
    "district",
    "year",
    "template",
    "period_start",
    "period_end",
]
CELL_COLUMNS = ["report_id", "tbl", "row_key", "col_key", "value", "state"]
SECTION_COLUMNS = ["report_id", "no", "title", "text"]
PROBLEM_COLUMNS = ["report_id", "code", "severity", "message", "location"]
UNIT_COLUMNS = ["unit_id", "name", "district"]
# the findings table of schema.sql, in column order
FINDING_COLUMNS = [
    "report_id",
    "unit_id",
    "year",
    "check_id",
    "severity",
    "status",
    "tbl",
    "row_key",
    "col_key",
    "section_no",
    "expected",
    "actual",
    "message",
]

ACTIVE_ROWS = tuple(dict.fromkeys(r.key for spec in form.ACTIVE.values() for r in spec))
ACTIVE_COLUMNS = tuple(form.ACTIVE_METRIC_LABELS)
TABLE_KEYS = {
    "requests": (form.REQUEST_ROW_KEYS, form.REQUEST_COLUMNS),
    "appeals": (form.APPEAL_PROCEEDINGS, form.APPEAL_RESULTS),
    "active": (ACTIVE_ROWS, ACTIVE_COLUMNS),
}
STATES = tuple(str(s) for s in CellState)


@dataclass(frozen=True)
class Cube:
    """One table of every report as arrays indexed [report, row, column] (report order = CheckInput.ids)."""

    value: np.ndarray  # float: the number; 0 for an explicit "nothing"; NaN when blank, unreadable or absent
    state: np.ndarray  # int8: index into STATES, -1 where the cell is absent
    rows: tuple[str, ...]
    cols: tuple[str, ...]

    def row(self, key: str) -> int:
        return self.rows.index(key)

    def col(self, key: str) -> int:
        return self.cols.index(key)

    @property
    def present(self) -> np.ndarray:
        """[report] True where the table has at least one cell."""
        return (self.state >= 0).any(axis=(1, 2))

    @property
    def row_present(self) -> np.ndarray:
        """[report, row] True where the row has at least one cell."""
        return (self.state >= 0).any(axis=2)


@dataclass
class CheckInput:
    reports: pd.DataFrame
    cells: pd.DataFrame
    sections: pd.DataFrame
    problems: pd.DataFrame
    units: pd.DataFrame

    @cached_property
    def ids(self) -> np.ndarray:
        return self.reports["report_id"].to_numpy(dtype=np.int64)

    @cached_property
    def index_of(self) -> pd.Index:
        return pd.Index(self.ids)

    def positions(self, report_ids: pd.Series | np.ndarray) -> np.ndarray:
        """Row positions in `reports` of the given report ids (-1 when unknown)."""
        return self.index_of.get_indexer(np.asarray(report_ids))

    @cached_property
    def _cell_codes(self) -> dict[str, np.ndarray]:
        c = self.cells
        return {
            "pos": self.positions(c["report_id"]),
            "tbl": _codes(c["tbl"], tuple(TABLE_KEYS)),
            "state": _codes(c["state"], STATES),
        }

    def cube(self, tbl: str) -> Cube:
        return self._cubes[tbl]

    @cached_property
    def _cubes(self) -> dict[str, Cube]:
        return {tbl: self._build_cube(tbl) for tbl in TABLE_KEYS}

    def _build_cube(self, tbl: str) -> Cube:
        rows, cols = TABLE_KEYS[tbl]
        codes = self._cell_codes
        mask = codes["tbl"] == tuple(TABLE_KEYS).index(tbl)
        sub = self.cells[mask]
        ri, ci = _codes(sub["row_key"], rows), _codes(sub["col_key"], cols)
        pos, state = codes["pos"][mask], codes["state"][mask]
        ok = (ri >= 0) & (ci >= 0) & (pos >= 0)
        pos, ri, ci, state = pos[ok], ri[ok], ci[ok], state[ok]
        raw = sub["value"].to_numpy(dtype=float, na_value=np.nan)[ok]
        value = np.where(
            state == STATES.index("number"), raw, np.where(state == STATES.index("nothing"), 0.0, np.nan)
        )
        shape = (len(self.ids), len(rows), len(cols))
        v, s = np.full(shape, np.nan), np.full(shape, -1, dtype=np.int8)
        v[pos, ri, ci], s[pos, ri, ci] = value, state
        return Cube(v, s, rows, cols)

    @cached_property
    def stats(self) -> pd.DataFrame:
        """Per report and table: cells, filled (not blank), numbers, non-zero numbers, blanks."""
        out = {}
        for tbl, cube in self._cubes.items():
            s = cube.state.reshape(len(self.ids), -1)
            num = s == STATES.index("number")
            out[tbl] = pd.DataFrame(
                {
                    "cells": (s >= 0).sum(1),
                    "blank": (s == STATES.index("blank")).sum(1),
                    "numbers": num.sum(1),
                    "nonzero": (num & (np.nan_to_num(cube.value.reshape(len(self.ids), -1)) != 0)).sum(1),
                },
                index=self.ids,
            )
        return pd.concat(out, axis=1)


def _codes(values: pd.Series, keys: Sequence[str]) -> np.ndarray:
    """Integer code of each value in `keys` (-1 when not a known key)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.set_categories(list(keys)).cat.codes.to_numpy(dtype=np.int64)
    return pd.Categorical(values, categories=list(keys)).codes.astype(np.int64)


def from_reports(reports: Sequence[Report], district_units: Sequence[str] = ()) -> CheckInput:
    """Frames for parsed reports (ids 0..n-1), all of one district whose units are `district_units`."""
    district = "district" if district_units else ""
    names = list(dict.fromkeys([r.unit or "" for r in reports] + list(district_units)))
    units = pd.DataFrame({"unit_id": range(len(names)), "name": names, "district": district})
    rep, cells, secs, probs = [], [], [], []
    for rid, r in enumerate(reports):
        rep.append(
            (
                rid,
                names.index(r.unit or ""),
                r.unit,
                district,
                r.year,
                r.template,
                r.period.start if r.period else None,
                r.period.end if r.period else None,
            )
        )
        for tbl, table in r.tables.items():
            cells += [
                (rid, tbl, row, col, c.value, str(c.state))
                for row, cols in table.items()
                for col, c in cols.items()
            ]
        secs += [(rid, s.no, s.title, s.text) for s in r.sections]
        probs += [(rid, p.code, str(p.severity), p.message, p.where) for p in r.problems]
    reports_df = pd.DataFrame(rep, columns=REPORT_COLUMNS).astype({"year": "Int64"})
    cells_df = pd.DataFrame(cells, columns=CELL_COLUMNS).astype({"value": float})
    return CheckInput(
        reports_df,
        cells_df,
        pd.DataFrame(secs, columns=SECTION_COLUMNS),
        pd.DataFrame(probs, columns=PROBLEM_COLUMNS),
        units,
    )


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame(columns=FINDING_COLUMNS)


def fmt(x: float | None) -> str:
    """A number as a supervisor writes it: 3, not 3.0."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "空"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
