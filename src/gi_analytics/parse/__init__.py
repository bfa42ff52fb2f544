"""Report parser: a Document (text blocks and grids) -> a typed Report with its problems.

Pure and total: whatever the input, it returns a Report; what it could not read or had to decide is listed in
`report.problems`, never guessed silently.
"""

from __future__ import annotations

import re

from .. import form_spec as form
from ..model import Problem, Report, Section, Severity
from ..readers import Document
from .identity import fill_from_prose, find_title
from .published import find_published, signature_lines
from .sections import Heading, find_headings, find_period
from .tables import Scan, read_active, read_appeals, read_requests
from .tokens import Line, compact, document_lines, line_text

__all__ = ["parse_document"]

_REQUESTS_MARK = re.compile(r"勾稽关系|^申请人情况$|^一[、.]本年新收")


def parse_document(doc: Document) -> Report:
    lines = document_lines(doc)
    found_headings, repeats = find_headings(lines)
    headings = {h.no: h.line for h in found_headings}
    report = Report(source=doc.name)
    problems = report.problems

    first_heading = min(headings.values(), default=len(lines))
    title = find_title(lines, max(first_heading, 12))
    title_line, report.unit_printed = title.line if title.unit else None, title.printed
    full_text = "\n".join(line_text(line) for line in lines)
    report.period = find_period(full_text)
    report.unit, report.year, found = fill_from_prose(title, full_text, report.period)
    problems.extend(found)
    report.published, found = find_published(lines, first_heading, report.year, doc.metadata)
    problems.extend(found)

    problems.extend(_fuzzy_headings(found_headings, lines))
    occupied = _read_tables(report, lines, headings)
    report.sections = _sections(lines, headings, occupied | repeats | signature_lines(lines), title_line)
    for spec in form.SECTIONS:
        if spec.no not in headings:
            problems.append(
                Problem(
                    "section.missing",
                    Severity.WARNING,
                    f"未找到第{spec.no}部分“{spec.title}”",
                    f"第{spec.no}部分",
                )
            )
    return report


def _fuzzy_headings(found: list[Heading], lines: list[Line]) -> list[Problem]:
    out = []
    for heading in (h for h in found if h.fuzzy):
        spec = form.SECTIONS[heading.no - 1]
        printed = compact(line_text(lines[heading.line]))
        message = f"标题“{printed}”与“{spec.title}”相近，按第{spec.no}部分读取"
        out.append(Problem("heading.fuzzy", Severity.INFO, message, f"第{spec.no}部分"))
    return out


def _read_tables(report: Report, lines: list[Line], headings: dict[int, int]) -> set[int]:
    """Reads the three tables into the report; returns the lines they occupy."""
    end = len(lines)
    after = {no: min([h for n, h in headings.items() if n > no], default=end) for no in range(1, 7)}
    requests_start = headings.get(3, _first_line(lines, _REQUESTS_MARK))
    active_start = headings.get(2, 0)
    active_end = requests_start if requests_start is not None else after[2]

    active, active_template, found, active_scan = read_active(lines, active_start, active_end)
    report.problems.extend(found)
    report.ambiguous.update({("active", key): readings for key, readings in active_scan.ambiguous.items()})
    requests, requests_template, found, requests_scan = (None, None, [], Scan([], None, None))
    if requests_start is not None:
        requests, requests_template, found, requests_scan = read_requests(lines, requests_start, after[3])
        report.problems.extend(found)
    appeals_start = headings.get(
        4, (requests_scan.last + 1) if requests_scan.last is not None else active_end
    )
    appeals, found, appeals_scan = read_appeals(lines, appeals_start, after[4] if 4 in headings else end)
    report.problems.extend(found)

    for name, table in (("active", active), ("requests", requests), ("appeals", appeals)):
        if table is None:
            report.problems.append(
                Problem("table.missing", Severity.WARNING, f"未找到表格“{form.TABLE_LABELS[name]}”", name)
            )
        else:
            report.tables[name] = table
    if requests is not None:
        _missing_rows(report, requests, requests_template)
    report.template = active_template or requests_template
    if active_template and requests_template and active_template != requests_template:
        report.problems.append(
            Problem(
                "template.mixed",
                Severity.WARNING,
                f"表二为 {active_template} 版模板，表三为 {requests_template} 版模板，按各表自身的栏目读取",
                "表三",
            )
        )
    occupied: set[int] = set()
    for scan in (active_scan, requests_scan, appeals_scan):
        if scan.first is not None:
            occupied.update(range(scan.first, scan.last + 1))
    return occupied


def _missing_rows(report: Report, table: dict, template: str | None) -> None:
    # without any (六) row the template is unknown: the single row stands for either
    absent = form.OTHER_ROWS_2021 if template in ("2019", None) else ("other",)
    expected = [r.key for r in form.REQUEST_ROWS if r.key not in absent]
    missing = [k for k in expected if k not in table]
    if missing:
        labels = "、".join(form.row_label("requests", k) for k in missing[:4])
        more = f"等 {len(missing)} 行" if len(missing) > 4 else ""
        report.problems.append(Problem("row.missing", Severity.WARNING, f"表三缺少：{labels}{more}", "表三"))


def _first_line(lines: list[Line], pattern: re.Pattern[str]) -> int | None:
    return next(
        (i for i, line in enumerate(lines) if any(pattern.search(compact(c)) for c in line.cells)), None
    )


def _sections(
    lines: list[Line], headings: dict[int, int], skip: set[int], title_line: int | None
) -> list[Section]:
    """Each heading's text up to the next heading, without table lines, repeated headings or the title."""
    title = compact(line_text(lines[title_line])) if title_line is not None else None
    ordered = sorted(headings.items(), key=lambda item: item[1])
    sections = []
    for i, (no, start) in enumerate(ordered):
        end = ordered[i + 1][1] if i + 1 < len(ordered) else len(lines)
        body = [_prose(lines[j]) for j in range(start + 1, end) if j not in skip]
        body = [t for t in body if t and compact(t) != title]
        if no in form.TABLE_SECTIONS:
            body = [t for t in body if "。" in t and "勾稽关系" not in t]
        sections.append(Section(no, _heading_title(lines[start]), "\n".join(body)))
    return sections


def _prose(line: Line) -> str:
    return " ".join(c for c in line.cells if c).strip()


def _heading_title(line: Line) -> str:
    return re.sub(r"^(?:[一二三四五六][、.,:]?|\([一二三四五六]\))", "", compact(line_text(line))).rstrip(
        "。:"
    )
