"""Readers on real files and on small inputs written here; every ReadError case."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gi_analytics.readers import Document, ReadError, TableBlock, TextBlock, docx, files, html, pdf, txt

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HUAIAN = FIXTURES / "real-pdf" / "huaian-city-2024.pdf"
HONGZE = FIXTURES / "real-pdf" / "hongze-district-2024.pdf"
TEMPLATE = FIXTURES / "official-template-2021.docx"
PINGCHANGGUAN = FIXTURES / "000_32c9a0a42e9b7f0e.txt"
OPENINGS = sorted((FIXTURES / "real-openings").glob("*.txt"))


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, TextBlock)]


def tables(doc: Document) -> list[list[list[str | None]]]:
    return [b.rows for b in doc.blocks if isinstance(b, TableBlock)]


def block_after(doc: Document, text: str) -> TextBlock | TableBlock:
    index = next(i for i, b in enumerate(doc.blocks) if isinstance(b, TextBlock) and b.text == text)
    return doc.blocks[index + 1]


# ---------------------------------------------------------------- txt


def test_txt_real_report_one_block_per_line_tabs_and_blank_lines_kept() -> None:
    raw = PINGCHANGGUAN.read_text(encoding="utf-8")
    doc = txt.read(PINGCHANGGUAN.read_bytes(), PINGCHANGGUAN.name)
    assert doc.format == "txt"
    assert texts(doc) == raw.replace("\r\n", "\n").removesuffix("\n").split("\n")
    assert "规章\t0\t0\t0" in texts(doc)
    assert "" in texts(doc)


@pytest.mark.parametrize("path", OPENINGS, ids=lambda p: p.name)
def test_txt_real_openings_read_as_published(path: Path) -> None:
    doc = files.read_path(path)
    assert "\n".join(texts(doc)) == path.read_text(encoding="utf-8").removesuffix("\n")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("一、总体情况\n规章\t0".encode("gb18030"), ["一、总体情况", "规章\t0"]),
        ("一、总体情况\n规章\t0".encode("gbk"), ["一、总体情况", "规章\t0"]),
        ("㐀 扩展字符".encode("gb18030"), ["㐀 扩展字符"]),  # outside GBK: only GB18030 has it
        (b"\xef\xbb\xbf" + "一、总体情况".encode(), ["一、总体情况"]),
        ("一\r\n二\r三\n\n四\n".encode(), ["一", "二", "三", "", "四"]),
    ],
    ids=["gb18030", "gbk", "gb18030-only", "utf8-bom", "newlines"],
)
def test_txt_encodings_and_newlines(data: bytes, expected: list[str]) -> None:
    assert texts(txt.read(data, "a.txt")) == expected


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_txt_one_stray_byte_costs_one_character(encoding: str) -> None:
    data = "一、总体情况".encode(encoding) + b"\xff" + "规章".encode(encoding) * 100
    (line,) = texts(txt.read(data, "a.txt"))
    assert line.startswith("一、总体情况\ufffd规章") and line.count("\ufffd") == 1


def test_txt_utf16_with_bom() -> None:
    data = "一、总体情况\r\n二、主动公开".encode("utf-16")
    assert texts(txt.read(data, "a.txt")) == ["一、总体情况", "二、主动公开"]


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes([0x80, 0xFF, 0x81, 0x01]) * 200],
    ids=["all-bytes", "png", "undecodable"],
)
def test_txt_binary_is_refused(data: bytes) -> None:
    with pytest.raises(ReadError, match="不是文本文件"):
        txt.read(data, "a.txt")


# ---------------------------------------------------------------- html

SPANS = """<html><head><meta charset="gb2312"></head><body>
<h2>三、收到和处理政府信息公开申请情况</h2>
<table border=1>
  <tr><td rowspan="2" colspan="2">本列</td><td colspan="3">申请人情况</td></tr>
  <tr><td>自然人</td><td>法人</td><td></td></tr>
  <tr><th>一、</th><td>新收</td><td>3</td><td>0<br>备注</td><td>3</td></tr>
  <tr><td rowspan="0">底</td><td>x</td></tr>
