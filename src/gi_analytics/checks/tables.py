"""Arithmetic identities inside tables 三 and 四, and cell validity: requests.*, appeals.sum, cells.*.

Each identity is evaluated for every report at once on the [report, row, column] cubes of CheckInput. A term
that is blank, unreadable or absent makes its identity "not evaluated" (one finding per report listing the
places), never a pass. An explicit "nothing" (—, 无) counts as 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import form_spec as form
from .base import hits, not_evaluated
from .frames import STATES, CheckInput, fmt

TOL = 1e-6
REQ_PARTS = [form.REQUEST_COLUMNS.index(c) for c in form.REQUEST_COLUMN_PARTS]
OUTCOME_ROWS = tuple(k for k in form.REQUEST_ROW_KEYS if form.ROW_GROUP.get(k))
SHORT_ROW = {
    "new_received": "本年新收",
    "carried_over": "上年结转",
    "total_processed": "办理结果总计",
    "carried_forward": "结转下年度",
}


def _label(tbl: str, row: str, col: str) -> str:
    row_label = SHORT_ROW.get(row) or form.row_label(tbl, row)
    return f"{row_label}·{form.column_label(tbl, col)}"


def _incomplete(inp: CheckInput, tbl: str, missing: np.ndarray, what: str) -> list[dict[str, Any]]:
    """One not-evaluated finding per report with a missing term: `missing` is [report, row, col] bool."""
    cube = inp.cube(tbl)
    out = []
    for r in np.flatnonzero(missing.any(axis=(1, 2)) & cube.present):
        places = [
            _label(tbl, cube.rows[i], cube.cols[j]) for i, j in zip(*np.nonzero(missing[r]), strict=True)
        ]
        shown = "、".join(places[:6]) + (f" 等{len(places)}处" if len(places) > 6 else "")
        out.append(
            not_evaluated(
                int(inp.ids[r]), f"{what}无法核对：{shown}为空或无法识别", tbl=tbl, actual=float(len(places))
            )
        )
    return out


def requests_balance(inp: CheckInput) -> pd.DataFrame:
    cube = inp.cube("requests")
    rows = [cube.row(k) for k in ("new_received", "carried_over", "total_processed", "carried_forward")]
    a, b, c, d = (cube.value[:, i, :] for i in rows)
    missing = np.zeros(cube.value.shape, dtype=bool)
    for i in rows:
        missing[:, i, :] = np.isnan(cube.value[:, i, :])
    records = _incomplete(inp, "requests", missing, "勾稽关系（第一项+第二项=第三项+第四项）")
    fail = np.abs((a + b) - (c + d)) > TOL  # NaN compares False
    for r, j in zip(*np.nonzero(fail), strict=True):
        col = cube.cols[j]
        records.append(
            {
                "report_id": int(inp.ids[r]),
                "tbl": "requests",
                "col_key": col,
                "expected": a[r, j] + b[r, j],
                "actual": c[r, j] + d[r, j],
                "message": f"{form.REQUEST_COLUMN_LABELS[col]}列：本年新收 {fmt(a[r, j])} + 上年结转 {fmt(b[r, j])} = "
                f"{fmt(a[r, j] + b[r, j])}，但办理结果总计 {fmt(c[r, j])} + 结转下年度 {fmt(d[r, j])} = "
                f"{fmt(c[r, j] + d[r, j])}",
            }
        )
    return hits(records)


def requests_outcome_sum(inp: CheckInput) -> pd.DataFrame:
    """(七)总计 = the sum of every outcome row the table has (2019: single `other`; 2021: three; hybrids: own)."""
    cube = inp.cube("requests")
    idx = [cube.row(k) for k in OUTCOME_ROWS]
    has_row = cube.row_present[:, idx]  # [report, outcome row]
    parts = cube.value[:, idx, :]
    total = cube.value[:, cube.row("total_processed"), :]
    missing = np.zeros(cube.value.shape, dtype=bool)
    missing[:, idx, :] = np.isnan(parts) & has_row[:, :, None]
    missing[:, cube.row("total_processed"), :] = np.isnan(total)
    records = _incomplete(inp, "requests", missing, "办理结果合计")
    summed = np.where(has_row[:, :, None], parts, 0.0).sum(axis=1)  # NaN propagates
    fail = has_row.any(axis=1)[:, None] & (np.abs(summed - total) > TOL)
    for r, j in zip(*np.nonzero(fail), strict=True):
        col = cube.cols[j]
        records.append(
            {
                "report_id": int(inp.ids[r]),
                "tbl": "requests",
                "row_key": "total_processed",
                "col_key": col,
                "expected": summed[r, j],
                "actual": total[r, j],
                "message": f"{form.REQUEST_COLUMN_LABELS[col]}列：各项办理结果相加为 {fmt(summed[r, j])}，"
                f"但（七）总计填报为 {fmt(total[r, j])}",
            }
        )
    return hits(records)


def _row_sums(
    inp: CheckInput, tbl: str, part_cols: list[int], total_col: int, what: str, message: str
) -> pd.DataFrame:
    """Per row: the parts across columns add up to the total column."""
    cube = inp.cube(tbl)
    has_row = cube.row_present
    parts, total = cube.value[:, :, part_cols], cube.value[:, :, total_col]
    missing = np.zeros(cube.value.shape, dtype=bool)
    missing[:, :, part_cols] = np.isnan(parts) & has_row[:, :, None]
    missing[:, :, total_col] = np.isnan(total) & has_row
    records = _incomplete(inp, tbl, missing, what)
    summed = parts.sum(axis=2)
    for r, i in zip(*np.nonzero(has_row & (np.abs(summed - total) > TOL)), strict=True):
        row = cube.rows[i]
        label = SHORT_ROW.get(row) or form.row_label(tbl, row)
        records.append(
            {
                "report_id": int(inp.ids[r]),
                "tbl": tbl,
                "row_key": row,
                "col_key": cube.cols[total_col],
                "expected": summed[r, i],
                "actual": total[r, i],
                "message": message.format(row=label, sum=fmt(summed[r, i]), total=fmt(total[r, i])),
            }
        )
    return hits(records)


def requests_column_sum(inp: CheckInput) -> pd.DataFrame:
    return _row_sums(
        inp,
        "requests",
        REQ_PARTS,
        form.REQUEST_COLUMNS.index("total"),
        "申请人分列合计",
        "{row}：各类申请人相加为 {sum}，但总计列填报为 {total}",
    )


def appeals_sum(inp: CheckInput) -> pd.DataFrame:
    return _row_sums(
        inp,
        "appeals",
        [0, 1, 2, 3],
        4,
        "复议诉讼结果合计",
        "{row}：结果维持、结果纠正、其他结果、尚未审结相加为 {sum}，但总计填报为 {total}",
    )


def cells_invalid(inp: CheckInput) -> pd.DataFrame:
    """Unreadable cells, negative or fractional counts (except signed/decimal metrics), and cell-level parse
    errors reported by the parser (codes `cells.*` of severity error)."""
    records: list[dict[str, Any]] = []
    unreadable, number = STATES.index("unreadable"), STATES.index("number")
    for tbl in ("requests", "appeals", "active"):
        cube = inp.cube(tbl)
        v = cube.value
        bad_num = (cube.state == number) & ((v < 0) | (np.abs(v - np.round(v)) > TOL))
        if tbl == "active":  # `change` may be negative, `amount` a decimal
            for j, col in enumerate(cube.cols):
                bad_num[:, :, j] &= ~(
                    ((v[:, :, j] < 0) & (col in form.SIGNED_METRICS))
                    | ((v[:, :, j] >= 0) & (col in form.DECIMAL_METRICS))
                )
        for r, i, j in zip(*np.nonzero(bad_num | (cube.state == unreadable)), strict=True):
            place = _label(tbl, cube.rows[i], cube.cols[j])
            base = {
                "report_id": int(inp.ids[r]),
                "tbl": tbl,
                "row_key": cube.rows[i],
                "col_key": cube.cols[j],
            }
            if cube.state[r, i, j] == unreadable:
                records.append({**base, "message": f"{place}：单元格内容无法识别为数字"})
            else:
                records.append(
                    {
                        **base,
                        "actual": v[r, i, j],
                        "message": f"{place}：填报 {fmt(v[r, i, j])}，件数应为非负整数",
                    }
                )
    return pd.concat([hits(records), _problem_hits(inp)], ignore_index=True)


def _problem_hits(inp: CheckInput) -> pd.DataFrame:
    p = inp.problems
    p = p[p["code"].str.startswith("cells.") & (p["severity"] == "error")]
    has_unreadable = inp.cells.loc[inp.cells["state"] == "unreadable", "report_id"].unique()
    # an unreadable cell stored as such is already reported above, with a better place
    p = p[~((p["code"] == "cells.unreadable") & p["report_id"].isin(has_unreadable))]
    return hits(
        {"report_id": int(r.report_id), "row_key": r.location or None, "message": r.message}
        for r in p.itertuples()
    )


def blank_in_filled_table(inp: CheckInput) -> pd.DataFrame:
    records = []
    blank = STATES.index("blank")
    for tbl in ("active", "requests", "appeals"):
        cube = inp.cube(tbl)
        stats = inp.stats[tbl]
        for r in np.flatnonzero((stats["numbers"].to_numpy() > 0) & (stats["blank"].to_numpy() > 0)):
            places = [
                _label(tbl, cube.rows[i], cube.cols[j])
                for i, j in zip(*np.nonzero(cube.state[r] == blank), strict=True)
            ]
            shown = "、".join(places[:6]) + (f" 等{len(places)}处" if len(places) > 6 else "")
            records.append(
                {
                    "report_id": int(inp.ids[r]),
                    "tbl": tbl,
                    "actual": float(len(places)),
                    "message": f"{form.TABLE_LABELS[tbl]}表已填数字，但 {shown} 未填写（空白不等于0）",
                }
            )
    return hits(records)
