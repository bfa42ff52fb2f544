"""Checks on a report as a whole: report.* (tables blank, parts missing, template, period, all zeros)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from .. import form
from .base import hits, not_evaluated
from .frames import CheckInput

TEXT_SECTIONS = (1, 5, 6)
# "2021年，我镇…", "2020年度全镇…": a sentence that opens with the year it is about
YEAR_LEAD = re.compile(r"(20\d{2})年度?(?=[，,]|以来|我|全|本|共)")
YEAR_ANY = re.compile(r"(20\d{2})年")


def blank_tables(inp: CheckInput) -> pd.DataFrame:
    records = []
    for tbl in ("active", "requests", "appeals"):
        s = inp.stats[tbl]
        filled = s["cells"] - s["blank"]
        for r in np.flatnonzero((s["cells"].to_numpy() > 0) & (filled.to_numpy() == 0)):
            records.append(
                {
                    "report_id": int(inp.ids[r]),
                    "tbl": tbl,
                    "actual": 0.0,
                    "message": f"{form.TABLE_LABELS[tbl]}表只有栏目、没有填写任何数字（未填写的模板）",
                }
            )
    return hits(records)


def missing_section(inp: CheckInput) -> pd.DataFrame:
    present = set(zip(inp.sections["report_id"], inp.sections["no"], strict=True))
    records = []
    for rid in inp.ids:
        for no in TEXT_SECTIONS:
            if (rid, no) not in present:
                title = form.SECTIONS[no - 1].title
                records.append(
                    {"report_id": int(rid), "section_no": no, "message": f"缺少第{no}部分“{title}”"}
                )
    for no, tbl in form.TABLE_SECTIONS.items():
        absent = inp.stats[tbl]["cells"].to_numpy() == 0
        records += [
            {
                "report_id": int(rid),
                "tbl": tbl,
                "section_no": no,
                "message": f"缺少表格“{form.TABLE_LABELS[tbl]}”（第{no}部分）",
            }
            for rid in inp.ids[absent]
        ]
    return hits(records)


def _requests_style(inp: CheckInput) -> np.ndarray:
    """Per report, the template table 三's own rows follow: '2019', '2021' or '' (absent/ambiguous)."""
    cube = inp.cube("requests")
    single = cube.row_present[:, cube.row("other")]
    split = cube.row_present[:, [cube.row(k) for k in form.OTHER_ROWS_2021]].any(axis=1)
    return np.where(single & ~split, "2019", np.where(split & ~single, "2021", ""))


def template_mismatch(inp: CheckInput) -> pd.DataFrame:
    rep = inp.reports
    any_table = (inp.stats.xs("cells", axis=1, level=1).to_numpy() > 0).any(axis=1)
    style = _requests_style(inp)
    records: list[dict[str, Any]] = []
    for k, (rid, year, template) in enumerate(
        zip(rep["report_id"], rep["year"], rep["template"], strict=True)
    ):
        if pd.isna(year) or not template:
            if any_table[k]:
                records.append(not_evaluated(int(rid), "报告年份或表格模板版本无法确定，无法核对模板"))
            continue
        want = form.expected_template(int(year))
        if template != want:
            records.append(
                {
                    "report_id": int(rid),
                    "tbl": "active",
                    "expected": float(want),
                    "actual": float(template),
                    "message": f"{int(year)}年度报告应使用{want}版模板，但表格为{template}版",
                }
            )
        if style[k] and style[k] != template:
            records.append(
                {
                    "report_id": int(rid),
                    "tbl": "requests",
                    "row_key": "other" if style[k] == "2019" else "other_misc",
                    "expected": float(template),
                    "actual": float(style[k]),
                    "message": f"表二为{template}版模板，但表三“（六）其他处理”按{style[k]}版填写",
                }
            )
    return hits(records)


def _text_year(text: str, year: int) -> int | None:
    """The year section 一 speaks of when it never names `year` (a weak signal; None when unsure)."""
    if str(year) + "年" in text:
        return None
    leads = Counter(int(y) for y in YEAR_LEAD.findall(text))
    return leads.most_common(1)[0][0] if leads else None


def period_mismatch(inp: CheckInput) -> pd.DataFrame:
    rep = inp.reports
    s1 = inp.sections[inp.sections["no"] == 1].drop_duplicates("report_id").set_index("report_id")["text"].to_dict()
    records: list[dict[str, Any]] = []
    for rid, year, start, end in zip(
        rep["report_id"], rep["year"], rep["period_start"], rep["period_end"], strict=True
    ):
        if pd.isna(year):
            records.append(not_evaluated(int(rid), "标题中没有年份，无法核对统计期限"))
            continue
        year = int(year)
        years = {int(str(d)[:4]) for d in (start, end) if isinstance(d, str) or not pd.isna(d)}
        if years and years != {year}:
            actual = next(y for y in sorted(years) if y != year)
            records.append(
                {
                    "report_id": int(rid),
                    "expected": float(year),
                    "actual": float(actual),
                    "message": f"标题年份为{year}年，但统计期限为{start}至{end}",
                }
            )
        elif (text_year := _text_year(str(s1.get(rid, "")), year)) is not None and text_year != year:
            records.append(
                {
                    "report_id": int(rid),
                    "section_no": 1,
                    "expected": float(year),
                    "actual": float(text_year),
                    "message": f"标题年份为{year}年，但“总体情况”正文讲的是{text_year}年，通篇未提{year}年",
                }
            )
    return hits(records)


def all_zero(inp: CheckInput) -> pd.DataFrame:
    s = inp.stats
    ok = np.ones(len(inp.ids), dtype=bool)
    for tbl in ("requests", "appeals"):
        ok &= (s[tbl]["numbers"].to_numpy() > 0) & (s[tbl]["nonzero"].to_numpy() == 0)
    return hits(
        {"report_id": int(rid), "actual": 0.0, "message": "表三（依申请公开）和表四（复议诉讼）所有数字均为0"}
        for rid in inp.ids[ok]
    )
