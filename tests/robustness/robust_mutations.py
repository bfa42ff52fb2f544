"""Mutations of the real corpus for fuzzing the readers and the parser, and the properties every parse keeps.

Shared by the hypothesis tests (tests/robustness/) and `benchmarks/fuzz.py`. A mutation is data: a name and a
seed, so a failing input is reproduced from `(corpus file, [(name, seed), ...])`.
"""

from __future__ import annotations

import codecs
import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from gi_analytics.model import Cell, CellState, Report, Severity
from gi_analytics.parse import parse_document
from gi_analytics.readers import Document, ReadError, TableBlock, TextBlock
from gi_analytics.readers.files import read_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT_FILES = sorted([FIXTURES / "000_32c9a0a42e9b7f0e.txt", *(FIXTURES / "real-openings").glob("*.txt")])
PDF_FILES = sorted((FIXTURES / "real-pdf").glob("*.pdf"))
HEADING = re.compile(r"^\s*[一二三四五六][、.，,．]")  # a section heading line (一、总体情况 …)
HUGE = (
    "1" + "0" * 30,
    "9" * 400,
    "1,000,000,000,000,000",
    "１２３４５６７８９０１２３４５６７８",
    "1e309",
    "0.00000000001",
)
NOISE = ["\t", "|", " ", "\n", "0", "7", "１", "—", "/", "无", "、", "（三）", "合计", "\ufffd", "\x00", "\x0b",
         "\u200b", "\u3000", "〔", "<", "'", "\"", "--", "；", "三、", "一、本年新收政府信息公开申请数量"]  # fmt: skip


# ---------------------------------------------------------------- the corpus


@cache
def corpus() -> tuple[Document, ...]:
    """Every real report of the fixtures as a Document: text files as read, PDFs as extracted."""
    docs = [read_bytes(p.read_bytes(), p.name) for p in TEXT_FILES]
    docs += [read_bytes(p.read_bytes(), p.name) for p in PDF_FILES]
    return tuple(docs)


def heading_cuts(doc: Document) -> list[int]:
    """Block indexes of section headings (and the block after each): the places to truncate at."""
    cuts = set()
    for i, block in enumerate(doc.blocks):
        if isinstance(block, TextBlock) and HEADING.match(block.text):
            cuts.update((i, i + 1))
    return sorted(cuts)


def truncated(doc: Document, at: int) -> Document:
    return Document(doc.name, doc.format, list(doc.blocks[:at]), doc.pages)


# ---------------------------------------------------------------- mutations of a Document


Mutation = Callable[[random.Random, list], list]


def _shuffle(rng: random.Random, blocks: list) -> list:
    """Shuffle a window of up to 12 blocks."""
    if len(blocks) < 2:
        return blocks
    start = rng.randrange(len(blocks) - 1)
    window = blocks[start : start + rng.randint(2, 12)]
    rng.shuffle(window)
    return blocks[:start] + window + blocks[start + len(window) :]


def _duplicate(rng: random.Random, blocks: list) -> list:
    if not blocks:
        return blocks
    i = rng.randrange(len(blocks))
    return blocks[: i + 1] + blocks[i : i + rng.randint(1, 5)] + blocks[i + 1 :]


def _delete(rng: random.Random, blocks: list) -> list:
    if not blocks:
        return blocks
    i = rng.randrange(len(blocks))
    return blocks[:i] + blocks[i + rng.randint(1, 6) :]


def _cut(rng: random.Random, blocks: list) -> list:
    """Truncate the document anywhere, possibly inside a line or a grid row."""
    if not blocks:
        return blocks
    i = rng.randrange(len(blocks))
    block = blocks[i]
    if isinstance(block, TextBlock):
        return blocks[:i] + [TextBlock(block.text[: rng.randint(0, len(block.text))])]
    return blocks[:i] + [TableBlock(block.rows[: rng.randint(0, len(block.rows))])]


def _map_text(
    rng: random.Random, blocks: list, edit: Callable[[random.Random, str], str], share: float
) -> list:
    """Apply `edit` to the text of a random share of lines and grid cells."""
    out = []
    for block in blocks:
        if isinstance(block, TextBlock):
            out.append(TextBlock(edit(rng, block.text)) if rng.random() < share else block)
        else:
            rows = [
                [c if c is None or rng.random() >= share else edit(rng, c) for c in row] for row in block.rows
            ]
            out.append(TableBlock(rows))
    return out


def _huge_number(rng: random.Random, text: str) -> str:
    return re.sub(r"\d+", lambda m: rng.choice(HUGE) if rng.random() < 0.5 else m[0], text)


