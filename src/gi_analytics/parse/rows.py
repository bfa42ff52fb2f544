"""Lines of a table section -> rows: a label opens a row, the value tokens after it fill it, whatever the layout
(text lines, markdown rows, real grids). Values without a label are placed beside their label or by the form's
row order, or reported."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .. import form_spec as form
from ..model import Problem, Severity
from .tokens import CJK, Line, compact, is_value_text, label_and_values, split_label_tail

GROUP_HEADERS = (
    ("denied", re.compile(r"^(\(三\))?不予公开$")),
    ("unavailable", re.compile(r"^(\(四\))?无法提供$")),
    ("rejected", re.compile(r"^(\(五\))?不予处理$")),
    ("outcomes", re.compile(r"本年度办理结果$")),
)

@dataclass
class RowRead:
    key: str
    line: int
    tokens: list[str] = field(default_factory=list)
    grid: bool = False
    inline: bool = False  # values stand on the label's own line (tabs, pipes), not one cell per line
    markdown: bool = False  # from a pipe-table row, whose converter may repeat a merged cell's value


@dataclass
class Scan:
    rows: list[RowRead]
    first: int | None  # index of the first line that belongs to the table
    last: int | None
    cut: bool = False  # the document ends inside the last row: it may be truncated
    orphans: list[RowRead] = field(default_factory=list)  # grid rows of values without a label of their own
    ambiguous: dict[str, list] = field(default_factory=dict)  # row key -> readings no identity decided


Matcher = Callable[[str, str], "str | None"]


def scan_rows(lines: list[Line], start: int, end: int, match: Matcher, stop: Callable[[str], bool]) -> Scan:
    """Walk lines[start:end]: a label opens a row, value tokens fill it, any other text closes it."""
    rows: list[RowRead] = []
    orphans: list[RowRead] = []
    current: RowRead | None = None
    context = ""
    for index in range(start, end):
        line = lines[index]
        if any(stop(compact(c)) for c in line.cells if not is_value_text(c)):
            current, end = None, -1
            break
        if line.grid or line.markdown:
            row, context = _grid_row(line, index, match, context)
            if current is not None and not current.tokens and _continues(row, line):
                # its label stood on the line above; a group cell in the row is only a merged slot
                current.tokens = _values_only(line)
                current.grid, current.inline = line.grid, True
                current = None
                continue
            if row is None and _has_values(line):
                orphans.append(RowRead("", index, _values_only(line), grid=line.grid, inline=True))
            rows += [row] if row else []
            current = None
            continue
        if current is not None and current.line != index and current.inline and not any(line.cells):
            continue  # an empty line after a row whose values stand on its own line is no blank cell
        for text in line.cells:
            if is_value_text(text):
                if current is not None:
                    current.tokens.append(text)
                    current.inline = current.inline or current.line == index
                continue
            label, values = label_and_values(text)
            group = _group_header(label)
            key = None if group else match(label, context)
            if group:
                context, current = group, None
            elif key:
                current = RowRead(key, index, list(values), inline=bool(values))
                rows.append(current)
                context = form.ROW_GROUP.get(key.lstrip("?~"), context)
            elif CJK.search(text):
                current = None
    first = rows[0].line if rows else None
    cut = current is not None and end == len(lines)
    return Scan(rows, first, rows[-1].line if rows else None, cut, orphans)


def _has_values(line: Line) -> bool:
    return any(c and is_value_text(c) for c in line.cells)


def _values_only(line: Line) -> list[str]:
    """The row's cells with label cells (merged group slots) emptied: positions stay."""
    return [c if is_value_text(c) else "" for c in line.cells]


def place_orphans(scan: Scan, order: list[str], table: str) -> list[Problem]:
    """Values without a label (a PDF row split by a page break, a blank label cell) go to the row beside them
    whose label has no values, else to the one row the form's order leaves missing between their neighbours;
    otherwise they are reported, never dropped silently."""
    problems = []
    for orphan in scan.orphans:
        before = [r for r in scan.rows if r.line < orphan.line]
        after = [r for r in scan.rows if r.line > orphan.line]
        empty = [r for r in (after[:1] + before[-1:]) if not any(r.tokens)]
        if empty:
            empty[0].tokens, empty[0].grid, empty[0].inline = orphan.tokens, orphan.grid, True
            label = form.row_label(table, empty[0].key.lstrip("?~"))
            message = "该行的数字与行标签分开（如跨页），按位置归入该行"
            problems.append(Problem("row.split", Severity.INFO, message, f"{_TABLE_CN[table]}·{label}"))
            continue
        key = _missing_between(order, scan.rows, before[-1:], after[:1])
        raw = " ".join(t for t in orphan.tokens if t)[:60]
        if key is None:
            message = f"有一行数字没有行标签，无法确定属于哪一行（原文：{raw}）"
            problems.append(Problem("row.unlabelled", Severity.WARNING, message, _TABLE_CN[table]))
            continue
        orphan.key = key
        scan.rows.insert(len(before), orphan)
        message = f"该行没有行标签，按表格的行序归入“{form.row_label(table, key)}”（原文：{raw}）"
        problems.append(
            Problem(
                "row.by_order", Severity.INFO, message, f"{_TABLE_CN[table]}·{form.row_label(table, key)}"
            )
        )
    return problems


_TABLE_CN = {"active": "表二", "requests": "表三"}


def _missing_between(
    order: list[str], rows: list[RowRead], before: list[RowRead], after: list[RowRead]
) -> str | None:
    present = {r.key.lstrip("?~") for r in rows}
    lo = order.index(before[0].key.lstrip("?~")) + 1 if before else 0
    hi = order.index(after[0].key.lstrip("?~")) if after else len(order)
    missing = [k for k in order[lo:hi] if k not in present]
    return missing[0] if len(missing) == 1 and before and after else None


def _grid_row(line: Line, index: int, match: Matcher, context: str) -> tuple[RowRead | None, str]:
    """In a real grid only the last label of a row opens it; labels before it (merged group cells) are context;
    the cells after it are the values, in their exact positions."""
    found: tuple[int, str, str] | None = None
    for position, text in enumerate(line.cells):
        if is_value_text(text):
            continue
        label, tail = split_label_tail(compact(text))
        group = _group_header(label)
        key = None if group else match(label, context)
        if group:
            context = group
        elif key:
            found = (position, key, tail)
            context = form.ROW_GROUP.get(key.lstrip("?~"), context)
    if found is None:
        return None, context
    position, key, tail = found
    tokens = ([tail] if tail else []) + list(line.cells[position + 1 :])
    return RowRead(key, index, tokens, grid=line.grid, inline=True, markdown=line.markdown), context


def _continues(row: RowRead | None, line: Line) -> bool:
    """A grid row with values but no label of its own (or only the `(六)其他处理` group cell) belongs to the
    label printed on the line above it."""
    has_values = any(c and is_value_text(c) for c in line.cells)
    return has_values and (row is None or row.key == "other")


@lru_cache(maxsize=1 << 14)
def _group_header(label: str) -> str | None:
    return next((name for name, pattern in GROUP_HEADERS if pattern.search(label)), None)
