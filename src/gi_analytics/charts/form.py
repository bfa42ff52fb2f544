"""The report's tables laid out like the form, as escaped HTML: the form's labels and heading lines, the cells
each finding names marked with its message on hover; and the same table with Chinese labels for CSV/XLSX."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import form_spec as form
from ..checks import BY_ID
from .plots import FONT_FAMILY

FORM_CSS = """<style>
table.gi-form {border-collapse: collapse; font-family: FONTS; font-size: 13px; margin-bottom: 1rem;}
table.gi-form th, table.gi-form td {border: 1px solid #BDBDBD; padding: 3px 8px;}
table.gi-form th {background: #F5F5F5; font-weight: 600; text-align: center;}
table.gi-form th.row {text-align: left; font-weight: 400; max-width: 28em;}
table.gi-form th.group {background: #FAFAFA; font-weight: 600;}
table.gi-form td {text-align: right; min-width: 3.5em;}
table.gi-form td.error {background: #FFCDD2; outline: 2px solid #C62828; outline-offset: -2px;}
table.gi-form td.warning {background: #FFE082; outline: 2px solid #F9A825; outline-offset: -2px;}
table.gi-form td.info {background: #E3F2FD;}
</style>""".replace("FONTS", FONT_FAMILY)
_RANK = {"error": 0, "warning": 1, "info": 2}


def cell_marks(findings: pd.DataFrame, tbl: str, rows: Sequence[str],
               cols: Sequence[str]) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(row, col) -> (worst severity, messages) for the failed findings that point into one table.

    A finding naming a row and a column marks that cell; one naming only a column marks the cells of its
    identity (the check's `rows`, e.g. the four terms of 表三's balance), else all of it; likewise a row."""
    marks: dict[tuple[str, str], tuple[str, list[str]]] = {}
    part = findings[(findings["tbl"] == tbl) & (findings["status"] == "failed")]
    for cid, sev, row, col, title, msg in zip(part["check_id"], part["severity"], part["row_key"], part["col_key"],
                                              part["title"], part["message"], strict=True):
        terms = [r for r in BY_ID[cid].rows if r in rows] if cid in BY_ID else []
        rs = [row] if isinstance(row, str) and row else (terms or list(rows))
        cs = [col] if isinstance(col, str) and col else list(cols)
        if rs == list(rows) and cs == list(cols):
            continue  # the whole table: said above the table, not on every cell
        for key in ((r, c) for r in rs for c in cs):
            old_sev, msgs = marks.get(key, ("info", []))
            worst = sev if _RANK.get(sev, 3) < _RANK.get(old_sev, 3) else old_sev
            marks[key] = (worst, [*msgs, f"{title}：{msg}"])
    return marks


def form_table_html(table: pd.DataFrame, tbl: str, findings: pd.DataFrame, template: str | None) -> str:
    """An escaped HTML table: Chinese labels, cells in findings coloured, their messages on hover."""
    from html import escape

    rows, cols = list(table.index), list(table.columns)
    marks = cell_marks(findings, tbl, rows, cols)
    head = "".join(f"<th>{escape(_label(form.column_label, tbl, c))}</th>" for c in cols)
    body = []
    for r in rows:
        tds = []
        for c in cols:
            sev, msgs = marks.get((r, c), ("", []))
            attrs = f' class="{sev}" title="{escape(chr(10).join(msgs))}"' if msgs else ""
            tds.append(f"<td{attrs}>{escape(str(table.at[r, c]))}</td>")
        label = _label(lambda t, k: form.row_label(t, k, template or "2021"), tbl, r)
        if tbl == "requests" and r in form.REQUEST_HEADINGS:  # the form's own heading lines
            body.append(f'<tr><th class="row group" colspan="{len(cols) + 1}">'
                        f"{escape(form.REQUEST_HEADINGS[r])}</th></tr>")
        body.append(f'<tr><th class="row">{escape(label)}</th>{"".join(tds)}</tr>')
    return (f'<table class="gi-form" data-table="{escape(tbl)}"><thead><tr><th></th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _label(fn, tbl: str, key: str) -> str:
    try:
        return fn(tbl, key)
    except (KeyError, StopIteration):
        return key


def form_table_labelled(table: pd.DataFrame, tbl: str, template: str | None) -> pd.DataFrame:
    """A `form_table` with the form's Chinese row and column labels, as a plain table (for CSV/XLSX)."""
    out = table.rename(columns=lambda c: _label(form.column_label, tbl, c))
    rows = [_label(lambda t, k: form.row_label(t, k, template or "2021"), tbl, r) for r in table.index]
    return out.set_axis(rows).rename_axis("项目").reset_index()
