"""Uploaded files -> (name, bytes) to ingest: zip archives expanded, bounded in count and size; what is
refused is listed with its reason (Chinese)."""

from __future__ import annotations

from typing import Any

UPLOAD_SUFFIXES = ("txt", "md", "html", "htm", "docx", "pdf", "zip")
MAX_FILES = 500
MAX_FILE_MB = 50
MAX_ZIP_TOTAL_MB = 300


def unpack_uploads(uploads: list[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]]]:
    """Expand zip archives (bounded in count and size) into (name, bytes); list what was refused and why."""
    import io
    import zipfile
    import zlib

    items: list[tuple[str, bytes]] = []
    refused: list[tuple[str, str]] = []
    for name, data in uploads:
        if not name.lower().endswith(".zip"):
            items.append((name, data))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                items_in, refused_in = _unzip(name, archive)
        # encrypted entries raise RuntimeError, unknown methods NotImplementedError, broken streams zlib.error
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error):
            refused.append((name, "压缩包已损坏或已加密，无法打开"))
            continue
        items += items_in
        refused += refused_in
    if len(items) > MAX_FILES:
        refused += [(n, f"超过单次导入上限（{MAX_FILES}个文件）") for n, _ in items[MAX_FILES:]]
        items = items[:MAX_FILES]
    return items, refused


def _unzip(name: str, archive: Any) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]]]:
    items, refused, total = [], [], 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        inner = f"{name}/{info.filename}"
        suffix = info.filename.rsplit(".", 1)[-1].lower()
        if suffix not in UPLOAD_SUFFIXES or suffix == "zip":
            refused.append((inner, "不支持的文件类型（仅限 txt、html、docx、pdf）"))
        elif info.file_size > MAX_FILE_MB * 2**20:
            refused.append((inner, f"文件超过 {MAX_FILE_MB} MB"))
        elif total + info.file_size > MAX_ZIP_TOTAL_MB * 2**20:
            refused.append((inner, f"压缩包解压后超过 {MAX_ZIP_TOTAL_MB} MB，其余文件未导入"))
        else:
            data = archive.read(info)[: MAX_FILE_MB * 2**20 + 1]
            total += len(data)
            items.append((inner, data))
    return items, refused
