"""HTML pages: paragraph text as TextBlocks, each <table> as a TableBlock with row/col spans expanded."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from gi_analytics.readers import Block, Document, Grid, ReadError, TableBlock, TextBlock
from gi_analytics.readers.txt import decode as decode_auto

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "gb18030"}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_SPAN = re.compile(r"\s*(\d+)")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")

_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog"}
    | {"div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "html"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "li", "main", "nav", "ol", "p", "pre", "section", "summary"}
    | {"table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_MAX_COLSPAN = 1000
_MAX_GRID_SLOTS = 2_000_000
_MAX_META = 200  # a hostile page may carry thousands


def read(data: bytes, name: str) -> Document:
    if not data.strip():
        raise ReadError("文件为空")
    text = _XML_DECL.sub("", decode(data), count=1)
    parser = lxml_html.HTMLParser(huge_tree=True)  # depth limit 2048 instead of 256; we never recurse
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"无法解析 HTML 文件：{exc}") from None
    if any(err.type_name == "ERR_RESOURCE_LIMIT" for err in parser.error_log):
        raise ReadError("HTML 文件嵌套层次过深，无法完整读取")
    body = root.find("body")
    blocks = list(_blocks(root if body is None else body))
    return Document(name=name, format="html", blocks=blocks, metadata=meta_tags(root))


def meta_tags(root: etree._Element) -> dict[str, str]:
    """`<meta name|property|itemprop|http-equiv=… content=…>` as a mapping (the first of each name wins)."""
    found: dict[str, str] = {}
    head = root.find("head")  # where pages put them; a page without <head> is searched whole
    for el in (root if head is None else head).iter("meta"):
        key = el.get("name") or el.get("property") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if key and content and len(found) < _MAX_META:
            found.setdefault(key.strip()[:100], content.strip()[:500])
    return found


def decode(data: bytes) -> str:
    """The declared <meta charset> when it decodes cleanly (GBK/GB2312 as GB18030), else auto-detect."""
    declared = _declared_charset(data[:4096])
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # the page lies about its encoding (common): detect instead
    return decode_auto(data)


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    return codec_of(match.group(1).decode("ascii", "ignore")) if match else None


def codec_of(label: str) -> str | None:
    """A declared charset label (`<meta charset>`, a Content-Type header) -> the codec that decodes it, GBK and
    GB2312 as GB18030; None for a label Python does not know."""
    label = label.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _blocks(root: etree._Element, tables: bool = True) -> Iterator[Block]:
    """Walk without recursion: text lines between block boundaries; tables as grids, or as text lines."""
    pieces: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS or tag == "br":
                yield from _flush(pieces)
            if tables and tag == "table":
                yield from _table_blocks(el)
                walker.skip_subtree()
            elif el.text:
                pieces.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                yield from _flush(pieces)
            if el.tail and el is not root:
                pieces.append(el.tail)
    yield from _flush(pieces)


def _flush(pieces: list[str]) -> Iterator[TextBlock]:
    text = _SPACES.sub(" ", "".join(pieces)).strip()
    pieces.clear()
    if text:
        yield TextBlock(text)


def _table_blocks(table: etree._Element) -> Iterator[Block]:
    caption = table.find("caption")
    if caption is not None:
        yield from (TextBlock(line) for line in _text_lines(caption))
    rows = [
        [(_cell_text(cell), _span(cell, "rowspan"), _span(cell, "colspan")) for cell in _cells(tr)]
        for tr in _own_rows(table)
    ]
    if rows:
        yield TableBlock(expand_spans(rows))


def _own_rows(table: etree._Element) -> Iterator[etree._Element]:
    """The table's own <tr>s (direct or inside thead/tbody/tfoot), never a nested table's."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if tr.tag == "tr")


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [cell for cell in tr if cell.tag in ("td", "th")]


def _span(cell: etree._Element, attr: str) -> int:
    value = cell.get(attr)
    digits = _SPAN.match(value) if value else None
    return int(digits.group(1)) if digits else 1


def _cell_text(cell: etree._Element) -> str:
    if len(cell) == 0:  # the common cell: plain text, no markup inside (no tree walk needed)
        return _SPACES.sub(" ", cell.text or "").strip()
    return "\n".join(_text_lines(cell))


def _text_lines(el: etree._Element) -> list[str]:
    """All text under el, nested tables flattened to one line per cell."""
    return [block.text for block in _blocks(el, tables=False) if isinstance(block, TextBlock)]


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> Grid:
    """Cells (text, rowspan, colspan) per row -> rectangular grid; covered slots None, missing slots ""."""
    taken: dict[tuple[int, int], str | None] = {}
    for r, cells in enumerate(rows):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                c += 1
            height = len(rows) - r if rowspan == 0 else min(max(rowspan, 1), len(rows) - r)
            width = min(max(colspan, 1), _MAX_COLSPAN)
            for dr in range(height):
                for dc in range(width):
                    taken[(r + dr, c + dc)] = text if dr == dc == 0 else None
            c += width
            if len(taken) > _MAX_GRID_SLOTS:
                raise ReadError("HTML 表格过大，无法读取")
    ncols = max((c for _, c in taken), default=-1) + 1
    return [[taken.get((r, c), "") for c in range(ncols)] for r in range(len(rows))]