</table>
<p>四、政府信息公开行政复议<span>、行政诉讼情况</span></p>第一行<br>第二行
</body></html>"""


def test_html_spans_expanded_and_order_kept() -> None:
    doc = html.read(SPANS.encode("gb18030"), "a.html")
    assert doc.format == "html"
    assert doc.blocks == [
        TextBlock("三、收到和处理政府信息公开申请情况"),
        TableBlock(
            [
                ["本列", None, "申请人情况", None, None],
                [None, None, "自然人", "法人", ""],
                ["一、", "新收", "3", "0\n备注", "3"],
                ["底", "x", "", "", ""],
            ]
        ),
        TextBlock("四、政府信息公开行政复议、行政诉讼情况"),
        TextBlock("第一行"),
        TextBlock("第二行"),
    ]


def test_html_nested_table_flattened_into_cell() -> None:
    page = "<table><tr><td>外</td><td><table><tr><td>里1</td><td>里2</td></tr></table></td></tr></table>"
    assert tables(html.read(page.encode(), "a.html")) == [[["外", "里1\n里2"]]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('<meta charset="utf-8"><p>总体情况</p>'.encode("gbk"), "总体情况"),  # declared wrong
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=GBK"><p>总体情况</p>'.encode("gbk"),
            "总体情况",
        ),
        ("<p>总体情况</p>".encode(), "总体情况"),
        (b"\xef\xbb\xbf" + '<?xml version="1.0" encoding="utf-8"?><p>总体情况</p>'.encode(), "总体情况"),
    ],
    ids=["lying-meta", "http-equiv-gbk", "no-meta", "xml-declaration"],
)
def test_html_encodings(data: bytes, expected: str) -> None:
    assert texts(html.read(data, "a.htm")) == [expected]


def test_html_scripts_dropped_broken_markup_recovered() -> None:
    page = "<p>前<script>var x = '<p>';</script><div>中<table><tr><td>格</table>后"
    doc = html.read(page.encode(), "a.html")
    assert texts(doc) == ["前", "中", "后"]
    assert tables(doc) == [[["格"]]]


def test_html_absurd_spans_are_clamped() -> None:
    page = '<table><tr><td rowspan="99999999" colspan="99999999">x</td></tr><tr><td>y</td></tr></table>'
    (grid,) = tables(html.read(page.encode(), "a.html"))
    assert len(grid) == 2 and len(grid[0]) == 1001  # colspan capped at 1000, then "y"
    assert grid[0][0] == "x" and grid[1][0] is None and grid[1][999] is None and grid[1][1000] == "y"


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_html_deep_nesting_gives_error_not_crash(depth: int) -> None:
    page = "<div>" * depth + "深" + "</div>" * depth
    with pytest.raises(ReadError, match="嵌套"):
        html.read(page.encode(), "a.html")


def test_html_moderately_deep_nesting_is_read() -> None:
    page = "<table><tr><td>" * 300 + "深" + "</td></tr></table>" * 300
    (grid,) = tables(html.read(page.encode(), "a.html"))
    assert grid == [["深"]]


# ---------------------------------------------------------------- docx


def test_docx_template_three_tables_with_merged_slots() -> None:
    doc = docx.read(TEMPLATE.read_bytes(), TEMPLATE.name)
    active, requests, appeals = tables(doc)
    assert [(len(t), {len(r) for r in t}) for t in (active, requests, appeals)] == [
        (14, {4}),
        (28, {10}),
        (4, {15}),
    ]
    assert active[0] == ["第二十条第（一）项", None, None, None]
    assert active[5] == ["信息内容", "本年处理决定数量", None, None]
    assert requests[0][:4] == [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        None,
        None,
        "申请人情况",
    ]
    assert requests[1] == [None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"]
    assert requests[2][4] == "商业\n企业" and requests[2][9] is None  # vertical merge of 总计
    assert requests[5][:3] == ["三、本年度办理结果", "（一）予以公开", None]
    assert requests[7][:3] == [None, "（三）不予公开", "1.属于国家秘密"]
    assert requests[8][:3] == [None, None, "2.其他法律行政法规禁止公开"]
    assert requests[27][:4] == ["四、结转下年度继续办理", None, None, ""]
    assert appeals[2][:6] == [None, None, None, None, None, "结果\n维持"]


def test_docx_template_text_in_order() -> None:
    doc = docx.read(TEMPLATE.read_bytes(), TEMPLATE.name)
    assert isinstance(block_after(doc, "二、主动公开政府信息情况"), TableBlock)
    assert isinstance(block_after(doc, "三、收到和处理政府信息公开申请情况"), TableBlock)
    assert "六、其他需要报告的事项" in texts(doc)


def test_docx_built_merges(tmp_path: Path) -> None:
    document = python_docx.Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "横"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "竖"
    table.cell(1, 2).text = "5"
    document.add_paragraph("后记")
    path = tmp_path / "built.docx"
    document.save(str(path))
    doc = files.read_path(path)
    assert doc.blocks == [
        TextBlock("前言"),
        TableBlock([["横", None, ""], ["竖", "", "5"], [None, "", ""]]),
        TextBlock("后记"),
    ]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_docx_tracked_changes_and_content_controls(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    document = python_docx.Document()
    paragraph = document.add_paragraph("原文")
    for xml in (
        f'<w:ins {W} w:id="1" w:author="a"><w:r><w:t>新增</w:t></w:r></w:ins>',
        f'<w:del {W} w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>',
        f"<w:sdt {W}><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>",
    ):
        paragraph._p.append(parse_xml(xml))
    block = f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>块级控件</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    document.element.body.insert(0, parse_xml(block))
    path = tmp_path / "changes.docx"
    document.save(str(path))
    assert texts(files.read_path(path)) == ["块级控件", "原文新增控件"]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * 2**20
            for _ in range(size // 2**20):
                entry.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04" + b"\0" * 200, "不是有效的 Word"),
        (TEMPLATE.read_bytes()[:5000], "不是有效的 Word"),
        (_zip({"word/document.xml": b"<not-xml"}), "不是有效的 Word"),
        (_zip({"hello.txt": b"hi"}), "不是有效的 Word"),
        (_bomb(30 * 2**20), "解压后过大"),
    ],
    ids=["zip-header-only", "truncated", "bad-xml", "not-docx-zip", "ratio-bomb"],
)
def test_docx_unreadable(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        docx.read(data, "a.docx")


def test_docx_bomb_over_total_limit() -> None:
    with pytest.raises(ReadError, match="解压后过大"):
        files.read_bytes(_bomb(docx.MAX_UNZIPPED_BYTES + 2**20), "bomb.docx")


# ---------------------------------------------------------------- pdf


@pytest.fixture(scope="module")
def huaian() -> Document:
    return pdf.read(HUAIAN.read_bytes(), HUAIAN.name)


@pytest.fixture(scope="module")
def hongze() -> Document:
    return pdf.read(HONGZE.read_bytes(), HONGZE.name)


def _numeric_tails(doc: Document, width: int, count: int) -> list[list[int]]:
    """The last `count` cells of each grid row of the given width, where all of them are integers."""
    rows = [row for grid in tables(doc) if len(grid[0]) == width for row in grid]
    tails = [row[-count:] for row in rows]
    return [[int(c) for c in tail] for tail in tails if all(c and c.isdigit() for c in tail)]


def test_pdf_huaian_requests_grid_matches_hand_read_values(huaian: Document) -> None:
    expected = json.loads((FIXTURES / "real-pdf" / "huaian-city-2024.expected.json").read_text(encoding="utf-8"))
    assert huaian.pages == 6
    assert _numeric_tails(huaian, 10, 7) == [list(row.values()) for row in expected["requests"].values()]
    appeals = [v for group in expected["appeals"].values() for v in group.values()]
    assert _numeric_tails(huaian, 15, 15) == [appeals]
    assert any("3001" in row and "3119" in row for grid in tables(huaian) for row in grid)


def test_pdf_huaian_text_and_tables_interleaved(huaian: Document) -> None:
    after = block_after(huaian, "三、收到和处理政府信息公开申请情况")
    assert isinstance(after, TableBlock) and after.rows[3][0] == "一、本年新收政府信息公开申请数量"
    assert isinstance(block_after(huaian, "二、主动公开政府信息情况"), TableBlock)
    assert texts(huaian)[-1] == "办法》,全年收取政府信息公开信息处理费 3940 元。"


def test_pdf_text_is_nfkc_and_page_footers_dropped(huaian: Document, hongze: Document) -> None:
    for doc in (huaian, hongze):
        lines = texts(doc)
        assert not [line for line in lines if line.startswith("- ")]
        cells = "".join(c or "" for grid in tables(doc) for row in grid for c in row)
        assert not [ch for ch in "".join(lines) + cells if "\u2f00" <= ch <= "\u2fdf"]


def test_pdf_hongze_white_paragraph_backgrounds_are_not_tables(hongze: Document) -> None:
    assert "一、总体情况" in texts(hongze)
    after = block_after(hongze, "二、主动公开政府信息情况")
    assert isinstance(after, TableBlock) and after.rows[0] == ["第二十条第(一)项", None, None, None]
    assert {len(grid[0]) for grid in tables(hongze)} == {2, 4, 10, 15}
    single = next(row for row in _numeric_tails(hongze, 10, 7) if row[0] == 95)
    assert single == [95, 0, 0, 0, 0, 0, 95]


def _cjk_canvas(buffer: io.BytesIO, **options: object) -> canvas.Canvas:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(buffer, pagesize=(595, 842), **options)
    page.setFont("STSong-Light", 12)
    return page


def _made_pdf() -> bytes:
    buffer = io.BytesIO()
    page = _cjk_canvas(buffer)
    page.setFillColorRGB(1, 1, 1)
    page.rect(70, 700, 450, 40, stroke=0, fill=1)  # a white paragraph background, not a table
    page.setFillColorRGB(0, 0, 0)
    page.drawString(72, 720, "二、主动公开政府信息情况")
    for y in (600, 620, 640):
        page.line(72, y, 372, y)
    for x in (72, 222, 372):
        page.line(x, 600, x, 640)
    page.drawString(80, 625, "规章")
    page.drawString(230, 625, "1")
    page.drawString(80, 605, "行政规范性文件")
    page.drawString(230, 605, "8")
    page.drawString(72, 560, "三、收到和处理")
    page.drawString(280, 40, "- 1 -")
    page.showPage()
    page.setFont("STSong-Light", 12)
    page.drawString(72, 720, "第二页")
    page.drawString(280, 40, "第 2 页")
    page.save()
    return buffer.getvalue()


def test_pdf_made_with_reportlab() -> None:
    doc = pdf.read(_made_pdf(), "made.pdf")
    assert doc.pages == 2
    assert doc.blocks == [
        TextBlock("二、主动公开政府信息情况"),
        TableBlock([["规章", "1"], ["行政规范性文件", "8"]]),
        TextBlock("三、收到和处理"),
        TextBlock("第二页"),
    ]


def test_pdf_with_owner_password_only_is_read() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    page.drawString(72, 720, "2024 report")
    page.save()
    assert texts(pdf.read(buffer.getvalue(), "a.pdf")) == ["2024 report"]


def _unmapped_cjk_pdf() -> bytes:
    """pdfminer cannot map this file's CJK glyphs to Unicode: it yields "(cid:4162)" for each."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    buffer = io.BytesIO()
    page = _cjk_canvas(buffer, encrypt=StandardEncryption("", ownerPassword="owner"))
    page.drawString(72, 720, "一、总体情况")
    page.save()
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    page = _cjk_canvas(buffer, encrypt="secret")
    page.drawString(72, 720, "一、总体情况")
    page.save()
    return buffer.getvalue()


