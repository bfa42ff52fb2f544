"""Checks across reports: series.* and text.reused. Inputs are the current reports of the whole database."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from .. import form_spec as form
from .base import hits, not_evaluated
from .frames import CheckInput, fmt
from .similarity import group_pairs, mask_many, pair_cosine, vectorize

STOCK_METRICS = ("in_force", "total_published", "prev_items")  # stocks legitimately repeat year to year
REUSE_SECTIONS = (1, 5)
REUSE_THRESHOLD = 0.9
MIN_TEXT = 30  # characters after normalization: "无" and one-liners are not worth comparing


def previous(inp: CheckInput, lag: int = 1) -> np.ndarray:
    """Per report, the position of the same unit's report `lag` years earlier (-1 when none)."""
    rep = inp.reports
    idx = pd.MultiIndex.from_arrays([rep["unit_id"].to_numpy(), rep["year"].to_numpy(dtype=float)])
    want = pd.MultiIndex.from_arrays([rep["unit_id"].to_numpy(), rep["year"].to_numpy(dtype=float) - lag])
    return idx.get_indexer(want)


def carry_mismatch(inp: CheckInput) -> pd.DataFrame:
    cube, prev = inp.cube("requests"), previous(inp)
    cur = np.flatnonzero((prev >= 0) & cube.present)
    cur = cur[cube.present[prev[cur]]]
    before = cube.value[prev[cur], cube.row("carried_forward"), :]
    now = cube.value[cur, cube.row("carried_over"), :]
    records: list[dict[str, Any]] = []
    year = inp.reports["year"].to_numpy(dtype=float)
    for k in np.flatnonzero(np.isnan(before).any(axis=1) | np.isnan(now).any(axis=1)):
        records.append(
            not_evaluated(
                int(inp.ids[cur[k]]),
                "本年“上年结转”或上年“结转下年度”有空白，无法核对结转",
                tbl="requests",
                row_key="carried_over",
            )
        )
    for k, j in zip(*np.nonzero(np.abs(before - now) > 1e-6), strict=True):
        col, y = cube.cols[j], int(year[cur[k]])
        records.append(
            {
                "report_id": int(inp.ids[cur[k]]),
                "tbl": "requests",
                "row_key": "carried_over",
                "col_key": col,
                "expected": before[k, j],
                "actual": now[k, j],
                "message": f"{form.REQUEST_COLUMN_LABELS[col]}列：{y - 1}年报告结转下年度 {fmt(before[k, j])}，"
                f"但{y}年报告上年结转为 {fmt(now[k, j])}",
            }
        )
    return hits(records)


def stock_rollover(inp: CheckInput) -> pd.DataFrame:
    cube, prev = inp.cube("active"), previous(inp)
    tpl = inp.reports["template"].to_numpy(dtype=object)
    cur = np.flatnonzero(prev >= 0)
    cur = cur[(tpl[cur] == "2021") & (tpl[prev[cur]] == "2021")]
    records: list[dict[str, Any]] = []
    issued, repealed, in_force = cube.col("issued"), cube.col("repealed"), cube.col("in_force")
    for row in ("regulations", "normative_documents"):
        i = cube.row(row)
        before = cube.value[prev[cur], i, in_force]
        expected = before + cube.value[cur, i, issued] - cube.value[cur, i, repealed]
        actual = cube.value[cur, i, in_force]
        label = form.row_label("active", row)
        for k in np.flatnonzero(
            np.isnan(expected) | np.isnan(actual)
        ):  # a blank cell: no verdict, never a pass
            message = f"{label}：上年现行有效、本年制发、本年废止或本年现行有效有空白，无法核对存量"
            records.append(
                not_evaluated(int(inp.ids[cur[k]]), message, tbl="active", row_key=row, col_key="in_force")
            )
        for k in np.flatnonzero(np.abs(expected - actual) > 1e-6):
            records.append(
                {
                    "report_id": int(inp.ids[cur[k]]),
                    "tbl": "active",
                    "row_key": row,
                    "col_key": "in_force",
                    "expected": expected[k],
                    "actual": actual[k],
                    "message": f"{label}：上年现行有效 {fmt(before[k])} + 本年制发 "
                    f"{fmt(cube.value[cur[k], i, issued])} − 本年废止 "
                    f"{fmt(cube.value[cur[k], i, repealed])} = {fmt(expected[k])}，"
                    f"但本年现行有效为 {fmt(actual[k])}",
                }
            )
    return hits(records)


