"""What a check function returns: a findings frame (one row per finding), built by these helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..model import Status
from .frames import FINDING_COLUMNS

FAILED, NOT_EVALUATED = str(Status.FAILED), str(Status.NOT_EVALUATED)


def hits(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Findings from dicts with any of: report_id, unit_id, year, tbl, row_key, col_key, section_no, expected,
    actual, message, status (default failed). check_id and severity are stamped by the registry."""
    df = pd.DataFrame(
        list(records), columns=[c for c in FINDING_COLUMNS if c not in ("check_id", "severity")]
    )
    df["status"] = df["status"].astype(object).where(df["status"].notna(), FAILED)
    return df


def not_evaluated(report_id: int, message: str, **place: Any) -> dict[str, Any]:
    return {"report_id": report_id, "message": message, "status": NOT_EVALUATED, **place}


def num(x: Any) -> float | None:
    """A numpy/pandas scalar as a plain float for storage (None for NaN)."""
    if x is None:
        return None
    f = float(x)
    return None if np.isnan(f) else f
