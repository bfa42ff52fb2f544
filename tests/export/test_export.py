"""Exports: PNG/SVG drawn by Chromium with a CJK font, CSV/XLSX tables, the meeting pack as PPTX and PDF, the CLI.

The database is `conftest.build_small_db` (3 units × 2021–2023 of 示例区, one missing and one zero-filled report,
one error); the pack is built once per module because drawing twelve charts takes seconds.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pdfplumber
import plotly.graph_objects as go
import pytest
from conftest import SMALL_DISTRICT, build_small_db
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from gi_analytics import export
from gi_analytics.cli.main import main
from gi_analytics.export import captions, pack

TITLE = "政府信息公开"  # six different characters
TOFU = "\u2fe0\u2fe1\u2fe2\u2fe3\u2fe4\u2fe5"  # unassigned code points: no font has them, every one is a box
FONT_PX = 40


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_db(tmp_path_factory.mktemp("export") / "small.duckdb").path


@pytest.fixture(scope="module")
def built(db: Path) -> export.Pack:
    return pack.build_pack(str(db), SMALL_DISTRICT, (2021, 2023))


def title_figure(title: str) -> go.Figure:
    fig = go.Figure().update_layout(title={"text": title, "font": {"size": FONT_PX}, "x": 0.02}, width=600,
                                    height=200, template="plotly_white", margin={"t": 80})
    return fig.update_xaxes(visible=False).update_yaxes(visible=False)


def ink(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 128


def drawn_as_tofu(png: bytes, tofu_png: bytes) -> bool:
    """True when the Chinese title came out exactly like code points no font has: .notdef boxes."""
    return float(np.mean(ink(png) != ink(tofu_png))) < 0.001


def glyph_cells(png: bytes, n: int, scale: int = 2) -> list[np.ndarray]:
    """The title's ink cut into `n` cells one em (font size × scale) wide: CJK glyphs are full width."""
    mask = ink(png)
    left = int(np.where(mask.any(axis=0))[0][0]) - 4
    pitch = FONT_PX * scale
    return [mask[:, left + i * pitch: left + (i + 1) * pitch] for i in range(n)]


def min_pairwise_difference(cells: list[np.ndarray]) -> float:
    return min(float(np.mean(a != b)) for i, a in enumerate(cells) for b in cells[i + 1:])


# ---- images -------------------------------------------------------------------------------------


def test_png_has_requested_size_and_title_drawn_with_a_cjk_font() -> None:
    png = export.figure_png(title_figure(TITLE), width=600, height=200)
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1200, 400))
    # With no CJK font, Chinese characters are drawn exactly like TOFU (see the test below); with one, six
    # different characters are six different full-width glyphs.
    assert not drawn_as_tofu(png, export.figure_png(title_figure(TOFU), width=600, height=200))
    assert min_pairwise_difference(glyph_cells(png, 6)) > 0.03


NO_CJK_CHECK = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/.."]
from test_export import TITLE, TOFU, drawn_as_tofu, title_figure
from gi_analytics import export
png, tofu = (export.figure_png(title_figure(t), width=600, height=200) for t in (TITLE, TOFU))
print("tofu" if drawn_as_tofu(png, tofu) else "glyphs")
"""


def test_the_cjk_check_fails_when_chromium_has_no_cjk_font(tmp_path: Path) -> None:
    """The check above is real: Chromium limited to DejaVu (no CJK) draws the title as boxes, and it says so."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("needs fonts-dejavu-core as the one non-CJK font")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{dejavu}</dir>'
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    out = subprocess.run([sys.executable, "-c", NO_CJK_CHECK, str(Path(__file__).parent)], env=env,
                         capture_output=True, text=True, timeout=180)
    assert out.stdout.strip() == "tofu", out.stderr[-2000:]


def test_png_of_a_dashboard_chart_keeps_its_own_size(db: Path) -> None:
    source = pack.Source(str(db), pack.Filters(district=SMALL_DISTRICT))
    fig, _ = pack.build_chart(pack.CHARTS["requests_trend"], source)
    image = Image.open(io.BytesIO(export.figure_png(fig, width=800, height=450, scale=2)))
    assert image.size == (1600, 900)


def test_threads_rendering_at_once_each_get_their_own_image() -> None:
    """Streamlit serves every session from its own thread; all of them share the one browser."""
    from concurrent.futures import ThreadPoolExecutor

    widths = [200 + 20 * i for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda w: export.figure_png(title_figure(TITLE), width=w, height=100, scale=1), widths))
    assert [Image.open(io.BytesIO(p)).size for p in pngs] == [(w, 100) for w in widths]


