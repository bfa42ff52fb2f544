"""Lines -> the six sections and the statistics period (the title is read in identity.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..form_spec import SECTIONS
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
