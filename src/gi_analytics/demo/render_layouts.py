"""The messy layouts of published text: web text whose line breaks were lost, markdown as PDF-to-markdown
converters write it, and OCR text. Each takes the renderer's blocks (title, heading, para, table grids)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

DETACH_LONGER_THAN = 16  # converters put a long row label on a line of its own above its row
# similar-looking characters OCR engines swap, and typos seen in real reports (行政事业型收费)
OCR_SWAPS = {"请": "清", "息": "悤", "性": "型", "理": "埋", "处": "外", "已": "己", "未": "末", "日": "曰"}
_NUMBERING = re.compile(r"^(?:[一二三四五六七]、|\([一二三四五六七]\)|\d\.)")
_FULL_WIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")


def render_oneline(blocks: Sequence[Any]) -> str:
    """Every break removed and every cell joined with no separator (`规章000行政规范性文件000…`)."""
    out = []
    for block in blocks:
        if block.kind == "table":
            out.extend(slot.text for row in block.grid for slot in row if slot is not None)
        else:
            out.append(block.text)
    return "".join(out) + "\n"


def render_markdown(blocks: Sequence[Any], ocr: bool = False, repeat_merged: bool = False) -> str:
    """`#` headings, pipe tables whose first row is the header, merged slots as empty cells, header labels
    broken by `<br>`, long row labels detached onto their own line. `ocr` adds swapped characters in long
    labels and headings, stray spaces, and full-width digits and brackets. `repeat_merged` writes a merged
    cell's text into every slot it covers, as some converters do, and keeps labels in their rows."""
    lines: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind == "title":
            lines += [f"# {block.text}", ""]
        elif block.kind == "heading":
            lines += [f"## {_ocr(block.text, index) if ocr else block.text}", ""]
        elif block.kind == "para":
            lines += [block.text, ""]
        else:
            grid = _expanded(block.grid) if repeat_merged else block.grid
            lines += [*_markdown_table(grid, ocr, detach=not repeat_merged), ""]
    return "\n".join(lines)


def _expanded(grid: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Every slot a merged cell covers holds that cell."""
    out = [list(row) for row in grid]
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if slot is None:
                continue
            for dr in range(slot.rowspan):
                for dc in range(slot.colspan):
                    if r + dr < len(out) and c + dc < len(out[r + dr]):
                        out[r + dr][c + dc] = slot
    return out


def _markdown_table(grid: Sequence[Sequence[Any]], ocr: bool, detach: bool = True) -> list[str]:
    lines = []
    for r, row in enumerate(grid):
        cells = ["" if slot is None else slot.text for slot in row]
        labels = [i for i, slot in enumerate(row) if slot is not None and slot.kind == "label" and slot.text]
        values = any(slot is not None and slot.kind == "value" for slot in row)
        if detach and values and labels and len(cells[labels[-1]]) > DETACH_LONGER_THAN:
            lines.append(_ocr(cells[labels[-1]], r) if ocr else cells[labels[-1]])
            cells[labels[-1]] = ""
        if not values:
            cells = [_broken(c) for c in cells]
        if ocr:
            cells = [_ocr(c, r + i) if i in labels else c.translate(_FULL_WIDTH) for i, c in enumerate(cells)]
        lines.append("| " + " | ".join(cells) + " |")
        if r == 0:
            lines.append("|" + "---|" * len(cells))
    return lines


def _broken(label: str) -> str:
    """A header label wrapped in its cell: `本年制发<br>件数`."""
    return f"{label[:4]}<br>{label[4:]}" if 6 <= len(label) <= 12 else label


def _ocr(label: str, seed: int) -> str:
    """One swapped character in a label of six characters or more after its numbering, a stray space in
    every other one."""
    if len(_NUMBERING.sub("", label)) < 6:
        return label
    for i, ch in enumerate(label):
        if ch in OCR_SWAPS and i >= 2:
            label = label[:i] + OCR_SWAPS[ch] + label[i + 1 :]
            break
    if seed % 2:
        label = f"{label[:3]} {label[3:]}"
    return label.translate(_FULL_WIDTH)
