"""What to do after a database error, in Chinese: `--rebuild` is recommended only where it is safe — a damaged
file, rebuilt from the reports folder it came from (the demo's is known: data/reports/; a rebuild keeps the old
file as a numbered backup). A missing file, a full disk, a lock or a permission problem each get their own way
out, never a rebuild. No streamlit here: ui.guarded and the pages show the text."""

from __future__ import annotations

from pathlib import Path

from .. import store
from ..ingest import pipeline as importer

MISSING = "数据库不存在"
DAMAGED = "损坏"
DISK_FULL = "磁盘空间不足"
NOT_WRITABLE = "无法写入"


def _is_demo(path: str | Path) -> bool:
    return Path(path).resolve() == store.BUNDLED_DB.resolve()


def for_error(message: str, path: str | Path) -> str:
    """The way out of the error `message` (a StoreError's or IngestError's text) on the database `path`."""
    text = str(message)
    if MISSING in text:
        return missing(path)
    if DAMAGED in text:
        return damaged(path)
    if DISK_FULL in text:
        return "请清理数据库所在磁盘的空间后再试；数据库未改变。"
    if NOT_WRITABLE in text:
        return f"请检查数据文件夹 {Path(path).parent} 的写入权限和磁盘状态后再试；数据库未改变。"
    if "无法打开" in text:
        return "数据库可能正被其他程序占用或暂时无法读取：请稍后刷新页面重试；如反复出现，请联系管理员检查该文件。"
    return "请刷新页面重试；如反复出现，请联系管理员，并附上上面的说明。"


def missing(path: str | Path) -> str:
    """A configured database that is gone: never replaced by the demo, never rebuilt silently."""
    return (
        f"所选数据库文件 {path} 不存在（可能已被移动或删除）。请从备份恢复该文件，或在侧栏“数据库”中选择其他数据库；"
        f"要重新建立它，请运行 `gi-analytics ingest 报告文件夹 --db {path}`。"
    )


def damaged(path: str | Path) -> str:
    if _is_demo(path):
        return (
            f"这是示例数据：可运行 `gi-analytics ingest --rebuild {importer.DEMO_REPORTS} --db {path}` "
            "从自带的示例报告重新构建（原文件保留为 .damaged 备份）。"
        )
    return (
        "如果还保存着导入这些报告的文件夹，可运行 "
        f"`gi-analytics ingest --rebuild 报告文件夹 --db {path}` 重新构建（原文件保留为 .damaged 备份"
        "）；否则请从备份恢复该文件，或联系管理员。"
    )
