"""Narrative against tables: text.table_mismatch (counts stated in the text) and text.other_unit.

Counts are read clause by clause (split at ，。；) so that "主动公开政府信息232条" or "结转申请34件" in another
clause is never taken for a request count. A clause naming another year than the report's is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from .base import hits, not_evaluated
from .frames import CheckInput, fmt
from .similarity import plain

CLAUSE_END = re.compile(r"[，。；,;！!？?\n]")
CLAUSE_WORDS = ("申请", "复议", "诉讼")
CLAUSE_WORD = re.compile("|".join(CLAUSE_WORDS))
REQUEST_COUNT = re.compile(
    r"(?:收到|受理|接收|新收|接到)[^0-9]{0,20}?申请(?:共计|共|合计|数量为|数为|为)?(\d+)(?:件|个|份|条)"
)
REQUEST_COUNT_ALT = re.compile(
    r"(?:收到|受理|接收|新收|接到)[^0-9]{0,6}?依申请公开(?:共计|共)?(\d+)(?:件|个|份|条)"
)
REQUEST_NONE = re.compile(r"(?:未|没有|无)(?:收到|受理|接收|接到)[^0-9]{0,15}?申请")
REQUEST_SKIP = re.compile(r"结转|咨询|信访|投诉|举报|复议|诉讼|上年|办结|答复|转办")
NEGATION = re.compile(r"未|没有|无(?!论)|均为零")
YEAR = re.compile(r"(20\d{2})年")
APPEAL_KINDS = {"review": "行政复议", "litigation": "行政诉讼"}


def _clauses(text: str) -> Iterator[str]:
    """The clauses of a `plain` text that name a request, review or litigation."""
    if not CLAUSE_WORD.search(text):  # no clause can have one: skip the split (most texts of a large run)
        return
    for clause in CLAUSE_END.split(text):
        if CLAUSE_WORD.search(clause):
            yield clause


def _appeal_counts(clause: str) -> dict[str, int]:
    if re.search(r"未经复议|复议后", clause):
        return {}
    out = {}
    for kind, word in APPEAL_KINDS.items():
        if word not in clause:
            continue
        m = re.search(word + r"(?:案件|申请|案)?(?:共计|共|合计)?(\d+)(?:件|起|宗|个)", clause)
        if m:
            out[kind] = int(m.group(1))
        elif NEGATION.search(clause) and not re.search(r"\d+(?:件|起|宗|个)", clause):
            out[kind] = 0
    return out


def stated_counts(text: str, year: int | None = None) -> dict[str, list[int]]:
    """The counts a narrative states: {"requests": [16], "review": [0], "litigation": [0]}."""
    return _stated_in_plain(plain(text), year)


def _stated_in_plain(text: str, year: int | None) -> dict[str, list[int]]:
    """`stated_counts` of a text already made `plain` (NFKC, no whitespace)."""
    found: dict[str, list[int]] = {}
    for clause in _clauses(text):
        if year is not None and any(int(y) != year for y in YEAR.findall(clause)):
            continue
        if "复议" in clause or "诉讼" in clause:
            for kind, n in _appeal_counts(clause).items():
                found.setdefault(kind, []).append(n)
        elif not REQUEST_SKIP.search(clause):
            m = REQUEST_COUNT.search(clause) or REQUEST_COUNT_ALT.search(clause)
            if m:
                found.setdefault("requests", []).append(int(m.group(1)))
            elif REQUEST_NONE.search(clause):
                found.setdefault("requests", []).append(0)
    return found


STATEMENT = {"requests": "收到政府信息公开申请", "review": "行政复议", "litigation": "行政诉讼"}


def _table_values(inp: CheckInput) -> dict[str, tuple[np.ndarray, ...]]:
    """For each kind, the table numbers a stated count may equal (any one suffices), per report."""
    req, app = inp.cube("requests"), inp.cube("appeals")
    new = req.value[:, req.row("new_received"), req.col("total")]
    total = app.col("total")
    review = app.value[:, app.row("review"), total]
    direct = app.value[:, app.row("litigation_direct"), total]
    after = app.value[:, app.row("litigation_after_review"), total]
    return {
        "requests": (new,),
        "review": (review,),
        "litigation": (direct + after, direct, after),
    }


def _counts_carried(stated: list[int], new: float, carried: float) -> bool:
    """The narrative's received count is new + carried over (and not new): last year's requests counted again."""
    if np.isnan(new) or np.isnan(carried) or carried == 0:
        return False
    return new not in stated and (new + carried) in stated


def table_mismatch(inp: CheckInput) -> pd.DataFrame:
    texts = inp.report_plain_texts
    values = _table_values(inp)
    req = inp.cube("requests")
    carried_total = req.value[:, req.row("carried_over"), req.col("total")]
    where = {
        "requests": ("requests", "new_received", "total"),
        "review": ("appeals", "review", "total"),
        "litigation": ("appeals", "litigation_direct", "total"),
    }
    records: list[dict[str, Any]] = []
    years = inp.reports["year"].to_numpy(dtype=float, na_value=np.nan)
    for k, rid in enumerate(inp.ids.tolist()):
        text = texts.get(rid)
        if not text or not CLAUSE_WORD.search(text):
            continue
        year = None if np.isnan(years[k]) else int(years[k])
        for kind, stated in _stated_in_plain(text, year).items():
            candidates = [v[k] for v in values[kind]]
            tbl, row, col = where[kind]
            if np.isnan(candidates[0]):
                records.append(
                    not_evaluated(
                        int(rid),
                        f"正文称{STATEMENT[kind]}{stated[0]}件，但表格对应单元格为空，无法核对",
                        tbl=tbl,
                        row_key=row,
                        col_key=col,
                    )
                )
            elif kind == "requests" and _counts_carried(stated, candidates[0], carried_total[k]):
                records.append(
                    {
                        "report_id": int(rid),
                        "tbl": tbl,
                        "row_key": row,
                        "col_key": col,
                        "expected": candidates[0],
                        "actual": float(stated[0]),
                        "message": f"正文称{STATEMENT[kind]}{stated[0]}件，等于表格的本年新收"
                        f"{fmt(candidates[0])}件加上年结转{fmt(carried_total[k])}件：正文把上年结转的申请也算作本年收到",
                    }
                )
            elif not any(s == c for s in stated for c in candidates if not np.isnan(c)):
                records.append(
                    {
                        "report_id": int(rid),
                        "tbl": tbl,
                        "row_key": row,
                        "col_key": col,
                        "expected": float(stated[0]),
                        "actual": candidates[0],
                        "message": f"正文称{STATEMENT[kind]}{stated[0]}件，但表格填报为"
                        f"{fmt(candidates[0])}件",
                    }
                )
    return hits(records)


def other_unit(inp: CheckInput) -> pd.DataFrame:
    """Another unit of the same district (units without one are one group) named in the text (whole words only:
    平桥街道 does not count as 平桥)."""
    texts = inp.report_texts
    units = inp.units[inp.units["name"].str.len() >= 2]
    by_district = units.groupby("district")["name"].agg(list).to_dict()
    patterns = {
        d: re.compile("|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)))
        for d, names in by_district.items()
    }
    found = []
    rep = inp.reports
    for rid, unit, district in zip(rep["report_id"], rep["unit"], rep["district"], strict=True):
        pattern, text = patterns.get(district), texts.get(rid)
        if pattern is None or not text:
            continue
        named = [n for n in pattern.findall(text) if n != unit and n not in (unit or "")]
        if named:
            found.append((int(rid), named, max(dict.fromkeys(named), key=named.count)))  # ties: the first named
    sections = _sections_of(inp, {rid for rid, _, _ in found})
    records = [
        {
            "report_id": rid,
            "actual": float(len(named)),
            "section_no": next((no for no, text in sections.get(rid, ()) if first in text), None),
            "message": f"报告正文出现同区其他单位“{first}”{named.count(first)}次（可能照抄了其他单位的报告）",
        }
        for rid, named, first in found
    ]
    return hits(records)


def _sections_of(inp: CheckInput, report_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """(section no, text) of the given reports, looked up once rather than per finding."""
    s = inp.sections[inp.sections["report_id"].isin(report_ids)]
    out: dict[int, list[tuple[int, str]]] = {}
    for rid, no, text in zip(s["report_id"], s["no"], s["text"], strict=True):
        out.setdefault(int(rid), []).append((int(no), text or ""))
    return out
