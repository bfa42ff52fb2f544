"""Lines -> the three fixed tables, mapped to canonical keys.

A table is read as a sequence of row labels, each followed by its value tokens, whatever the layout. Labels are
recognised by the patterns of form.py; a numbered item whose label is garbled (`2.其他法律行政止公开`) is
placed by its number inside the group it stands in, and said so.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import form_spec as form
from ..model import Problem, Severity, Table
from .amounts import in_declared_units
from .cells import assign
from .columns import cells_of, resolve_by_columns
from .fuzzy import closest
from .rows import RowRead, Scan, place_orphans, scan_rows
from .tokens import CJK, Line, compact, is_value_text, label_and_values

_ITEMS = {
    group: [r.key for r in form.REQUEST_ROWS if r.group == group and r.key != "other"]
    for group in ("denied", "unavailable", "rejected", "other")
}
_ENUMERATED = re.compile(r"^(\d)\.(.{3,})$")
_TOTAL = re.compile(r"^(\(七\)|七[、.])?总计$")
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


# ---- requests (三) ------------------------------------------------------------------------------

_REQUEST_PATTERNS = [(r.key, re.compile(r.pattern)) for r in form.REQUEST_ROWS]


@lru_cache(maxsize=1 << 15)
def match_request_label(label: str, context: str) -> str | None:
    if len(label) > 70 or "。" in label:
        return None
    for key, pattern in _REQUEST_PATTERNS:
        if key == "total_processed":
            if _TOTAL.match(label) and label != "总计":
                return key
            continue
        if pattern.search(label):
            return key
    enumerated = _ENUMERATED.match(label)
    items = _ITEMS.get(context)
    if enumerated and items and int(enumerated[1]) <= len(items):
        return "?" + items[int(enumerated[1]) - 1]
    near = closest(_NUMBERING.sub("", label), _REQUEST_LABELS)
    return "~" + near if near else None


_NUMBERING = re.compile(r"^(?:[一二三四五六七]、|\([一二三四五六七]\)|\d\.)")
_REQUEST_LABELS = tuple(
    (_NUMBERING.sub("", compact(r.label)), r.key)
    for r in form.REQUEST_ROWS
    if r.key not in ("other", "other_misc")
)


def _fuzzy_note(key: str, table: str, where: str) -> Problem:
    return Problem(
        "label.fuzzy",
        Severity.INFO,
        f"行标签与表格栏目“{form.row_label(table, key)}”相近（可能是识别或录入错误），按该栏目读取",
        where,
    )


def read_requests(
    lines: list[Line], start: int, end: int
) -> tuple[Table | None, str | None, list[Problem], Scan]:
    scan = scan_rows(lines, start, end, match_request_label, _requests_stop)
    problems: list[Problem] = []
    if not scan.rows:
        return None, None, problems, scan
    problems += place_orphans(scan, list(form.REQUEST_ROW_KEYS), "requests")
    rows = _resolve_other(scan.rows)
    table: Table = {}
    ambiguous: dict[str, list] = {}
    for i, row in enumerate(rows):
        key = row.key.lstrip("?~")
        where = f"表三·{form.row_label('requests', key)}"
        if row.key.startswith("~"):
            problems.append(_fuzzy_note(key, "requests", where))
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
            inline=row.inline,
            repeats=row.markdown,
        )
        table[key] = dict(zip(form.REQUEST_COLUMNS, reading.cells, strict=True))
        problems += reading.problems
        if reading.candidates:
            ambiguous[key] = reading.candidates
    problems = _resolve_ambiguous(table, ambiguous, problems)
    template = (
        "2021" if any(k in table for k in form.OTHER_ROWS_2021) else ("2019" if "other" in table else None)
    )
    return table, template, problems, scan


def _resolve_ambiguous(table: Table, ambiguous: dict[str, list], problems: list[Problem]) -> list[Problem]:
    """Rows whose run-together digits have several readings, decided by the column identities."""
    chosen = resolve_by_columns(table, ambiguous) if ambiguous else None
    if not chosen:
        return problems
    wheres = {f"表三·{form.row_label('requests', key)}": key for key in chosen}
    kept = [p for p in problems if not (p.code == "cells.unreadable" and p.where in wheres)]
    for where, key in wheres.items():
        raw = table[key]["total"].raw
        table[key] = dict(zip(form.REQUEST_COLUMNS, cells_of(chosen[key], raw), strict=True))
        values = " ".join("—" if v is None else str(v) for v in chosen[key])
        message = f"数字连在一起（{raw}），行内有多种拆分，按表三各列的勾稽关系唯一确定为 {values}"
        kept.append(Problem("cells.run_together", Severity.INFO, message, where))
    return kept


def _resolve_other(rows: list[RowRead]) -> list[RowRead]:
    """`(六)其他处理` is the 2019 single row when values follow it, else the 2021 group header."""
    out = []
    for i, row in enumerate(rows):
        nxt = rows[i + 1].key.lstrip("?~") if i + 1 < len(rows) else ""
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
            if cell:
                for template, vote in _template_votes(compact(cell)).items():
                    votes[template] += vote
    if not any(votes.values()):
        return None
    return "2021" if votes["2021"] >= votes["2019"] else "2019"


@lru_cache(maxsize=1 << 14)
def _template_votes(text: str) -> dict[str, int]:
    return {
        template: any(m in text if len(m) > 4 else text.startswith(m) for m in marks)
        for template, marks in _TEMPLATE_MARKS.items()
    }


_ACTIVE_LABELS = {t: tuple((compact(s.label), s.key) for s in specs) for t, specs in form.ACTIVE.items()}
_ACTIVE_PATTERNS = {
    t: [(s.key, re.compile(s.pattern), len(s.label) + 6) for s in specs] for t, specs in form.ACTIVE.items()
}


@lru_cache(maxsize=1 << 14)
def _match_active(label: str, template: str) -> str | None:
    found = next((k for k, p, n in _ACTIVE_PATTERNS[template] if len(label) <= n and p.search(label)), None)
    near = None if found else closest(label, _ACTIVE_LABELS[template])
    return found or ("~" + near if near else None)


def read_active(
    lines: list[Line], start: int, end: int
) -> tuple[Table | None, str | None, list[Problem], Scan]:
    template = detect_active_template(lines, start, end)
    specs = form.ACTIVE[template or "2021"]

    def match(label: str, _context: str) -> str | None:
        return _match_active(label, template or "2021")

    scan = scan_rows(
        lines, start, end, match, lambda text: "勾稽关系" in text or text.startswith("一、本年新收")
    )
    problems: list[Problem] = []
    if not scan.rows:
        return None, template, problems, scan
    problems += place_orphans(scan, [s.key for s in specs], "active")
    table: Table = {}
    by_key = {s.key: s for s in specs}
    for row in scan.rows:
        key = row.key.lstrip("~")
        if key in table:
            continue
        columns = by_key[key].columns
        where = f"表二·{by_key[key].label}"
        if row.key.startswith("~"):
            problems.append(_fuzzy_note(key, "active", where))
        reading = assign(
            row.tokens,
            len(columns),
            where=where,
            exact=row.grid,
            truncated=scan.cut and row is scan.rows[-1],
            inline=row.inline,
            repeats=row.markdown,
        )
        table[key] = dict(zip(columns, reading.cells, strict=True))
        problems += reading.problems
        if reading.candidates:
            scan.ambiguous[key] = reading.candidates
    problems += in_declared_units(table, template, lines[start:end])
    if template is None:
        problems.append(Problem("template.unknown", Severity.WARNING, "无法从表二的栏目判断模板版本", "表二"))
    return table, template, problems, scan


# ---- appeals (四) -------------------------------------------------------------------------------


def read_appeals(lines: list[Line], start: int, end: int) -> tuple[Table | None, list[Problem], Scan]:
    """The fifteen numbers after the appeals header, however they are laid out. Lines with no value (header
    rows with empty slots) add no blanks; values that all stand on one separated line keep their columns."""
    tokens: list[str] = []
    value_lines: dict[int, list[str]] = {}
    first = None
    closed = False  # the table ended: fifteen values, or text after them
    for index in range(start, end):
        found: list[str] = []
        header = False  # a header line's empty slots are no blank cells
        for cell in lines[index].cells:
            text = compact(cell)
            if first is None:
                if text == "行政诉讼" or (text.startswith("行政复议") and len(text) <= 30):
                    first = index
                continue
            if is_value_text(cell):
                found.append(cell)
                continue
            label, values = label_and_values(cell)
            if CJK.search(label) and not (APPEAL_HEADER.match(label) and not any(tokens)):
                closed = True
                break
            header = True
            found += values
        if any(found) or (found and not header):
            tokens += found
            if any(found):
                value_lines[index] = found
        if closed or (first is not None and sum(1 for t in tokens if t) >= 15):
            closed = True
            break
    if first is None:
        return None, [], Scan([], None, None)
    cut = not closed and end == len(lines)
    if len(value_lines) == 1:  # one separated line of values: its own slots are the columns
        ((index, found),) = value_lines.items()
        reading = assign(
            found, 15, where="表四", groups=(5, 5, 5), truncated=cut, exact=lines[index].grid, positional=True
        )
    else:
        reading = assign(tokens, 15, where="表四", groups=(5, 5, 5), truncated=cut)
    cells = iter(reading.cells)
    table: Table = {p: {r: next(cells) for r in form.APPEAL_RESULTS} for p in form.APPEAL_PROCEEDINGS}
    last = max(value_lines, default=first)
    return table, reading.problems, Scan([], first, last)