def _noise(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randint(0, len(chars))
        if rng.random() < 0.3 and chars:
            del chars[min(pos, len(chars) - 1)]
        else:
            chars.insert(pos, rng.choice(NOISE) if rng.random() < 0.8 else chr(rng.randrange(0x20, 0x3000)))
    return "".join(chars)


def _split_join(rng: random.Random, blocks: list) -> list:
    """Join two neighbouring lines, or split one line at its tabs (copy-paste accidents)."""
    if len(blocks) < 2:
        return blocks
    i = rng.randrange(len(blocks) - 1)
    a, b = blocks[i], blocks[i + 1]
    if isinstance(a, TextBlock) and isinstance(b, TextBlock):
        if rng.random() < 0.5:
            return blocks[:i] + [TextBlock(a.text + rng.choice(["", "\t", " "]) + b.text)] + blocks[i + 2 :]
        parts = [TextBlock(p) for p in re.split(r"\t+", a.text)]
        return blocks[:i] + parts + blocks[i + 1 :]
    return blocks


def _break_grid(rng: random.Random, blocks: list) -> list:
    """Ragged rows, merged-cell slots in odd places, empty grids: what broken tables look like."""
    out = []
    for block in blocks:
        if isinstance(block, TableBlock) and rng.random() < 0.5:
            rows = [list(r) for r in block.rows]
            for row in rows:
                choice = rng.random()
                if choice < 0.2 and row:
                    row.pop(rng.randrange(len(row)))
                elif choice < 0.35:
                    row.insert(rng.randint(0, len(row)), rng.choice([None, "", "0", "合计"]))
                elif choice < 0.45:
                    row[:] = [None] * len(row)
            block = TableBlock(rng.choice([rows, rows, [], [[]], [r for r in rows if rng.random() < 0.7]]))
        out.append(block)
    return out


def _grid_to_text(rng: random.Random, blocks: list) -> list:
    """A table copied from a web page: each grid row becomes a line joined by tabs, pipes or nothing."""
    out = []
    for block in blocks:
        if isinstance(block, TableBlock) and rng.random() < 0.7:
            sep = rng.choice(["\t", "|", "", " ", "\n"])
            out += [TextBlock(sep.join(c or "" for c in row)) for row in block.rows]
        else:
            out.append(block)
    return out


MUTATIONS: dict[str, Mutation] = {
    "shuffle": _shuffle,
    "duplicate": _duplicate,
    "delete": _delete,
    "cut": _cut,
    "huge": lambda rng, blocks: _map_text(rng, blocks, _huge_number, 0.3),
    "noise": lambda rng, blocks: _map_text(rng, blocks, _noise, 0.2),
    "split_join": _split_join,
    "break_grid": _break_grid,
    "grid_to_text": _grid_to_text,
}


def mutate(doc: Document, ops: Sequence[tuple[str, int]]) -> Document:
    blocks = list(doc.blocks)
    for name, seed in ops:
        blocks = MUTATIONS[name](random.Random(seed), blocks)
    return Document(doc.name, doc.format, blocks, doc.pages)


# ---------------------------------------------------------------- the same documents as files


def as_text(doc: Document) -> str:
    lines = []
    for block in doc.blocks:
        lines += (
            [block.text]
            if isinstance(block, TextBlock)
            else ["\t".join(c or "" for c in r) for r in block.rows]
        )
    return "\n".join(lines)


def as_html(doc: Document, rng: random.Random) -> str:
    """An HTML page of the document, with random spans, unclosed tags and deep nesting."""
    parts = ["<html><head><meta charset=utf-8><script>alert(1)</script></head><body>"]
    depth = rng.choice([0, 0, 5, 300, 3000])
    parts.append("<div>" * depth)
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            parts.append(f"<p>{escape(block.text)}" + ("</p>" if rng.random() < 0.8 else ""))
            continue
        parts.append("<table>")
        for row in block.rows:
            parts.append("<tr>" + "".join(_html_cell(rng, c or "") for c in row))
            parts.append("</tr>" if rng.random() < 0.9 else "")
        parts.append("</table>" if rng.random() < 0.9 else "")
    parts.append(rng.choice(["</div>" * depth, "", "<table><tr><td rowspan=999999 colspan=0>x"]))
    return "".join(parts)


def _html_cell(rng: random.Random, text: str) -> str:
    span = rng.choice(
        ["", "", "", " rowspan=2", " colspan=3", " colspan='x'", " rowspan=-1", " colspan=99999"]
    )
    return f"<td{span}>{escape(text)}" + ("</td>" if rng.random() < 0.9 else "")


ENCODINGS = ("utf-8", "gb18030", "utf-16", "big5", "latin-1", "shift_jis", "utf-8-sig")


def as_bytes(doc: Document, rng: random.Random) -> tuple[bytes, str]:
    """The document as a file: text or HTML, in some encoding, maybe with flipped or cut bytes."""
    html = rng.random() < 0.3
    text = as_html(doc, rng) if html else as_text(doc)
    encoding = rng.choice(ENCODINGS)
    data = text.encode(encoding, errors="replace")
    if rng.random() < 0.4 and data:
        data = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    if rng.random() < 0.2:
        data = data[: rng.randint(0, len(data))]
    if rng.random() < 0.05:
        data = codecs.BOM_UTF8 + bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000)))
    return data, doc.name.rsplit(".", 1)[0] + (".html" if html else ".txt")


