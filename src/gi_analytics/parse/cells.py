"""A row's value tokens -> its cells, by rules that never invent a number.

Rows come misaligned (leading tabs lost, padding blanks, cells dropped), cut off, or run together with no
separator. Each rule below applies only when it gives exactly one reading; otherwise the row is unreadable.
`groups` describes the table's own identities: each group's last cell is the sum of the others
(requests: one group of 7; appeals: three groups of 5). Tables without identities pass `groups=None`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from ..model import Cell, CellState, Number, Problem, Severity
from .tokens import is_value_text, read_cell

MAX_DIGITS = 8  # the widest count a run-together cell may hold
MAX_RUN_DIGITS = 20  # a longer run of digits is not split where no identity prunes the splits
MAX_READINGS = 6  # readings listed in a problem when the identities do not decide
MAX_CANDIDATES = 64  # readings kept for a decision across rows or years
MAX_PLACEMENTS = 5_000  # ways to place the values of a short row among its columns
_DIGITS = re.compile(r"^\d+$")
_GLUED = re.compile(r"^(?:\d|[—–/\-](?=.))+$")  # digits with nothing-markers or signs between them
_PIECE = re.compile(r"\d+|[—–/]+|-")
MAX_MARKS = 4  # dashes that may each be a sign or a nothing-marker

Values = tuple[Number, ...]


@dataclass
class Reading:
    cells: list[Cell]
    problems: list[Problem] = field(default_factory=list)
    # run-together digits the row's own identities could not split: every reading that fits, for a later
    # decision by identities across rows or years
    candidates: list[Values] = field(default_factory=list)


def assign(
    tokens: Sequence[str],
    ncols: int,
    *,
    where: str,
    groups: Sequence[int] | None = None,
    truncated: bool = False,
    exact: bool = False,
    positional: bool = False,
    inline: bool = False,
    repeats: bool = False,
) -> Reading:
    """`exact`: a real grid, the last `ncols` slots are the values. `positional`: the tokens are one line's
    separated cells with no label slots among them (table 四's value row), so `ncols` tokens are the columns.
    `inline`: the values follow the label on its line, where blank label slots and lost tabs make the blanks
    at either end meaningless (one cell per line, a blank line is a blank cell). `repeats`: a converter may
    have written a merged value cell into every slot it covers (`| 行政许可 | 1 | 1 | 1 |` for one column)."""
    if exact and len(tokens) >= ncols:
        tokens = tokens[len(tokens) - ncols :]
        return (
            Reading([read_cell(t) for t in tokens])
            if all(map(is_value_text, tokens))
            else _unreadable(tokens, ncols, where, "表格单元格中不是数字")
        )
    filled = [t for t in tokens if t]
    if not filled:
        return Reading([Cell.blank() for _ in range(ncols)])
    if len(filled) == ncols:
        return Reading([read_cell(t) for t in filled])
    if len(filled) == 1 and ncols > 1 and _GLUED.match(filled[0]) and len(filled[0]) >= ncols:
        return split_run_together(filled[0], ncols, where=where, groups=groups)
    if len(filled) > ncols and repeats and len(set(filled[ncols - 1 :])) == 1:
        note = Problem("cells.merged_repeat", Severity.INFO, "合并单元格的数字重复出现，按一格读取", where)
        return Reading([read_cell(t) for t in filled[:ncols]], [note])
    if len(filled) > ncols:
        return _unreadable(
            tokens, ncols, where, f"该行有 {len(filled)} 个值，应为 {ncols} 个，无法确定对应的列"
        )
    stripped = _strip_blanks(tokens)
    if len(stripped) == ncols:  # blanks between values keep their columns
        return Reading([read_cell(t) for t in stripped])
    if positional and len(tokens) == ncols:
        return Reading([read_cell(t) for t in tokens])
    aligned = None if inline else _right_aligned(tokens, ncols)
    if aligned is not None:
        return Reading([read_cell(t) for t in aligned])
    if groups:
        placed = _inferred(filled, ncols, groups, where) or _placed_by_identity(filled, ncols, groups, where)
        if placed is not None:
            return placed
    if truncated:
        note = Problem(
            "row.truncated",
            Severity.WARNING,
            f"该行被截断：只有 {len(filled)} 个数（应为 {ncols} 个），其余视为缺失",
            where,
        )
        return Reading([read_cell(t) for t in filled] + [Cell.blank()] * (ncols - len(filled)), [note])
    why = f"该行只有 {len(filled)} 个值，应为 {ncols} 个，无法确定空白的是哪几列"
    return _unreadable(tokens, ncols, where, why)


def _right_aligned(tokens: Sequence[str], ncols: int) -> list[str] | None:
    """Blank cells before the numbers (one cell per line): take the last `ncols`, when all before are blank."""
    body = list(tokens)
    while body and not body[-1]:
        body.pop()
    if len(body) < ncols or any(body[: len(body) - ncols]):
        return None
    return body[len(body) - ncols :]


def _inferred(filled: list[str], ncols: int, groups: Sequence[int], where: str) -> Reading | None:
    """One value lost (a web page dropped a cell): tried in every position, accepted when every reading that
    satisfies the identities gives the same numbers."""
    cells = [read_cell(t) for t in filled]
    if len(cells) != ncols - 1 or any(c.state is not CellState.NUMBER for c in cells):
        return None
    values = [c.value for c in cells]
    readings = set()
    for gap in range(ncols):
        trial = values[:gap] + [0] + values[gap:]
        span = next(s for s in _group_spans(groups) if gap in s)
        parts = sum(trial[i] for i in span[:-1] if i != gap)
        trial[gap] = parts if gap == span[-1] else trial[span[-1]] - parts
        if trial[gap] >= 0 and _holds(trial, groups):
            readings.add(tuple(trial))
    if len(readings) != 1:
        return None
    note = Problem(
        "cells.inferred",
        Severity.INFO,
        f"该行只读到 {ncols - 1} 个数，缺失的一格由表内勾稽关系唯一确定",
        where,
    )
    return Reading([Cell.number(int(v) if float(v).is_integer() else v, "") for v in readings.pop()], [note])


def _placed_by_identity(filled: list[str], ncols: int, groups: Sequence[int], where: str) -> Reading | None:
    """Values without positions: every way to leave `ncols - len(filled)` columns blank; accepted when
    exactly one satisfies the identities (a blank counts as 0 there)."""
    cells = [read_cell(t) for t in filled]
    gaps = ncols - len(cells)
    found: set[tuple[Cell, ...]] = set()
    for count, blanks in enumerate(combinations(range(ncols), gaps)):
        if count >= MAX_PLACEMENTS or len(found) > 1:
            return None
        values = iter(cells)
        trial = [Cell.blank() if i in blanks else next(values) for i in range(ncols)]
        if _holds_cells(trial, groups):
            found.add(tuple(trial))
    if len(found) != 1:
        return None
    note = Problem(
        "cells.placed",
        Severity.INFO,
        f"该行只有 {len(cells)} 个值（应为 {ncols} 个），按表内勾稽关系唯一确定了空白格的位置",
        where,
    )
    return Reading(list(found.pop()), [note])


def _holds_cells(cells: Sequence[Cell], groups: Sequence[int]) -> bool:
    if any(c.state is CellState.UNREADABLE for c in cells):
        return False
    return _holds([c.value or 0 for c in cells], groups)


def _strip_blanks(tokens: Sequence[str]) -> list[str]:
    start, end = 0, len(tokens)
    while start < end and not tokens[start]:
        start += 1
    while end > start and not tokens[end - 1]:
        end -= 1
    return list(tokens[start:end])


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


def split_run_together(digits: str, ncols: int, *, where: str, groups: Sequence[int] | None) -> Reading:
    """`640020470` for seven columns: every split into `ncols` counts (no leading zeros) that satisfies the
    table's identities; exactly one reading is accepted, anything else is unreadable and lists the readings.
    Nothing-markers and signs between the digits (`71013—19222`, `5-27`) are values of their own."""
    pure = _DIGITS.match(digits) is not None
    if (groups is None or not pure) and len(digits) > MAX_RUN_DIGITS:  # unpruned splits grow combinatorially
        return _unreadable([digits], ncols, where, "数字连在一起且过长，无法拆分")
    if pure:
        readings = run_together_readings(digits, ncols, groups, limit=MAX_CANDIDATES + 1)
    else:
        readings = _marked_readings(digits, ncols, groups, limit=MAX_CANDIDATES + 1)
    if len(readings) == 1:
        basis = "按表内勾稽关系" if groups else "按列数"
        note = Problem(
            "cells.run_together",
            Severity.INFO,
            f"数字连在一起（{digits}），{basis}唯一拆分为 {' '.join('—' if v is None else str(v) for v in readings[0])}",
            where,
        )
        cells = [
            Cell(CellState.NOTHING, None, "—") if v is None else Cell.number(v, digits) for v in readings[0]
        ]
        return Reading(cells, [note])
    if not readings:
        return _unreadable([digits], ncols, where, "数字连在一起且没有符合勾稽关系的拆分")
    listed = "；".join(" ".join("—" if v is None else str(v) for v in r) for r in readings[:MAX_READINGS])
    more = "等" if len(readings) > MAX_READINGS else ""
    reading = _unreadable([digits], ncols, where, f"数字连在一起且无法唯一拆分，可能为：{listed}{more}")
    if len(readings) <= MAX_CANDIDATES:
        reading.candidates = readings
    return reading


def run_together_readings(
    digits: str, ncols: int, groups: Sequence[int] | None, limit: int = MAX_READINGS + 1
) -> list[Values]:
    """Splits of `digits` into `ncols` counts without leading zeros, each group summing to its last cell."""
    sizes = list(groups) if groups else [ncols]
    found: list[Values] = []

    def search(pos: int, group: int, acc: Values) -> None:
        if len(found) >= limit:
            return
        if group == len(sizes):
            if pos == len(digits):
                found.append(acc)
            return
        after = sum(sizes[group + 1 :])
        for values, end in _group_readings(digits, pos, sizes[group], after, checked=groups is not None):
            search(end, group + 1, acc + values)
            if len(found) >= limit:
                return

    search(0, 0, ())
    return found


def _group_readings(
    digits: str, pos: int, size: int, after: int, *, checked: bool
) -> Iterator[tuple[Values, int]]:
    """One group's readings from `pos`: (values, end). Checked groups end in the sum of their parts."""
    if not checked:
        for parts in _numbers(digits, pos, len(digits) - after, size, None):
            yield parts, len(digits) - after
        return
    if after == 0:  # the last group's total is the rest's suffix: its value bounds every part
        for width in range(1, MAX_DIGITS + 1):
            start = len(digits) - width
            if start - pos < size - 1 or not _number_at(digits, start, width):
                continue
            total = int(digits[start:])
            for parts in _numbers(digits, pos, start, size - 1, total):
                yield (*parts, total), len(digits)
        return
    for end in range(pos + size - 1, min(len(digits), pos + (size - 1) * MAX_DIGITS) + 1):
        for parts in _numbers(digits, pos, end, size - 1, None):
            total = str(sum(parts))
            if digits.startswith(total, end) and len(digits) - end - len(total) >= after:
                yield (*parts, int(total)), end + len(total)


def _numbers(digits: str, pos: int, stop: int, count: int, target: int | None) -> Iterator[Values]:
    """Every way to read digits[pos:stop] as `count` numbers (summing to `target` where given)."""
    left = stop - pos
    if count == 0:
        if left == 0 and target in (None, 0):
            yield ()
        return
    if left < count or left > count * MAX_DIGITS:
        return
    for width in range(1, min(MAX_DIGITS, left - count + 1) + 1):
        if not _number_at(digits, pos, width):
            break
        value = int(digits[pos : pos + width])
        if target is not None and value > target:
            break
        rest_target = None if target is None else target - value
        for rest in _numbers(digits, pos + width, stop, count - 1, rest_target):
            yield (value, *rest)


def _number_at(digits: str, pos: int, width: int) -> bool:
    return width == 1 or digits[pos] != "0"


def _marked_readings(text: str, ncols: int, groups: Sequence[int] | None, limit: int) -> list[Values]:
    """Readings of digits broken by dashes: each dash is a nothing-marker (a value of its own, None) or the
    sign of the digits after it; each run of digits is one or more counts."""
    pieces = _PIECE.findall(text)
    dashes = [i for i, piece in enumerate(pieces) if piece == "-"]
    if "".join(pieces) != text or len(dashes) > MAX_MARKS:
        return []
    found: set[Values] = set()
    for signs in range(2 ** len(dashes)):
        signed = {i for bit, i in enumerate(dashes) if signs >> bit & 1}
        for reading in _piece_readings(pieces, signed, ncols):
            if groups is None or _holds([v or 0 for v in reading], groups):
                found.add(reading)
                if len(found) >= limit:
                    return sorted(found, key=str)
    return sorted(found, key=str)


def _piece_readings(pieces: list[str], signed: set[int], ncols: int) -> Iterator[Values]:
    def walk(i: int, left: int, sign: int) -> Iterator[Values]:
        if i == len(pieces):
            if left == 0 and sign == 1:
                yield ()
            return
        piece = pieces[i]
        if not piece[0].isdigit():
            if i in signed:
                yield from walk(i + 1, left, -1) if i + 1 < len(pieces) and pieces[i + 1][0].isdigit() else ()
            elif sign == 1 and left > 0:
                yield from ((None, *rest) for rest in walk(i + 1, left - 1, 1))
            return
        for count in range(1, min(left, len(piece)) + 1):
            for values in _numbers(piece, 0, len(piece), count, None):
                head = (sign * values[0], *values[1:])
                yield from ((*head, *rest) for rest in walk(i + 1, left - count, 1))

    yield from walk(0, ncols, 1)
