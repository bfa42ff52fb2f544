"""Open vs corrected: the findings of a selection by review state, per unit, counted by one function
(analytics.review_counts over labels.review_totals) for the meeting pack's 整改情况 slide and table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import build_small_db

from gi_analytics import analytics
from gi_analytics.export import pack
from gi_analytics.store import reviews
from gi_analytics.store.connection import read_connection

HEADER = ("单位", "待核实", "已确认（未整改）", "已忽略", "已整改", "合计")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_small_db(tmp_path / "small.duckdb").path


def ids(db: Path) -> dict[str, str]:
    """check_id -> finding id (the small database has one failed finding per check)."""
    with read_connection(db) as con:
        found = reviews.reviewed_findings(con)
    return dict(zip(found["check_id"], found["finding_id"], strict=True))


def slide(db: Path, **f: object):
    [only] = pack.review_slides(pack.Source(str(db), pack.Filters(district="示例区", **f)))
    return only


def test_every_finding_starts_pending(db: Path) -> None:
    s = slide(db)
    assert s.title == "整改情况" and s.header == HEADER
    assert s.rows == [("丙街道", "1", "0", "0", "0", "1"), ("乙镇", "1", "0", "0", "0", "1"),
                      ("甲镇", "1", "0", "0", "0", "1"), ("合计", "3", "0", "0", "0", "3")]  # fmt: skip
    assert s.caption == "所选范围的问题（含提示）：待核实3条、已确认（未整改）0条、已忽略0条、已整改0条。"


def test_confirmed_ignored_and_corrected_are_counted_apart(db: Path) -> None:
    found = ids(db)
    reviews.set_reviews(db, [found["requests.balance"]], "已确认", "合计不平", "张三")
    reviews.set_reviews(db, [found["series.missing_report"]], "已忽略", "该年撤并", "张三")
    s = slide(db)
    assert s.rows[0] == ("甲镇", "0", "1", "0", "0", "1")  # open confirmed findings first
    assert ("乙镇", "0", "0", "1", "0", "1") in s.rows and s.rows[-1] == ("合计", "1", "1", "1", "0", "3")
    assert "尚有1个单位的已确认问题未整改" in s.caption

    # a newer version of 甲镇's report no longer has the finding: ingest marks it 已整改 and it leaves `findings`
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM findings WHERE check_id = 'requests.balance'")
    con.execute("UPDATE reviews SET status = '已整改', version = 2 WHERE check_id = 'requests.balance'")
    con.close()
    s = slide(db)
    assert ("甲镇", "0", "0", "0", "1", "1") in s.rows and s.rows[-1] == ("合计", "1", "0", "1", "1", "3")
    assert "尚有" not in s.caption  # nothing confirmed is left open
    table = pack.build_table(pack.TABLES["reviews"], pack.Source(str(db), pack.Filters(district="示例区")))
    assert tuple(table.columns) == HEADER and table["已整改"].sum() == 1
    assert slide(db, year_from=2023, year_to=2023).rows == [("乙镇", "0", "0", "1", "0", "1"),
                                                            ("合计", "0", "0", "1", "0", "1")]  # fmt: skip


def test_the_totals_are_the_per_unit_counts_summed(db: Path) -> None:
    found = ids(db)
    reviews.set_reviews(db, [found["report.all_zero"]], "已确认")
    rows = analytics.selection_reviews(str(db), analytics.Filters())
    per_unit = analytics.review_counts(rows)
    totals = analytics.review_totals(rows)
    assert (
        [int(per_unit[s].sum()) for s in analytics.REVIEW_STATES]
        == list(totals.counts().values())
        == [2, 1, 0, 0]
    )
    assert analytics.review_summary(str(db), analytics.Filters()) == totals
    assert analytics.review_totals(
        [{"review_status": None}, {"review_status": "已整改"}]
    ) == analytics.ReviewTotals(1, 0, 0, 1)


def test_a_database_without_reviews_counts_every_finding_pending(db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE reviews")
    con.close()
    assert analytics.review_summary(str(db), analytics.Filters()) == analytics.ReviewTotals(3, 0, 0, 0)


def test_the_ledger_keeps_a_corrected_finding_the_new_version_no_longer_has(db: Path) -> None:
    from gi_analytics.export.notices import ledger_findings

    found = ids(db)
    reviews.set_reviews(db, [found["requests.balance"]], "已确认", "合计不平", "张三")
    con = duckdb.connect(str(db))  # as ingest does when a newer version no longer has the finding
    con.execute("DELETE FROM findings WHERE check_id = 'requests.balance'")
    con.execute(
        "UPDATE reviews SET status = '已整改', version = 2, note = '第2版报告已不再有此问题；合计不平'"
    )
    con.close()
    ledger = ledger_findings(db).set_index("finding_id")
    assert len(ledger) == 3  # two findings still open, and the corrected one
    row = ledger.loc[found["requests.balance"]]
    assert (row["unit"], row["year"], row["review_status"], row["severity_label"]) == (
        "甲镇",
        2022,
        "已整改",
        "错误",
    )
    assert row["message"] == "当前版本的报告已无此问题" and row["place"].startswith("表三")
    assert (
        analytics.review_summary(str(db), analytics.Filters()).corrected == 1
    )  # the pack counts it the same
