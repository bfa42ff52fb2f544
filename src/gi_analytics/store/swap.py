"""The database file on disk: its real path, the space a write needs, the swap that keeps its mode and owner,
and numbered backups for a rebuild.

A rebuild never destroys: the finished new database is first renamed to `<db>.rebuilt` (complete and
checked), then the old file is hard-linked as `<db>.bak1` (`.bak2`, … — never over an existing one; a damaged
old file as `.damaged`, `.damaged2`, …), then `.rebuilt` replaces `<db>`. A kill at any step leaves either the
old database, or the old one plus a finished `.rebuilt` that the next writer puts in place before its own work.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import shutil
from pathlib import Path

FREE_SPACE_FACTOR = 2.2  # copy + growth + write-ahead log, measured: an ingest peaks at ≈ 2.2× the file
_MiB = 2**20


def real_path(path: str | os.PathLike[str]) -> Path:
    """The file a (chain of) symlink(s) points to: the database, its lock and its temporary files are named
    after it, so an ingest through a link updates the real file and locks against one through the real path."""
    return Path(os.path.realpath(path))


def tmp_path(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def rebuilt_path(path: Path) -> Path:
    return path.with_name(path.name + ".rebuilt")


def free_space_problem(path: Path) -> str | None:
    """A Chinese sentence when the folder of `path` has less free space than a write of it needs."""
    size = path.stat().st_size if path.exists() else 0
    needed = int(size * FREE_SPACE_FACTOR)
    free = shutil.disk_usage(path.parent).free
    if free >= needed:
        return None
    return (f"磁盘空间不足：更新数据库 {path} 需要约 {needed / _MiB:.1f} MB 可用空间（数据库大小的 "
            f"{FREE_SPACE_FACTOR:g} 倍），{path.parent} 只剩 {free / _MiB:.1f} MB；数据库未改变")


def is_disk_full(exc: BaseException | None) -> bool:
    """ENOSPC, as an OSError or inside a DuckDB error's text (DuckDB wraps it in IO/Transaction errors)."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "No space left on device" in str(exc) or "Disk quota exceeded" in str(exc):
            return True
        exc = exc.__context__
    return False


def keep_owner(new: Path, old: Path) -> None:
    """Give `new` the mode and owner of `old` (a swap must not turn a 0600 database into 0644)."""
    if not old.exists():
        return
    st = old.stat()
    os.chmod(new, st.st_mode & 0o7777)
    with contextlib.suppress(PermissionError):  # not root: the mode is kept, the owner becomes the writer
        os.chown(new, st.st_uid, st.st_gid)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backups(path: Path) -> list[Path]:
    """Numbered backups and damaged copies of `path`, oldest number first."""
    return sorted(p for p in path.parent.glob(path.name + ".*") if _backup_kind(path, p))


def _backup_kind(path: Path, other: Path) -> bool:
    return re.fullmatch(r"bak\d+|damaged\d*", other.name[len(path.name) + 1:]) is not None


def backup(path: Path, damaged: bool) -> Path:
    """A new numbered backup of `path` (a hard link; a copy where links are not supported); never replaces one."""
    for n in itertools.count(1):
        name = (f"damaged{n if n > 1 else ''}" if damaged else f"bak{n}")
        target = path.with_name(f"{path.name}.{name}")
        try:
            os.link(path, target)
            return target
        except FileExistsError:
            continue
        except OSError:
            return _copy_new(path, target)
    raise AssertionError("unreachable")


def _copy_new(path: Path, target: Path) -> Path:
    with open(path, "rb") as src, open(target, "xb") as out:
        shutil.copyfileobj(src, out)
    return target


def is_backed_up(path: Path) -> bool:
    """A backup of the current file exists (same inode): a killed swap must not make a second one."""
    st = path.stat()
    return any(os.path.samestat(st, p.stat()) for p in backups(path))


def install_rebuilt(path: Path, damaged: bool) -> Path | None:
    """Put a finished `<db>.rebuilt` in place, the old file kept as a backup first. Returns the backup."""
    done = rebuilt_path(path)
    kept = None
    if path.exists() and not is_backed_up(path):
        kept = backup(path, damaged)
    keep_owner(done, path)
    os.replace(done, path)
    return kept