# ---------------------------------------------------------------- the properties


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_INVENTING_OK = ("cells.inferred", "cells.run_together", "amount.converted")  # rules that derive a number and say so


@dataclass
class Violation(Exception):
    what: str

    def __str__(self) -> str:
        return self.what


def parse_bytes(data: bytes, name: str) -> tuple[Document | None, Report | None]:
    """The contract of the readers and the parser on any bytes: a ReadError, or a Document and a Report."""
    try:
        doc = read_bytes(data, name)
    except ReadError as exc:
        if not re.search(r"[\u4e00-\u9fff]", str(exc)):
            raise Violation(f"ReadError without a Chinese reason: {exc!r}") from None
        return None, None
    return doc, check_parse(doc)


def check_parse(doc: Document) -> Report:
    """Parse `doc` and check the result; raises Violation (or whatever the parser raised)."""
    report = parse_document(doc)
    if not isinstance(report, Report):
        raise Violation(f"parse_document returned {type(report).__name__}")
    for problem in report.problems:
        if not isinstance(problem.severity, Severity) or not problem.message or not problem.code:
            raise Violation(f"malformed problem {problem!r}")
    readable = numbers_in(doc)
    excused = {p.where for p in report.problems if p.code in _INVENTING_OK}
    for table, rows in report.tables.items():
        for row, cols in rows.items():
            for col, cell in cols.items():
                _check_cell(cell, f"{table}/{row}/{col}", readable, excused)
    return report


def _check_cell(cell: Cell, place: str, readable: set, excused: set[str]) -> None:
    if not isinstance(cell, Cell) or not isinstance(cell.state, CellState):
        raise Violation(f"{place}: not a Cell: {cell!r}")
    if cell.state is not CellState.NUMBER:
        if cell.value is not None:
            raise Violation(f"{place}: {cell.state} cell carries a value {cell.value!r}")
        return
    if not isinstance(cell.value, int | float) or (isinstance(cell.value, float) and math.isnan(cell.value)):
        raise Violation(f"{place}: number cell with value {cell.value!r}")
    if _row_excused(place, excused):
        return
    if abs(cell.value) not in readable:
        raise Violation(f"{place}: number {cell.value!r} (raw {cell.raw!r}) does not appear in the input")


def _row_excused(place: str, excused: set[str]) -> bool:
    """A derived number's row: problems name it `表三·<row label>`; match on the row key's table and label."""
    from gi_analytics import form_spec as form

    table, row, _ = place.split("/")
    prefix = {"active": "表二", "requests": "表三", "appeals": "表四"}[table]
    try:
        label = form.row_label(table, row)
    except Exception:  # noqa: BLE001 - a row key the form does not know is not excused
        label = row
    return any(
        w == prefix or w == f"{prefix}·{label}" or w.startswith(f"{prefix}·") and label in w for w in excused
    )


def numbers_in(doc: Document) -> set:
    """Every number a reader of the input could see: in each line and cell as printed, and with the white
    space inside a cell removed (`1 2` in one cell is 12)."""
    found: set = set()
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            text = unicodedata.normalize("NFKC", block.text)
            pieces = [text, *(re.sub(r"\s+", "", cell) for cell in re.split(r"[\t|\n]", text))]
        else:  # a grid cell is one cell, whatever lines it wraps onto
            cells = [unicodedata.normalize("NFKC", c) for row in block.rows for c in row if c]
            pieces = cells + [re.sub(r"\s+", "", c) for c in cells]
        for piece in pieces:
            found.update(_value(m) for m in _NUMBER.findall(piece))
    return found


def _value(text: str) -> int | float:
    digits = text.replace(",", "")
    if "." in digits:
        value = float(digits)
        return int(value) if value.is_integer() and value < 2**53 else value
    return int(digits) if len(digits) < 4000 else math.inf
