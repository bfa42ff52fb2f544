"""Lines -> the six sections, the title (unit and year) and the statistics period."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..form import SECTIONS
from ..model import Period
from .fuzzy import closest
from .tokens import Line, compact, line_text

_NUMERALS = "一二三四五六"
_HEADING = {
    spec.no: re.compile(
        rf"^(?:{_NUMERALS[spec.no - 1]}[、.,:]?|\({_NUMERALS[spec.no - 1]}\))?{spec.pattern}[。:]?$"
    )
    for spec in SECTIONS
}
_TITLE = re.compile(r"^(?P<unit>.*?)(?P<year>20\d\d)?年?度?(?:政府信息公开|政务公开).{0,6}(?:年度)?报告$")
_UNIT_TAIL = re.compile(r"^(?:.*[省市区县旗])?(?P<unit>[^省市区县旗]{2,12}?(?:街道办事处|街道|镇|乡))$")
_PERIOD = re.compile(
    r"统计期限.{0,6}?(?P<y1>20\d\d)年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日?[起]?"
    r"(?:至|到|—|-|~)(?:(?P<y2>20\d\d)年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日?"
)


_USUAL_TITLES = tuple((spec.title, spec.no) for spec in SECTIONS)


@dataclass(frozen=True)
class Heading:
    no: int
    line: int  # index into the lines
    fuzzy: bool = False  # matched within a small edit distance of the usual heading (OCR, typos)


def find_headings(lines: list[Line]) -> tuple[list[Heading], set[int]]:
    """Section headings in order, and the lines that repeat an earlier heading (a title printed twice)."""
    found: list[Heading] = []
    repeats: set[int] = set()
    for index, line in enumerate(lines):
        text = compact(line_text(line))
        if not text or len(text) > 40:
            continue
        no = next((no for no, pattern in _HEADING.items() if pattern.match(text)), None)
        fuzzy = no is None
        no = no or (_near_heading(text) if text[0] in _NUMERALS else 0)
        if not no:
            continue
        if not found or no > found[-1].no:
            found.append(Heading(no, index, fuzzy))
        else:
            repeats.add(index)
    return found, repeats


def _near_heading(text: str) -> int:
    """`二、主动公开政府信悤情况`: the section whose usual heading is within a small edit distance, numbered alike."""
    if len(text) < 3 or text[0] not in _NUMERALS or text[1] not in "、.,:":
        return 0
    no = closest(text[2:].rstrip("。:"), _USUAL_TITLES)
    return no if no == _NUMERALS.index(text[0]) + 1 else 0


def find_title(lines: list[Line], limit: int) -> tuple[str | None, int | None, int | None]:
    """(unit, year, line index) from the report's title among the first `limit` lines."""
    for index, line in enumerate(lines[:limit]):
        text = compact(line_text(line))
        if len(text) > 60:
            continue
        match = _TITLE.match(text)
        if match:
            year = int(match["year"]) if match["year"] else None
            unit = match["unit"]
            if not unit and index > 0:  # the unit printed on the line above: `淮安市人民政府` / `2024年…报告`
                above = compact(line_text(lines[index - 1]))
                unit = above if 0 < len(above) <= 20 and not re.search(r"[。,:]", above) else ""
            return unit_name(unit), year, index
    return None, None, None


def unit_name(text: str) -> str | None:
    """The reporting unit from the title's prefix: `武清区泗村店镇` -> `泗村店镇`; `淮安市人民政府` stays."""
    text = text.strip("《》\"' ")
    if not text:
        return None
    match = _UNIT_TAIL.match(text)
    return match["unit"] if match else text


def find_period(text: str) -> Period | None:
    match = _PERIOD.search(re.sub(r"\s+", "", text))
    if not match:
        return None
    y1, y2 = int(match["y1"]), int(match["y2"] or match["y1"])
    try:
        start = f"{y1:04d}-{int(match['m1']):02d}-{int(match['d1']):02d}"
        end = f"{y2:04d}-{int(match['m2']):02d}-{int(match['d2']):02d}"
    except ValueError:
        return None
    return Period(start, end)