def missing_report(inp: CheckInput) -> pd.DataFrame:
    """Per district, the years min..max of all its reports; each of its units should have each of them. Units
    without a district are one group (未填区县), like a district: a batch ingested without --district is
    checked as one."""
    rep = inp.reports.dropna(subset=["year"])
    have = set(zip(rep["unit_id"], rep["year"].astype(int), strict=True))
    records = []
    for district, grp in rep.groupby("district"):
        units = inp.units.loc[inp.units["district"] == district, ["unit_id", "name"]]
        years = range(int(grp["year"].min()), int(grp["year"].max()) + 1)
        for uid, name in zip(units["unit_id"], units["name"], strict=True):
            records += [
                {"unit_id": int(uid), "year": y, "message": f"{name}缺少{y}年度报告"}
                for y in years
                if (uid, y) not in have
            ]
    return hits(records)


def _signature(inp: CheckInput) -> tuple[np.ndarray, np.ndarray]:
    """Per report, every table number (stocks left out) as one row, and whether any of them is non-zero."""
    parts, nonzero = [], np.zeros(len(inp.ids), dtype=bool)
    for tbl in ("active", "requests", "appeals"):
        cube = inp.cube(tbl)
        keep = [j for j, c in enumerate(cube.cols) if c not in STOCK_METRICS]
        v = cube.value[:, :, keep].reshape(len(inp.ids), -1)
        parts.append(
            np.where(cube.state[:, :, keep].reshape(len(inp.ids), -1) < 0, -1.5, np.nan_to_num(v, nan=-2.5))
        )
        nonzero |= (np.nan_to_num(v) != 0).any(axis=1)
    return np.concatenate(parts, axis=1), nonzero


def identical_numbers(inp: CheckInput) -> pd.DataFrame:
    sig, nonzero = _signature(inp)
    prev = previous(inp)
    cur = np.flatnonzero((prev >= 0) & nonzero)
    same = cur[(sig[cur] == sig[prev[cur]]).all(axis=1)]
    year = inp.reports["year"].to_numpy(dtype=float)
    return hits(
        {
            "report_id": int(inp.ids[k]),
            "expected": float(year[k] - 1),
            "actual": float(year[k]),
            "message": f"{int(year[k])}年报告的表格数字与{int(year[k]) - 1}年报告完全相同（可能照搬上年）",
        }
        for k in same
    )


def _all_zero(inp: CheckInput) -> np.ndarray:
    s = inp.stats
    return np.logical_and.reduce(
        [
            (s[t]["numbers"].to_numpy() > 0) & (s[t]["nonzero"].to_numpy() == 0)
            for t in ("requests", "appeals")
        ]
    )


def zero_streak(inp: CheckInput) -> pd.DataFrame:
    rep = inp.reports.assign(zero=_all_zero(inp)).dropna(subset=["year"]).sort_values(["unit_id", "year"])
    y = rep["year"].to_numpy(dtype=int)
    u, z = rep["unit_id"].to_numpy(), rep["zero"].to_numpy()
    # a new run starts where the unit changes, a year is skipped, or the zero flag changes
    brk = np.r_[True, (u[1:] != u[:-1]) | (y[1:] != y[:-1] + 1) | (z[1:] != z[:-1])]
    run = np.cumsum(brk)
    length = pd.Series(1, index=run).groupby(level=0).transform("size").to_numpy()
    last = np.r_[brk[1:], True]
    records = []
    for k in np.flatnonzero(z & last & (length >= 3)):
        n = int(length[k])
        records.append(
            {
                "report_id": int(rep["report_id"].iat[k]),
                "actual": float(n),
                "message": f"连续{n}年（{y[k] - n + 1}–{y[k]}年）表三、表四全部为0",
            }
        )
    return hits(records)


def appeals_without_requests(inp: CheckInput) -> pd.DataFrame:
    req, app, prev = inp.cube("requests"), inp.cube("appeals"), previous(inp)
    total = req.col("total")
    new, carried = req.value[:, req.row("new_received"), total], req.value[:, req.row("carried_over"), total]
    prev_new = np.where(prev >= 0, new[prev], 0.0)
    appeals = np.nansum(app.value[:, :, app.col("total")], axis=1)
    requests = new + np.nan_to_num(carried) + np.nan_to_num(prev_new)
    records = []
    for k in np.flatnonzero((appeals > 0) & (requests == 0)):
        records.append(
            {
                "report_id": int(inp.ids[k]),
                "tbl": "appeals",
                "col_key": "total",
                "expected": 0.0,
                "actual": float(appeals[k]),
                "message": f"复议诉讼共 {fmt(appeals[k])} 件，但本年和上年均未收到政府信息公开申请",
            }
        )
    return hits(records)


