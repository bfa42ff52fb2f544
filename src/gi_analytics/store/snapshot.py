"""One version of the database per page run.

The file only ever changes by a swap (`os.replace` of a finished copy: a new inode), so (inode, mtime, size)
names a version without opening the file. Inside `pinned()` (one page run, one thread), the first use of a
database pins its version; every later `version()` of the run returns it, and every `read_connection` of the
run reads through one connection attached to that very file, even after an ingest swapped in a newer one
(an open DuckDB file keeps reading the inode it opened). If the file was swapped between the pin and the first
query that needed the connection, `VersionChanged` is raised: the page starts again on the new version instead
of mixing two.

Outside `pinned()` (command line, tests of the store) nothing is pinned and each connection is its own.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .records import StoreError

MISSING = "missing"


class VersionChanged(StoreError):
    """The database changed after this run pinned its version: run the page again."""


@dataclass
class Pin:
    key: str
    con: Any = None  # the run's one read-only connection, attached on the first cache miss


class _Pins(threading.local):
    def __init__(self) -> None:
        self.active = False
        self.by_path: dict[str, Pin] = {}
        self.memo: dict[object, Any] = {}


_PINS = _Pins()


def _real(path: str | os.PathLike[str]) -> str:
    return once(("realpath", str(path)), lambda: os.path.realpath(path))


def once(key: object, compute: Callable[[], Any]) -> Any:
    """`compute()` once per page run for `key` (every call outside `pinned()`): what a run asks many times and
    that may change between runs — the data folder's listing, the roles file, a path's real name."""
    if not _PINS.active:
        return compute()
    if key not in _PINS.memo:
        _PINS.memo[key] = compute()
    return _PINS.memo[key]


def file_version(path: str | os.PathLike[str]) -> str:
    """The version of the file at `path` now, from its metadata only."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return MISSING
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def version(path: str | os.PathLike[str]) -> str:
    """The database's version: pinned for the rest of the run on first use inside `pinned()`."""
    if not _PINS.active:
        return file_version(path)
    return _pin(path).key


def _pin(path: str | os.PathLike[str]) -> Pin:
    real = _real(path)
    if real not in _PINS.by_path:
        _PINS.by_path[real] = Pin(file_version(real))
    return _PINS.by_path[real]


def pinned_pin(path: str | os.PathLike[str]) -> Pin | None:
    """This run's pin of `path` (pinned now if it was not), or None outside `pinned()`."""
    return _pin(path) if _PINS.active else None


def check_attached(pin: Pin, path: str | os.PathLike[str], before: str) -> None:
    """After attaching: the file did not change around the attach and is still the pinned version."""
    now = file_version(_real(path))
    if before != now or now != pin.key:
        raise VersionChanged(f"数据库已更新：{path}，正在按新版本重新显示")


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """Pin one version per database for the duration of a page run (this thread); close its connections."""
    if _PINS.active:  # nested: the outer run's pins hold
        yield
        return
    _PINS.active, _PINS.by_path, _PINS.memo = True, {}, {}
    try:
        yield
    finally:
        for pin in _PINS.by_path.values():
            if pin.con is not None:
                with contextlib.suppress(Exception):
                    pin.con.close()
        _PINS.active, _PINS.by_path, _PINS.memo = False, {}, {}
