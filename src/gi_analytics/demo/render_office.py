"""Report blocks -> DOCX (python-docx, merged cells) and PDF (reportlab, ruled tables, page footers).

Both are byte-stable for the same report: fixed document dates, fixed zip timestamps, reportlab's invariant
mode. PDF text uses reportlab's built-in CID font STSong-Light, which pdfplumber and pypdfium2 read back.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as _esc  # &, <, > as render._esc

if TYPE_CHECKING:
    from .render import Block

FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)


# ---- DOCX ------------------------------------------------------------------------------------------


def render_docx(blocks: list[Block]) -> bytes:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.author = props.last_modified_by = "示例数据"
    props.title = blocks[0].text if blocks else ""
    props.revision = 1
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=1)
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "para":
            document.add_paragraph(block.text)
        else:
            _docx_table(document, block.grid)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


def _docx_table(document, grid: tuple) -> None:
    from docx.table import _Cell

    table = document.add_table(rows=len(grid), cols=len(grid[0]))
    table.style = "Table Grid"
    # cells taken once from the fresh XML: python-docx's table.cell() rescans the whole table on every call
    cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for r, row in enumerate(grid):
        for c, s in enumerate(row):
            if s is None:
                continue
            cell = cells[r][c]
            if s.rowspan > 1 or s.colspan > 1:
                cell = cell.merge(cells[r + s.rowspan - 1][c + s.colspan - 1])
            cell.text = s.text


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same report always gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---- PDF -------------------------------------------------------------------------------------------

PDF_FONT = "STSong-Light"
PDF_COL_WIDTHS = {  # points; the A4 frame is 495 pt wide with 50 pt margins
    "active": (130, 117, 117, 117),
    "requests": (56, 70, 146, *(30,) * 7),
    "appeals": (32,) * 15,
}


def _pdf_styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = {"fontName": PDF_FONT, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("t", fontSize=15, leading=22, alignment=1, spaceAfter=8, **base),
        "heading": ParagraphStyle("h", fontSize=12, leading=18, spaceBefore=6, spaceAfter=4, **base),
        "para": ParagraphStyle("p", fontSize=10.5, leading=16, firstLineIndent=21, **base),
        "cell": ParagraphStyle("c", fontSize=7.5, leading=9.5, **base),
    }


def _pdf_table(block: Block, styles):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    data = [[Paragraph(_esc(s.text), styles["cell"]) if s else "" for s in row] for row in block.grid]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, row in enumerate(block.grid):
        for c, s in enumerate(row):
            if s and (s.rowspan > 1 or s.colspan > 1):
                commands.append(("SPAN", (c, r), (c + s.colspan - 1, r + s.rowspan - 1)))
    return Table(data, colWidths=PDF_COL_WIDTHS[block.name], style=TableStyle(commands))


def _pdf_footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(PDF_FONT, 9)
    canvas.drawCentredString(doc.pagesize[0] / 2, 28, f"- {doc.page} -")
    canvas.restoreState()


def render_pdf(blocks: list[Block]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = _pdf_styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=50,
        rightMargin=50,
        topMargin=50,
        bottomMargin=50,
        title=blocks[0].text if blocks else "",
        author="示例数据",
        invariant=1,
    )
    story = []
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is not None and following.name == "requests":
            story.append(CondPageBreak(600))  # keep the tall requests table with its heading on one page
        if block.kind == "table":
            story.extend((_pdf_table(block, styles), Spacer(1, 6)))
        else:
            story.append(Paragraph(_esc(block.text), styles[block.kind]))
    doc.build(story, onFirstPage=_pdf_footer, onLaterPages=_pdf_footer)
    return buffer.getvalue()
