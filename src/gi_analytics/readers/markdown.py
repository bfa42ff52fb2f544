"""Markdown as PDF-to-markdown converters and OCR tools write it: text lines (pipe rows, `#` headings) and the
HTML `<table>` some converters embed, read as a grid."""

from __future__ import annotations

import re

from gi_analytics.readers import Block, Document, ReadError, TableBlock, TextBlock, html, txt

_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def read(data: bytes, name: str) -> Document:
    if not data.strip():
        raise ReadError("文件为空")
    text = txt.decode(data)
    blocks: list[Block] = []
    pos = 0
    for match in _HTML_TABLE.finditer(text):
        blocks += [TextBlock(line) for line in txt.split_lines(text[pos : match.start()])]
        grids = html.read(match.group(0).encode("utf-8"), name).blocks
        blocks += [block for block in grids if isinstance(block, TableBlock)]
        pos = match.end()
    blocks += [TextBlock(line) for line in txt.split_lines(text[pos:])]
    return Document(name=name, format="md", blocks=blocks)
