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

from .. import form_spec as form
from ..model import CellState, Report
from .similarity import plain_many

REPORT_COLUMNS = [
    "report_id",
    "unit_id",
    "unit",
    "district",
    "year",
    "template",
    "period_start",
    "period_end",
    "published",
    "kind",
    "deadline",
]
CELL_COLUMNS = ["report_id", "tbl", "row_key", "col_key", "value", "state"]
SECTION_COLUMNS = ["report_id", "no", "title", "text"]
PROBLEM_COLUMNS = ["report_id", "code", "severity", "message", "location"]
UNIT_COLUMNS = ["unit_id", "name", "district"]

ACTIVE_ROWS = tuple(dict.fromkeys(r.key for spec in form.ACTIVE.values() for r in spec))
ACTIVE_COLUMNS = tuple(form.ACTIVE_METRIC_LABELS)
TABLE_KEYS = {
    "requests": (form.REQUEST_ROW_KEYS, form.REQUEST_COLUMNS),
    "appeals": (form.APPEAL_PROCEEDINGS, form.APPEAL_RESULTS),
    "active": (ACTIVE_ROWS, ACTIVE_COLUMNS),
}
STATES = tuple(str(s) for s in CellState)
# the columns of the findings table (store/schema.sql), in order: what every check's frame is reindexed to
FINDING_COLUMNS = (
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
)
TEXT_SECTIONS = (1, 5, 6)  # the narrative parts: 总体情况, 存在的主要问题及改进情况, 其他需要报告的事项


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

    @cached_property
    def _id_table(self) -> tuple[int, np.ndarray] | None:
        """(smallest id, position by id - smallest) when ids are dense enough for a lookup table, else None."""
        ids = self.ids
        if not len(ids) or int(ids.max()) - int(ids.min()) >= 4 * len(ids) + 1024:
            return None
        lo = int(ids.min())
        table = np.full(int(ids.max()) - lo + 1, -1, dtype=np.int64)
        table[ids - lo] = np.arange(len(ids))
        return lo, table

    def positions(self, report_ids: pd.Series | np.ndarray) -> np.ndarray:
        """Row positions in `reports` of the given report ids (-1 when unknown)."""
        want = np.asarray(report_ids)
        if self._id_table is None or want.dtype.kind not in "iu":
            return self.index_of.get_indexer(want)
        lo, table = self._id_table  # dense ids (the usual case): a lookup instead of hashing every cell
        k = want.astype(np.int64) - lo
        inside = (k >= 0) & (k < len(table))
        return table[k] if inside.all() else np.where(inside, table[np.where(inside, k, 0)], -1)

    def cube(self, tbl: str) -> Cube:
        return self._cubes[tbl]

    @cached_property
    def _cubes(self) -> dict[str, Cube]:
        """Every table pivoted from the long cells frame: each cell's flat place in one buffer, block by block."""
        c, n = self.cells, len(self.ids)
        shapes = [(len(rows), len(cols)) for rows, cols in TABLE_KEYS.values()]
        sizes = np.array([n * r * k for r, k in shapes], dtype=np.int64)
        v, st = np.full(int(sizes.sum()), np.nan), np.full(int(sizes.sum()), -1, dtype=np.int8)
        layout = _Layout.of(c, sizes, shapes)
        rid, value = c["report_id"].to_numpy(), c["value"].to_numpy(dtype=float, na_value=np.nan)
        for lo in range(
            0, len(c), CELL_BLOCK
        ):  # blocks that fit in cache: several times faster than one pass
            sl = slice(lo, lo + CELL_BLOCK)
            flat, state, ok = layout.place(sl, self.positions(rid[sl]))
            raw = value[sl][ok]
            v[flat] = np.where(
                state == STATES.index("number"), raw, np.where(state == STATES.index("nothing"), 0.0, np.nan)
            )
            st[flat] = state
        base = np.cumsum(sizes) - sizes
        cubes = {}
        for k, (name, (rows, cols)) in enumerate(TABLE_KEYS.items()):
            part = slice(int(base[k]), int(base[k] + sizes[k]))
            cubes[name] = Cube(
                v[part].reshape(n, len(rows), len(cols)),
                st[part].reshape(n, len(rows), len(cols)),
                rows,
                cols,
            )
        return cubes

    @cached_property
    def plain_texts(self) -> np.ndarray:
        """Per row of `sections`, the text as `similarity.plain` gives it (NFKC, no whitespace) for the narrative
        sections, None for the others: normalized once, shared by the narrative and text-reuse checks."""
        s = self.sections
        keep = s["no"].isin(TEXT_SECTIONS).to_numpy()
        out = np.full(len(s), None, dtype=object)
        out[keep] = plain_many(
            [t if isinstance(t, str) else "" for t in s["text"].to_numpy(dtype=object)[keep]]
        )
        return out

    @cached_property
    def report_texts(self) -> dict[int, str]:
        """Per report id, its narrative sections' texts joined by newlines (in `sections` order)."""
        s = self.sections
        keep = s["no"].isin(TEXT_SECTIONS).to_numpy()
        return _join_by(s["report_id"].to_numpy()[keep], s["text"].to_numpy(dtype=object)[keep], "\n")

    @cached_property
    def report_plain_texts(self) -> dict[int, str]:
        """Per report id, its narrative sections' plain texts run together (what NFKC and whitespace removal make
        of `report_texts`: the joining newline is whitespace)."""
        s = self.sections
        keep = s["no"].isin(TEXT_SECTIONS).to_numpy()
        return _join_by(s["report_id"].to_numpy()[keep], self.plain_texts[keep], "")

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


