"""Readers: file bytes -> a Document of text blocks and table grids in document order.

Readers know file formats, not reports. Each module exposes `read(data: bytes, name: str) -> Document`
and raises `ReadError` (with a Chinese reason) when the file cannot be read at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A grid row: a cell's text, "" for an empty cell, None for a slot covered by a merged cell
# (the merged cell's text stands in its top-left slot only).
Grid = list[list[str | None]]


class ReadError(Exception):
    """The file cannot be read at all; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class TextBlock:
    text: str  # one paragraph or line; may contain tabs and newlines when copied from a page


@dataclass(frozen=True, slots=True)
class TableBlock:
    rows: Grid


Block = TextBlock | TableBlock


@dataclass
class Document:
    name: str
    format: str  # txt | md | html | docx | pdf
    blocks: list[Block] = field(default_factory=list)
    pages: int = 0  # PDF only
    # what the file says about itself: HTML <meta> name/property -> content, PDF info (CreationDate, …)
    metadata: dict[str, str] = field(default_factory=dict)
