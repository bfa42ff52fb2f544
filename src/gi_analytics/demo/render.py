"""Report -> file bytes, in the layouts seen in real published reports (report-format.md).

A report becomes a list of blocks (title, paragraphs, headings, table grids with merged cells); each layout
serializes those blocks. Every cell of a table row is emitted in order, so a blank inner cell stays a blank
cell in every layout except "txt_runtogether", where digits are glued like in some real web pages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from .. import form_spec as form
from ..model import Report
from .grids import Slot, _fill, _skeleton, _skeleton_key, format_cell
from .render_layouts import render_markdown, render_oneline

__all__ = ["EXTENSIONS", "LAYOUTS", "Block", "Slot", "format_cell", "render", "report_blocks"]

TEXT_LAYOUTS = (
    "txt_tabs",
    "txt_pipes",
    "txt_pipe_rows",
    "txt_lines",
    "txt_gb18030",
    "txt_runtogether",
    "txt_oneline",
)
MARKDOWN_LAYOUTS = ("md", "md_ocr", "md_repeated")
LAYOUTS = (*TEXT_LAYOUTS, *MARKDOWN_LAYOUTS, "html", "docx", "pdf")
EXTENSIONS = {
    **{layout: "txt" for layout in TEXT_LAYOUTS},
    **{layout: "md" for layout in MARKDOWN_LAYOUTS},
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
}
CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True, eq=False)
class Block:
    kind: str  # title | heading | para | table
    text: str = ""
    name: str = ""  # table name for "table"
    key: tuple = ()  # which label skeleton the table uses (see _skeleton)
    table: dict | None = None  # row key -> column key -> Cell

    @property
    def grid(self) -> tuple[tuple[Slot | None, ...], ...]:
        return _fill(_skeleton(self.key), self.table or {})


# ---- blocks ----------------------------------------------------------------------------------------


def title_of(report: Report) -> str:
    return f"{report.unit or ''}{report.year or ''}年政府信息公开工作年度报告"


def _cn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def report_blocks(report: Report) -> list[Block]:
    """The report as an ordered list of blocks, shared by every layout."""
    blocks = [Block("title", title_of(report))]
    if report.period:
        blocks.append(
            Block(
                "para",
                f"本报告中所列数据的统计期限自{_cn_date(report.period.start)}起"
                f"至{_cn_date(report.period.end)}止。",
            )
        )
    template = report.template or form.expected_template(report.year or 2021)
    sections = {s.no: s for s in report.sections}
    for spec in form.SECTIONS:
        section = sections.get(spec.no)
        table_name = form.TABLE_SECTIONS.get(spec.no)
        table = report.tables.get(table_name) if table_name else None
        if section is None and table is None:
            continue
        title = section.title if section and section.title else spec.title
        blocks.append(Block("heading", f"{CN_NUMERALS[spec.no - 1]}、{title}"))
        if section and section.text:
            blocks.extend(Block("para", p) for p in section.text.split("\n") if p.strip())
        if table is not None and table_name:
            blocks.append(
                Block("table", name=table_name, key=_skeleton_key(table_name, table, template), table=table)
            )
    if report.published:  # the signature that closes a published report: the unit and the date
        blocks += [Block("para", report.unit or ""), Block("para", _cn_date(report.published))]
    return blocks


# ---- text layouts ----------------------------------------------------------------------------------


def _rows_tabs(grid: tuple) -> list[str]:
    return ["\t".join(s.text if s else "" for s in row) for row in grid]


def _rows_pipe_rows(grid: tuple) -> list[str]:
    return [" | ".join(s.text if s else "" for s in row) + " |" for row in grid]


def _rows_pipes(grid: tuple) -> list[str]:
    """One cell per line ending in " |" (02.txt); empty label slots are dropped, value cells never."""
    return [f"{s.text} |" for row in grid for s in row if s and (s.text or s.kind == "value")]


def _rows_lines(grid: tuple) -> list[str]:
    """One cell per line (01.txt); a blank value cell is an empty line."""
    return [s.text for row in grid for s in row if s and (s.text or s.kind == "value")]


def _rows_runtogether(grid: tuple, name: str) -> list[str]:
    """Cells glued with no separator (07.txt): 规章000; the appeals numbers stay tab-separated."""
    lines = []
    for row in grid:
        slots = [s for s in row if s]
        labels = "".join(s.text for s in slots if s.kind == "label")
        sep = "\t" if name == "appeals" else ""
        values = sep.join(s.text for s in slots if s.kind == "value")
        lines.append(labels + values)
    return lines


ROW_WRITERS = {
    "txt_tabs": _rows_tabs,
    "txt_gb18030": _rows_tabs,
    "txt_pipes": _rows_pipes,
    "txt_pipe_rows": _rows_pipe_rows,
    "txt_lines": _rows_lines,
}


@functools.cache
def _text_table(key: tuple, layout: str) -> tuple[str, tuple[tuple[str, str, bool], ...]]:
    """A table's lines in a text layout as one format string, and the cells that fill its "{}" slots."""
    skeleton = _skeleton(key)
    marked = tuple(
        tuple(
            None
            if s is None
            else Slot("{}" if s.kind == "value" else _brace(s.text), s.kind, s.rowspan, s.colspan)
            for s in row
        )
        for row in skeleton
    )
    rows = _rows_runtogether(marked, key[0]) if layout == "txt_runtogether" else ROW_WRITERS[layout](marked)
    refs = tuple(
        (s.row, s.col, s.decimal) for row in skeleton for s in row if s is not None and s.kind == "value"
    )
    return "\n".join(rows), refs


