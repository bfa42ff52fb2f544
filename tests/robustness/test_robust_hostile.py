"""Hostile content: HTML/JavaScript and SQL in report text, unit, district and file names is stored and queried
back exactly, and shown as text on every page; uploads are limited in size, count and type."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gi_analytics import analytics, store
from gi_analytics.analytics import Filters
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.readers import uploads

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "tests" / "fixtures" / "000_32c9a0a42e9b7f0e.txt"
UNIT = "<script>alert('unit')</script>镇"
DISTRICT = "<svg onload=alert(1)>'区"
TEXT = "本镇<img src=x onerror=alert('text')>公开;'); DROP TABLE cells; --。"  # NFKC-stable
FILE = "<b onmouseover=alert(1)>x<b>'; DROP TABLE files;--2021.txt"  # no "/" in a file name
PAYLOADS = ("<script", "<img", "<svg", "<b onmouseover")


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """The real sample report with a hostile unit, district, file name and a hostile sentence in section 一."""
    text = SAMPLE.read_text(encoding="utf-8")
    heading = text.index("一、总体情况")
    line_end = text.index("\n", heading)
    path = tmp_path / FILE
    path.write_text(text[: line_end + 1] + TEXT + "\n" + text[line_end + 1 :], encoding="utf-8")
    db = tmp_path / "hostile.duckdb"
    result = ingest_paths([path], db, workers=1, unit=UNIT, district=DISTRICT)
    assert result.ok, result.files
    assert ingest_paths([SAMPLE], db, workers=1, year=2022).ok  # an ordinary unit beside it
    return db


def test_hostile_strings_are_stored_and_queried_back_exactly(hostile_db: Path) -> None:
    with store.read_connection(hostile_db) as con:
        units = store.load_units(con)
        reports = store.load_reports(con)
        sections = store.load_sections(con)
    assert (UNIT, DISTRICT) in set(zip(units.name, units.district, strict=True))
    assert FILE in set(reports.source)
    assert any(TEXT in text for text in sections.text)
    report_id = analytics.find_report(str(hostile_db), UNIT, 2021, DISTRICT)
    assert report_id is not None
    assert analytics.original_file(str(hostile_db), report_id)[0] == FILE
    assert analytics.original_file(str(hostile_db), report_id)[1].decode("utf-8").count(TEXT) == 1
    chosen = Filters(district=DISTRICT, units=(UNIT,))
    assert set(analytics.report_index(str(hostile_db), chosen).unit) == {UNIT}
    assert set(analytics.unit_year(str(hostile_db), chosen).unit) == {UNIT}
    with store.read_connection(hostile_db) as con:  # nothing was dropped along the way
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"cells", "files", "reports"} <= tables


# ---------------------------------------------------------------- the pages

PAGES = ["pages/overview.py", "pages/requests.py", "pages/outcomes.py", "pages/appeals.py", "pages/warnings.py",
         "pages/report.py", "pages/text_compare.py", "pages/export.py", "pages/import_reports.py"]  # fmt: skip


def _unsafe_markup(at: AppTest) -> list[str]:
    """Payloads that would reach the browser as live markup: in st.html bodies, or in markdown allowed HTML."""
    found = []
    for element in at.get("html"):
        body = element.proto.body
        found += [f"html: {p}" for p in PAYLOADS if p in body]
    for kind in ("markdown", "caption", "title", "header", "subheader", "latex"):
        for element in at.get(kind):
            proto = element.proto
            body = getattr(proto, "body", "")
            if getattr(proto, "allow_html", False):
                found += [f"{kind} (html allowed): {p}" for p in PAYLOADS if p in body]
    return found


def _shown_text(at: AppTest) -> str:
    parts = [
        str(getattr(e.proto, "body", "")) for kind in ("markdown", "text", "subheader") for e in at.get(kind)
    ]
    parts += [str(e.proto) for e in at.get("arrow_data_frame")]
    parts += [str(e.proto) for e in at.get("selectbox")]
    return "\n".join(parts)


@pytest.mark.parametrize("page", [p for p in PAGES if (ROOT / p).exists()])
def test_every_page_shows_hostile_strings_as_text(
    hostile_db: Path, monkeypatch, apptest_navigation, page: str
) -> None:
    import streamlit as st

    st.cache_data.clear()
    monkeypatch.setenv("GI_DB", str(hostile_db))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not _unsafe_markup(at)


def test_report_page_shows_the_hostile_report_verbatim(
    hostile_db: Path, monkeypatch, apptest_navigation
) -> None:
    import streamlit as st

    st.cache_data.clear()
    monkeypatch.setenv("GI_DB", str(hostile_db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["r_unit"] = UNIT
    at.query_params["r_year"] = "2021"
    at.run()
    at.switch_page("pages/report.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="r_unit").value == UNIT
    texts = [e.value for e in at.text]
    assert any(TEXT in t for t in texts), "the hostile sentence is shown, as plain text"
    html = "".join(e.proto.body for e in at.get("html"))
    assert "<h4>" in html and not any(p in html for p in PAYLOADS)
    assert not _unsafe_markup(at)


# ---------------------------------------------------------------- upload limits


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patched(data: bytes, local_at: int, central_at: int, pack: str, value: int) -> bytes:
    """Rewrite one field of the first entry's local and central headers."""
    out = bytearray(data)
    struct.pack_into(pack, out, out.find(b"PK\x03\x04") + local_at, value)
    struct.pack_into(pack, out, out.find(b"PK\x01\x02") + central_at, value)
    return bytes(out)


