"""逾期发布 in the coverage grid: one state per cell by the documented rule (errors outrank late, late outranks
other warnings), drawn in its own colour, and a missing report that a listing page lacked after the deadline
carrying the day it was checked (small_db, see conftest)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from gi_analytics import analytics as a
from gi_analytics.analytics import Filters
from gi_analytics.charts import plots as charts
from gi_analytics.labels import STATE_COLORS


def _add_finding(db, unit: str, year: int, check_id: str, severity: str = "warning") -> None:
    with duckdb.connect(str(db)) as con:
        (rid, uid) = con.execute(
            "SELECT r.report_id, r.unit_id FROM reports r JOIN units u USING (unit_id) "
            "WHERE u.name = ? AND r.year = ? AND r.is_current",
            [unit, year],
        ).fetchone()
        con.execute(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, 'failed', NULL, NULL, NULL, NULL, 0, 3, '逾期3天')",
            [rid, uid, year, check_id, severity],
        )


def _states(db) -> dict[tuple[str, int], tuple[str, bool]]:
    grid = a.coverage(str(db), Filters())
    return {
        (u, y): (s, bool(late))
        for u, y, s, late in zip(grid["unit"], grid["year"], grid["state"], grid["late"], strict=True)
    }


def test_late_outranks_warnings_and_errors_outrank_late(small_db):
    db = small_db.path
    _add_finding(db, "甲镇", 2022, "report.late_publication")  # 甲镇 2022 also has an error
    _add_finding(db, "丙街道", 2022, "report.late_publication")
    _add_finding(db, "丙街道", 2023, "report.late_publication")
    _add_finding(db, "丙街道", 2023, "text.table_mismatch")  # late and another warning
    _add_finding(db, "甲镇", 2023, "text.table_mismatch")  # a warning only
    state = _states(db)
    assert state[("甲镇", 2022)] == ("error", True)  # the error still shows; `late` keeps the lateness
    assert state[("丙街道", 2022)] == ("late", True)
    assert state[("丙街道", 2023)] == ("late", True)
    assert state[("甲镇", 2023)] == ("warning", False)
    assert state[("乙镇", 2023)] == ("missing", False)
    grid = a.coverage(str(db), Filters())
    error_cell = grid[(grid["unit"] == "甲镇") & (grid["year"] == 2022)].iloc[0]
    assert "报告逾期发布" in error_cell["flag_text"]  # its hover names the lateness too
    assert set(grid.loc[grid["state"] == "late", "label"]) == {"逾期发布"}


def test_the_grid_draws_late_in_its_colour_between_errors_and_warnings(small_db):
    _add_finding(small_db.path, "丙街道", 2022, "report.late_publication")
    spec = json.loads(charts.coverage_grid(a.coverage(str(small_db.path), Filters())).to_json())
    colours = {t["name"]: t["marker"]["color"] for t in spec["data"]}
    assert colours["逾期发布"] == STATE_COLORS["逾期发布"]
    order = list(STATE_COLORS)
    assert order.index("有错误") < order.index("逾期发布") < order.index("有警告")


def test_a_missing_report_checked_after_the_deadline_says_when(small_db):
    with duckdb.connect(str(small_db.path)) as con:
        con.execute(
            "INSERT INTO listing_checks VALUES ('http://127.0.0.1/yi/list.html', '乙镇', '示例区', 2023, "
            "'2024-02-10 09:30:00', '2024-01-31'), ('http://127.0.0.1/yi/list.html', '乙镇', '示例区', "
            "2023, '2024-03-05 10:00:00', '2024-01-31')"
        )
        # before the deadline a report not yet listed is not missing: no year is added for it
        con.execute(
            "INSERT INTO listing_checks VALUES ('http://127.0.0.1/jia/list.html', '甲镇', '示例区', 2024, "
            "'2025-01-10 09:00:00', '2025-01-31')"
        )
    grid = a.coverage(str(small_db.path), Filters())
    cell = grid[(grid["unit"] == "乙镇") & (grid["year"] == 2023)].iloc[0]
    assert cell["state"] == "missing" and cell["checked_at"] == dt.datetime(2024, 3, 5, 10, 0)
    assert cell["checked_text"] == "年报栏目于2024-03-05检查，未见本年度报告（截止日期2024-01-31）"
    assert set(grid["year"]) == {2021, 2022, 2023}
    hover = json.loads(charts.coverage_grid(grid).to_json())["data"]
    missing = next(t for t in hover if t["name"] == "缺失")
    assert any("2024-03-05检查" in str(c[2]) for c in missing["customdata"])


def test_an_overdue_check_of_a_later_year_adds_that_year_as_missing(small_db):
    with duckdb.connect(str(small_db.path)) as con:
        con.execute(
            "INSERT INTO listing_checks VALUES ('http://127.0.0.1/jia/list.html', '甲镇', '示例区', 2024, "
            "'2025-02-03 09:00:00', '2025-01-31')"
        )
    grid = a.coverage(str(small_db.path), Filters())
    later = grid[grid["year"] == 2024]
    assert set(later["unit"]) == set(small_db.units) and set(later["state"]) == {"missing"}
    assert list(later.loc[later["checked_text"] != "", "unit"]) == ["甲镇"]
    figures = a.key_figures(str(small_db.path), Filters())
    assert figures.loc[figures["year"] == 2024, "expected"].item() == 3


def test_recorded_checks_find_the_unit_s_district_and_add_an_unknown_unit(small_db):
    from gi_analytics.store.fetches import ListingCheck, record_checks

    with duckdb.connect(str(small_db.path)) as con:  # small_db set its unit ids by hand; ingest draws them
        con.execute("SELECT nextval('unit_ids') FROM range(3)").fetchall()
    at = dt.datetime(2024, 2, 20, 9, 0)
    due = dt.date(2024, 1, 31)
    checks = [ListingCheck("http://127.0.0.1/yi/list.html", "乙镇", "", "镇", 2023, at, due),  # no district given
              ListingCheck("http://127.0.0.1/wu/list.html", "戊镇", "示例区", "镇", 2023, at, due)]  # fmt: skip
    assert record_checks(small_db.path, checks) == 3  # two checks and the unit 戊镇
    assert record_checks(small_db.path, checks) == 0  # the same day again: nothing written
    grid = a.coverage(str(small_db.path), Filters())
    seen = grid[grid["checked_text"] != ""]
    assert sorted(zip(seen["unit"], seen["year"], strict=True)) == [("乙镇", 2023), ("戊镇", 2023)]
    assert (seen["state"] == "missing").all() and set(grid["district"]) == {"示例区"}
    assert set(grid.loc[grid["unit"] == "戊镇", "state"]) == {"missing"}  # known only by its check
