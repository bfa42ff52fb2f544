"""Files and folders -> parsed reports -> one atomic store write, then the checks.

Each file is read and parsed on its own (in a process pool for big batches); a file that cannot be read, or
whose unit or year cannot be resolved, is recorded as failed with a Chinese reason and the batch goes on.
Unit and year come, in this order, from the --unit/--year flags, the units CSV, the report itself, and the
file name.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..parse import parse_document
from ..readers import ReadError
from ..readers.files import SUPPORTED_SUFFIXES, read_bytes, read_regular
from ..store import write as store
from ..store.records import FileOutcome, Outcome, ParsedFile, StoreError
from .derive import derive
from .resolve import IngestError, Resolver, known_units, make_resolver
from .stock import with_stock_rule

Progress = Callable[[int, int, str], None]  # (done, total, file name)
DEMO_REPORTS = Path(__file__).resolve().parents[3] / "data" / "reports"  # the bundled demo district
DEMO_UNITS = DEMO_REPORTS / "units.csv"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
POOL_THRESHOLD = 40  # below this many files, parsing in-process is faster than starting a pool
PARSE_SECONDS = 60.0  # per file; the slowest real report parses in ~2 s
MAX_UPLOAD_FILES = 500  # one upload batch; each file is also capped at ingest.files.MAX_BYTES


@dataclass
class IngestResult:
    db_path: Path
    files: list[FileOutcome] = field(default_factory=list)
    changed: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (folder or link, Chinese reason), not read

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome == Outcome.FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed


# ---------------------------------------------------------------- unit and year


def read_and_parse(name: str, data: bytes | None = None, path: str | None = None) -> ParsedFile:
    """Read one file (from `data`, or from `path` on disk) and parse it. Never raises."""
    try:
        if data is None:
            data = read_regular(Path(path or name))
        item = ParsedFile(source=name, content_hash=hashlib.sha256(data).hexdigest(), data=data)
        document = read_bytes(data, name)
        item.format = document.format
        item.report = parse_document(document)
    except ReadError as exc:
        return _failed_item(name, data, str(exc))
    except Exception as exc:  # a bug in a reader or the parser must not stop the batch
        return _failed_item(name, data, f"解析出错（{type(exc).__name__}: {exc}）")
    return item


def _failed_item(name: str, data: bytes | None, reason: str) -> ParsedFile:
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
    return ParsedFile(source=name, content_hash=digest, reason=reason)


class _OverBudget(BaseException):  # not an Exception: read_and_parse's catch-all must let it through
    pass


def _over_budget(signum: int, frame: object) -> None:
    raise _OverBudget


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """SIGALRM after `seconds` (main thread only: a pool worker, the CLI); elsewhere no limit is set."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _over_budget)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _parse_within_budget(name: str, path: str) -> ParsedFile:
    try:
        with _time_budget(PARSE_SECONDS):
            return read_and_parse(name, path=path)
    except _OverBudget:
        return _failed_item(name, None, f"解析超过 {PARSE_SECONDS:g} 秒的时限，已跳过：{name}")


def _parse_task(task: tuple[str, str, bool]) -> ParsedFile:
    name, path, keep_data = task
    item = _parse_within_budget(name, path)
    if not keep_data:
        item.data = None  # saves sending the bytes back from a worker
    return item.slim()


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, and every supported file under each folder (recursively), in a stable order."""
    return scan_paths(paths)[0]


def scan_paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(files, skipped): the files to read, and the folders and links under the folders given that could not
    be followed, each with a Chinese reason (an unreadable folder, a link to nothing, a FIFO named .txt)."""
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(_scan_folder(path, skipped)) if path.is_dir() else [path])
    return files, skipped


def _scan_folder(root: Path, skipped: list[tuple[Path, str]]) -> Iterator[Path]:
    def unreadable(exc: OSError) -> None:
        skipped.append((Path(exc.filename), f"无法打开文件夹：{exc.strerror or exc}"))

    for folder, _dirs, names in os.walk(root, onerror=unreadable):
        for entry in (Path(folder) / name for name in names):
            if entry.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if entry.is_file():
                yield entry
            elif entry.is_symlink() and not entry.exists():
                skipped.append((entry, "链接指向的文件不存在"))
            else:
                skipped.append((entry, "不是普通文件"))


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
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, context, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        pool.submit(int).result()  # a fork-started pool starts all its workers with its first task
        yield pool


def _die_with_parent(parent: int) -> None:
    """In each worker: be killed when the ingest dies, SIGKILL included (Linux PR_SET_PDEATHSIG; elsewhere a
    thread polls the parent). Without this a killed ingest left its workers parsing for ever."""
    if not _set_parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the ingest died before the signal was set
        os._exit(1)


def _set_parent_death_signal() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


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
    if rebuild:
        _only_folders(roots)
    resolver = make_resolver(unit, year, district, units_csv)
    files, skipped = scan_paths(roots)
    tasks = [(_display_name(p, roots), str(p), keep_originals) for p in files]
    with _parsers(workers, len(tasks)) as pool:
        result = _store(_parse_all(tasks, progress, pool), resolver, db_path, keep_originals, rebuild)
    result.skipped = [(_display_name(p, roots), reason) for p, reason in skipped]
    return result


def _only_folders(roots: Sequence[Path]) -> None:
    """A rebuild starts from every report: refuse single files (a rebuild from one file kept one report)."""
    files = [p for p in roots if not p.is_dir()]
    if files or not roots:
        named = "、".join(str(p) for p in files) or "（未给出）"
        raise IngestError(f"重建数据库只能从报告文件夹开始（gi-analytics ingest --rebuild 报告文件夹），"
                          f"不是文件夹：{named}")


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
    resolver = make_resolver(unit, year, district, units_csv)
    parsed = []
    for n, (name, data) in enumerate(items, start=1):
        parsed.append(read_and_parse(name, data=data))
        if progress is not None:
            progress(n, len(items), name)
    return _store(parsed, resolver, db_path, keep_originals, False)


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
            db_path, resolved, keep_originals=keep, after_write=derive, rebuild=rebuild
        )
    except StoreError as exc:
        raise IngestError(str(exc)) from None
    return IngestResult(Path(db_path), batch.files, batch.changed)
