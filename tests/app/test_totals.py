"""One definition of what counts: the same selection of the demo district gives the same error, warning and
not-evaluated totals (and reports with errors) on every page, in the meeting pack and in `gi-analytics check`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from apptest import open_app

from gi_analytics import analytics
from gi_analytics.export import pack

DISTRICT = "示例区"
TOTAL = re.compile(r"错误(\d+)条、警告(\d+)条、未能核对(\d+)条；有错误的报告(\d+)份")


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""


@pytest.fixture(scope="module")
def year(demo_db: Path) -> int:
    """The latest demo year with errors, warnings and checks that could not run."""
    def full(y: int) -> bool:
        t = analytics.selection_totals(str(demo_db), analytics.Filters(district=DISTRICT, year_from=y, year_to=y))
        return bool(t.errors and t.warnings and t.not_evaluated)
    return next(y for y in reversed(analytics.filter_options(str(demo_db)).years) if full(y))




def metrics(at) -> dict[str, str]:
    return {re.sub(r":gray\[(.*)\]", r"\1", m.label): m.value for m in at.metric}


def test_the_one_count_keeps_failed_and_not_evaluated_apart() -> None:
    rows = [
        {"severity": "error", "status": "failed", "report_id": 1},
        {"severity": "error", "status": "failed", "report_id": 1},
        {"severity": "error", "status": "not_evaluated", "report_id": 2},
        {"severity": "warning", "status": "failed", "report_id": None},
        {"severity": "info", "status": "failed", "report_id": 3},
    ]
    assert analytics.finding_totals(rows) == analytics.Totals(2, 1, 1, 1, 1)


def test_totals_agree_everywhere(demo_db: Path, year: int, monkeypatch) -> None:
    db = str(demo_db)
    expected = analytics.selection_totals(db, analytics.Filters(district=DISTRICT, year_from=year, year_to=year))
    assert expected.errors and expected.warnings and expected.not_evaluated  # the demo has all three
    query = {"district": DISTRICT, "years": f"{year}-{year}"}

    overview = metrics(open_app(demo_db, monkeypatch, "pages/overview.py", **query))
    assert overview["错误 / 警告"] == f"{expected.errors} / {expected.warnings}"
    assert overview["未能核对"] == str(expected.not_evaluated)

    warnings = metrics(open_app(demo_db, monkeypatch, "pages/warnings.py", **query))
    assert (warnings["错误"], warnings["警告"], warnings["未能核对"], warnings["有错误的报告"]) == tuple(
        str(n) for n in (expected.errors, expected.warnings, expected.not_evaluated, expected.reports_with_errors))

    assert report_pages_summed(demo_db, year, monkeypatch) == (
        expected.errors, expected.warnings - missing_report_warnings(db, year), expected.not_evaluated,
        expected.reports_with_errors)

    export_page = open_app(demo_db, monkeypatch, "pages/export.py", **query)
    export_page.selectbox(key="x_district").select(DISTRICT).run()
    assert stated(" ".join(c.value for c in export_page.caption)) == no_infos(expected)

    built = pack.build_pack(db, DISTRICT, (year, year), ["quality"])
    assert stated(" ".join(s.caption for s in built.slides)) == no_infos(expected)

    done = subprocess.run([sys.executable, "-m", "gi_analytics", "check", "--db", db, "--year", str(year),
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert analytics.finding_totals(json.loads(done.stdout)) == expected
    assert stated(done.stderr) == no_infos(expected)
    assert done.returncode == 1  # errors found


def no_infos(t: analytics.Totals) -> analytics.Totals:
    return analytics.Totals(t.errors, t.warnings, 0, t.not_evaluated, t.reports_with_errors)


def stated(text: str) -> analytics.Totals:
    """The totals a caption or the command line states in words."""
    found = TOTAL.search(text)
    assert found, text
    e, w, n, r = map(int, found.groups())
    return analytics.Totals(e, w, 0, n, r)


def missing_report_warnings(db: str, year: int) -> int:
    """Findings about a missing report belong to no report page."""
    f = analytics.findings(db, analytics.Filters(district=DISTRICT, year_from=year, year_to=year))
    return int((f["report_id"].isna() & (f["status"] == "failed") & (f["severity"] == "warning")).sum())


def report_pages_summed(db: Path, year: int, monkeypatch) -> tuple[int, int, int, int]:
    """Errors, warnings and not-evaluated checks on every report page of the year, and pages with errors."""
    index = analytics.report_index(str(db), analytics.Filters(district=DISTRICT, year_from=year, year_to=year))
    errors = warnings = unchecked = with_errors = 0
    for unit in index[index["year"] == year]["unit"]:
        at = open_app(db, monkeypatch, "pages/report.py", r_unit=unit, r_year=str(year))
        m = metrics(at)
        assert at.selectbox(key="r_unit").value == unit and at.selectbox(key="r_year").value == year
        errors += int(m["错误"])
        warnings += int(m["警告"])
        with_errors += int(m["错误"]) > 0
        unchecked += int(re.search(r"未能核对 (\d+) 项", " ".join(c.value for c in at.caption)).group(1))
    return errors, warnings, unchecked, with_errors