def _image_only_pdf() -> bytes:
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 200, 200)).save(picture, format="PNG")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 72, 600, 200, 100)
    page.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_encrypted_pdf, "PDF 已加密"),
        (_image_only_pdf, "没有可提取的文字"),
        (_unmapped_cjk_pdf, "文字无法转换"),
        (lambda: _made_pdf()[:1500], "PDF 文件已损坏"),
        (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100, "PDF 文件已损坏"),
    ],
    ids=["encrypted", "image-only", "unmapped-glyphs", "truncated", "garbage"],
)
def test_pdf_unreadable(make, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        files.read_bytes(make(), "a.pdf")


# ---------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("path", "fmt"),
    [(PINGCHANGGUAN, "txt"), (HUAIAN, "pdf"), (TEMPLATE, "docx"), (OPENINGS[0], "txt")],
    ids=lambda v: getattr(v, "name", v),
)
def test_read_path_by_suffix(path: Path, fmt: str) -> None:
    doc = files.read_path(path)
    assert (doc.format, doc.name) == (fmt, path.name)
    assert doc.blocks


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [
        (TEMPLATE.read_bytes(), "report.pdf", "docx"),
        (_made_pdf(), "report.txt", "pdf"),
        (_made_pdf(), "report", "pdf"),
        (SPANS.encode("gb18030"), "report.txt", "html"),
        (SPANS.encode("gb18030"), "page.asp", "html"),
        ("一、总体情况".encode(), "page.htm", "html"),
        ("一、总体情况".encode(), "REPORT.TXT", "txt"),
    ],
)
def test_content_wins_over_wrong_extension(data: bytes, name: str, fmt: str) -> None:
    assert files.read_bytes(data, name).format == fmt


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "a.txt", "文件为空"),
        (b" \r\n\t", "a.pdf", "文件为空"),
        ("一、总体情况".encode(), "a.xlsx", "不支持的文件类型"),
        (_zip({"xl/workbook.xml": b"<x/>"}), "a.xlsx", "不支持的文件类型"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.doc", "旧版 Word"),
        ("一、总体情况".encode(), "a.pdf", "文件可能已损坏"),
        (_zip({"hello.txt": b"hi"}), "a.docx", "文件可能已损坏"),
    ],
    ids=["empty", "blank", "xlsx-text", "xlsx-zip", "old-doc", "pdf-is-text", "docx-not-word"],
)
def test_read_bytes_refuses(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        files.read_bytes(data, name)


@pytest.mark.parametrize(
    ("path", "tries"), [(HUAIAN, 4), (TEMPLATE, 40), (PINGCHANGGUAN, 30)], ids=lambda v: getattr(v, "name", v)
)
def test_damaged_files_give_read_error_or_document(path: Path, tries: int) -> None:
    """Random byte damage and truncation: a Document or a ReadError, never another exception."""
    rng = random.Random(path.name)
    original = path.read_bytes()
    for _ in range(tries):
        data = bytearray(original)
        for _ in range(rng.choice([1, 5, 50])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        try:
            assert isinstance(files.read_bytes(bytes(data), path.name), Document)
        except ReadError as exc:
            assert str(exc)


def test_read_path_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes("一、总体情况\n".encode() * 1000)
    with pytest.raises(ReadError, match="文件过大"):
        files.read_path(big, max_bytes=1000)
    empty = tmp_path / "empty.pdf"
    empty.touch()
    with pytest.raises(ReadError, match="文件为空"):
        files.read_path(empty)
    with pytest.raises(ReadError, match="不是普通文件（文件夹）"):
        files.read_path(tmp_path)
    with pytest.raises(ReadError, match="文件不存在：missing.txt"):
        files.read_path(tmp_path / "missing.txt")


SAMPLES = {
    ".txt": ("一、总体情况".encode(), "txt"),
    ".text": ("一、总体情况".encode("gb18030"), "txt"),
    ".md": ("## 一、总体情况\n\n| 规章 | 0 | 0 | 0 |".encode(), "md"),
    ".markdown": ("# 一、总体情况\n<table><tr><td>规章</td><td>0</td></tr></table>".encode(), "md"),
    ".html": (SPANS.encode("gb18030"), "html"),
    ".htm": ("<p>一、总体情况</p>".encode(), "html"),
    ".shtml": ("<p>一、总体情况</p>".encode(), "html"),
    ".docx": (TEMPLATE.read_bytes(), "docx"),
    ".pdf": (HUAIAN.read_bytes(), "pdf"),
}


def test_every_supported_suffix_has_a_sample() -> None:
    assert set(SAMPLES) == set(files.SUPPORTED_SUFFIXES)


@pytest.mark.parametrize("suffix", sorted(SAMPLES))
def test_supported_suffix_reads(suffix: str) -> None:
    data, fmt = SAMPLES[suffix]
    doc = files.read_bytes(data, "report" + suffix.upper())
    assert doc.format == fmt and doc.blocks


def test_markdown_with_an_embedded_html_table_reads_the_table_as_a_grid() -> None:
    data = "## 二、主动公开政府信息情况\n<table><tr><td>规章</td><td>1</td><td></td><td>3</td></tr></table>\n尾".encode()
    doc = files.read_bytes(data, "report.md")
    grids = [b for b in doc.blocks if isinstance(b, TableBlock)]
    assert doc.format == "md" and grids and grids[0].rows[0] == ["规章", "1", "", "3"]
    assert [b.text for b in doc.blocks if isinstance(b, TextBlock)] == ["## 二、主动公开政府信息情况", "", "尾"]


TRADITIONAL = ("某某區2021年政府信息公開工作年度報告\n一、總體情況\n本年度共收到政府信息公開申請12件，"
               "其中自然人申請10件。\n二、主動公開政府信息情況\n")


def test_big5_text_is_read_as_big5_not_as_gb18030_mojibake() -> None:
    data = TRADITIONAL.encode("big5")
    assert data.decode("gb18030") != TRADITIONAL  # the old order took it for GB18030
    assert txt.decode(data) == TRADITIONAL


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text_not_binary(encoding: str) -> None:
    sample = PINGCHANGGUAN.read_text(encoding="utf-8")
    data = sample.encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert txt.decode(data) == sample


def test_gbk_simplified_text_still_reads_as_gb18030() -> None:
    sample = PINGCHANGGUAN.read_text(encoding="utf-8")
    assert txt.decode(sample.encode("gbk", errors="ignore")) == sample.encode("gbk", errors="ignore").decode("gbk")
