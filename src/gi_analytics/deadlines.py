"""When an annual report is due (条例第四十九条): pure functions, no database.

Townships, street offices and departments publish by 31 January of the next year; the disclosure office of a
county-level or higher government publishes that government's own report by 31 March. A units CSV may
override either per district or per unit with `MM-DD` (of the year after the report's) or a full date.
"""

from __future__ import annotations

import re
from datetime import date

TOWNSHIP_DEADLINE = (1, 31)
GOVERNMENT_DEADLINE = (3, 31)
GOVERNMENT_KINDS = frozenset({"人民政府", "政府", "县政府", "区政府", "市政府", "县级政府"})
# the government itself: a name that is a county, district, city, banner or prefecture, once 人民政府 is cut
_GOVERNMENT = re.compile(r"^\S{1,12}?(?:县|区|市|旗|自治州|州|盟)$")
# areas named like districts that are not governments (management committees, parks, residential communities)
_NOT_GOVERNMENT = re.compile(r"(?:开发区|园区|社区|景区|示范区|试验区|实验区|管理区|保税区|工业区|合作区)$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/月.](\d{1,2})日?$")


def is_government(name: str, kind: str | None = None) -> bool:
    """True for a county-level or higher government's own report: `平桥区`, `信阳市人民政府`, or kind 人民政府."""
    if kind and kind.strip() in GOVERNMENT_KINDS:
        return True
    if kind and kind.strip() in ("镇", "乡", "街道"):
        return False
    bare = re.sub(r"\s+", "", name or "")
    bare = re.sub(r"人民政府$", "", bare)
    return bool(_GOVERNMENT.match(bare)) and not _NOT_GOVERNMENT.search(bare)


def parse_override(text: str | None, year: int) -> date | None:
    """A deadline written in a units CSV, for the report of `year`: `03-31` or `3月31日` falls in year + 1, a
    full date (`2024-02-29`) stands as written. None when empty or not a date."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        pass
    match = _MONTH_DAY.match(text)
    if not match:
        return None
    try:
        return date(year + 1, int(match[1]), int(match[2]))
    except ValueError:
        return None


def is_valid_override(text: str) -> bool:
    """Whether a units CSV `deadline` cell can be read (checked with a leap year, so 02-29 passes)."""
    return parse_override(text, 2023) is not None


def default_deadline(year: int, name: str, kind: str | None = None) -> date:
    """The deadline the 条例 sets for the report of `year` of the unit `name` of `kind`."""
    month, day = GOVERNMENT_DEADLINE if is_government(name, kind) else TOWNSHIP_DEADLINE
    return date(year + 1, month, day)


def deadline(year: int, name: str, kind: str | None = None, override: date | None = None) -> date:
    """The deadline that applies: the override where the units CSV gives one, else the 条例's."""
    return override or default_deadline(year, name, kind)


def deadline_label(year: int, name: str, kind: str | None, override: date | None) -> str:
    """Where the deadline comes from, in Chinese, for a finding's message."""
    if override is not None:
        return "单位表规定"
    return "县级以上人民政府本级报告" if is_government(name, kind) else "乡镇、街道和部门报告"
