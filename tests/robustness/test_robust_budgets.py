"""Budgets per file: a DOCX that inflates within the zip-bomb guard, a body of too many elements, a FIFO, a
device and a file that parses too long are each refused with one Chinese sentence, quickly, and the batch goes
on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from robust_workers import SAMPLE, write_reports

from gi_analytics.ingest import pipeline
from gi_analytics.readers import ReadError, docx, files
from gi_analytics.store.records import Outcome

TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "official-template-2021.docx"
SRC = Path(__file__).resolve().parents[2] / "src"
_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
         b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
_TAIL = b"</w:body></w:document>"


def _docx_with_body(path: Path, paragraph: bytes, count: int, padding: int = 0) -> Path:
    """The official template with its body replaced by `count` copies of `paragraph`, written as a stream;
    `padding` random bytes in a media part keep the compression ratio under the zip-bomb guard."""
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, src.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as body:
            body.write(_HEAD)
            block = paragraph * 10_000
            for _ in range(count // 10_000):
                body.write(block)
            body.write(_TAIL)
        if padding:
            out.writestr("word/media/padding.bin", os.urandom(padding), zipfile.ZIP_STORED)
    return path


def test_a_docx_that_declares_191_mib_under_the_bomb_guard_is_refused_quickly(tmp_path: Path) -> None:
    para = b"<w:p><w:r><w:t>" + "政府信息公开".encode() * 3 + b"</w:t></w:r></w:p>"
    path = _docx_with_body(tmp_path / "放大.docx", para, 191 * 2**20 // len(para), padding=1_000_000)
    declared = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert 190 * 2**20 < declared < docx.MAX_UNZIPPED_BYTES and path.stat().st_size < 2 * 2**20
    assert declared / path.stat().st_size < docx.MAX_RATIO  # the old guard lets it through
    start = time.monotonic()
    with pytest.raises(ReadError, match="Word 文档“放大.docx”的内容解压后有 191 MB"):
        files.read_path(path)
    assert time.monotonic() - start < 2


def test_a_docx_of_too_many_paragraphs_is_refused(tmp_path: Path) -> None:
    path = _docx_with_body(tmp_path / "段落.docx", b"<w:p/>", 300_000)
    start = time.monotonic()
    with pytest.raises(ReadError, match="段落和表格单元格超过 200,000 个"):
        files.read_path(path)
    assert time.monotonic() - start < 10


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="不是普通文件（管道），已跳过：管道.txt"):
        files.read_path(fifo)


def test_dev_zero_is_refused_without_reading() -> None:
    with pytest.raises(ReadError, match="不是普通文件（设备）"):
        files.read_path(Path("/dev/zero"))


def test_ingest_of_a_fifo_and_dev_zero_ends_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = write_reports(tmp_path / "in", ["甲镇"])[0]
    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    env = os.environ | {"PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "gi_analytics", "ingest", str(fifo), str(zero), str(good),
           "--db", str(tmp_path / "gi.duckdb")]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "不是普通文件（管道）" in done.stdout and "不是普通文件（设备）" in done.stdout
    assert "共 3 个文件，失败 2 个" in done.stdout


def test_a_file_that_parses_past_its_budget_fails_and_the_batch_goes_on(tmp_path: Path, monkeypatch) -> None:
    slow, fast = write_reports(tmp_path / "in", ["慢镇", "快镇"])
    real = pipeline.parse_document

    def parse(document):
        if "慢镇" in document.name:
            time.sleep(30)
        return real(document)

    monkeypatch.setattr(pipeline, "parse_document", parse)
    monkeypatch.setattr(pipeline, "PARSE_SECONDS", 0.5)
    start = time.monotonic()
    result = pipeline.ingest_paths([slow, fast], tmp_path / "gi.duckdb", workers=1)
    assert time.monotonic() - start < 20
    outcome = {f.source: f for f in result.files}
    assert outcome["慢镇2021.txt"].outcome == Outcome.FAILED
    assert outcome["慢镇2021.txt"].reason == "解析超过 0.5 秒的时限，已跳过：慢镇2021.txt"
    assert outcome["快镇2021.txt"].outcome != Outcome.FAILED


def test_the_sample_still_reads(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "样本.txt")
    assert files.read_path(tmp_path / "样本.txt").blocks


def _children(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.add(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_no_parse_worker_outlives_a_killed_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    write_reports(folder, [f"第{i}镇" for i in range(400)])
    env = os.environ | {"PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "gi_analytics", "ingest", str(folder), "--db", str(tmp_path / "gi.duckdb"),
           "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(workers := _children(proc.pid)) < 2:
        assert time.monotonic() < deadline and proc.poll() is None, "the pool never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:  # do not leave them running if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not survivors
