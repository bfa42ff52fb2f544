"""PDF (pdfplumber): per page, text lines outside tables and the table grids, in reading order."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils.exceptions import PdfminerException

from gi_analytics.readers import Block, Document, Grid, ReadError, TableBlock, TextBlock

BBox = tuple[float, float, float, float]

# pdfminer logs every oddity of a damaged file as a warning; the reader reports what matters as ReadError.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# A line that is only a page number: "- 5 -", "— 5 —", "第 5 页", "第5页 共6页", "5/6".
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–―~]+\s*\d{1,4}\s*[-—–―~]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4})$"
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_FOOTER_ZONE = 0.92  # a bare number below this share of the page height is a page number
_MAX_UNMAPPED_SHARE = 0.2  # characters pdfminer cannot map to Unicode come out as "(cid:123)"


def read(data: bytes, name: str) -> Document:
    blocks: list[Block] = []
    chars = unmapped = 0
    with _open(data) as pdf:
        for page in pdf.pages:
            blocks.extend(_guarded(page_blocks, page))
            chars += len(page.chars)
            unmapped += sum(1 for char in page.chars if char["text"].startswith("(cid:"))
            page.close()
        pages = len(pdf.pages)
        metadata = info_dates(pdf.metadata)
    if not chars:
        raise ReadError("PDF 中没有可提取的文字（可能是扫描件），请提供文字版 PDF 或 Word 文件")
    if unmapped > chars * _MAX_UNMAPPED_SHARE:
        raise ReadError("PDF 中的文字无法转换（字体缺少编码信息），请提供 Word 文件或重新导出的 PDF")
    return Document(name=name, format="pdf", blocks=blocks, pages=pages, metadata=metadata)


def info_dates(info: dict[str, Any]) -> dict[str, str]:
    """The document information's dates (`D:20250225100250+08'00'`); its text fields are often mis-decoded."""
    out = {}
    for key in ("CreationDate", "ModDate"):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if isinstance(value, str):
            out[key] = value[:64]
    return out


def _open(data: bytes) -> pdfplumber.PDF:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # parses the page tree: a broken file fails here, not later
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ReadError("PDF 已加密，需要密码才能打开，请提供未加密的文件") from None
        raise ReadError("PDF 文件已损坏，无法读取") from None
    except Exception:  # pdfminer raises many kinds (PSEOF, KeyError, TypeError, …) on broken files
        raise ReadError("PDF 文件已损坏，无法读取") from None
    return pdf


def _guarded(action: Callable[[Page], list[Block]], page: Page) -> list[Block]:
    """A page whose content cannot be interpreted is a read error naming the page, not a traceback."""
    try:
        return action(page)
    except ReadError:
        raise
    except Exception:  # pdfminer raises many kinds on a broken content stream
        raise ReadError(f"PDF 第 {page.page_number} 页已损坏，无法读取") from None


def page_blocks(page: Page) -> list[Block]:
    """Text lines outside tables and the tables themselves, ordered by their top edge."""
    visible = page.filter(_is_visible)
    tables = [t for t in visible.find_tables() if _is_grid(t)]
    boxes = [t.bbox for t in tables]
    placed: list[tuple[float, Block]] = [(t.bbox[1], TableBlock(_grid(t))) for t in tables]
    outside = visible.filter(lambda obj: obj["object_type"] != "char" or not _inside(obj, boxes))
    for line in outside.extract_text_lines(return_chars=False):
        text = normalize(line["text"]).strip()
        if text and not _is_page_number(text, line["top"], page.height):
            placed.append((line["top"], TextBlock(text)))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def normalize(text: str) -> str:
    """NFKC: Kangxi radicals from Chromium-printed PDFs (⼀ U+2F00) become ordinary CJK (一)."""
    return unicodedata.normalize("NFKC", text)


def _grid(table: Table) -> Grid:
    return [[None if cell is None else normalize(cell) for cell in row] for row in table.extract()]


def _is_grid(table: Table) -> bool:
    """A single-column 'table' is a frame drawn around paragraphs: its text is kept as lines."""
    return max((len(row.cells) for row in table.rows), default=0) > 1


def _inside(obj: dict[str, Any], boxes: list[BBox]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _is_visible(obj: dict[str, Any]) -> bool:
    """Drop white or unpainted rectangles and lines: Word paints paragraph backgrounds as white
    rectangles, which would otherwise be taken for table borders."""
    if obj["object_type"] == "rect":
        stroked = obj.get("stroke") and not _is_white(obj.get("stroking_color"))
        filled = obj.get("fill") and not _is_white(obj.get("non_stroking_color"))
        return bool(stroked or filled)
    if obj["object_type"] == "line":
        return not _is_white(obj.get("stroking_color"))
    return True


def _is_white(color: Any) -> bool:
    if not isinstance(color, tuple | list) or not color:
        return False
    if not all(isinstance(c, int | float) for c in color):
        return False  # a pattern colour: assume it is visible
    if len(color) == 4:  # CMYK
        return all(c <= 0.01 for c in color)
    return all(c >= 0.99 for c in color)  # gray or RGB


def _is_page_number(text: str, top: float, height: float) -> bool:
    compact = text.replace(" ", "")
    if _PAGE_NUMBER.match(compact):
        return True
    return bool(_BARE_NUMBER.match(compact)) and top > height * _FOOTER_ZONE
