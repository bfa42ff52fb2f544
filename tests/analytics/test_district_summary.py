"""analytics.district_summary, a province's or a nation's overview district by district, counts what the coverage
grid, the findings and the totals count, district by district."""

from __future__ import annotations

from pathlib import Path

from gi_analytics import analytics
from gi_analytics.labels import NO_DISTRICT


def test_each_district_counts_what_the_grid_the_findings_and_the_totals_count(demo_db: Path) -> None:
    db, everything = str(demo_db), analytics.Filters()
    summary = analytics.district_summary(db, everything)
    assert len(summary) >= 2 and summary["label"].iloc[-1] == NO_DISTRICT  # the demo has a unit without one
    for row in summary.itertuples():
        f = analytics.Filters(district=row.district)
        grid = analytics.coverage(db, f)
        assert (row.units, row.expected) == (grid["unit"].nunique(), len(grid))
        assert (row.reports, row.missing) == (grid["report_id"].notna().sum(), (grid["state"] == "missing").sum())
        assert row.reports_with_errors == analytics.selection_totals(db, f).reports_with_errors
        yearly = analytics.totals(db, f, "year")
        assert row.new_received == yearly["new_received"].sum() and row.processed == yearly["processed"].sum()
    assert summary["missing"].sum() == (analytics.coverage(db, everything)["state"] == "missing").sum() > 0


def test_the_years_of_the_selection_bound_the_counts(demo_db: Path) -> None:
    db = str(demo_db)
    one_year = analytics.Filters(year_from=2023, year_to=2023)
    summary = analytics.district_summary(db, one_year)
    assert summary["expected"].sum() == len(analytics.coverage(db, one_year))
    assert summary["expected"].sum() < analytics.district_summary(db, analytics.Filters())["expected"].sum()
