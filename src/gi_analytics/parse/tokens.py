"""Documents -> a flat stream of normalized cell tokens, and cell text -> a value.

Every layout (tabs, pipes, one cell per line, grids from HTML/DOCX/PDF) becomes the same stream: each line of
text is split at tabs and `|`; each grid row is one line whose cells keep their exact positions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..model import Cell, CellState
from ..readers import Document, TableBlock
from .segment import MIN_LENGTH, split_long_line

_SPACE = re.compile(r"\s+")
_ENUM = re.compile(r"^([0-9]{1,2})[、,.．]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "〔": "(", "〕": ")"})
_FOOTER_GLUED = re.compile(r"[-—–]\s*\d{1,3}\s*[-—–]$")
_NOTHING = re.compile(r"^(?:[-—–_－/／\\]+|无|空|不适用)$")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"(?:亿元|万元|元|件|个|条|项)$")  # amounts are converted in amounts.py
CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_SIGNIFICANT_DIGITS = 15  # what a DOUBLE (the cells.value column) holds exactly
_CELL_SPLIT = re.compile(r"[\t|]")
_SPACED_VALUES = re.compile(r"^[\d.,\-—/]+(?:\s+[\d.,\-—/]+)+$")  # `0 0 0` copied from PDF text
_TWO_NUMBERS = re.compile(r"\d\s+\d")
_LABEL_NUMBER = re.compile(r"^\s*\d[.、．]\s*$")  # `4.`: the enumerator of a label broken over lines
# markdown as converters write it: `| a | b |` rows, `|---|---|` rules, `#` headings, `**bold**`, `<br>`
_MD_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_INLINE = re.compile(r"\*\*|<br\s*/?>", re.I)


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """NFKC (full-width digits and brackets, Kangxi radicals), straight quotes, trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).strip()


@lru_cache(maxsize=1 << 16)
def compact(text: str) -> str:
    """A label as it is matched: normalized, without any white space, with `1、` written `1.`."""
    return _ENUM.sub(r"\1.", _SPACE.sub("", normalize(text)))


@dataclass(frozen=True, slots=True)
class Line:
    cells: tuple[str, ...]  # normalized cell texts, "" for an empty cell
    grid: bool  # cells come from a real table grid: positions are exact
    no: int  # 1-based line number in the document, for messages
    markdown: bool = False  # a pipe-table row: one row of cells, but an empty cell may be a merged slot


def document_lines(doc: Document) -> list[Line]:
    lines: list[Line] = []
    for block in doc.blocks:
        if isinstance(block, TableBlock):
            for row in block.rows:
                cells = tuple(normalize(c) if c is not None else None for c in row)
                lines.append(Line(_drop_merged(cells), True, len(lines) + 1))
        else:
            for raw in block.text.split("\n"):
                pieces = split_long_line(normalize(raw)) if len(raw) >= MIN_LENGTH else (raw,)
                for piece in pieces:
                    cells = _text_cells(piece)
                    markdown = "|" in piece and _is_markdown_row(piece, cells)
                    lines.append(Line(cells, False, len(lines) + 1, markdown))
    return lines


def _is_markdown_row(raw: str, cells: tuple[str, ...]) -> bool:
    """`| 规章 | 0 | 0 | 0 |`: a row of a pipe table, whose cells keep their columns like a grid's."""
    text = raw.strip()
    return len(cells) > 2 and text.startswith("|") and text.endswith("|") and any(cells)


def _text_cells(raw: str) -> tuple[str, ...]:
    """Cells of a text line split at tabs and pipes; a closing pipe (`3 |`) ends a cell, it opens none, and
    so does a markdown row's opening pipe. Trailing tabs stay: they are the row's blank cells."""
    raw = raw.rstrip(" \r\u3000")
    if "---" in raw and _MD_RULE.match(raw):
        return ()
    if "*" in raw or "<" in raw:
        raw = _MD_INLINE.sub("", raw)
    if "#" in raw:
        raw = _MD_HEADING.sub("", raw)
    if "|" in raw:
        if raw.lstrip().startswith("|"):
            raw = raw.lstrip()[1:]
        if raw.rstrip().endswith("|"):
            raw = raw.rstrip()[:-1]
    cells = [normalize(c) for c in _CELL_SPLIT.split(raw)]
    return tuple(part for cell in cells for part in (cell.split() if _SPACED_VALUES.match(cell) else (cell,)))