def test_upload_type_and_count_limits() -> None:
    assert set(uploads.UPLOAD_SUFFIXES) == {"txt", "md", "html", "htm", "docx", "pdf", "zip"}  # Markdown too (issue 13)
    many = [(f"{n}.txt", b"x") for n in range(uploads.MAX_FILES + 3)]
    items, refused = uploads.unpack_uploads(many)
    assert len(items) == uploads.MAX_FILES and len(refused) == 3 and "上限" in refused[0][1]


def test_zip_contents_are_limited_in_type_size_and_nesting() -> None:
    archive = _zip({"a.txt": b"ok", "b.exe": b"MZ", "inner.zip": _zip({"c.txt": b"x"}), "d.pdf": b"%PDF-1.4"})
    big = _patched(_zip({"big.txt": b"x"}), 22, 24, "<I", (uploads.MAX_FILE_MB + 1) * 2**20)  # a declared 51 MB
    items, refused = uploads.unpack_uploads([("reports.zip", archive), ("big.zip", big)])
    assert [name for name, _ in items] == ["reports.zip/a.txt", "reports.zip/d.pdf"]
    reasons = dict(refused)
    assert (
        "不支持的文件类型" in reasons["reports.zip/b.exe"]
        and "不支持的文件类型" in reasons["reports.zip/inner.zip"]
    )
    assert f"{uploads.MAX_FILE_MB} MB" in reasons["big.zip/big.txt"]


def test_zip_expanding_past_the_total_limit_stops_there() -> None:
    size = 40 * 2**20
    entries = {f"{n}.txt": b"\n" * size for n in range(uploads.MAX_ZIP_TOTAL_MB * 2**20 // size + 2)}
    items, refused = uploads.unpack_uploads([("many.zip", _zip(entries))])
    assert sum(len(d) for _, d in items) <= uploads.MAX_ZIP_TOTAL_MB * 2**20
    assert refused and all("解压后超过" in reason for _, reason in refused)


@pytest.mark.parametrize(
    "make",
    [
        lambda z: _patched(z, 6, 8, "<H", 1),  # the "encrypted" flag: zipfile raises RuntimeError
        lambda z: _patched(z, 8, 10, "<H", 97),  # an unknown compression method: NotImplementedError
        lambda z: z[:60] + bytes(b ^ 0xFF for b in z[60:80]) + z[80:],  # a broken deflate stream: zlib.error
        lambda z: _patched(z, 22, 24, "<I", 10),  # a lying size: Bad CRC
        lambda z: z[: len(z) // 2],  # cut in half
    ],
    ids=["encrypted", "unknown-method", "broken-stream", "lying-size", "truncated"],
)
def test_damaged_zip_uploads_are_refused_not_raised(make) -> None:
    good = _zip({"a.txt": bytes(range(256)) * 64})
    items, refused = uploads.unpack_uploads([("bad.zip", make(good)), ("ok.txt", b"fine")])
    assert items == [("ok.txt", b"fine")]
    assert refused == [("bad.zip", "压缩包已损坏或已加密，无法打开")]