def test_svg_contains_the_chinese_text_and_names_cjk_fonts() -> None:
    svg = export.figure_svg(title_figure(TITLE), width=600, height=200).decode("utf-8")
    assert svg.startswith("<svg") and TITLE in svg
    assert "Noto Sans CJK SC" in svg


def test_figure_downloads_gives_png_and_svg() -> None:
    files = export.figure_downloads(title_figure(TITLE), 300, 150)
    assert files["png"][:8] == b"\x89PNG\r\n\x1a\n" and b"<svg" in files["svg"][:200]


def test_download_items_make_their_files_on_demand() -> None:
    png, svg = export.figure_download_items(title_figure(TITLE), "申请量", 300, 150)
    assert (png.file_name, png.mime, svg.file_name) == ("申请量.png", "image/png", "申请量.svg")
    assert png.data().startswith(b"\x89PNG") and TITLE in svg.data().decode()
    csv_item, xlsx_item = export.table_download_items(FRAME, "清单")
    assert csv_item.data().startswith(b"\xef\xbb\xbf") and xlsx_item.data()[:2] == b"PK"


def test_missing_browser_is_a_chinese_error() -> None:
    code = ("from gi_analytics import export\nimport plotly.graph_objects as go\n"
            "try:\n    export.figure_png(go.Figure())\nexcept export.ExportError as e:\n    print(e)\n")
    env = {**os.environ, "GI_CHROMIUM": "/nonexistent/chromium"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert "未找到 Chromium" in out.stdout, out.stderr


# ---- tables -------------------------------------------------------------------------------------

FRAME = pd.DataFrame({"单位": ["甲镇", "乙街道办事处"], "年度": [2022, 2023], "公开率": [0.5, float("nan")],
                      "问题": [["申请数量勾稽关系不平"], []]})


def test_csv_has_bom_and_round_trips_chinese() -> None:
    data = export.table_csv(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == list(FRAME.columns)
    assert list(back["单位"]) == ["甲镇", "乙街道办事处"] and list(back["年度"]) == [2022, 2023]


def test_xlsx_has_bold_header_frozen_panes_and_cjk_widths() -> None:
    ws = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(FRAME, sheet="测试"))).active
    assert ws.title == "测试" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == list(FRAME.columns) and all(c.font.bold for c in ws[1])
    assert [c.value for c in ws[2]] == ["甲镇", 2022, 0.5, "申请数量勾稽关系不平"]
    assert ws["C3"].value is None
    assert ws.column_dimensions["A"].width >= 2 * len("乙街道办事处")  # CJK counts double
    assert ws.column_dimensions["B"].width < ws.column_dimensions["A"].width


@pytest.mark.parametrize("name", list(pack.TABLES))
def test_every_named_table_has_chinese_headers(db: Path, name: str) -> None:
    spec = pack.TABLES[name]
    table = pack.build_table(spec, pack.Source(str(db), pack.Filters(district=SMALL_DISTRICT)))
    assert not table.empty and set(table.columns) <= set(spec.labels.values())


# ---- the meeting pack ---------------------------------------------------------------------------


def test_pack_has_every_chart_then_the_lists(built: export.Pack) -> None:
    charts = [s for s in built.slides if s.image is not None]
    assert [s.title for s in charts] == [c.title for c in pack.CHARTS.values()]
    assert all(any(ch.isdigit() for ch in s.caption) for s in charts)
    missing, findings, states = [s for s in built.slides if s.image is None]
    assert missing.header == ("单位", "缺失", "空白模板", "全零")
    assert missing.rows == [("丙街道", "—", "—", "2021"), ("乙镇", "2023", "—", "—")]
    assert [r[:3] for r in findings.rows] == [("甲镇", "1", "0"), ("乙镇", "0", "1")]
    assert states.title == "整改情况" and states.rows[-1] == ("合计", "3", "0", "0", "0", "3")


def test_caption_states_the_requests_of_the_last_year(built: export.Pack, db: Path) -> None:
    from conftest import SMALL_MISSING, SMALL_UNITS, _requests

    def total(year: int) -> int:
        return sum(12 if (u, year) == ("甲镇", 2022) else _requests(i, year)
                   for i, u in enumerate(SMALL_UNITS) if (u, year) not in SMALL_MISSING)

    caption = built.slides[0].caption
    assert caption.startswith(f"2023年新收申请{total(2023)}件")
    assert f"减少{total(2022) - total(2023)}件" in caption


