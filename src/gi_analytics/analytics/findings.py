"""Findings for the warnings page and a report's page: Chinese titles, severity and result labels, places."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .. import form_spec as form
from ..checks import BY_ID
from ..labels import (
    NOT_EVALUATED,
    REVIEW_STATES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    ReviewTotals,
    Totals,
    finding_totals,
    number_text,
    pinyin_column,
    review_totals,
)
from ..store import reports as sql
from ..store.selection import Filters


def check_title(check_id: str) -> str:
    """The Chinese title of a check id (the id itself for a check the registry does not know)."""
    spec = BY_ID.get(check_id)
    return spec.title_zh if spec is not None else check_id


def findings(
    path: str, f: Filters, severities: Sequence[str] = (), checks: Sequence[str] = ()
) -> pd.DataFrame:
    """Failed and not-evaluated findings of the selection, with Chinese labels and the report they belong to."""
    df = sql.selection_findings(path, f, severities, checks)
    df = df.sort_values(["unit", "year"], key=pinyin_column, kind="stable", ignore_index=True)
    df["title"] = df["check_id"].map(check_title)
    df["severity_label"] = df["severity"].map(SEVERITY_LABELS)
    df["status_label"] = df["status"].map(STATUS_LABELS)
    unchecked = df["status"] == NOT_EVALUATED  # not a failure: never shown as an error or a warning
    df["result_label"] = df["severity_label"].where(~unchecked, STATUS_LABELS[NOT_EVALUATED])
    return _described(df)


def selection_totals(path: str, f: Filters) -> Totals:
    """The selection's totals, by the one definition (labels.finding_totals) every page and export uses."""
    return finding_totals(sql.selection_findings(path, f))


def selection_reviews(path: str, f: Filters) -> pd.DataFrame:
    """The review state of every failed finding of the selection, corrected ones that a newer version of the
    report no longer has included (see store.reports.selection_reviews)."""
    return sql.selection_reviews(path, f)


def review_summary(path: str, f: Filters) -> ReviewTotals:
    """The selection's findings by review state (labels.review_totals)."""
    return review_totals(sql.selection_reviews(path, f))


def review_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per unit: its failed findings in each review state (labels.review_totals of its rows), units with open
    confirmed findings first."""
    columns = ["unit", *REVIEW_STATES, "total"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(
        [{"unit": unit, **review_totals(group).counts()} for unit, group in rows.groupby("unit", sort=True)]
    )
    out["total"] = out[list(REVIEW_STATES)].sum(axis=1)
    order = ["已确认", "待核实", "total", "unit"]
    return out.sort_values(order, ascending=[False, False, False, True]).reset_index(drop=True)[columns]


def report_findings(path: str, report_id: int) -> pd.DataFrame:
    """A report's findings; `result_label` is the severity of a failed one, 未能核对 for one not evaluated."""
    df = sql.report_finding_rows(path, report_id)
    df["report_id"] = report_id
    df["title"] = df["check_id"].map(check_title)
    df["severity_label"] = df["severity"].map(SEVERITY_LABELS)
    unchecked = df["status"] == NOT_EVALUATED
    df["result_label"] = df["severity_label"].where(~unchecked, STATUS_LABELS[NOT_EVALUATED])
    return _described(df)


_PLACE = ["tbl", "row_key", "col_key", "section_no"]


def _described(df: pd.DataFrame) -> pd.DataFrame:
    """The printed numbers as text and the place in the report's own words, each worked out once per distinct
    value (a nation's findings repeat a few hundred places and numbers)."""
    for value, text in (("expected", "expected_text"), ("actual", "actual_text")):
        texts = {v: number_text(v) for v in df[value].dropna().drop_duplicates()}
        df[text] = [texts.get(v, "") for v in df[value]]  # a missing number is blank
    places = df[_PLACE].drop_duplicates()
    places["place"] = [_place(*p) for p in places.itertuples(index=False)]
    df["place"] = df[_PLACE].merge(places, on=_PLACE, how="left")["place"].to_numpy()
    return df


def _place(tbl: Any, row: Any, col: Any, section: Any) -> str:
    """Where a finding stands, in the report's own words."""
    if isinstance(tbl, str) and tbl in form.TABLE_LABELS:
        parts = [form.TABLE_LABELS[tbl]]
        for label, key in ((form.row_label, row), (form.column_label, col)):
            if isinstance(key, str) and key:
                try:
                    parts.append(label(tbl, key))
                except (KeyError, StopIteration):
                    parts.append(key)
        return " / ".join(parts)
    if pd.notna(section):
        return f"第{int(section)}部分"
    return ""
