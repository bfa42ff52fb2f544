"""The meeting pack as files: a PPTX deck and a PDF handout of the same slides (python-pptx, reportlab)."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .captions import plain
from .images import ExportError


@dataclass
class Slide:
    """A chart (PNG `image` + `caption`) or a table (`header` + `rows`, relative column `widths`)."""

    title: str
    caption: str = ""
    image: bytes | None = None
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    widths: tuple[float, ...] = ()


@dataclass
class Pack:
    title: str
    subtitle: str
    notes: list[str]  # lines under the subtitle on the title slide
    slides: list[Slide]


PPT_FONT = "Microsoft YaHei"  # Office on the meeting laptop; LibreOffice substitutes a CJK font
PPT_W, PPT_H = 13.333, 7.5  # inches, 16:9


def _ppt_text(frame: Any, lines: list[str], size: int, bold: bool = False, color: str = "263238") -> None:
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.oxml.xmlchemy import OxmlElement
    from pptx.util import Pt

    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, PPT_FONT
        run.font.color.rgb = RGBColor.from_string(color)
        rpr = run._r.get_or_add_rPr()
        ea = OxmlElement("a:ea")  # East Asian typeface: what Office uses for the Chinese characters
        ea.set("typeface", PPT_FONT)
        rpr.find(qn("a:latin")).addnext(ea)


def _ppt_box(slide: Any, x: float, y: float, w: float, h: float, lines: list[str], size: int,
             bold: bool = False, color: str = "263238") -> None:
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    _ppt_text(box.text_frame, lines, size, bold, color)


def _ppt_picture(slide: Any, png: bytes, x: float, y: float, w: float, h: float) -> None:
    """The image centred in the box, as large as fits with its own aspect ratio."""
    from PIL import Image
    from pptx.util import Inches

    pw, ph = Image.open(io.BytesIO(png)).size
    scale = min(w / pw, h / ph)
    iw, ih = pw * scale, ph * scale
    slide.shapes.add_picture(io.BytesIO(png), Inches(x + (w - iw) / 2), Inches(y + (h - ih) / 2), Inches(iw),
                             Inches(ih))


def _ppt_table(slide: Any, s: Slide, x: float, y: float, w: float) -> None:
    from pptx.util import Inches

    widths = s.widths or (1.0,) * len(s.header)
    rows = s.rows or [("—",) * len(s.header)]
    shape = slide.shapes.add_table(len(rows) + 1, len(s.header), Inches(x), Inches(y), Inches(w),
                                   Inches(0.4 * (len(rows) + 1)))
    for j, width in enumerate(widths):
        shape.table.columns[j].width = Inches(w * width / sum(widths))
    for i, row in enumerate([s.header, *rows]):
        for j, value in enumerate(row):
            cell = shape.table.cell(i, j)
            cell.text_frame.text = ""
            _ppt_text(cell.text_frame, [str(value)], 12, bold=i == 0, color="FFFFFF" if i == 0 else "263238")


def pack_pptx(pack: Pack) -> bytes:
    """The deck: title slide, then one slide per chart (picture + caption) or table."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(PPT_W), Inches(PPT_H)
    blank = prs.slide_layouts[6]
    first = prs.slides.add_slide(blank)
    _ppt_box(first, 0.8, 2.3, PPT_W - 1.6, 1.2, [pack.title], 36, bold=True)
    _ppt_box(first, 0.8, 3.6, PPT_W - 1.6, 0.7, [pack.subtitle], 24, color="1565C0")
    _ppt_box(first, 0.8, 4.6, PPT_W - 1.6, 2.0, pack.notes, 14, color="607D8B")
    for s in pack.slides:
        slide = prs.slides.add_slide(blank)
        _ppt_box(slide, 0.5, 0.25, PPT_W - 1.0, 0.7, [s.title], 26, bold=True)
        if s.image is not None:
            _ppt_picture(slide, s.image, 0.5, 1.0, PPT_W - 1.0, 5.3)
            _ppt_box(slide, 0.6, 6.4, PPT_W - 1.2, 0.9, [plain(s.caption)], 16)
        else:
            _ppt_box(slide, 0.5, 0.95, PPT_W - 1.0, 0.5, [plain(s.caption)], 16)
            _ppt_table(slide, s, 0.5, 1.55, PPT_W - 1.0)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# The handout embeds its Chinese font (the used glyphs only), so it prints alike on every machine. reportlab
