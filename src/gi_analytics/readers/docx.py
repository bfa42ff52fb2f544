"""Word .docx: paragraphs and tables in document order; merged cells' covered slots are None."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from lxml import etree

from gi_analytics.readers import Block, Document, Grid, ReadError, TableBlock, TextBlock

MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_RATIO = 200  # uncompressed/compressed; real .docx files are ~10-30
MAX_ENTRIES = 10_000
_RATIO_FLOOR = 20 * 2**20  # ratios are only judged once the content is this large
# What is parsed as XML (the body, headers, footnotes…): real reports are under 5 MB of it; lxml needs ~20× in
# memory, and the walk over the body ~0.5 s per MB, so these budgets bound a file to a few seconds.
MAX_XML_BYTES = 25 * 2**20
MAX_ELEMENTS = 200_000  # paragraphs + table cells; a long real report has a few thousand

# What zipfile raises on a damaged archive (NotImplementedError: a garbled "version needed" field).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError)

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _R = qn("w:tr"), qn("w:tc"), qn("w:r")
# Elements between a run and its paragraph that mean the run is not the paragraph's visible text.
_NOT_TEXT = frozenset({qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), _P})


def read(data: bytes, name: str) -> Document:
    body = _open(data, name).element.body
    _check_elements(body, name)
    return Document(name=name, format="docx", blocks=list(_blocks(body)))


def check_zip(data: bytes, name: str = "") -> None:
    """Refuse archives that are not zips, would inflate to an absurd size (zip bombs), or hold more XML than
    the parse budget allows (a file under the bomb guard that would still take minutes and gigabytes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except ZIP_ERRORS:
        raise ReadError("不是有效的 Word 文档（.docx）：文件已损坏或不是 zip 格式") from None
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    too_big = total > MAX_UNZIPPED_BYTES or (total > _RATIO_FLOOR and total / packed > MAX_RATIO)
    if too_big or len(entries) > MAX_ENTRIES:
        raise ReadError("文件解压后过大，疑似压缩炸弹，已拒绝读取")
    xml = sum(entry.file_size for entry in entries if entry.filename.lower().endswith((".xml", ".rels")))
    if xml > MAX_XML_BYTES:
        raise ReadError(f"Word 文档{_named(name)}的内容解压后有 {xml / 2**20:.0f} MB，超过 "
                        f"{MAX_XML_BYTES / 2**20:.0f} MB 的上限，已拒绝读取")


def _named(name: str) -> str:
    return f"“{name}”" if name else ""


def _check_elements(body: etree._Element, name: str) -> None:
    """Refuse a body with more paragraphs and cells than any report has (each costs Python time to walk)."""
    for count, _ in enumerate(body.iter(_P, _TC), start=1):
        if count > MAX_ELEMENTS:
            raise ReadError(f"Word 文档{_named(name)}的段落和表格单元格超过 {MAX_ELEMENTS:,} 个，已拒绝读取")


def _open(data: bytes, name: str = "") -> docx.document.Document:
    check_zip(data, name)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds (KeyError, XMLSyntaxError, …) on a broken package
        raise ReadError("不是有效的 Word 文档（.docx）：无法打开文档内容") from None


def _blocks(body: etree._Element) -> Iterator[Block]:
    """Body children in order; content controls (w:sdt) are opened, without recursion."""
    stack = [iter(body)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == _P:
            text = paragraph_text(child).strip()
            if text:
                yield TextBlock(text)
        elif child.tag == _TBL:
            yield TableBlock(table_grid(child))
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                stack.append(iter(content))


def table_grid(tbl: etree._Element) -> Grid:
    """Grid of a w:tbl: gridSpan slots after the first and vMerge continuations are None."""
    rows: Grid = []
    for tr in tbl.iterchildren(_TR):
        row: list[str | None] = [""] * tr.grid_before
        for tc in tr.iterchildren(_TC):
            covered = tc.vMerge == "continue"
            row.append(None if covered else _cell_text(tc))
            row.extend([None] * (tc.grid_span - 1))
        row.extend([""] * tr.grid_after)
        rows.append(row)
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _cell_text(tc: etree._Element) -> str:
    """Paragraphs of the cell, nested tables' paragraphs included, one per line."""
    lines = (paragraph_text(p).strip() for p in tc.iter(_P))
    return "\n".join(line for line in lines if line)


def paragraph_text(p: etree._Element) -> str:
    """Runs anywhere in the paragraph (hyperlinks, tracked insertions, content controls, fields),
    except deleted text and text boxes."""
    return "".join(run.text for run in p.iter(_R) if _belongs_to(run, p))


def _belongs_to(run: etree._Element, p: etree._Element) -> bool:
    node = run.getparent()
    while node is not None and node is not p:
        if node.tag in _NOT_TEXT:
            return False
        node = node.getparent()
    return node is p
