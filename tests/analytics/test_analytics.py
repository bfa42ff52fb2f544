"""analytics queries and charts on real DuckDB files (see conftest.build_small_db for what they contain)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gi_analytics import analytics as a
from gi_analytics import form_spec as form
from gi_analytics import store
from gi_analytics.analytics import Filters
from gi_analytics.charts import form as form_html
from gi_analytics.charts import plots as charts
from gi_analytics.ingest import pipeline as importer

CORPUS_SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"
SELECTION_QUERIES = [a.unit_year, a.coverage, a.key_figures, a.applicant_types, a.outcome_reasons, a.findings,
                     a.report_index, a.report_flags]


def test_filter_options(small_db):
    options = a.filter_options(str(small_db.path))
    assert options.districts == (small_db.district,)
    assert set(options.units[small_db.district]) == set(small_db.units)
    assert options.years == small_db.years and options.templates == ("2021",)


def test_unit_year_counts_and_flags(small_db):
    df = a.unit_year(str(small_db.path), Filters())
    got = {(u, y): int(n) for u, y, n in zip(df["unit"], df["year"], df["new_received"], strict=True)}
    assert got == small_db.requests
    f = small_db.finding
    flagged = df[df["flag"].notna()]
    assert list(zip(flagged["unit"], flagged["year"], flagged["flag"], strict=True)) == [(f.unit, f.year, "error")]
    assert a.check_title(f.check_id) in flagged["flag_text"].iloc[0]


@pytest.mark.parametrize(("filters", "expected_units", "expected_years"), [
    (Filters(units=("甲镇",)), {"甲镇"}, {2021, 2022, 2023}),
    (Filters(year_from=2022, year_to=2022), {"甲镇", "乙镇", "丙街道"}, {2022}),
    (Filters(district="示例区", units=("乙镇", "丙街道"), year_from=2023), {"丙街道"}, {2023}),
    (Filters(template="2019"), set(), set()),
    (Filters(district="别的区"), set(), set()),
])
def test_filters_narrow_the_selection(small_db, filters, expected_units, expected_years):
    df = a.unit_year(str(small_db.path), filters)
    assert set(df["unit"]) == expected_units and set(df["year"]) == expected_years


def test_coverage_states(small_db):
    grid = a.coverage(str(small_db.path), Filters())
    state = {(u, y): s for u, y, s in zip(grid["unit"], grid["year"], grid["state"], strict=True)}
    assert len(state) == len(small_db.units) * len(small_db.years)
    assert state[("乙镇", 2023)] == "missing" and state[("丙街道", 2021)] == "all_zero"
    assert state[(small_db.finding.unit, small_db.finding.year)] == "error"
    assert sum(s == "clean" for s in state.values()) == len(state) - 3


def test_key_figures_per_year(small_db):
    kf = a.key_figures(str(small_db.path), Filters()).set_index("year")
    assert list(kf.index) == list(small_db.years)
    assert (kf["expected"] == 3).all() and list(kf["reports"]) == [3, 3, 2]
    assert kf.loc[2022, "error"] == 1 and kf.loc[2023, "warning"] == 1  # the missing report counts too
    requests_2022 = sum(n for (_, y), n in small_db.requests.items() if y == 2022)
    assert kf.loc[2022, "new_received"] == requests_2022
    assert 0 < kf.loc[2022, "disclosure_rate"] < 1


def test_aggregates_and_shares(small_db):
    df = a.unit_year(str(small_db.path), Filters())
    assert a.per_year(df)["new_received"].sum() == sum(small_db.requests.values())
    by_unit = a.per_unit(df).set_index("unit")
    assert by_unit.loc["甲镇", "flag"] == "error" and by_unit.loc["乙镇", "flag"] is None
    shares = a.outcome_shares(df, "unit")
    assert shares.groupby("unit")["share"].sum().round(9).eq(1).all()
    assert set(shares["label"]) <= set(form.OUTCOME_GROUPS.values())


def test_findings_carry_titles_and_places(small_db):
    df = a.findings(str(small_db.path), Filters(), severities=["error"])
    f = small_db.finding
    row = df.iloc[0]
    assert len(df) == 1 and (row["unit"], row["year"], row["check_id"]) == (f.unit, f.year, f.check_id)
    assert row["title"] == "申请数量勾稽关系不平" and row["severity_label"] == "错误"
    assert "本年新收" in row["place"] and "总计" in row["place"]
    missing = a.findings(str(small_db.path), Filters(), checks=["series.missing_report"])
    assert list(zip(missing["unit"], missing["year"], strict=True)) == list(small_db.missing)


def test_report_detail_queries(small_db):
    path, f = str(small_db.path), small_db.finding
    rid = a.find_report(path, f.unit, f.year)
    assert rid is not None and a.find_report(path, "乙镇", 2023) is None
    cells = a.report_cells(path, rid)
    table = a.form_table(cells, "requests", "2021")
    assert table.at["new_received", "total"] == "12" and table.at["partially_granted", "total"] == ""
    marks = form_html.cell_marks(a.report_findings(path, rid), "requests", list(table.index), list(table.columns))
    assert marks[("new_received", "total")][0] == "error" and len(marks) == 1
    html = form_html.form_table_html(table, "requests", a.report_findings(path, rid), "2021")
    assert 'class="error" title="申请数量勾稽关系不平' in html
    versions = a.report_versions(path, a.find_report(path, "乙镇", 2021))
    assert list(versions["version"]) == [2, 1] and list(versions["is_current"]) == [True, False]
    name, data = a.original_file(path, rid)
    assert name == f"{f.unit}{f.year}.txt" and "<script>" in data.decode()


def test_escaped_html_table(small_db):
    path = str(small_db.path)
    cells = pd.DataFrame([("requests", "new_received", "total", None, "unreadable")],
                         columns=["tbl", "row_key", "col_key", "value", "state"])
    findings = pd.DataFrame([{"check_id": "requests.balance", "tbl": "requests", "row_key": "new_received", "col_key": "total", "status": "failed",
                              "severity": "warning", "title": "<b>x</b>", "message": '"><script>alert(1)</script>'}])
    html = form_html.form_table_html(a.form_table(cells, "requests", "2021"), "requests", findings, "2021")
    assert "<script>" not in html and "&lt;script&gt;" in html and a.find_report(path, "x", 1) is None


@pytest.mark.parametrize("query", SELECTION_QUERIES, ids=lambda q: q.__name__)
def test_queries_on_an_empty_database(empty_db, query):
    assert query(str(empty_db), Filters()).empty


def test_damaged_database_is_a_store_error(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(store.StoreError, match="损坏"):
        a.unit_year(str(bad), Filters())


def test_real_pipeline_sample_report(tmp_path):
    """The corpus sample (平昌关镇 2021, all zeros) through importer + store + checks, then queried."""
    db = tmp_path / "real.duckdb"
    importer.ingest_paths([CORPUS_SAMPLE], db, district="平桥区")
    df = a.unit_year(str(db), Filters())
    row = df.iloc[0]
    assert (row["unit"], row["year"], row["new_received"], row["processed"]) == ("平昌关镇", 2021, 0, 0)
    grid = a.coverage(str(db), Filters())
    assert list(grid["state"]) == ["all_zero"]


# ---- charts ---------------------------------------------------------------------------------------


def _flagged_chart_cases(path: str) -> list:
    df = a.unit_year(path, Filters())
    yearly, units = a.per_year(df), a.per_unit(df)
    return [
        charts.trend(yearly, {"new_received": "本年新收"}, "趋势"),
        charts.ranking(units, "new_received", "排名"),
        charts.stacked_shares(a.outcome_shares(df, "year"), "year", "构成"),
        charts.stacked_counts(a.applicant_types(path, Filters()), "year", "type", "requests", "类型"),
        charts.grouped_counts(yearly, {"review": "复议"}, "复议"),
        charts.reasons(a.outcome_reasons(path, Filters()), "理由"),
        charts.coverage_grid(a.coverage(path, Filters())),
    ]


def test_every_chart_marks_flagged_data_and_names_the_finding(small_db):
    title = a.check_title(small_db.finding.check_id)
    for fig in _flagged_chart_cases(str(small_db.path)):
        assert fig.layout.font.family == charts.FONT_FAMILY and fig.layout.title.text
        hovers = [str(cd) for trace in fig.data if trace.customdata is not None for cd in trace.customdata]
        assert any(title in h for h in hovers), fig.layout.title.text
        marked = [t for t in fig.data if t.type == "bar" and 3 in list(t.marker.line.width or [])]
        symbols = [t for t in fig.data if t.type == "scatter" and t.marker.symbol is not None
                   and "x" in list(t.marker.symbol if not isinstance(t.marker.symbol, str) else [])]
        legend = [t for t in fig.data if t.name == charts.FLAG_LABELS["error"]]
        assert marked or symbols or fig.layout.title.text == "报送情况", fig.layout.title.text
        assert legend or fig.layout.title.text == "报送情况"


def test_year_axes_are_categorical(small_db):
    fig = charts.trend(a.per_year(a.unit_year(str(small_db.path), Filters())), {"new_received": "新收"}, "趋势")
    assert fig.layout.xaxis.type == "category" and list(fig.data[0].x) == ["2021", "2022", "2023"]


def test_the_group_without_a_district_is_a_selection_of_its_own(demo_db):
    """District "" (未填区县) selects the units ingested without one, never the whole database."""
    every = a.report_index(str(demo_db), Filters())
    none = a.report_index(str(demo_db), Filters(district=""))
    named = a.report_index(str(demo_db), Filters(district="示例区"))
    assert 0 < len(none) < len(every) and len(none) + len(named) == len(every)
    assert set(none["unit"]).isdisjoint(named["unit"])
