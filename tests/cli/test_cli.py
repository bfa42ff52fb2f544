"""The command line, run as a real subprocess: parse, ingest, exit codes, a killed ingest, and a reader in
another process while an ingest runs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gi_analytics import store
from gi_analytics.cli import main as cli
from gi_analytics.ingest import pipeline as importer

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"


def sample_text(unit: str, year: int) -> str:
    return SAMPLE.read_text(encoding="utf-8").replace("平昌关镇", unit).replace("2021", str(year))


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gi_analytics", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gi_analytics", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def folder_of_reports(folder: Path, units: list[str], year: int = 2021) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for unit in units:
        (folder / f"{unit}_{year}.txt").write_text(sample_text(unit, year), encoding="utf-8")
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for(condition, seconds: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# ---------------------------------------------------------------- parse


def test_parse_json_prints_the_contract() -> None:
    done = run("parse", str(SAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["source"], data["unit"], data["year"], data["template"]) == (
        SAMPLE.name,
        "平昌关镇",
        2021,
        "2021",
    )
    assert list(data) == ["source", "unit", "year", "template", "period", "published", "active", "requests",
                          "appeals", "sections", "problems"]  # fmt: skip
    assert "平昌关镇" in done.stdout  # not ASCII-escaped


def test_parse_without_json_prints_a_chinese_summary() -> None:
    done = run("parse", str(SAMPLE))
    assert done.returncode == 0
    assert "单位：平昌关镇" in done.stdout and "年度：2021" in done.stdout and "模板：2021" in done.stdout
    assert "发布日期：未识别" in done.stdout


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [("missing.txt", None, "无法读取"), ("empty.txt", b"", "文件为空"), ("broken.pdf", b"not a pdf", "损坏")],
)
def test_parse_an_unreadable_file_gives_one_chinese_line(
    tmp_path: Path, name: str, data: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    done = run("parse", str(path), "--json")
    assert done.returncode == cli.EXIT_CANNOT_RUN
    assert done.stdout == "" and reason in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


# ---------------------------------------------------------------- ingest


def test_ingest_prints_a_summary_and_exits_0(tmp_path: Path) -> None:
    folder = folder_of_reports(tmp_path / "in", ["甲镇", "乙乡"])
    db = tmp_path / "gi.duckdb"
    done = run("ingest", str(folder), "--db", str(db), "--district", "示例区")
    assert done.returncode == 0, done.stderr
    assert "甲镇_2021.txt" in done.stdout and "已入库" in done.stdout and "失败 0 个" in done.stdout
    again = run("ingest", str(folder), "--db", str(db))
    assert again.returncode == 0 and again.stdout.count("未变化") == 2


def test_ingest_with_a_corrupt_file_exits_1_and_lists_the_reason(tmp_path: Path) -> None:
    folder = folder_of_reports(tmp_path / "in", ["甲镇"])
    (folder / "坏.docx").write_bytes(b"PK\x03\x04 definitely not a docx")
    db = tmp_path / "gi.duckdb"
    done = run("ingest", str(folder), "--db", str(db))
    assert done.returncode == cli.EXIT_ERRORS
    bad_line = next(line for line in done.stdout.splitlines() if line.startswith("坏.docx"))
    assert "失败" in bad_line and len(bad_line.split()) > 2
    with store.read_connection(db) as con:
        assert list(store.load_reports(con).unit) == ["甲镇"]


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "请给出要导入的文件"), (("no/such/folder",), "找不到")],
)
def test_ingest_that_cannot_run_exits_3(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = run("ingest", *args, "--db", str(tmp_path / "gi.duckdb"))
    assert done.returncode == cli.EXIT_CANNOT_RUN and message in done.stderr


def test_ingest_into_a_damaged_database_exits_3_then_rebuild_works(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    db.write_bytes(b"garbage" * 500)
    done = run("ingest", str(SAMPLE), "--db", str(db))
    assert (
        done.returncode == cli.EXIT_CANNOT_RUN
        and "数据库文件损坏" in done.stderr
        and "Traceback" not in done.stderr
    )
    refused = run("ingest", str(SAMPLE), "--db", str(db), "--rebuild")  # a rebuild starts from a folder
    assert refused.returncode == cli.EXIT_CANNOT_RUN and "只能从报告文件夹开始" in refused.stderr
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SAMPLE, folder)
    rebuilt = run("ingest", str(folder), "--db", str(db), "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert db.with_name("gi.duckdb.damaged").read_bytes() == b"garbage" * 500
    with store.read_connection(db) as con:
        assert list(store.load_reports(con).unit) == ["平昌关镇"]


def test_default_database_comes_from_gi_db(tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    done = run("ingest", str(SAMPLE), env={"GI_DB": str(db)})
    assert done.returncode == 0 and db.exists()


def test_demo_ingests_the_bundled_reports_with_their_units_csv(tmp_path: Path) -> None:
    suffixes = {".txt", ".html", ".docx", ".pdf"}
    bundled = [p for p in importer.DEMO_REPORTS.rglob("*") if p.suffix in suffixes]
    db = tmp_path / "demo.duckdb"
    done = run("ingest", "--demo", env={"GI_DB": str(db)}, timeout=300)
    assert done.returncode == 0, done.stderr
    with store.read_connection(db) as con:
        reports = store.load_reports(con, current_only=False)
    assert len(reports) == len(bundled) > 100
    assert "示例区" in set(reports.district)  # from data/reports/units.csv


def test_every_subcommand_has_help() -> None:
    parser = cli.build_parser()
    names = set(parser._subparsers._group_actions[0].choices)
    assert {"parse", "ingest", "check", "export"} <= names
    for name in names:
        with pytest.raises(SystemExit) as exit_:
            parser.parse_args([name, "--help"])
        assert exit_.value.code == 0


# ---------------------------------------------------------------- faults and concurrency


def test_a_killed_ingest_leaves_the_database_as_it_was_and_a_rerun_completes(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    assert run("ingest", str(SAMPLE), "--db", str(db)).returncode == 0
    before = digest(db)
    folder = folder_of_reports(tmp_path / "in", [f"第{i}镇" for i in range(8)])
    proc = start("ingest", str(folder), "--db", str(db), env={store.PAUSE_ENV: "60"})
    tmp = store.tmp_path(db)
    try:
        wait_for(tmp.exists)
        time.sleep(0.5)  # well inside the batch: written to the copy, not yet swapped
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert digest(db) == before and tmp.exists()
    with store.read_connection(db) as con:
        assert list(store.load_reports(con).unit) == ["平昌关镇"]
    rerun = run("ingest", str(folder), "--db", str(db))
    assert rerun.returncode == 0, rerun.stderr
    assert not tmp.exists()
    with store.read_connection(db) as con:
        assert len(store.load_reports(con)) == 9


def test_a_reader_in_another_process_sees_old_or_new_never_a_partial_ingest(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    assert run("ingest", str(SAMPLE), "--db", str(db)).returncode == 0
    with store.read_connection(db) as con:
        old = (len(store.load_reports(con)), len(store.load_cells(con)))
    folder = folder_of_reports(tmp_path / "in", [f"第{i}镇" for i in range(6)])
    proc = start("ingest", str(folder), "--db", str(db), env={store.PAUSE_ENV: "1.5"})
    states: set[tuple[int, int]] = set()
    try:
        while proc.poll() is None:
            with store.read_connection(db) as con:
                states.add((len(store.load_reports(con)), len(store.load_cells(con))))
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == 0
    with store.read_connection(db) as con:
        new = (len(store.load_reports(con)), len(store.load_cells(con)))
    assert new[0] == 7 and old in states
    assert states <= {old, new}


def test_check_reads_the_findings_of_the_default_database(tmp_path: Path) -> None:
    env = {"GI_DB": str(tmp_path / "gi.duckdb")}
    assert run("ingest", str(SAMPLE), env=env).returncode == 0
    done = run("check", "--format", "json", env=env)
    assert done.returncode in (cli.EXIT_OK, cli.EXIT_ERRORS, cli.EXIT_WARNINGS), done.stderr
    assert "report.all_zero" in {row["check"] for row in json.loads(done.stdout)}


def test_ingest_summary_names_dangling_links_and_strips_control_characters(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "\x1b[31m红\x1b[0m\x07镇2021.txt")
    (folder / "断链2021.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(folder / "管道2021.txt")
    done = run("ingest", str(folder), "--db", str(tmp_path / "gi.duckdb"), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "[31m红[0m镇2021.txt" in done.stdout
    assert "已跳过：断链2021.txt（链接指向的文件不存在）" in done.stdout
    assert "已跳过：管道2021.txt（不是普通文件）" in done.stdout
    assert "共 1 个文件，失败 0 个，跳过 2 项" in done.stdout
def test_a_usage_error_has_its_own_exit_code_and_help_is_chinese(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["check", "--no-such-option"])
    assert exit_.value.code == cli.EXIT_USAGE != cli.EXIT_WARNINGS
    assert "用法有误" in capsys.readouterr().err
    help_text = cli.build_parser().format_help()
    assert "用法：" in help_text and "选项" in help_text and "退出码" in help_text
    assert "usage:" not in help_text and "options:" not in help_text
