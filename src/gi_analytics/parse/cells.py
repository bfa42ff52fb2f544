"""A row's value tokens -> its cells, by rules that never invent a number.

Rows come misaligned (leading tabs lost, padding blanks, cells dropped), cut off, or run together with no
separator. Each rule below applies only when it gives exactly one reading; otherwise the row is unreadable.
`groups` describes the table's own identities: each group's last cell is the sum of the others
(requests: one group of 7; appeals: three groups of 5). Tables without identities pass `groups=None`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Cell, CellState, Problem, Severity
from .tokens import is_value_text, read_cell

MAX_DIGITS = 8  # the widest count a run-together cell may hold
MAX_RUN_DIGITS = 20  # a longer run of digits is not split at all
_DIGITS = re.compile(r"^\d+$")


@dataclass
class Reading:
    cells: list[Cell]
    problems: list[Problem] = field(default_factory=list)


def assign(
    tokens: Sequence[str],
    ncols: int,
    *,
    where: str,
    groups: Sequence[int] | None = None,
    truncated: bool = False,
    exact: bool = False,
) -> Reading:
    if exact and len(tokens) >= ncols:  # a real grid: the last `ncols` slots are the values
        tokens = tokens[len(tokens) - ncols :]
        return (
            Reading([read_cell(t) for t in tokens])
            if all(map(is_value_text, tokens))
            else _unreadable(tokens, ncols, where, "表格单元格中不是数字")
        )
    filled = [t for t in tokens if t]
    if len(filled) == ncols:
        return Reading([read_cell(t) for t in filled])
    stripped = _strip_blanks(tokens)
    if len(stripped) == ncols:
        return Reading([read_cell(t) for t in stripped])
    if not filled:
        return Reading([Cell.blank() for _ in range(ncols)])
    if len(filled) == 1 and _DIGITS.match(filled[0]) and len(filled[0]) >= ncols > 1:
        return split_run_together(filled[0], ncols, where=where, groups=groups)
    if groups and len(filled) == ncols - 1:
        inferred = _infer_missing([read_cell(t) for t in filled], groups)
        if inferred is not None:
            note = Problem(
                "cells.inferred",
                Severity.INFO,
                f"该行只读到 {ncols - 1} 个数，缺失的一格由表内勾稽关系唯一确定",
                where,
            )
            return Reading(inferred, [note])
    aligned = _right_aligned(tokens, ncols)
    if aligned is not None:
        return Reading([read_cell(t) for t in aligned])
    if truncated and len(filled) < ncols:
        note = Problem(
            "row.truncated",
            Severity.WARNING,
            f"该行被截断：只有 {len(filled)} 个数（应为 {ncols} 个），其余视为缺失",
            where,
        )
        return Reading([read_cell(t) for t in filled] + [Cell.blank()] * (ncols - len(filled)), [note])
    return _unreadable(tokens, ncols, where, f"该行有 {len(filled)} 个值，应为 {ncols} 个，无法确定对应的列")


def _strip_blanks(tokens: Sequence[str]) -> list[str]:
    start, end = 0, len(tokens)
    while start < end and not tokens[start]:
        start += 1
    while end > start and not tokens[end - 1]:
        end -= 1
    return list(tokens[start:end])


def _right_aligned(tokens: Sequence[str], ncols: int) -> list[str] | None:
    """Blank cells before the numbers (one cell per line): take the last `ncols`, when all before are blank."""
    body = list(tokens)
    while body and not body[-1]:
        body.pop()
    if len(body) < ncols or any(body[: len(body) - ncols]):
        return None
    return body[len(body) - ncols :]


def _unreadable(tokens: Sequence[str], ncols: int, where: str, why: str) -> Reading:
    raw = " ".join(t for t in tokens if t)
    cells = [Cell(CellState.UNREADABLE, None, raw) for _ in range(ncols)]
    return Reading(cells, [Problem("cells.unreadable", Severity.ERROR, f"{why}（原文：{raw[:60]}）", where)])


def _group_spans(groups: Sequence[int]) -> list[range]:
    spans, start = [], 0
    for size in groups:
        spans.append(range(start, start + size))
        start += size
    return spans


def _holds(values: Sequence[float], groups: Sequence[int]) -> bool:
    return all(sum(values[i] for i in span[:-1]) == values[span[-1]] for span in _group_spans(groups))


def _infer_missing(cells: list[Cell], groups: Sequence[int]) -> list[Cell] | None:
    """One value is missing: try it in every position; accept when all readings agree on every cell."""
    if any(c.state is not CellState.NUMBER for c in cells):
        return None
    values = [c.value for c in cells]
    readings = set()
    for gap in range(len(values) + 1):
        trial = values[:gap] + [None] + values[gap:]
        span = next(s for s in _group_spans(groups) if gap in s)
        parts = [trial[i] for i in span[:-1] if i != gap]
        filled = sum(parts) if gap == span[-1] else trial[span[-1]] - sum(parts)
        if filled < 0:
            continue
        trial[gap] = filled
        if _holds(trial, groups):
            readings.add(tuple(trial))
    if len(readings) != 1:
        return None
    return [Cell.number(int(v) if float(v).is_integer() else v, "") for v in readings.pop()]


def split_run_together(digits: str, ncols: int, *, where: str, groups: Sequence[int] | None) -> Reading:
    """`640020470` for seven columns: every split into `ncols` counts (no leading zeros) that satisfies the
    table's identities; exactly one reading is accepted, anything else is unreadable."""
    if len(digits) > MAX_RUN_DIGITS:  # the splits to try grow combinatorially (minutes at 28 digits)
        return _unreadable([digits], ncols, where, "数字连在一起且过长，无法拆分")
    if len(digits) == ncols:
        readings = [[int(d) for d in digits]]
        if groups and not _holds(readings[0], groups):
            readings = []
    else:
        readings = _splits(digits, ncols, groups)
    if len(readings) == 1:
        basis = "按表内勾稽关系" if groups else "按列数"
        note = Problem(
            "cells.run_together",
            Severity.INFO,
            f"数字连在一起（{digits}），{basis}唯一拆分为 {' '.join(map(str, readings[0]))}",
            where,
        )
        return Reading([Cell.number(v, digits) for v in readings[0]], [note])
    why = "数字连在一起且无法唯一拆分" if readings else "数字连在一起且没有符合勾稽关系的拆分"
    return _unreadable([digits], ncols, where, why)


def _splits(digits: str, ncols: int, groups: Sequence[int] | None, limit: int = 2) -> list[list[int]]:
    sizes = list(groups) if groups else [ncols]
    checked = groups is not None
    found: list[list[int]] = []

    def parts(pos: int, count: int, after: int) -> list[tuple[list[int], int]]:
        """Splits of the next `count` values that leave digits for the `after` values still to come."""
        if count == 0:
            return [([], pos)]
        out = []
        for width in range(1, MAX_DIGITS + 1):
            piece, left = digits[pos : pos + width], len(digits) - pos - width
            if len(piece) < width or (width > 1 and piece[0] == "0") or left < count - 1 + after:
                break
            if left > (count - 1 + after) * MAX_DIGITS:
                continue
            out += [([int(piece)] + rest, end) for rest, end in parts(pos + width, count - 1, after)]
        return out

    def search(pos: int, group: int, acc: list[int]) -> None:
        if len(found) >= limit:
            return
        if group == len(sizes):
            if pos == len(digits):
                found.append(acc)
            return
        for values, end in parts(pos, sizes[group], sum(sizes[group + 1 :])):
            if not checked or sum(values[:-1]) == values[-1]:
                search(end, group + 1, acc + values)

    search(0, 0, [])
    return found