def _documents(inp: CheckInput) -> pd.DataFrame:
    sec = inp.sections
    take = np.flatnonzero(
        sec["no"].isin(REUSE_SECTIONS).to_numpy() & ~sec.duplicated(["report_id", "no"]).to_numpy()
    )
    s = sec.iloc[take]
    pos = inp.positions(s["report_id"])
    rep = inp.reports
    docs = pd.DataFrame(
        {
            "report_id": s["report_id"].to_numpy(),
            "no": s["no"].to_numpy(),
            "unit_id": rep["unit_id"].to_numpy()[pos],
            "unit": rep["unit"].to_numpy()[pos],
            "district": rep["district"].to_numpy()[pos],
            "year": rep["year"].to_numpy(dtype=float)[pos],
        }
    )
    docs["norm"] = pd.Series(mask_many(inp.plain_texts[take].tolist(), docs["unit"].tolist()), dtype=object)
    docs = docs[docs["norm"].str.len() >= MIN_TEXT].reset_index(drop=True)
    docs["length"] = docs["norm"].str.len()
    return docs


def _previous_pairs(docs: pd.DataFrame) -> pd.DataFrame:
    """(i, j): doc i and the same unit's same section one year earlier, lengths within a factor 2."""
    d = docs.reset_index(names="i")
    pairs = d.assign(year=d["year"] + 1).merge(d, on=["unit_id", "no", "year"], suffixes=("_l", "_r"))
    pairs = pairs.rename(columns={"i_l": "j", "i_r": "i"})[["i", "j"]]
    length = docs["length"].to_numpy()
    a, b = length[pairs["i"]], length[pairs["j"]]
    return pairs[np.minimum(a, b) / np.maximum(a, b) >= 0.5]  # twice as long cannot be ≥0.9 similar


def _peer_best(x: sparse.csr_matrix, docs: pd.DataFrame) -> pd.DataFrame:
    """For each doc, its most similar doc (≥ REUSE_THRESHOLD; ties: the first) of another unit, same district
    (units without one are one group), year and section. Only pairs inside one group are ever multiplied (similarity.group_pairs)."""
    group = np.nan_to_num(docs.groupby(["district", "year", "no"]).ngroup().to_numpy(), nan=-1).astype(np.int64)
    i, j, sim = group_pairs(x, group, REUSE_THRESHOLD)
    unit = docs["unit_id"].to_numpy()
    other = unit[i] != unit[j]
    pairs = pd.DataFrame({"i": i[other], "j": j[other], "sim": sim[other]})
    pairs = pairs.sort_values(["i", "sim", "j"], ascending=[True, False, True], kind="stable")
    return pairs.drop_duplicates("i").reset_index(drop=True)


def text_reused(inp: CheckInput) -> pd.DataFrame:
    """Each district vectorized on its own (its own idf) and in the order of its places (unit, year, section), not
    of report ids: a district's findings depend on its reports only, float for float, so an ingest recomputes
    only the districts it touched and gets what a full recomputation (or another database) would."""
    docs = _documents(inp)
    if docs.empty:
        return hits([])
    records: list[dict[str, Any]] = []
    for rows in docs.groupby("district", sort=False, dropna=False).indices.values():
        district = docs.iloc[rows].sort_values(["unit", "year", "no"], kind="stable")
        records += _reused_in(district.reset_index(drop=True))
    return hits(records)


def _reused_in(docs: pd.DataFrame) -> list[dict[str, Any]]:
    """text.reused findings of one district's documents."""
    x = vectorize(docs["norm"].tolist())
    prev = _previous_pairs(docs)
    prev = prev.assign(sim=pair_cosine(x, prev["i"].to_numpy(), prev["j"].to_numpy()), kind="prev")
    pairs = pd.concat([prev, _peer_best(x, docs).assign(kind="peer")], ignore_index=True)
    pairs = pairs[pairs["sim"] >= REUSE_THRESHOLD]
    records = []
    for i, j, kind, sim in pairs[["i", "j", "kind", "sim"]].itertuples(index=False):
        a, b = docs.iloc[i], docs.iloc[j]
        title = form.SECTIONS[int(a["no"]) - 1].title
        other = f"本单位{int(b['year'])}年报告" if kind == "prev" else f"同年{b['unit']}的报告"
        records.append(
            {
                "report_id": int(a["report_id"]),
                "section_no": int(a["no"]),
                "expected": REUSE_THRESHOLD,
                "actual": round(float(sim), 4),
                "message": f"“{title}”与{other}的相似度为{sim:.2f}（可能照抄）",
            }
        )
    return records