# embeds TrueType outlines only, which Noto CJK (CFF) has not: WenQuanYi Micro Hei (Debian/Ubuntu package
# fonts-wqy-microhei, installed by scripts/setup.sh). Without it: the CID font STSong-Light, which every PDF
# reader has but which is not embedded.
PDF_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)
PDF_FONT, PDF_FALLBACK_FONT = "WenQuanYiMicroHei", "STSong-Light"


def pdf_font() -> str:
    """The registered name of the handout's font: the embeddable one when installed, else the CID fallback."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    if PDF_FONT in registered:
        return PDF_FONT
    found = next((f for f in PDF_FONT_FILES if Path(f).is_file()), None)
    if found:
        pdfmetrics.registerFont(TTFont(PDF_FONT, found, subfontIndex=0))
        return PDF_FONT
    if PDF_FALLBACK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FALLBACK_FONT))
    return PDF_FALLBACK_FONT


def _pdf_styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    font = pdf_font()

    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.4, wordWrap="CJK", **kw)

    return {"title": style("title", 28, spaceAfter=18), "subtitle": style("subtitle", 18, spaceAfter=24),
            "note": style("note", 12, spaceAfter=6), "h": style("h", 18, spaceAfter=10),
            "caption": style("caption", 12, spaceBefore=8), "cell": style("cell", 10)}


def _pdf_table(s: Slide, styles: dict[str, Any], width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    widths = s.widths or (1.0,) * len(s.header)
    rows = s.rows or [("—",) * len(s.header)]
    data = [[Paragraph(escape(str(v)), styles["cell"]) for v in row] for row in [s.header, *rows]]
    table = Table(data, colWidths=[width * w / sum(widths) for w in widths], repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pdf_font()),  # else each cell names Helvetica
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#BDBDBD")),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ECEFF1")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def pack_pdf(pack: Pack) -> bytes:
    """The handout: the deck's pages on A4 landscape, one slide per page, text extractable."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = _pdf_styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=1.2 * cm, bottomMargin=1.2 * cm, title=pack.title)
    story: list[Any] = [Spacer(1, 4 * cm), Paragraph(escape(pack.title), styles["title"]),
                        Paragraph(escape(pack.subtitle), styles["subtitle"])]
    story += [Paragraph(escape(n), styles["note"]) for n in pack.notes]
    for s in pack.slides:
        story += [PageBreak(), Paragraph(escape(s.title), styles["h"])]
        if s.image is not None:
            story.append(_pdf_image(Image, s.image, doc.width, doc.height - 3.2 * cm))
            story.append(Paragraph(escape(plain(s.caption)), styles["caption"]))
        else:
            story += [Paragraph(escape(plain(s.caption)), styles["note"]), _pdf_table(s, styles, doc.width)]
    with _binary_streams():
        doc.build(story)
    return buf.getvalue()


@contextlib.contextmanager
def _binary_streams() -> Any:
    """Skip reportlab's ASCII85 encoding of images (pure Python here, it took 3 s of a 3.5 s handout), and
    start each page in the handout's font, not Helvetica, so that no unembedded font is named in the file."""
    from reportlab import rl_config

    saved = rl_config.useA85, rl_config.canvas_basefontname
    rl_config.useA85, rl_config.canvas_basefontname = 0, pdf_font()
    try:
        yield
    finally:
        rl_config.useA85, rl_config.canvas_basefontname = saved


def _pdf_image(image_cls: Any, png: bytes, max_w: float, max_h: float) -> Any:
    """The chart as a high-quality JPEG: reportlab embeds JPEG as is but re-encodes PNG pixel by pixel (10× slower)."""
    from PIL import Image as PILImage

    img = PILImage.open(io.BytesIO(png)).convert("RGB")
    jpeg = io.BytesIO()
    img.save(jpeg, "JPEG", quality=92, subsampling=0)
    scale = min(max_w / img.width, max_h / img.height)
    return image_cls(io.BytesIO(jpeg.getvalue()), width=img.width * scale, height=img.height * scale)


def pack_file(pack: Pack, fmt: str) -> bytes:
    if fmt == "pptx":
        return pack_pptx(pack)
    if fmt == "pdf":
        return pack_pdf(pack)
    raise ExportError(f"不支持的文件类型：{fmt}（会议材料可导出为 pptx 或 pdf）")