def _drop_merged(cells: tuple[str | None, ...]) -> tuple[str, ...]:
    """Slots covered by a merged cell carry no value: drop them after a label, keep them as blanks elsewhere."""
    out = list(cells)
    while out and out[-1] is None:
        out.pop()
    return tuple("" if c is None else _join_wrapped(c) for c in out)


def _join_wrapped(cell: str) -> str:
    """A label wrapped inside its cell (`商业企\n业`) is one label; digits on two lines stay apart (`6\n6`)."""
    return cell.replace("\n", "") if CJK.search(cell) else cell


def line_text(line: Line) -> str:
    return "".join(line.cells)


@lru_cache(maxsize=1 << 14)
def read_cell(text: str) -> Cell:
    """One cell's text -> a Cell. Whether the number is a valid count is for the checks to say."""
    raw = text
    text = _FOOTER_GLUED.sub("", text.strip()).strip()
    if _TWO_NUMBERS.search(text):  # `72 64` or `6\n6` in one cell: two values, not 7264
        return Cell(CellState.UNREADABLE, None, raw)
    text = _SPACE.sub("", text)
    if not text:
        return Cell(CellState.BLANK, None, raw)
    if _NOTHING.match(text):
        return Cell(CellState.NOTHING, None, raw)
    text = _UNIT_SUFFIX.sub("", text)
    if not _NUMBER.match(text):
        return Cell(CellState.UNREADABLE, None, raw)
    digits = text.replace(",", "")
    if len(digits.lstrip("+-").replace(".", "").lstrip("0")) > MAX_SIGNIFICANT_DIGITS:
        return Cell(CellState.UNREADABLE, None, raw)  # a float would change it (1e30 -> 1000…19884624838656)
    value = float(digits)
    return Cell(CellState.NUMBER, int(value) if value.is_integer() else value, raw)


@lru_cache(maxsize=1 << 14)
def is_value_text(text: str) -> bool:
    """A token that stands where a value stands: a number, a nothing-marker, a blank, or digit-ish garbage.
    A label's own number cut off from it (`4.` at the end of a PDF line) is no value."""
    if _LABEL_NUMBER.match(text):
        return False
    return (
        not CJK.search(text) or bool(_NOTHING.match(text)) or bool(_NUMBER.match(_UNIT_SUFFIX.sub("", text)))
    )


# Tokens in the tail are separated by white space or a sign, so the pattern cannot backtrack exponentially
# on a long run of digits (`((?:\d[\d.,]*\s*)+)` took minutes on 400 digits).
_TAIL = re.compile(r"^(.*?[^\d\s.,+\-—–/])\s*([+-]?\d[\d.,]*(?:(?:\s+[+-]?|[+-])\d[\d.,]*)*\s*)$")


_GLUED_TAIL = re.compile(r"^(.*[\u4e00-\u9fff)\]\"])\s*([\d.,+\-—–/\s]*\d[\d.,+\-—–/\s]*)$")


@lru_cache(maxsize=1 << 15)
def split_label_tail(text: str) -> tuple[str, str]:
    """`规章000` -> ("规章", "000"); `行政许可 0` -> ("行政许可", "0"); `…数量71013—19222` keeps its dash in the
    tail; a plain label -> (label, "")."""
    match = _TAIL.match(text)
    if match and CJK.search(match.group(1)):
        return match.group(1), match.group(2).strip()
    if text[-1:].isdigit():
        match = _GLUED_TAIL.match(text)
        if match and CJK.search(match.group(1)):
            return match.group(1), match.group(2).strip()
    return text, ""


@lru_cache(maxsize=1 << 15)
def label_and_values(text: str) -> tuple[str, tuple[str, ...]]:
    """A text cell's label (compacted) and the values printed after it, split where white space separates
    them: `规章000` -> ("规章", ("000",)); `规章 12 3 15` -> ("规章", ("12", "3", "15")); a label's cut-off
    number at the end (`… 0 4.`) is dropped."""
    label, tail = split_label_tail(normalize(text))
    return compact(label), tuple(t for t in tail.split() if is_value_text(t))
