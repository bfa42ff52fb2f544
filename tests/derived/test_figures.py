"""report_figures (figures.py), materialized at ingest, against the same figures computed independently from the
cells and findings tables of the demo database; and the dashboard queries read it the same way as the fallback."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from gi_analytics import analytics as a
from gi_analytics import form_spec as form
from gi_analytics.analytics import Filters
from gi_analytics.derived import figures

ROOT = Path(__file__).resolve().parents[2]


def _read(db: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def expected_figures(db: Path) -> pd.DataFrame:
    """Per current report, from the long cells table with pandas (not figures.py's SQL)."""
    cells = _read(
        db,
        "SELECT c.* FROM cells c JOIN reports r USING (report_id) WHERE r.is_current AND c.state = 'number'",
    )
    req = cells[(cells["tbl"] == "requests")]
    total = req[req["col_key"] == "total"].pivot_table(
        index="report_id", columns="row_key", values="value", aggfunc="sum"
    )
    out = pd.DataFrame(index=total.index)
    for col, row in {
        "new_received": "new_received",
        "carried_over": "carried_over",
        "processed": "total_processed",
        "carried_forward": "carried_forward",
    }.items():
        out[col] = total.get(row)
    for group in form.OUTCOME_GROUPS:
        rows = [k for k, g in form.ROW_GROUP.items() if g == group and k != "other" and k in total]
        out[group] = total[rows].sum(axis=1, min_count=1) if rows else np.nan
    if "other" in total:  # 2019 form: one row for "other" instead of three sub-rows
        out["other"] = out["other"].fillna(total["other"])
    new = req[req["row_key"] == "new_received"].pivot_table(
        index="report_id", columns="col_key", values="value"
    )
    for col in form.REQUEST_COLUMN_PARTS:
        out[f"new_{col}"] = new.get(col)
    app = cells[cells["tbl"] == "appeals"].pivot_table(
        index="report_id", columns=["row_key", "col_key"], values="value", aggfunc="sum"
    )
    for name, procs in {
        "review": ["review"],
        "litigation": ["litigation_direct", "litigation_after_review"],
    }.items():
        for suffix, col in (("", "total"), ("_corrected", "corrected"), ("_pending", "pending")):
            parts = [app[(p, col)] for p in procs if (p, col) in app]
            out[name + suffix] = pd.concat(parts, axis=1).sum(axis=1, min_count=1) if parts else np.nan
    return out


def test_materialized_figures_equal_the_cells(demo_db):
    got = _read(demo_db, "SELECT * FROM report_figures").set_index("report_id")
    assert len(got) == _read(demo_db, "SELECT count(*) AS n FROM reports WHERE is_current")["n"].iloc[0]
    want = expected_figures(demo_db).reindex(got.index)
    columns = [*figures.COUNT_COLUMNS, *figures.TYPE_COLUMNS]
    assert want["new_received"].notna().sum() > 100  # the demo really has numbers to compare
    pd.testing.assert_frame_equal(
        got[columns].astype("float64"), want[columns].astype("float64"), check_names=False
    )


def test_materialized_states_equal_the_findings(demo_db):
    got = _read(demo_db, "SELECT * FROM report_figures").set_index("report_id")
    x = _read(demo_db, "SELECT * FROM findings WHERE report_id IS NOT NULL")
    failed = x[x["status"] == "failed"]
    for severity, col in (("error", "errors"), ("warning", "warnings"), ("info", "infos")):
        n = failed[failed["severity"] == severity].groupby("report_id").size()
        assert got[col].to_dict() == n.reindex(got.index, fill_value=0).to_dict(), col
    unchecked = x[x["status"] == "not_evaluated"].groupby("report_id").size()
    assert (
        unchecked.sum() > 0
        and got["not_evaluated"].to_dict() == unchecked.reindex(got.index, fill_value=0).to_dict()
    )
    for check, col in (("report.blank_tables", "blank"), ("report.all_zero", "all_zero")):
        ids = set(failed.loc[failed["check_id"] == check, "report_id"])
        assert set(got.index[got[col]]) == ids, col
    flagged = failed[failed["severity"].isin(["error", "warning"])]
    assert set(got.index[got["flag"].notna()]) == set(flagged["report_id"])
    errors = set(flagged.loc[flagged["severity"] == "error", "report_id"])
    assert set(got.index[got["flag"] == "error"]) == errors


@pytest.mark.parametrize(
    "query",
    [
        a.unit_year,
        a.coverage,
        a.key_figures,
        a.applicant_types,
        a.outcome_reasons,
        a.report_index,
        a.report_flags,
    ],
    ids=lambda q: q.__name__,
)
def test_queries_read_the_table_as_the_fallback_computes(demo_db, tmp_path, query):
    """A database written before report_figures existed gives the same answers (figures computed inline)."""
    old = tmp_path / "old.duckdb"
    shutil.copy(demo_db, old)
    con = duckdb.connect(str(old))
    con.execute("DROP TABLE report_figures")
    con.close()
    f = Filters(year_from=2021)
    pd.testing.assert_frame_equal(query(str(demo_db), f), query(str(old), f))


def test_totals_in_sql_equal_the_pandas_aggregate(demo_db):
    df = a.unit_year(str(demo_db), Filters())
    for by in ("year", "unit"):
        sql, pandas = a.totals(str(demo_db), Filters(), by), a.aggregate(df, by)
        cols = [
            by,
            "reports",
            *figures.COUNT_COLUMNS,
            "disclosure_rate",
            "correction_rate",
            "flag",
            "flag_text",
        ]
        pd.testing.assert_frame_equal(sql[cols], pandas[cols], check_dtype=False)


def test_coverage_follows_the_missing_report_rule(demo_db):
    """The demo's real report (平昌关镇 2021, no district) is expected only in its own year, not in every year of
    the sample district: the grid's missing cells are exactly the findings of series.missing_report."""
    grid = a.coverage(str(demo_db), Filters())
    other = grid[grid["unit"] == "平昌关镇"]
    assert list(other["year"]) == [2021] and list(other["state"]) == ["all_zero"]
    missing = a.findings(str(demo_db), Filters(), checks=["series.missing_report"])
    shown = grid[grid["state"] == "missing"]
    assert len(shown) > 0
    assert set(zip(shown["unit"], shown["year"], strict=True)) == set(
        zip(missing["unit"], missing["year"], strict=True)
    )
    kf = a.key_figures(str(demo_db), Filters()).set_index("year")
    sample_units = _read(demo_db, "SELECT count(*) AS n FROM units WHERE district = '示例区'")["n"].iloc[0]
    assert kf.loc[2021, "expected"] == sample_units + 1 and kf.loc[2020, "expected"] == sample_units
