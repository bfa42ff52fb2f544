"""Timeliness: the deadline for a unit's kind (条例第四十九条), overridable in the units CSV, and the check
report.late_publication on generated reports ingested with the date they print (发布时间)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from checks_helpers import make_report

from gi_analytics import store
from gi_analytics.checks import check_report
from gi_analytics.deadlines import deadline, is_government, parse_override
from gi_analytics.demo.render import render
from gi_analytics.ingest.pipeline import IngestError, ingest_bytes
from gi_analytics.model import Status

YEAR = 2023


@pytest.mark.parametrize(("name", "kind", "due"), [
    ("平昌关镇", "镇", date(2024, 1, 31)),
    ("长台关乡", None, date(2024, 1, 31)),
    ("甘岸街道", "街道", date(2024, 1, 31)),
    ("平桥区教育局", "部门", date(2024, 1, 31)),
    ("平桥区人民政府办公室", "部门", date(2024, 1, 31)),  # an office of the government is a department
    ("平桥区", "部门", date(2024, 3, 31)),  # the government's own report: stored without 人民政府
    ("信阳市人民政府", None, date(2024, 3, 31)),
    ("罗山县", None, date(2024, 3, 31)),
    ("信阳高新技术产业开发区", None, date(2024, 1, 31)),  # a development zone is not a county government
    ("羊山新区管委会", "人民政府", date(2024, 3, 31)),  # the units CSV's kind decides
])  # fmt: skip
def test_default_deadline(name: str, kind: str | None, due: date) -> None:
    assert deadline(YEAR, name, kind) == due


def test_government_names() -> None:
    assert [is_government(n) for n in ("平桥区", "平桥区人民政府", "五星社区", "明港镇", "平桥区财政局")] == [
        True, True, False, False, False]  # fmt: skip


@pytest.mark.parametrize(("text", "due"), [
    ("02-28", date(2024, 2, 28)),
    ("2月29日", date(2024, 2, 29)),
    ("2024-03-15", date(2024, 3, 15)),
    ("2024/03/15", date(2024, 3, 15)),
    ("", None),
    ("13-01", None),
    ("下月", None),
])  # fmt: skip
def test_override(text: str, due: date | None) -> None:
    assert parse_override(text, YEAR) == due
    assert deadline(YEAR, "明港镇", "镇", due) == (due or date(2024, 1, 31))


def dated(unit: str, published: str | None, layout: str = "txt_tabs") -> tuple[str, bytes]:
    """A generated report of `unit` printing 发布时间 (or no date at all) above its title."""
    report = make_report(unit, YEAR)
    report.published = None
    body = render(report, layout).decode("utf-8")
    if published:
        body = (
            f"发布时间：{published}\n" + body
            if layout.startswith("txt")
            else body.replace("<body>", f"<body><p>发布时间：{published}</p>")
        )
    return f"{unit}.{layout[:4].rstrip('_')}", body.encode("utf-8")


def late(db: Path) -> dict[str, tuple[str, float | None]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT u.name, f.status, f.actual FROM findings f JOIN units u USING (unit_id) "
            "WHERE f.check_id = 'report.late_publication'"
        ).fetchall()
    return {name: (status, actual) for name, status, actual in rows}


def test_late_publication_fires_after_the_deadline_and_not_before(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    files = [
        dated("甲镇", "2024-01-20"),  # on time
        dated("乙镇", "2024-02-15", "html"),  # 15 days late
        dated("丙街道", "2024-01-31"),  # on the day: on time
        dated("平桥区人民政府", "2024-03-20"),  # the county's own report: due 31 March
        dated("丁镇", None),  # no date printed: not evaluated
    ]
    result = ingest_bytes(files, db, district="平桥区")
    assert result.ok, [f.reason for f in result.failed]
    with store.read_connection(db) as con:
        published = dict(
            zip(store.load_reports(con)["unit"], store.load_reports(con)["published"], strict=True)
        )
    assert str(published["乙镇"].date()) == "2024-02-15"  # the parser read the printed date
    assert late(db) == {"乙镇": ("failed", 15.0), "丁镇": ("not_evaluated", None)}


def test_the_units_csv_moves_the_deadline_per_unit_and_per_district(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(
        "unit,district,deadline\n"
        ",平桥区,02-10\n"  # the district's own rule
        "乙镇,平桥区,02-20\n"  # a unit's own rule wins
        "甲镇,平桥区,\n",
        encoding="utf-8",
    )
    db = tmp_path / "gi.duckdb"
    files = [dated("甲镇", "2024-02-12"), dated("乙镇", "2024-02-15"), dated("平桥区人民政府", "2024-03-20")]
    assert ingest_bytes(files, db, units_csv=units, district="平桥区").ok
    with duckdb.connect(str(db), read_only=True) as con:
        msg = con.execute(
            "SELECT message FROM findings WHERE check_id = 'report.late_publication'"
        ).fetchall()
    # 甲镇 misses the district's 10 February by 2 days; 乙镇 meets its own 20 February; the government's own
    # report keeps its 31 March (a district's rule is the one its townships and departments follow)
    assert late(db) == {"甲镇": ("failed", 2.0)}
    assert any("截止日期2024-02-10（单位表规定）" in m for (m,) in msg)


def test_a_bad_deadline_in_the_units_csv_names_its_line(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("unit,district,deadline\n甲镇,平桥区,下个月\n", encoding="utf-8")
    with pytest.raises(IngestError, match="第 2 行的截止日期无法识别"):
        ingest_bytes([dated("甲镇", "2024-01-20")], tmp_path / "gi.duckdb", units_csv=units)


def test_a_single_report_check_reads_its_printed_date() -> None:
    report = make_report("甲镇", YEAR)
    report.published = "2024-02-01"
    (finding,) = [f for f in check_report(report) if f.check == "report.late_publication"]
    assert (finding.status, finding.actual) == (Status.FAILED, 1.0)
    report.published = None
    (finding,) = [f for f in check_report(report) if f.check == "report.late_publication"]
    assert finding.status == Status.NOT_EVALUATED
