"""Bad files through the importer into a real DuckDB: each is refused with a Chinese reason under its own name,
the batch goes on, and nothing of it lands in the database but its line in the ingest log."""

from __future__ import annotations

import io
import os
import re
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import table_rows
from reportlab.pdfgen import canvas

from gi_analytics.cli import main as cli
from gi_analytics.ingest.pipeline import ingest_bytes, ingest_paths
from gi_analytics.readers import docx as docx_reader
from gi_analytics.readers.files import MAX_BYTES
from gi_analytics.store import Outcome

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "000_32c9a0a42e9b7f0e.txt"  # 平昌关镇 2021
HUAIAN = FIXTURES / "real-pdf" / "huaian-city-2024.pdf"
TEMPLATE = FIXTURES / "official-template-2021.docx"
CJK = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------- the bad files


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt="secret")
    page.drawString(72, 720, "2021 report")
    page.save()
    return buffer.getvalue()


def _scanned_pdf() -> bytes:
    """A page that is only a picture, as a scanner makes it."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    picture = io.BytesIO()
    Image.new("RGB", (600, 800), (250, 250, 250)).save(picture, format="PNG")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for _ in range(2):
        page.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 0, 0, 595, 842)
        page.showPage()
    page.save()
    return buffer.getvalue()


def _template_with(document_xml: bytes) -> bytes:
    """The real Word template with its document.xml replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = document_xml if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info.filename, data)
    return buffer.getvalue()


def _padded_document(size: int) -> bytes:
    """The template's own document.xml followed by `size` bytes of white space (valid XML, deflates ~1000:1)."""
    with zipfile.ZipFile(TEMPLATE) as src:
        return src.read("word/document.xml") + b" " * size


def _honest_bomb() -> bytes:
    return _template_with(_padded_document(docx_reader.MAX_UNZIPPED_BYTES + 2**20))


def _lying_bomb() -> bytes:
    """A 100 MB document.xml whose zip headers claim 4 KB: the size checks pass, the inflating must still stop."""
    data = bytearray(_template_with(_padded_document(100 * 2**20)))
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        header = data.find(signature)
        while header != -1:
            name_at = header + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, header + size_at, 4096)
            header = data.find(signature, header + 4)
    return bytes(data)


# name -> (bytes or a maker, what the reason must say)
BAD_FILES: dict[str, tuple[bytes | Callable[[], bytes], str]] = {
    "空白.txt": (b"", "文件为空"),
    "只有空格.txt": (b" \r\n\t \n", "文件为空"),
    "二进制.txt": (bytes(range(256)) * 40, "不是文本文件"),
    "其实是文本.docx": ("二〇二一年报告".encode() * 50, "扩展名是 Word.*内容是其他内容"),
    "其实是压缩包.pdf": (b"PK\x03\x04" + b"\0" * 300, "扩展名是 PDF.*内容是压缩包"),
    "旧版.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Word"),
    "表格.xlsx": (b"PK\x03\x04 not really", "不支持的文件类型"),
    "截断.pdf": (lambda: HUAIAN.read_bytes()[:40_000], "PDF.*损坏"),
    "加密.pdf": (_encrypted_pdf, "PDF 已加密"),
    "扫描件.pdf": (_scanned_pdf, "没有可提取的文字.*扫描件"),
    "截断.docx": (lambda: TEMPLATE.read_bytes()[:6000], "损坏"),
    "坏XML.docx": (lambda: _template_with(b"<w:document><unclosed"), "不是有效的 Word"),
    "压缩炸弹.docx": (_honest_bomb, "解压后过大"),
    "谎报大小的压缩炸弹.docx": (_lying_bomb, "无法打开文档内容"),
}


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, (content, _) in BAD_FILES.items():
        (folder / name).write_bytes(content() if callable(content) else content)
    with open(folder / "过大.txt", "wb") as big:  # sparse: costs no disk
        big.truncate(MAX_BYTES + 1)
    return folder


def _bad_paths(folder: Path) -> list[Path]:
    return [folder / name for name in BAD_FILES] + [folder / "过大.txt"]


