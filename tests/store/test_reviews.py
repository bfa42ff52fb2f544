"""Reviews of findings survive what a supervisor's year does to the database: re-ingest, a corrected version of a
report, a rebuild from the report folder; a CSV backs them up; `check --format json` carries id and state."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from checks_helpers import make_report, set_cell

from gi_analytics.demo.render import render
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.store import reviews
from gi_analytics.store.connection import read_connection
from gi_analytics.store.records import StoreError

UNITS = ("甲镇", "乙镇", "丙镇", "丁镇", "戊镇")


def _broken(unit: str, year: int = 2022, fixed: bool = False):
    """A report whose table 三 total of new requests is off by one (requests.column_sum), unless fixed."""
    report = make_report(unit, year)
    if not fixed:
        total = report.tables["requests"]["new_received"]["total"].value
        set_cell(report, "requests", "new_received", "total", total + 1)
    return report


def _write(folder: Path, report, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{report.unit}_{report.year}.txt")
    path.write_bytes(render(report, "txt_tabs"))
    return path


def _states(db: Path) -> dict[str, str]:
    with read_connection(db) as con:
        frame = reviews.reviewed_findings(con)
    return dict(zip(frame.finding_id, frame.review_status, strict=True))


@pytest.fixture
def district(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    folder, db = tmp_path / "reports", tmp_path / "gi.duckdb"
    for unit in UNITS:
        _write(folder, _broken(unit))
    assert ingest_paths([folder], db, district="测试区", workers=1).ok
    with read_connection(db) as con:
        found = reviews.reviewed_findings(con)
    ids = list(found[found.check_id == "requests.column_sum"].finding_id)
    assert len(ids) == 5 and set(found.review_status) == {"待核实"}
    return folder, db, ids


def test_five_reviews_survive_a_correction_a_rebuild_and_a_csv_round_trip(district, tmp_path: Path) -> None:
    folder, db, ids = district
    assert reviews.set_reviews(db, ids[:3], "已确认", "合计多1", "张三") == 3
    assert reviews.set_reviews(db, ids[3:4], "已忽略", "原表如此，已电话核实", "李四") == 1
    assert reviews.set_reviews(db, ids[4:], "待核实", "", "张三") == 1
    before = _states(db)

    with read_connection(db) as con:
        place = reviews.reviewed_findings(con).set_index("finding_id").loc[ids[0]]
    corrected = _broken(place.unit, fixed=True)
    _write(folder, corrected, f"{place.unit}_2022_更正.txt")
    assert ingest_paths([folder / f"{place.unit}_2022_更正.txt"], db, district="测试区", workers=1).ok
    with read_connection(db) as con:
        stored = con.execute(
            "SELECT status, note, version FROM reviews WHERE finding_id = ?", [ids[0]]
        ).fetchall()
    assert stored == [("已整改", "第2版报告已不再有此问题；合计多1", 2)]
    after = _states(db)
    assert (
        [after[i] for i in ids[1:]]
        == [before[i] for i in ids[1:]]
        == ["已确认", "已确认", "已忽略", "待核实"]
    )

    backup = tmp_path / "核实记录.csv"
    assert reviews.export_reviews(db, backup) == 5
    assert ingest_paths([folder], db, district="测试区", workers=1, rebuild=True).ok
    with read_connection(db) as con:
        kept = dict(con.execute("SELECT finding_id, status FROM reviews").fetchall())
    assert kept == {ids[0]: "已整改", ids[1]: "已确认", ids[2]: "已确认", ids[3]: "已忽略", ids[4]: "待核实"}

    other = tmp_path / "other.duckdb"
    assert ingest_paths([folder], other, district="测试区", workers=1).ok
    assert reviews.import_reviews(other, backup) == 5
    with read_connection(other) as con:
        assert dict(con.execute("SELECT finding_id, status FROM reviews").fetchall()) == kept


def test_ignoring_needs_a_reason_and_unknown_ids_are_refused(district) -> None:
    _, db, ids = district
    with pytest.raises(StoreError, match="理由"):
        reviews.set_reviews(db, ids[:1], "已忽略")
    with pytest.raises(StoreError, match="没有这些编号"):
        reviews.set_reviews(db, ["000000000000"], "已确认")
    assert set(_states(db).values()) == {"待核实"}


def test_the_cli_reviews_by_the_ids_check_prints(district) -> None:
    _, db, ids = district
    cmd = [sys.executable, "-m", "gi_analytics"]
    out = subprocess.run([*cmd, "check", "--db", str(db), "--format", "json"], capture_output=True, text=True)
    findings = json.loads(out.stdout)
    assert {f["id"] for f in findings} >= set(ids) and {f["review_status"] for f in findings} == {"待核实"}
    done = subprocess.run(
        [*cmd, "review", ids[0], "--status", "已确认", "--by", "王五", "--db", str(db)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "已将 1 个问题标为“已确认”" in done.stdout
    out = subprocess.run([*cmd, "check", "--db", str(db), "--format", "json"], capture_output=True, text=True)
    assert {f["id"]: f["review_status"] for f in json.loads(out.stdout)}[ids[0]] == "已确认"


def test_a_rebuild_keeps_what_was_fetched_and_the_listing_pages_checked(district) -> None:
    """A rebuild from the report folder cannot fetch the units' sites again: the fetch records and the listing
    checks (a unit whose report was missing after the deadline, even one known from its listing page only) stay."""
    from datetime import date, datetime

    from gi_analytics import analytics
    from gi_analytics.collect.fetch import Fetched
    from gi_analytics.store import fetches

    folder, db, _ = district
    fetched = Fetched("http://127.0.0.1:8000/年报", "http://127.0.0.1:8000/甲镇.txt", "2024-02-01T09:00:00", "ab" * 32,
                      "甲镇.txt", b"")
    assert fetches.record_fetches(db, [fetched]) == 1
    check = fetches.ListingCheck("http://127.0.0.1:8000/己镇/", "己镇", "测试区", "镇", 2022,
                                 datetime(2023, 3, 1, 10, 0), date(2023, 1, 31))
    assert fetches.record_checks(db, [check]) >= 1

    def kept() -> tuple[list, list, list]:
        with read_connection(db) as con:
            return (con.execute("SELECT url, final_url, content_hash FROM fetches").fetchall(),
                    con.execute("SELECT url, unit, district, year, deadline FROM listing_checks").fetchall(),
                    con.execute("SELECT name, kind FROM units WHERE name = '己镇'").fetchall())

    before = kept()
    assert before[0] and before[1] and before[2] == [("己镇", "镇")]
    assert ingest_paths([folder], db, district="测试区", workers=1, rebuild=True).ok
    assert kept() == before
    grid = analytics.coverage(str(db), analytics.Filters())
    missing = grid[(grid["unit"] == "己镇") & (grid["year"] == 2022)]
    assert missing["state"].tolist() == ["missing"] and "2023-03-01检查" in missing["checked_text"].iloc[0]
