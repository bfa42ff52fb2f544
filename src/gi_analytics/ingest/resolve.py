"""Which unit, district, kind and year each file is: the units CSV (aliases, file patterns, deadlines), the
names already in the database, the report's title, the file name — checked, never guessed silently."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from ..deadlines import is_government, is_valid_override, parse_override
from ..model import Problem, Report, Severity
from ..store import read as store_read
from ..store.records import ParsedFile
from .unitnames import KnownUnits, resolve


class IngestError(Exception):
    """The ingest cannot run at all (bad arguments, unreadable units CSV, damaged database)."""


_YEAR = re.compile(r"(?<!\d)(20[0-9]{2})(?!\d)")
_NAME_NOISE = re.compile(r"[\s_\-—–·.()（）【】\[\]]+")
_DISTRICT_PREFIX = re.compile(r"^(?P<district>.+?[区县市])(?P<unit>[^区县市]{2,}?(?:镇|乡|街道))$")
_REPORT_TITLE = re.compile(r"(?:度)?政府信息公开.*$|(?:工作)?年度报告.*$")


def normalize_unit(name: str) -> str:
    """The form units are stored under: no spaces, no trailing 人民政府, 街道办事处 -> 街道."""
    name = re.sub(r"\s+", "", name)
    name = re.sub(r"人民政府$", "", name)
    return re.sub(r"街道办事处$", "街道", name)


def unit_kind(name: str) -> str:
    for suffix, kind in (("街道办事处", "街道"), ("街道", "街道"), ("镇", "镇"), ("乡", "乡")):
        if name.endswith(suffix):
            return kind
    return "部门"


def split_district(name: str) -> tuple[str, str]:
    """'平桥区平昌关镇' -> ('平桥区', '平昌关镇'); names without such a prefix are left whole with ''."""
    match = _DISTRICT_PREFIX.match(name)
    if match and unit_kind(match["unit"]) != "部门":
        return re.sub(r"^.*?[市](?=.+[区县])", "", match["district"]), match["unit"]
    return "", name


def unit_year_from_name(file_name: str) -> tuple[str | None, int | None]:
    """'平昌关镇_2021.txt' or '平昌关镇2021年政府信息公开工作年度报告.pdf' -> ('平昌关镇', 2021)."""
    stem = Path(file_name).stem
    match = _YEAR.search(stem)
    if not match:
        return None, None
    before = _NAME_NOISE.sub("", stem[: match.start()])
    after = _NAME_NOISE.sub("", _REPORT_TITLE.sub("", stem[match.end() :].lstrip("年")))
    unit = before or after
    if not re.search(r"[\u4e00-\u9fff]", unit):
        unit = ""
    return (normalize_unit(unit) or None), int(match[1])


@dataclass(frozen=True)
class UnitRow:
    file: str  # glob on the file name, or "" for a row that only describes a unit
    unit: str
    district: str = ""
    kind: str = ""
    year: int | None = None
    aliases: tuple[str, ...] = ()  # other names the unit is printed under (`上海市科委`)
    deadline: str = ""  # `MM-DD` or a date; a row with a district and no unit sets the district's


_CSV_ALIASES = {
    "file": ("file", "pattern", "文件", "文件名"),
    "unit": ("unit", "name", "单位", "单位名称"),
    "alias": ("alias", "aliases", "别名", "简称"),
    "district": ("district", "区县", "辖区", "区"),
    "kind": ("kind", "类型", "单位类型"),
    "year": ("year", "年度", "年份"),
    "deadline": ("deadline", "截止日期", "发布期限"),
}


def load_units_csv(path: Path) -> list[UnitRow]:
    """Read a units CSV (UTF-8, with or without BOM): columns file/pattern, unit, alias, district, kind, year.
    `alias` holds other names of the unit, separated by `;` or `、` (`上海市科委;市科委`)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise IngestError(f"无法读取单位表 {path}：{exc}") from None
    return [_unit_row(row, path, n) for n, row in enumerate(rows, start=2)]


def _unit_row(row: dict[str, str | None], path: Path, line: int) -> UnitRow:
    def get(key: str) -> str:
        return next(((row.get(a) or "").strip() for a in _CSV_ALIASES[key] if row.get(a)), "")

    unit, year, deadline = normalize_unit(get("unit")), get("year"), get("deadline")
    if deadline and not is_valid_override(deadline):
        raise IngestError(f"单位表 {path} 第 {line} 行的截止日期无法识别：{deadline}（应为 MM-DD 或 YYYY-MM-DD）")
    if not unit and deadline and get("district"):
        return UnitRow("", "", get("district"), deadline=deadline)  # the district's own deadline
    if not unit:
        raise IngestError(f"单位表 {path} 第 {line} 行没有单位名称（列名 unit 或 单位）")
    if year and not year.isdigit():
        raise IngestError(f"单位表 {path} 第 {line} 行的年度不是数字：{year}")
    aliases = tuple(normalize_unit(a) for a in re.split(r"[;；、|]", get("alias")) if a.strip())
    return UnitRow(get("file"), unit, get("district"), get("kind"), int(year) if year else None, aliases, deadline)


def known_units(rows: Sequence[UnitRow], db_path: str | os.PathLike[str] | None = None) -> KnownUnits:
    """The unit names of the units CSV (with their aliases) and of the database at `db_path`, if any."""
    names = {r.unit for r in rows if r.unit}
    if db_path is not None:
        names |= store_read.if_readable(db_path, lambda con: set(store_read.load_units(con).name), set())
    return KnownUnits.of(names, {a: r.unit for r in rows for a in r.aliases if a != r.unit})


