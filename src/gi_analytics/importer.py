"""Files and folders -> parsed reports -> one atomic store write, then the checks.

Each file is read and parsed on its own (in a process pool for big batches); a file that cannot be read, or
whose unit or year cannot be resolved, is recorded as failed with a Chinese reason and the batch goes on.
Unit and year come, in this order, from the --unit/--year flags, the units CSV, the report itself, and the
file name.
"""

from __future__ import annotations

import csv
import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

import duckdb

from . import store
from .checks import run_all
from .deadlines import is_government, is_valid_override, parse_override
from .figures import write_figures
from .ingest import ReadError
from .ingest.files import MAX_BYTES, SUPPORTED_SUFFIXES, read_bytes
from .model import Problem, Report, Severity
from .parse import parse_document
from .stockrule import with_stock_rule
from .store import FileOutcome, Outcome, ParsedFile
from .textcompare import compute_similarity
from .unitnames import KnownUnits, resolve

Progress = Callable[[int, int, str], None]  # (done, total, file name)
DEMO_REPORTS = Path(__file__).resolve().parents[2] / "data" / "reports"  # the bundled demo district
DEMO_UNITS = DEMO_REPORTS / "units.csv"
POOL_THRESHOLD = 40  # below this many files, parsing in-process is faster than starting a pool
MAX_UPLOAD_FILES = 500  # one upload batch; each file is also capped at ingest.files.MAX_BYTES


class IngestError(Exception):
    """The ingest cannot run at all (bad arguments, unreadable units CSV, damaged database)."""


@dataclass
class IngestResult:
    db_path: Path
    files: list[FileOutcome] = field(default_factory=list)
    changed: bool = False

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome == Outcome.FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed


# ---------------------------------------------------------------- unit and year


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
    if db_path is not None and Path(db_path).exists():
        try:
            with store.read_connection(db_path) as con:
                names |= set(store.load_units(con).name)
        except (store.StoreError, duckdb.Error):
            pass  # a damaged database is reported by the write that follows
    return KnownUnits.of(names, {a: r.unit for r in rows for a in r.aliases if a != r.unit})


@dataclass
class Resolver:
    """Decides each file's unit, district, kind and year."""

    unit: str | None = None
    year: int | None = None
    district: str | None = None
    rows: Sequence[UnitRow] = ()
    known: KnownUnits = field(default_factory=KnownUnits)

    def apply(self, item: ParsedFile) -> ParsedFile:
        if item.reason is not None:
            return item
        by_file = next((r for r in self.rows if r.file and _matches(r.file, item.source)), None)
        name_unit, name_year = unit_year_from_name(item.source)
        report = item.report
        given = self.unit or (by_file.unit if by_file else None)
        district, unit = split_district(normalize_unit(given)) if given else ("", None)
        if unit is None and report is not None:
            district, unit = self._from_report(report, name_unit)
        described = by_file or next((r for r in self.rows if not r.file and r.unit == unit), None)
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
        """The units CSV's deadline for this report: the unit's own, else its district's (which binds the
        district's townships, street offices and departments, not the government's own report)."""
        district = next((r for r in self.rows if not r.unit and r.district == item.district), None)
        if district is not None and is_government(item.unit or "", item.kind):
            district = None
        text = (described.deadline if described else "") or (district.deadline if district else "")
        return parse_override(text, item.year) if text and item.year else None

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


def read_and_parse(name: str, data: bytes | None = None, path: str | None = None) -> ParsedFile:
    """Read one file (from `data`, or from `path` on disk) and parse it. Never raises."""
    try:
        if data is None:
            data = _read_file(Path(path or name))
        item = ParsedFile(source=name, content_hash=hashlib.sha256(data).hexdigest(), data=data)
        document = read_bytes(data, name)
        item.format = document.format
        item.report = parse_document(document)
    except ReadError as exc:
        return _failed_item(name, data, str(exc))
    except Exception as exc:  # a bug in a reader or the parser must not stop the batch
        return _failed_item(name, data, f"解析出错（{type(exc).__name__}: {exc}）")
    return item


def _read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(f"文件过大：{size / 2**20:.1f} MB（上限 {MAX_BYTES / 2**20:.0f} MB）")
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError("文件不存在") from None
    except PermissionError:
        raise ReadError("没有读取权限") from None
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from None


def _failed_item(name: str, data: bytes | None, reason: str) -> ParsedFile:
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
    return ParsedFile(source=name, content_hash=digest, reason=reason)