def _brace(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _table_text(block: Block, layout: str) -> str:
    fmt, refs = _text_table(block.key, layout)
    table = block.table or {}
    return fmt.format(*(format_cell(table.get(row, {}).get(col), decimal) for row, col, decimal in refs))


def render_text(blocks: list[Block], layout: str) -> str:
    out: list[str] = []
    for block in blocks:
        if block.kind == "table":
            out.extend((_table_text(block, layout), ""))
        else:
            out.extend((block.text, ""))
    return "\n".join(out)


# ---- HTML ------------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_table(grid: tuple) -> str:
    rows = []
    for row in grid:
        cells = []
        for s in row:
            if s is None:
                continue
            span = (f' rowspan="{s.rowspan}"' if s.rowspan > 1 else "") + (
                f' colspan="{s.colspan}"' if s.colspan > 1 else ""
            )
            cells.append(f"<td{span}>{_esc(s.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="2">\n' + "\n".join(rows) + "\n</table>"


def render_html(blocks: list[Block]) -> str:
    title = blocks[0].text if blocks else ""
    body = []
    for block in blocks:
        if block.kind == "title":
            body.append(f"<h1>{_esc(block.text)}</h1>")
        elif block.kind == "heading":
            body.append(f"<h2>{_esc(block.text)}</h2>")
        elif block.kind == "para":
            body.append(f"<p>{_esc(block.text)}</p>")
        else:
            body.append(_html_table(block.grid))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title></head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


# ---- entry point -----------------------------------------------------------------------------------


def render(report: Report, layout: str) -> bytes:
    """The report as the bytes of a file in `layout` (one of LAYOUTS)."""
    if layout not in LAYOUTS:
        raise ValueError(f"未知的版式: {layout}（可选: {', '.join(LAYOUTS)}）")
    blocks = report_blocks(report)
    if layout == "html":
        return render_html(blocks).encode("utf-8")
    if layout in ("docx", "pdf"):
        from .render_office import render_docx, render_pdf  # python-docx and reportlab load only when needed

        return render_docx(blocks) if layout == "docx" else render_pdf(blocks)
    if layout in MARKDOWN_LAYOUTS:
        return render_markdown(blocks, ocr=layout == "md_ocr", repeat_merged=layout == "md_repeated").encode(
            "utf-8"
        )
    text = render_oneline(blocks) if layout == "txt_oneline" else render_text(blocks, layout)
    return text.encode("gb18030") if layout == "txt_gb18030" else text.encode("utf-8")
