"""One report for its page: header, versions, cells laid out like the printed form, sections, the original."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import form_spec as form
from ..store import reports as sql
from ..store.dashboard import report_index

__all__ = ["find_report", "form_table", "original_file", "report_cells", "report_header", "report_index",
           "report_sections", "report_versions"]

report_header = sql.report_header
report_versions = sql.report_versions
report_cells = sql.report_cells
report_sections = sql.report_sections
find_report = sql.find_report  # the app caches queries by name: every alias keeps its function's name


def original_file(path: str, report_id: int) -> tuple[str, bytes] | None:
    """The file as received (name, bytes), or None when it was not kept."""
    return sql.stored_original(path, report_id)


def form_table(cells: pd.DataFrame, tbl: str, template: str | None) -> pd.DataFrame:
    """One table of a report laid out like the printed form: Chinese row and column labels, display strings."""
    rows, cols = _layout(tbl, template)
    part = cells[cells["tbl"] == tbl]
    shown = {
        (r, c): _display(v, s)
        for r, c, v, s in zip(part["row_key"], part["col_key"], part["value"], part["state"], strict=True)
    }
    data = [[shown.get((r, c), "") for c in cols] for r in rows]
    out = pd.DataFrame(data, index=rows, columns=cols)
    extra = sorted(set(part["row_key"]) - set(rows))  # rows of the other template, kept rather than hidden
    for r in extra:
        out.loc[r] = [shown.get((r, c), "") for c in cols]
    return out


def _layout(tbl: str, template: str | None) -> tuple[list[str], list[str]]:
    if tbl == "requests":
        skip = ("other",) if template != "2019" else form.OTHER_ROWS_2021
        return [k for k in form.REQUEST_ROW_KEYS if k not in skip], list(form.REQUEST_COLUMNS)
    if tbl == "appeals":
        return list(form.APPEAL_PROCEEDINGS), list(form.APPEAL_RESULTS)
    specs = form.ACTIVE.get(template or "2021", form.ACTIVE_2021)
    cols = list(dict.fromkeys(c for s in specs for c in s.columns))
    return [s.key for s in specs], cols


def _display(value: Any, state: str) -> str:
    if state == "number" and value is not None and pd.notna(value):
        return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")
    return {"blank": "", "nothing": "—", "unreadable": "无法识别"}.get(state, "")
