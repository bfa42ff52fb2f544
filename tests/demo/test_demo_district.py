"""Issue 4's proof: generate a district, ingest it, run the checks, find every injected anomaly."""

from __future__ import annotations

from pathlib import Path

import pytest

from gi_analytics import store
from gi_analytics.cli.main import main as cli
from gi_analytics.demo.generator import generate_district
from gi_analytics.ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("district")
    manifest = generate_district(out / "reports", units=10, years=(2019, 2025), seed=21,
                                 formats=("txt", "html", "docx", "pdf"), district="测试区")
    db = out / "gi.duckdb"
    result = ingest_paths([out / "reports"], db, units_csv=out / "reports" / "units.csv")
    assert result.ok, [(f.source, f.reason) for f in result.failed]
    with store.read_connection(db) as con:
        findings = con.execute(
            "SELECT f.check_id, u.name, f.year, f.severity, f.status FROM findings f JOIN units u USING (unit_id)"
        ).fetchall()
    short = {u["name"]: u["short"] for u in manifest.units}
    return manifest, findings, short, db


def test_every_injected_anomaly_is_found_by_check_unit_and_year(district):
    manifest, findings, short, _ = district
    found = {(check, unit, year, status) for check, unit, year, _, status in findings}
    expected = {
        (a["check"], short[a["unit"]], a["year"], a.get("status") or "failed")
        for a in manifest.anomalies if a["check"] and not a.get("implied")
    }
    assert expected, "the generator injected nothing"
    assert expected - found == set()


def test_no_error_where_nothing_was_injected(district):
    manifest, findings, short, _ = district
    injected = {(short[a["unit"]], a["year"]) for a in manifest.anomalies}
    related = {(short[a["unit"]], a["related_year"]) for a in manifest.anomalies if a.get("related_year")}
    stray = [(check, unit, year) for check, unit, year, severity, status in findings
             if severity == "error" and status == "failed" and (unit, year) not in injected | related]
    assert stray == []


def test_check_cli_reports_the_errors_with_exit_status_1(district, capsys):
    *_, db = district
    assert cli(["check", "--db", str(db), "--severity", "error", "--format", "json"]) == 1
    assert '"check": "requests.balance"' in capsys.readouterr().out.replace('":"', '": "')


def test_demo_command_writes_the_same_district_for_the_same_seed(tmp_path: Path):
    args = ["demo", "--units", "3", "--years", "2020-2022", "--formats", "txt,html", "--seed", "5"]
    assert cli([*args, "--out", str(tmp_path / "a")]) == 0
    assert cli([*args, "--out", str(tmp_path / "b")]) == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "manifest.json" in names and "units.csv" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_without_a_district_the_units_are_one_group_and_every_anomaly_is_still_found(tmp_path: Path):
    """Units ingested without --district or units CSV: series and peer checks treat them as one group (未填区县)
    instead of skipping them (missing reports and other units' names were all missed before)."""
    manifest = generate_district(tmp_path / "reports", units=10, years=(2019, 2025), seed=21,
                                 formats=("txt", "html"), district="测试区")
    db = tmp_path / "gi.duckdb"
    assert ingest_paths([tmp_path / "reports"], db, workers=1).ok
    with store.read_connection(db) as con:
        found = set(con.execute(
            "SELECT f.check_id, u.name, f.year, f.status FROM findings f JOIN units u USING (unit_id) "
            "WHERE u.district = ''"
        ).fetchall())
    short = {u["name"]: u["short"] for u in manifest.units}
    expected = {(a["check"], short[a["unit"]], a["year"], a.get("status") or "failed")
                for a in manifest.anomalies if a["check"] and not a.get("implied")}
    assert {e[0] for e in expected} >= {"series.missing_report", "text.other_unit"}
    assert expected - found == set()