def _check_refusals(outcomes: dict[str, object]) -> None:
    expected = {name: reason for name, (_, reason) in BAD_FILES.items()} | {"过大.txt": "文件过大"}
    for name, reason in expected.items():
        outcome = outcomes[name]
        assert outcome.outcome == Outcome.FAILED, name
        assert re.search(reason, outcome.reason) and CJK.search(outcome.reason), (name, outcome.reason)
        assert "Error" not in outcome.reason and "Traceback" not in outcome.reason, (name, outcome.reason)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding the sample report of 平昌关镇 2021."""
    path = tmp_path / "gi.duckdb"
    assert ingest_paths([SAMPLE], path, workers=1).ok
    return path


def test_each_bad_file_is_refused_by_name_and_reason_and_the_database_keeps_only_the_log(
    db: Path, bad_dir: Path
) -> None:
    before = table_rows(db)
    paths = _bad_paths(bad_dir)
    result = ingest_paths(paths, db, year=2021, unit="坏文件镇", workers=1)
    assert [f.source for f in result.files] == [p.name for p in paths]
    _check_refusals({f.source: f for f in result.files})
    after = table_rows(db)
    assert {t: rows for t, rows in after.items() if t not in ("files", "meta")} == {
        t: rows for t, rows in before.items() if t not in ("files", "meta")
    }
    new_log = [r for r in after["files"] if r not in before["files"]]
    assert sorted(r[1] for r in new_log) == sorted(p.name for p in paths)
    assert {r[3] for r in new_log} == {"failed"}


def test_the_batch_goes_on_past_bad_files(db: Path, bad_dir: Path, tmp_path: Path) -> None:
    """Good reports before, between and after the bad ones are stored in the same batch."""
    good = []
    for unit in ("甲镇", "乙镇", "丙镇"):
        path = tmp_path / f"{unit}2021.txt"
        path.write_text(SAMPLE.read_text(encoding="utf-8").replace("平昌关镇", unit), encoding="utf-8")
        good.append(path)
    bad = _bad_paths(bad_dir)
    paths = [good[0], *bad[:7], good[1], *bad[7:], good[2]]
    result = ingest_paths(paths, db, workers=1)
    stored = [f.unit for f in result.files if f.outcome == Outcome.STORED]
    assert stored == ["甲镇", "乙镇", "丙镇"]
    assert len(result.failed) == len(bad)
    con = duckdb.connect(str(db), read_only=True)
    try:
        units = {
            r[0] for r in con.execute("SELECT u.name FROM reports JOIN units u USING (unit_id)").fetchall()
        }
    finally:
        con.close()
    assert units == {"平昌关镇", "甲镇", "乙镇", "丙镇"}


def test_uploaded_bad_files_are_refused_the_same_way(db: Path, bad_dir: Path) -> None:
    before = table_rows(db)
    items = [(p.name, p.read_bytes()) for p in _bad_paths(bad_dir) if p.name != "过大.txt"]
    items.append(("过大.txt", b"x" * (MAX_BYTES + 1)))
    result = ingest_bytes(items, db, year=2021, unit="坏文件镇")
    _check_refusals({f.source: f for f in result.files})
    assert table_rows(db)["cells"] == before["cells"]


def test_the_lying_zip_bomb_is_not_inflated() -> None:
    """Bounded decompression: zipfile stops at the declared size, so 100 MB never lands in memory."""
    from gi_analytics.readers import ReadError
    from gi_analytics.readers.files import read_bytes

    data = _lying_bomb()
    assert len(data) < 2**20
    start = time.perf_counter()
    with pytest.raises(ReadError, match="无法打开文档内容"):
        read_bytes(data, "bomb.docx")
    assert time.perf_counter() - start < 5


def test_cli_lists_every_refused_file_with_its_reason_and_exits_1(
    db: Path, bad_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["ingest", str(bad_dir), "--db", str(db), "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_ERRORS
    assert "Traceback" not in out + err
    for name in [*BAD_FILES, "过大.txt"]:
        if Path(name).suffix in (".txt", ".docx", ".pdf"):  # a folder yields only supported types
            line = next(line for line in out.splitlines() if line.startswith(name))
            assert "失败" in line, line


def test_unreadable_file_on_disk_is_refused(db: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    locked = tmp_path / "无权限2021.txt"
    locked.write_bytes(SAMPLE.read_bytes())
    locked.chmod(0)
    result = ingest_paths([locked], db, workers=1)
    assert result.files[0].outcome == Outcome.FAILED and "权限" in result.files[0].reason


def test_a_batch_of_fuzzed_reports_goes_through_parse_checks_and_store(tmp_path: Path) -> None:
    """Mutated real reports (huge numbers, noise, broken grids, wrong encodings) stored with the checks run
    over them in the same write: nothing escapes, and every stored file reads back."""
    import random

    from robust_mutations import MUTATIONS, as_bytes, corpus, mutate

    rng = random.Random(8)
    docs, items = corpus(), []
    for n in range(40):
        ops = [(rng.choice(sorted(MUTATIONS)), rng.randrange(2**32)) for _ in range(rng.randint(1, 4))]
        data, name = as_bytes(mutate(rng.choice(docs), ops), random.Random(n))
        items.append((f"{n:02d}_{name}", data))
    db = tmp_path / "fuzz.duckdb"
    result = ingest_bytes(items, db, unit="模糊镇", year=2021)
    assert [f.source for f in result.files] == [name for name, _ in items]
    stored = [f for f in result.files if f.outcome in (Outcome.STORED, Outcome.NEW_VERSION)]
    assert stored and all(f.reason and CJK.search(f.reason) for f in result.failed)
    table = table_rows(db)
    assert len(table["reports"]) == len(stored)
    assert {r[0] for r in table["cells"]} <= {r[0] for r in table["reports"]}
