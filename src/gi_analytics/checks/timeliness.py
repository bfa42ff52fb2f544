"""report.late_publication: the publication date the parser read, against the deadline for the unit's kind."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from ..deadlines import deadline, deadline_label
from .base import hits, not_evaluated
from .frames import CheckInput


def _as_date(value: Any) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    try:
        return pd.Timestamp(value).date()
    except ValueError:
        return None


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column of the reports frame, or Nones where the frame (an older caller) lacks it."""
    return frame[name].tolist() if name in frame else [None] * len(frame)


def late_publication(inp: CheckInput) -> pd.DataFrame:
    rep = inp.reports
    records: list[dict[str, Any]] = []
    rows = zip(rep["report_id"], _column(rep, "unit"), rep["year"], _column(rep, "kind"),
               _column(rep, "published"), _column(rep, "deadline"), strict=True)  # fmt: skip
    for rid, unit, year, kind, published, override in rows:
        record = _late(int(rid), str(unit or ""), year, kind, _as_date(published), _as_date(override))
        if record is not None:
            records.append(record)
    return hits(records)


def _late(
    rid: int, unit: str, year: Any, kind: Any, published: date | None, override: date | None
) -> dict[str, Any] | None:
    if published is None:
        return not_evaluated(rid, "报告未印发布日期（发布时间），无法核对是否按时发布")
    if pd.isna(year):
        return not_evaluated(rid, "报告年份无法确定，无法核对是否按时发布")
    kind = kind if isinstance(kind, str) else None
    due = deadline(int(year), unit, kind, override)
    late = (published - due).days
    if late <= 0:
        return None
    source = deadline_label(int(year), unit, kind, override)
    return {
        "report_id": rid,
        "expected": 0.0,
        "actual": float(late),
        "message": f"报告发布于{published.isoformat()}，晚于截止日期{due.isoformat()}（{source}），逾期{late}天",
    }