@dataclass
class Resolver:
    """Decides each file's unit, district, kind and year."""

    unit: str | None = None
    year: int | None = None
    district: str | None = None
    rows: Sequence[UnitRow] = ()
    known: KnownUnits = field(default_factory=KnownUnits)

    def __post_init__(self) -> None:
        """Look-ups of the units CSV by unit and district (first row wins, as a scan of the rows would find):
        a national CSV has 40,000 rows, and scanning them for each of 280,000 files took hours."""
        self._by_file = [r for r in self.rows if r.file]
        self._by_unit: dict[str, UnitRow] = {}
        self._by_district: dict[str, UnitRow] = {}
        for r in self.rows:
            if not r.file and r.unit:
                self._by_unit.setdefault(r.unit, r)
            if not r.unit:
                self._by_district.setdefault(r.district, r)

    def apply(self, item: ParsedFile) -> ParsedFile:
        if item.reason is not None:
            return item
        by_file = next((r for r in self._by_file if _matches(r.file, item.source)), None)
        name_unit, name_year = unit_year_from_name(item.source)
        report = item.report
        given = self.unit or (by_file.unit if by_file else None)
        district, unit = split_district(normalize_unit(given)) if given else ("", None)
        if unit is None and report is not None:
            district, unit = self._from_report(report, name_unit)
        described = by_file or (self._by_unit.get(unit) if unit else None)
        item.unit = unit
        item.year = self.year or (by_file.year if by_file else None) or (report.year if report else None)
        if item.year is None and name_year is not None and report is not None:
            message = f"报告中没有年度，按文件名取 {name_year} 年"
            report.problems.append(Problem("year.from_file_name", Severity.INFO, message, "文件名"))
        item.year = item.year or name_year
        item.district = self.district or (described.district if described else "") or district
        item.kind = (described.kind if described else "") or (unit_kind(unit) if unit else None)
        item.reason = _unresolved(item)
        item.deadline = self._deadline(described, item)
        return item

    def _deadline(self, described: UnitRow | None, item: ParsedFile) -> date | None:
        """The units CSV's deadline for this report (its district's rule looked up, not scanned for)."""
        rule = self._by_district.get(item.district or "")
        return deadline_of(described, rule, item.unit or "", item.kind, item.year)

    def _from_report(self, report: Report, name_unit: str | None) -> tuple[str, str | None]:
        """(district, unit) from the report's title, checked against the known names; else the file name."""
        if report.unit:
            district, unit = split_district(normalize_unit(report.unit))
            unit, found = resolve(unit, self.known)
            report.problems.extend(found)
            return district, unit
        printed = normalize_unit(report.unit_printed or "")
        if printed and (printed in self.known.names or printed in self.known.aliases):
            unit, found = resolve(printed, self.known)
            message = f"标题中的“{report.unit_printed}”虽不像单位名称，但是已知单位，按“{unit}”入库"
            report.problems.extend([Problem("unit.known", Severity.INFO, message, "标题"), *found])
            return "", unit
        if name_unit:
            unit, found = resolve(name_unit, self.known, "文件名")
            message = f"报告中没有可用的单位名称，按文件名取“{unit}”"
            report.problems.extend([Problem("unit.from_file_name", Severity.INFO, message, "文件名"), *found])
            return split_district(unit)
        return "", None


def csv_deadline(rows: Sequence[UnitRow], described: UnitRow | None, unit: str, district: str,
                 kind: str | None, year: int | None) -> date | None:
    """The units CSV's deadline for a report: the unit's own, else its district's (which binds the district's
    townships, street offices and departments, not the government's own report)."""
    rule = next((r for r in rows if not r.unit and r.district == district), None)
    return deadline_of(described, rule, unit, kind, year)


def deadline_of(described: UnitRow | None, rule: UnitRow | None, unit: str, kind: str | None,
                year: int | None) -> date | None:
    """The unit's own deadline, else its district's `rule` (not for a government's own report)."""
    if rule is not None and is_government(unit, kind):
        rule = None
    text = (described.deadline if described else "") or (rule.deadline if rule else "")
    return parse_override(text, year) if text and year else None


def describe(rows: Sequence[UnitRow], unit: str) -> UnitRow | None:
    """The units CSV's row describing `unit` (one without a file pattern first)."""
    named = [r for r in rows if r.unit == unit]
    return next((r for r in named if not r.file), named[0] if named else None)


def _matches(pattern: str, source: str) -> bool:
    return source == pattern or fnmatch(source, pattern) or fnmatch(Path(source).name, pattern)


def _unresolved(item: ParsedFile) -> str | None:
    missing = [what for what, value in (("单位", item.unit), ("年度", item.year)) if not value]
    if not missing:
        return None
    printed = item.report.unit_printed if item.report is not None and not item.unit else None
    seen = f"（标题中的“{printed}”不像单位名称，也不在单位表或数据库中）" if printed else ""
    return f"无法确定{'和'.join(missing)}{seen}：请用 --unit/--year 或单位表指定"


# ---------------------------------------------------------------- reading and parsing one file


def make_resolver(
    unit: str | None, year: int | None, district: str | None, units_csv: str | os.PathLike[str] | None
) -> Resolver:
    rows = load_units_csv(Path(units_csv)) if units_csv else ()
    return Resolver(normalize_unit(unit) if unit else None, year, district, rows, known_units(rows))