def _parse_task(task: tuple[str, str, bool]) -> ParsedFile:
    name, path, keep_data = task
    item = read_and_parse(name, path=path)
    if not keep_data:
        item.data = None  # saves sending the bytes back from a worker
    return item.slim()


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, and every supported file under each folder (recursively), in a stable order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            out.extend(sorted(found))
        else:
            out.append(path)
    return out


def _display_name(path: Path, roots: Sequence[Path]) -> str:
    """The file name as received: relative to the folder given, or the name of a file given directly."""
    for root in roots:
        if root.is_dir() and path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.name


@contextmanager
def _parsers(workers: int | None, count: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for a big batch, started now, before the database is opened for writing (a forked
    child must not inherit an open database). A small batch is parsed in this process."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or count < POOL_THRESHOLD:
        yield None
        return
    # forked explicitly (Python 3.14 defaults to forkserver, which re-imports the caller's main script: app.py)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pool.submit(int).result()  # a fork-started pool starts all its workers with its first task
        yield pool


def _parse_all(
    tasks: list[tuple[str, str, bool]], progress: Progress | None, pool: ProcessPoolExecutor | None
) -> Iterator[ParsedFile]:
    """Parsed files in order, as they are parsed: the store writes them as they come, so a province-sized
    batch never sits in memory whole."""
    if pool is None:
        return _reported(map(_parse_task, tasks), len(tasks), progress)
    chunk = max(1, min(64, len(tasks) // (8 * (os.cpu_count() or 1))))
    return _reported(pool.map(_parse_task, tasks, chunksize=chunk), len(tasks), progress)


def _reported(items: Iterable[ParsedFile], total: int, progress: Progress | None) -> Iterator[ParsedFile]:
    for n, item in enumerate(items, start=1):
        if progress is not None:
            progress(n, total, item.source)
        yield item


# ---------------------------------------------------------------- public entry points


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    db_path: str | os.PathLike[str],
    *,
    district: str | None = None,
    unit: str | None = None,
    year: int | None = None,
    units_csv: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    keep_originals: bool = True,
    rebuild: bool = False,
) -> IngestResult:
    """Ingest files and folders into the database at `db_path` in one atomic write."""
    roots = [Path(p) for p in paths]
    resolver = _resolver(unit, year, district, units_csv)
    files = expand_paths(roots)
    tasks = [(_display_name(p, roots), str(p), keep_originals) for p in files]
    with _parsers(workers, len(tasks)) as pool:
        return _store(_parse_all(tasks, progress, pool), resolver, db_path, keep_originals, rebuild)


def ingest_bytes(
    items: Sequence[tuple[str, bytes]],
    db_path: str | os.PathLike[str],
    *,
    district: str | None = None,
    unit: str | None = None,
    year: int | None = None,
    units_csv: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    keep_originals: bool = True,
) -> IngestResult:
    """Ingest uploaded files (name, bytes) in one atomic write, parsing in this process."""
    if len(items) > MAX_UPLOAD_FILES:
        raise IngestError(f"一次最多上传 {MAX_UPLOAD_FILES} 个文件（本次 {len(items)} 个），请分批上传")
    resolver = _resolver(unit, year, district, units_csv)
    parsed = []
    for n, (name, data) in enumerate(items, start=1):
        parsed.append(read_and_parse(name, data=data))
        if progress is not None:
            progress(n, len(items), name)
    return _store(parsed, resolver, db_path, keep_originals, False)


def _resolver(
    unit: str | None, year: int | None, district: str | None, units_csv: str | os.PathLike[str] | None
) -> Resolver:
    rows = load_units_csv(Path(units_csv)) if units_csv else ()
    return Resolver(normalize_unit(unit) if unit else None, year, district, rows, known_units(rows))


def _derive(con: duckdb.DuckDBPyConnection) -> None:
    """What is recomputed over the whole database inside every ingest's write, before the swap."""
    run_all(con)
    compute_similarity(con)
    write_figures(con)  # the dashboard's per-report figures, from the cells and findings just written


def _store(
    parsed: Iterable[ParsedFile],
    resolver: Resolver,
    db_path: str | os.PathLike[str],
    keep: bool,
    rebuild: bool,
) -> IngestResult:
    if not rebuild:  # the names already stored count as known (read after the parse workers started)
        resolver.known = known_units(resolver.rows, db_path)
    resolved = with_stock_rule((resolver.apply(item) for item in parsed), db_path)
    try:
        batch = store.write_batch(
            db_path, resolved, keep_originals=keep, after_write=_derive, rebuild=rebuild
        )
    except store.StoreError as exc:
        raise IngestError(str(exc)) from None
    return IngestResult(Path(db_path), batch.files, batch.changed)
