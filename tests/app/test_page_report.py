"""The report page and the list of missing, blank and zero-filled reports, through AppTest on the demo district:
the banner of a blank or zero-filled report, exactly the cells a finding names, the form's headings, the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import open_app

from gi_analytics import analytics
from gi_analytics import form_spec as form
from gi_analytics.charts import form as charts


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""




@pytest.fixture(scope="module")
def problems(demo_db: Path):
    return analytics.problem_reports(analytics.coverage(str(demo_db), analytics.Filters()))


def test_the_list_holds_every_missing_blank_and_zero_filled_report_with_since_when(demo_db, problems) -> None:
    grid = analytics.coverage(str(demo_db), analytics.Filters())
    bad = grid[grid["state"].isin(["missing", "blank", "all_zero"])]
    assert len(problems) == len(bad) > 0 and set(problems["state"]) == {"missing", "blank", "all_zero"}
    for row in problems.itertuples():  # `since`: the first year of the unbroken run of that state
        own = grid[(grid["unit"] == row.unit) & grid["year"].between(row.since, row.year)]
        assert (own["state"] == row.state).all() and len(own) == row.year - row.since + 1
        before = grid[(grid["unit"] == row.unit) & (grid["year"] == row.since - 1)]
        assert before.empty or before["state"].iloc[0] != row.state


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/warnings.py"])
def test_the_list_is_shown_by_default_with_its_download(demo_db, problems, monkeypatch, page: str) -> None:
    at = open_app(demo_db, monkeypatch, page)
    tables = [d.value for d in at.dataframe if list(d.value.columns)[:3] == ["unit", "year", "label"]]
    assert tables, "the list is on the page"
    shown = tables[0]
    assert len(shown) == len(problems) and set(shown["label"]) == {"缺失", "空白模板", "全零"}
    assert (shown["link"] == "").sum() == (problems["state"] == "missing").sum()  # no link where no report
    assert any(s.value == "缺失、空白与全零报告" for s in at.subheader)
    assert any(b.proto.label == "下载 XLSX" for b in at.get("download_button"))


@pytest.mark.parametrize(("state", "words"), [("blank", "空白模板"), ("all_zero", "全部为0")])
def test_a_blank_or_zero_filled_report_has_a_banner(demo_db, problems, monkeypatch, state, words) -> None:
    row = problems[problems["state"] == state].iloc[0]
    at = open_app(demo_db, monkeypatch, "pages/report.py", r_unit=row["unit"], r_year=str(row["year"]))
    assert at.selectbox(key="r_unit").value == row["unit"] and at.selectbox(key="r_year").value == row["year"]
    assert any(words in w.value for w in at.warning)


def test_a_clean_report_has_no_banner(demo_db, problems, monkeypatch) -> None:
    grid = analytics.coverage(str(demo_db), analytics.Filters())
    row = grid[grid["state"] == "clean"].iloc[0]
    at = open_app(demo_db, monkeypatch, "pages/report.py", r_unit=row["unit"], r_year=str(row["year"]))
    assert not [w for w in at.warning if "空白模板" in w.value or "全部为0" in w.value]


def test_the_balance_marks_its_four_terms_in_its_column_and_nothing_else(demo_db) -> None:
    findings = analytics.findings(str(demo_db), analytics.Filters())
    balance = findings[(findings["check_id"] == "requests.balance") & (findings["status"] == "failed")]
    rid = int(balance["report_id"].iloc[0])
    own = analytics.report_findings(str(demo_db), rid)
    own = own[own["tbl"] == "requests"]
    head = analytics.report_header(str(demo_db), rid).iloc[0]
    table = analytics.form_table(analytics.report_cells(str(demo_db), rid), "requests", head["template"])
    marks = charts.cell_marks(own, "requests", list(table.index), list(table.columns))
    cols = set(own.loc[own["check_id"] == "requests.balance", "col_key"])
    terms = {"new_received", "carried_over", "total_processed", "carried_forward"}
    balance_cells = {(r, c) for r in terms for c in cols}
    assert balance_cells <= set(marks)
    others = own[own["check_id"] != "requests.balance"]
    named = {(r, c) for r, c in zip(others["row_key"], others["col_key"], strict=True)}
    assert set(marks) - balance_cells <= named  # no whole column lit up
    assert len(marks) < len(table.index)  # was: every row of the column


def test_table_three_has_the_forms_group_headings(demo_db) -> None:
    index = analytics.report_index(str(demo_db), analytics.Filters())
    rid = int(index["report_id"].iloc[0])
    head = analytics.report_header(str(demo_db), rid).iloc[0]
    table = analytics.form_table(analytics.report_cells(str(demo_db), rid), "requests", head["template"])
    html = charts.form_table_html(table, "requests", analytics.report_findings(str(demo_db), rid), head["template"])
    for key, heading in form.REQUEST_HEADINGS.items():
        assert (heading in html) == (key in table.index)
    assert html.index("(三)不予公开") < html.index("1.属于国家秘密")


def test_an_older_version_says_it_was_not_checked_instead_of_no_problems(small_db, monkeypatch) -> None:
    """small_db's 乙镇 2021 has an older version 1: findings are kept for current versions only, so the old one
    must not read as 本报告没有发现问题 with 0 errors."""
    import duckdb

    with duckdb.connect(str(small_db.path), read_only=True) as con:
        (old,) = con.execute("""SELECT r.report_id FROM reports r JOIN units u USING (unit_id)
                                WHERE u.name = '乙镇' AND r.year = 2021 AND NOT r.is_current""").fetchone()
    at = open_app(small_db.path, monkeypatch, "pages/report.py", r_unit="乙镇", r_year="2021")
    version = next(s for s in at.selectbox if s.key.startswith("r_version_"))
    assert len(version.options) == 2 and not any("核对只针对当前版本" in i.value for i in at.info)
    version.set_value(old).run()
    assert any("核对只针对当前版本" in i.value for i in at.info)
    assert [m.value for m in at.metric if m.label in ("错误", "警告")] == ["—", "—"]
    assert not any("没有发现问题" in s.value for s in at.success)
