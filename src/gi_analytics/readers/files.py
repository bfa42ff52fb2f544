"""Pick the reader for a file: by its extension, checked against its first bytes."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePath

from gi_analytics.readers import Document, ReadError, html, markdown, txt
from gi_analytics.readers.deferred import docx, pdf  # python-docx and pdfplumber load on first use

MAX_BYTES = 50 * 2**20
SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".shtml", ".docx", ".pdf")

_FORMAT_BY_SUFFIX = {
    ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".shtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}  # fmt: skip
_READERS: dict[str, Callable[[bytes, str], Document]] = {
    "txt": txt.read,
    "md": markdown.read,
    "html": html.read,
    "docx": docx.read,
    "pdf": pdf.read,
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls/.wps
_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|table|div|p|span|br)\b", re.I)
_FORMAT_NAMES = {
    "pdf": "PDF",
    "docx": "Word（.docx）",
    "html": "网页（HTML）",
    "txt": "文本",
    "md": "Markdown",
}


def read_path(path: Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read a file from disk; ReadError with a Chinese reason when it cannot be read."""
    return read_bytes(read_regular(path, max_bytes), path.name, max_bytes)


def read_regular(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most `max_bytes`. A FIFO, device (/dev/zero), socket or folder is refused
    without reading: it is opened non-blocking (a FIFO would wait for a writer) and checked on the open handle."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ReadError(f"文件不存在：{path.name}") from None
    except PermissionError:
        raise ReadError(f"没有读取权限：{path.name}") from None
    except OSError as exc:
        raise ReadError(f"无法读取文件 {path.name}：{exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ReadError(f"不是普通文件（{_kind(mode)}），已跳过：{path.name}")
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ReadError(f"无法读取文件 {path.name}：{exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise ReadError(_too_big(os.stat(path).st_size, max_bytes))
    return data


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "文件夹"), (stat.S_ISFIFO, "管道"), (stat.S_ISSOCK, "套接字"),
             (stat.S_ISCHR, "设备"), (stat.S_ISBLK, "设备"))
    return next((name for test, name in kinds if test(mode)), "特殊文件")


def read_bytes(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> Document:
    """Read uploaded bytes; `name` gives the extension."""
    if not data.strip():
        raise ReadError("文件为空")
    if len(data) > max_bytes:
        raise ReadError(_too_big(len(data), max_bytes))
    return _READERS[detect_format(data, name)](data, name)


def detect_format(data: bytes, name: str) -> str:
    """txt | html | docx | pdf. Content that is clearly PDF, Word or HTML wins over the extension."""
    claimed = _FORMAT_BY_SUFFIX.get(PurePath(name).suffix.lower())
    sniffed = sniff(data)
    if sniffed == "ole":
        raise ReadError("不支持旧版 Word（.doc/.wps）文件，请在 Word 或 WPS 中另存为 .docx 后再上传")
    if sniffed is not None:
        return sniffed
    if claimed in ("pdf", "docx"):
        found = "压缩包" if data.startswith(b"PK") else "其他内容"
        raise ReadError(f"文件扩展名是 {_FORMAT_NAMES[claimed]}，但内容是{found}：文件可能已损坏")
    if claimed is None:
        allowed = "、".join(SUPPORTED_SUFFIXES)
        raise ReadError(f"不支持的文件类型：{name}（支持 {allowed}）")
    return claimed


def sniff(data: bytes) -> str | None:
    """The format the first bytes prove: pdf, docx, html, ole (old Office), or None."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<") and _HTML_TAG.search(head):
        return "html"
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except docx.ZIP_ERRORS:
        return False


def _too_big(size: int, limit: int) -> str:
    return f"文件过大（{size / 2**20:.1f} MB），上限为 {limit / 2**20:.0f} MB"