def test_pptx_opens_with_title_charts_captions_and_lists(built: export.Pack) -> None:
    prs = Presentation(io.BytesIO(export.pack_pptx(built)))
    slides = list(prs.slides)
    assert len(slides) == 1 + len(built.slides)
    assert any(built.title in sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    for slide, content in zip(slides[1:], built.slides, strict=True):
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        pictures = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert content.title in texts and content.caption in texts
        if content.image is not None:
            assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
        else:
            table = next(sh for sh in slide.shapes if sh.has_table).table
            assert [c.text for c in table.rows[0].cells] == list(content.header)
            assert [c.text for c in table.rows[1].cells] == list(content.rows[0])


def test_pdf_embeds_the_chinese_font_it_uses(built: export.Pack) -> None:
    """Every font of the handout is embedded (a FontFile2 stream), so it prints alike on a machine without it."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    doc = PDFDocument(PDFParser(io.BytesIO(export.pack_pdf(built))))
    fonts = {}
    for page in PDFPage.create_pages(doc):
        for ref in resolve1(resolve1(page.resources).get("Font", {})).values():
            font = resolve1(ref)
            descendant = resolve1(font["DescendantFonts"])[0] if "DescendantFonts" in font else font
            descriptor = resolve1(resolve1(descendant).get("FontDescriptor", {}))
            fonts[str(font.get("BaseFont"))] = any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3"))
    assert fonts and all(fonts.values()), fonts


def test_pdf_has_one_page_per_slide_with_extractable_chinese(built: export.Pack) -> None:
    with pdfplumber.open(io.BytesIO(export.pack_pdf(built))) as pdf:
        pages = [(p.extract_text() or "", len(p.images)) for p in pdf.pages]
    assert len(pages) == 1 + len(built.slides)
    assert built.title in pages[0][0]
    for (text, images), slide in zip(pages[1:], built.slides, strict=True):
        flat = text.replace("\n", "")
        assert slide.title in flat and slide.caption[:20] in flat
        assert images == (1 if slide.image is not None else 0)
    assert "乙镇" in pages[-3][0] and "缺失" in pages[-3][0]
    assert "整改情况" in pages[-1][0] and "已确认（未整改）" in pages[-1][0]


def test_pack_of_some_parts_only(db: Path) -> None:
    appeals = pack.build_pack(str(db), SMALL_DISTRICT, (2022, 2023), ["appeals"])
    assert [s.title for s in appeals.slides] == [c.title for c in pack.CHARTS.values() if c.part == "appeals"]
    assert appeals.subtitle == "2022—2023年度"


@pytest.mark.parametrize(("district", "years", "parts"), [
    ("无此区", (2021, 2023), ["requests"]),
    (SMALL_DISTRICT, (2010, 2012), ["requests"]),
    (SMALL_DISTRICT, (2021, 2023), ["nonsense"]),
    (SMALL_DISTRICT, (2021, 2023), []),
])
def test_bad_pack_request_is_a_chinese_error(db: Path, district: str, years: tuple, parts: list) -> None:
    with pytest.raises(export.ExportError):
        pack.build_pack(str(db), district, years, parts)


@pytest.mark.parametrize(("text", "expected"), [("2021-2023", (2021, 2023)), ("2023", (2023, 2023)),
                                                ("2021—2022", (2021, 2022)), (" 2022 - 2023 ", (2022, 2023))])
def test_parse_years(text: str, expected: tuple[int, int]) -> None:
    assert pack.parse_years(text) == expected


@pytest.mark.parametrize("text", ["20x", "2023-2021", "2021-", ""])
def test_parse_years_refuses(text: str) -> None:
    with pytest.raises(export.ExportError):
        pack.parse_years(text)


# ---- CLI ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "suffix", "magic"), [
    (["table", "findings"], "csv", b"\xef\xbb\xbf"),
    (["table", "key_figures", "--district", SMALL_DISTRICT, "--years", "2022"], "xlsx", b"PK"),
    (["chart", "appeals_counts", "--width", "640", "--height", "360"], "png", b"\x89PNG"),
    (["chart", "coverage_by_year"], "svg", b"<svg"),
    (["pack", "--district", SMALL_DISTRICT, "--years", "2023", "--parts", "quality"], "pdf", b"%PDF"),
])
def test_cli_export_writes_the_file(db: Path, tmp_path: Path, argv: list[str], suffix: str, magic: bytes) -> None:
    out = tmp_path / f"out.{suffix}"
    assert main(["export", *argv, "--db", str(db), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


def test_cli_pack_without_a_district_is_the_whole_database_and_says_so(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pptx import Presentation

    out = tmp_path / "pack.pptx"
    assert main(["export", "pack", "--years", "2019-2025", "--parts", "quality", "--db", str(db),
                 "--out", str(out)]) == 0
    assert "整个数据库" in capsys.readouterr().err
    title = next(s.text_frame.text for s in Presentation(str(out)).slides[0].shapes if s.has_text_frame)
    assert title.startswith("全部区县"), title


@pytest.mark.parametrize("argv", [
    ["table", "nonsense", "--out", "x.csv"],
    ["chart", "--out", "x.png"],
    ["table", "findings", "--out", "x.txt"],
    ["pack", "--district", "无此区", "--out", "x.pptx"],
    ["pack", "--district", SMALL_DISTRICT, "--years", "20x", "--out", "x.pptx"],
])
def test_cli_mistakes_exit_3_with_a_chinese_sentence(db: Path, tmp_path: Path, argv: list[str],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a if not a.startswith("x.") else str(tmp_path / a) for a in argv]
    assert main(["export", *argv, "--db", str(db)]) == 3
    assert "错误：" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


# ---- hostile text in exports ---------------------------------------------------------------------

HOSTILE_UNIT = '=HYPERLINK("http://x","查看")镇'
HOSTILE_TITLE = "-2021年度报告+1"


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({"unit": [HOSTILE_UNIT, "@SUM(A1)", "\tx", "普通镇"],
                         "title": [HOSTILE_TITLE, "+1", "\r=1", "报告"],
                         "count": [-3, 5, 0, 7]})


def test_xlsx_writes_formula_like_text_as_strings_and_numbers_as_numbers() -> None:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(export.table_xlsx(_hostile_frame()))).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    texts = [c for c in cells if c.column <= 2]
    assert all(c.data_type == "s" for c in texts)
    assert ws["A2"].value == HOSTILE_UNIT and ws["B2"].value == HOSTILE_TITLE
    assert ws["A2"].quotePrefix and ws["B2"].quotePrefix
    assert [ws.cell(r, 3).value for r in range(2, 6)] == [-3, 5, 0, 7]
    assert ws.cell(2, 3).data_type == "n"


def test_csv_escapes_formula_like_text_as_owasp_recommends() -> None:
    rows = list(csv.reader(io.StringIO(export.table_csv(_hostile_frame()).decode("utf-8-sig"))))
    assert rows[1] == ["'" + HOSTILE_UNIT, "'" + HOSTILE_TITLE, "-3"]
    assert rows[2][:2] == ["'@SUM(A1)", "'+1"] and rows[3][0] == "'\tx"
    assert rows[4] == ["普通镇", "报告", "7"]


def test_caption_shows_a_markdown_image_unit_as_text() -> None:
    unit = "![x](https://example.org/i.png)<b>镇"
    df = pd.DataFrame({"unit": [unit, "乙镇"], "new_received": [9, 1]})
    caption = captions.caption_top("new_received", "新收申请")(df)
    assert not re.search(r"(?<!\\)[!\[\]()<>]", caption)  # every markup character is backslash-escaped
    assert captions.plain(caption).startswith(f"新收申请最高的是{unit}")


def test_exports_show_counts_as_integers_and_shares_as_per_cent() -> None:
    import openpyxl

    from gi_analytics.export import tables

    df = pd.DataFrame({"unit": ["甲镇", "乙镇"], "processed": [247.0, float("nan")],
                       "disclosure_rate": [0.5428, 0.1], "review_rate": [1.234, 2.0]})
    labels = {"unit": "单位", "processed": "办理总数", "disclosure_rate": "公开率", "review_rate": "复议率（每百件）"}
    text = tables.table_csv(df, labels).decode("utf-8-sig").splitlines()
    assert text == ["单位,办理总数,公开率,复议率（每百件）", "甲镇,247,54.3%,1.23", "乙镇,,10.0%,2.0"]
    ws = openpyxl.load_workbook(io.BytesIO(tables.table_xlsx(df, labels))).active
    assert [c.value for c in ws[1]] == list(labels.values())
    assert ws["B2"].value == 247 and isinstance(ws["B2"].value, int) and ws["B3"].value is None
    assert ws["C2"].value == pytest.approx(0.5428) and ws["C2"].number_format == "0.0%"
    assert ws["D2"].number_format == "0.0"


def test_a_pack_table_keeps_its_shares_as_per_cent(db: Path) -> None:
    import openpyxl

    from gi_analytics.export import pack, tables

    table = pack.build_table(pack.TABLES["key_figures"], pack.Source(str(db), pack.Filters()))
    assert "公开率" in table.columns and "公开率" in table.attrs["shares"]
    ws = openpyxl.load_workbook(io.BytesIO(tables.table_xlsx(table))).active
    col = [c.value for c in ws[1]].index("公开率") + 1
    assert ws.cell(2, col).number_format == "0.0%"
    assert all(isinstance(ws.cell(r, 2).value, int | None) for r in range(2, ws.max_row + 1))