CELL_BLOCK = 1 << 20


@dataclass(frozen=True)
class _Layout:
    """The cells' category codes and the tables that turn them into a flat place in the cube buffer."""

    tbl: np.ndarray  # per cell: table code (-1 unknown)
    row: np.ndarray  # per cell: row_key category code
    col: np.ndarray
    state: np.ndarray  # per cell: index into STATES
    row_index: np.ndarray  # [table, row category] -> row index in that table (-1 not one of its rows)
    col_index: np.ndarray
    base: np.ndarray  # per table: first place in the buffer (then stride per report, width per row)
    stride: np.ndarray
    width: np.ndarray

    @classmethod
    def of(cls, c: pd.DataFrame, sizes: np.ndarray, shapes: list[tuple[int, int]]) -> _Layout:
        row_cat, col_cat = _categorical(c["row_key"]), _categorical(c["col_key"])
        return cls(
            _codes(c["tbl"], tuple(TABLE_KEYS)),
            row_cat.codes,
            col_cat.codes,
            _codes(c["state"], STATES),
            _key_index2(row_cat.categories, [rows for rows, _ in TABLE_KEYS.values()]),
            _key_index2(col_cat.categories, [cols for _, cols in TABLE_KEYS.values()]),
            np.cumsum(sizes) - sizes,
            np.array([r * k for r, k in shapes]),
            np.array([k for _, k in shapes]),
        )

    def place(self, sl: slice, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For the cells in `sl` at report positions `pos`: flat places and states of the known cells, and which
        cells of the block those are."""
        tbl = self.tbl[sl]
        ri, ci = self.row_index[tbl, self.row[sl]], self.col_index[tbl, self.col[sl]]
        ok = (ri >= 0) & (ci >= 0) & (pos >= 0)  # ri is -1 for an unknown table too
        t = tbl[ok]
        flat = self.base[t] + pos[ok] * self.stride[t] + ri[ok] * self.width[t] + ci[ok]
        return flat, self.state[sl][ok].astype(np.int8), ok


def _key_index2(categories: pd.Index, keys: Sequence[Sequence[str]]) -> np.ndarray:
    """[group, category] -> index in keys[group] (-1 when not a key); the last row and column are all -1, for
    group -1 and category code -1."""
    table = np.full((len(keys) + 1, len(categories) + 1), -1, dtype=np.int64)
    for g, ks in enumerate(keys):
        table[g] = _key_index(categories, ks)
    return table


def _join_by(keys: np.ndarray, texts: np.ndarray, sep: str) -> dict[int, str]:
    """Texts joined per key, keys in order of first appearance, texts in their order."""
    parts: dict[int, list[str]] = {}
    for k, t in zip(keys.tolist(), texts.tolist(), strict=True):
        parts.setdefault(k, []).append(t)
    return {k: sep.join(v) for k, v in parts.items()}


def _codes(values: pd.Series, keys: Sequence[str]) -> np.ndarray:
    """Integer code of each value in `keys` (-1 when not a known key)."""
    return _lookup(_categorical(values), keys)


def _categorical(values: pd.Series) -> pd.Categorical:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.array
    return pd.Categorical(values)


def _key_index(categories: pd.Index, keys: Sequence[str]) -> np.ndarray:
    """Per category, its index in `keys` (-1 when not a key), plus a trailing -1 that missing values (code -1) take."""
    where = {k: i for i, k in enumerate(keys)}
    return np.array([where.get(c, -1) for c in categories] + [-1], dtype=np.int64)


def _lookup(cat: pd.Categorical, keys: Sequence[str]) -> np.ndarray:
    """Per value, its index in `keys` (-1 when not a key, or missing): a table over the categories, then a take."""
    return _key_index(cat.categories, keys)[cat.codes]


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
                r.published,
                None,
                None,
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
