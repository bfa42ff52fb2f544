"""Lines -> the three fixed tables, mapped to canonical keys.

A table is read as a sequence of row labels, each followed by its value tokens, whatever the layout. Labels are
recognised by the patterns of form.py; a numbered item whose label is garbled (`2.其他法律行政止公开`) is
placed by its number inside the group it stands in, and said so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import form
from ..model import Problem, Severity, Table
from .amounts import in_declared_units
from .cells import assign
from .tokens import CJK, Line, compact, is_value_text, split_label_tail

GROUP_HEADERS = (
    ("denied", re.compile(r"^(\(三\))?不予公开$")),
    ("unavailable", re.compile(r"^(\(四\))?无法提供$")),
    ("rejected", re.compile(r"^(\(五\))?不予处理$")),
    ("outcomes", re.compile(r"本年度办理结果$")),
)
_ITEMS = {
    group: [r.key for r in form.REQUEST_ROWS if r.group == group and r.key != "other"]
    for group in ("denied", "unavailable", "rejected", "other")
}
_ENUMERATED = re.compile(r"^(\d)\.(.{3,})$")
_TEMPLATE_MARKS = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
    "2019": (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "本年增/",
        "其他对外管理服务事项",
        "政府集中采购",
        "采购项目数",
        "本年新",
    ),
}
APPEAL_HEADER = re.compile(
    r"^(行政复议|行政诉讼|结果|维持|纠正|其他|尚未|审结|总计|未经复议|直接起诉|复议后起诉|[结果维持纠正其他尚未审总计])"
)


@dataclass
class RowRead:
    key: str
    line: int
    tokens: list[str] = field(default_factory=list)
    grid: bool = False


@dataclass
class Scan:
    rows: list[RowRead]
    first: int | None  # index of the first line that belongs to the table
    last: int | None
    cut: bool = False  # the document ends inside the last row: it may be truncated


Matcher = Callable[[str, str], "str | None"]


def scan_rows(lines: list[Line], start: int, end: int, match: Matcher, stop: Callable[[str], bool]) -> Scan:
    """Walk lines[start:end]: a label opens a row, value tokens fill it, any other text closes it."""
    rows: list[RowRead] = []
    current: RowRead | None = None
    context = ""
    for index in range(start, end):
        line = lines[index]
        if any(stop(compact(c)) for c in line.cells if not is_value_text(c)):
            current, end = None, -1
            break
        if line.grid:
            row, context = _grid_row(line, index, match, context)
            rows += [row] if row else []
            current = None
            continue
        for text in line.cells:
            if is_value_text(text):
                if current is not None:
                    current.tokens.append(text)
                continue
            label, tail = split_label_tail(compact(text))
            group = _group_header(label)
            key = None if group else match(label, context)
            if group:
                context, current = group, None
            elif key:
                current = RowRead(key, index, [tail] if tail else [])
                rows.append(current)
                context = form.ROW_GROUP.get(key.lstrip("?"), context)
            elif CJK.search(text):
                current = None
    first = rows[0].line if rows else None
    cut = current is not None and end == len(lines)
    return Scan(rows, first, rows[-1].line if rows else None, cut)


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
            context = form.ROW_GROUP.get(key.lstrip("?"), context)
    if found is None:
        return None, context
    position, key, tail = found
    return RowRead(
        key, index, ([tail] if tail else []) + list(line.cells[position + 1 :]), grid=True
    ), context


def _group_header(label: str) -> str | None:
    return next((name for name, pattern in GROUP_HEADERS if pattern.search(label)), None)


# ---- requests (三) ------------------------------------------------------------------------------

_REQUEST_PATTERNS = [(r.key, re.compile(r.pattern)) for r in form.REQUEST_ROWS]


def match_request_label(label: str, context: str) -> str | None:
    if len(label) > 70 or "。" in label:
        return None
    for key, pattern in _REQUEST_PATTERNS:
        if key == "total_processed":
            if re.match(r"^(\(七\)|七[、.])?总计$", label) and label != "总计":
                return key
            continue
        if pattern.search(label):
            return key
    enumerated = _ENUMERATED.match(label)
    items = _ITEMS.get(context)
    if enumerated and items and int(enumerated[1]) <= len(items):
        return "?" + items[int(enumerated[1]) - 1]
    return None


def read_requests(
    lines: list[Line], start: int, end: int
) -> tuple[Table | None, str | None, list[Problem], Scan]:
    scan = scan_rows(lines, start, end, match_request_label, _requests_stop)
    problems: list[Problem] = []
    if not scan.rows:
        return None, None, problems, scan
    rows = _resolve_other(scan.rows)
    table: Table = {}
    for i, row in enumerate(rows):
        key = row.key.lstrip("?")
        where = f"表三·{form.row_label('requests', key)}"
        if row.key.startswith("?"):
            problems.append(
                Problem(
                    "label.by_number",
                    Severity.INFO,
                    f"行标签不完整，按编号归入“{form.row_label('requests', key)}”",
                    where,
                )
            )
        if key in table:
            problems.append(Problem("row.duplicate", Severity.WARNING, "该行出现两次，只取第一次", where))
            continue
        reading = assign(
            row.tokens,
            len(form.REQUEST_COLUMNS),
            where=where,
            groups=(7,),
            exact=row.grid,
            truncated=scan.cut and i == len(rows) - 1,
        )
        table[key] = dict(zip(form.REQUEST_COLUMNS, reading.cells, strict=True))
        problems += reading.problems
    template = (
        "2021" if any(k in table for k in form.OTHER_ROWS_2021) else ("2019" if "other" in table else None)
    )
    return table, template, problems, scan


def _resolve_other(rows: list[RowRead]) -> list[RowRead]:
    """`(六)其他处理` is the 2019 single row when values follow it, else the 2021 group header."""
    out = []
    for i, row in enumerate(rows):
        nxt = rows[i + 1].key.lstrip("?") if i + 1 < len(rows) else ""
        if row.key == "other" and not any(row.tokens) and nxt in form.OTHER_ROWS_2021:
            continue
        out.append(row)
    return out


def _requests_stop(text: str) -> bool:
    return text in ("行政复议", "行政诉讼") or bool(re.match(r"^四[、.]?(政府信息公开)?行政复议", text))


# ---- active (二) --------------------------------------------------------------------------------


def detect_active_template(lines: list[Line], start: int, end: int) -> str | None:
    votes = {"2021": 0, "2019": 0}
    for line in lines[start:end]:
        for cell in line.cells:
            text = compact(cell)
            for template, marks in _TEMPLATE_MARKS.items():
                votes[template] += any(m in text if len(m) > 4 else text.startswith(m) for m in marks)
    if not any(votes.values()):
        return None
    return "2021" if votes["2021"] >= votes["2019"] else "2019"


def read_active(
    lines: list[Line], start: int, end: int
) -> tuple[Table | None, str | None, list[Problem], Scan]:
    template = detect_active_template(lines, start, end)
    specs = form.ACTIVE[template or "2021"]
    patterns = [(s.key, re.compile(s.pattern), len(s.label) + 6) for s in specs]

    def match(label: str, _context: str) -> str | None:
        return next((k for k, p, n in patterns if len(label) <= n and p.search(label)), None)

    scan = scan_rows(
        lines, start, end, match, lambda text: "勾稽关系" in text or text.startswith("一、本年新收")
    )
    problems: list[Problem] = []
    if not scan.rows:
        return None, template, problems, scan
    table: Table = {}
    by_key = {s.key: s for s in specs}
    for row in scan.rows:
        if row.key in table:
            continue
        columns = by_key[row.key].columns
        where = f"表二·{by_key[row.key].label}"
        reading = assign(
            row.tokens, len(columns), where=where, exact=row.grid, truncated=scan.cut and row is scan.rows[-1]
        )
        table[row.key] = dict(zip(columns, reading.cells, strict=True))
        problems += reading.problems
    problems += in_declared_units(table, template, lines[start:end])
    if template is None:
        problems.append(Problem("template.unknown", Severity.WARNING, "无法从表二的栏目判断模板版本", "表二"))
    return table, template, problems, scan


# ---- appeals (四) -------------------------------------------------------------------------------


def read_appeals(lines: list[Line], start: int, end: int) -> tuple[Table | None, list[Problem], Scan]:
    """The fifteen numbers after the appeals header, however they are laid out."""
    tokens: list[str] = []
    first = last = None
    closed = False  # the table ended: fifteen values, or text after them
    for index in range(start, end):
        for cell in lines[index].cells:
            text = compact(cell)
            if first is None:
                if text == "行政诉讼" or (text.startswith("行政复议") and len(text) <= 30):
                    first = last = index
            elif is_value_text(cell):
                tokens.append(cell)
                last = index if cell else last
            elif CJK.search(text) and not (APPEAL_HEADER.match(text) and not any(tokens)):
                closed = True
                break
        if closed or (first is not None and sum(1 for t in tokens if t) >= 15):
            closed = True
            break
    if first is None:
        return None, [], Scan([], None, None)
    cut = not closed and end == len(lines)
    reading = assign(tokens, 15, where="表四", groups=(5, 5, 5), truncated=cut)
    cells = iter(reading.cells)
    table: Table = {p: {r: next(cells) for r in form.APPEAL_RESULTS} for p in form.APPEAL_PROCEEDINGS}
    return table, reading.problems, Scan([], first, last)
