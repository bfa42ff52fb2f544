"""需要关注的单位 (analytics.needs_attention) on a generated district (demo.generator, 12 units, 2022–2024,
written as text files and ingested) whose request and appeal tables are set so that the outliers are known:
each rate has one unit far past the district's P10/P90, one unit's 公开率 fell against its own previous year,
one unit has too few requests to be rated, and the generator's own missing and late reports stay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from gi_analytics import analytics, store
from gi_analytics import form_spec as form
from gi_analytics.analytics import Filters
from gi_analytics.analytics import attention as rules
from gi_analytics.demo.generator import plan_district
from gi_analytics.demo.render import render
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.model import Cell, CellState
from gi_analytics.store import reviews

DISTRICT = "测试区"
LAST = 2024
# (unit, year) -> outcome counts (granted, partially granted, denied, unavailable; the rest of PROCESSED is
# rejected) and corrected reviews of REVIEWS; every other report: BASE, 1 corrected
PROCESSED, REVIEWS = 60, 12
BASE = (40, 4, 3, 6)
PLANTED = {
    ("兰坝镇", LAST): (6, 0, 3, 6),  # 公开率 10%: below P10, and down from 2023's 73%
    ("鹤港镇", LAST): (40, 4, 12, 2),  # 不予公开率 20%
    ("太寨镇", LAST): (30, 2, 3, 24),  # 无法提供率 40%
    ("东山街道", LAST - 1): (57, 0, 1, 1),  # 公开率 95% in 2023, then BASE (73%) in 2024: a fall of 22 points
}
CORRECTED = {("新岗街道", LAST): 8}  # 复议纠错率 8/12
SMALL = ("望港镇", LAST)  # 6 requests, 5 denied: too few to rate
LATE = ("太寨镇", 2022)  # published on 20 February: after the deadline of 31 January


def _cells(values: dict[str, float], cols: tuple[str, ...], keep: tuple[str, ...]) -> dict[str, Cell]:
    return {c: Cell.number(values if c in keep else 0, str(values if c in keep else 0)) for c in cols}


def _requests(report, counts: tuple[int, int, int, int], processed: int) -> None:
    granted, partial, denied, unavailable = counts
    values = dict.fromkeys(report.tables["requests"], 0)
    values.update(
        new_received=processed,
        total_processed=processed,
        granted=granted,
        partially_granted=partial,
        denied_third_party=denied,
        unavailable_not_held=unavailable,
        rejected_petition=processed - granted - partial - denied - unavailable,
    )
    cols = tuple(form.REQUEST_COLUMNS)
    report.tables["requests"] = {
        row: _cells(v, cols, ("natural_person", "total")) for row, v in values.items()
    }


def _appeals(report, corrected: int) -> None:
    table = {p: {r: Cell.number(0, "0") for r in form.APPEAL_RESULTS} for p in form.APPEAL_PROCEEDINGS}
    for result, v in (("upheld", REVIEWS - corrected), ("corrected", corrected), ("total", REVIEWS)):
        table["review"][result] = Cell.number(v, str(v))
    report.tables["appeals"] = table


def _filled(report) -> bool:
    """Not a blank or zero-filled template (the generator's own anomalies stay as they are)."""
    cells = [c for row in report.tables["requests"].values() for c in row.values()]
    return any(c.state == CellState.NUMBER and c.value for c in cells)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    out = tmp_path_factory.mktemp("attention")
    manifest, planned = plan_district(
        units=12, years=(2022, LAST), seed=3, formats=("txt",), district=DISTRICT
    )
    short = {u["name"]: u["short"] for u in manifest.units}
    for p in planned:
        r, key = p.report, (short.get(p.report.unit, p.report.unit), p.report.year)
        if _filled(r):
            _requests(
                r, (1, 0, 5, 0) if key == SMALL else PLANTED.get(key, BASE), 6 if key == SMALL else PROCESSED
            )
            _appeals(r, CORRECTED.get(key, 1))
        if key == LATE:
            r.published = f"{LATE[1] + 1}-02-20"
        (out / p.name).write_bytes(render(r, p.layout))
    manifest.write_units_csv(out / "units.csv")
    db = out / "gi.duckdb"
    ingest_paths([out], db, units_csv=out / "units.csv", workers=1)
    return db, pd.DataFrame(manifest.anomalies)


def row(ranked: pd.DataFrame, unit: str) -> pd.Series:
    return ranked.set_index("unit").loc[unit]


def test_each_planted_rate_is_an_outlier_with_its_reason(district):
    db, _ = district
    ranked = analytics.needs_attention(str(db), Filters())
    assert set(ranked["rate_year"]) == {LAST}
    assert "2024年度公开率10.0%，低于全区P10" in row(ranked, "兰坝镇")["reasons"]
    assert "公开率由2023年度73.3%下降至10.0%（63.3个百分点）" in row(ranked, "兰坝镇")["reasons"]
    assert "2024年度不予公开率20.0%，高于全区P90" in row(ranked, "鹤港镇")["reasons"]
    assert "2024年度无法提供率40.0%，高于全区P90" in row(ranked, "太寨镇")["reasons"]
    assert "2024年度复议纠错率66.7%，高于全区P90" in row(ranked, "新岗街道")["reasons"]
    fell = row(ranked, "东山街道")
    assert (
        "公开率由2023年度95.0%下降至73.3%（21.7个百分点）" in fell["reasons"] and "P10" not in fell["reasons"]
    )
    outliers = dict(zip(ranked["unit"], ranked["outliers"], strict=True))
    assert {u for u, n in outliers.items() if n} == {"兰坝镇", "鹤港镇", "太寨镇", "新岗街道", "东山街道"}
    assert outliers["兰坝镇"] == 1  # one rate, said both ways


def test_a_unit_with_fewer_than_ten_requests_is_never_rated(district):
    db, _ = district
    small = row(analytics.needs_attention(str(db), Filters()), SMALL[0])
    assert small["sample"] == "样本不足（办理6件）"
    assert small["outliers"] == 0 and "不予公开率" not in small["reasons"]  # 5 of 6 denied, yet not judged


def test_missing_and_late_reports_come_from_the_generator_and_rank_first(district):
    db, anomalies = district
    ranked = analytics.needs_attention(str(db), Filters())
    missing = anomalies[anomalies["check"] == "series.missing_report"]  # not the checks it leaves unevaluated
    expected = missing.groupby("unit").size().rename(lambda u: u.replace("街道办事处", "街道"))
    got = ranked.set_index("unit")["missing"]
    assert got[got > 0].sort_index().to_dict() == expected.sort_index().to_dict()
    for unit, years in missing.groupby("unit")["year"]:
        text = "、".join(str(y) for y in sorted(years))
        assert f"缺失{text}年度报告" in row(ranked, unit.replace("街道办事处", "街道"))["reasons"]
    late = anomalies[anomalies["kind"] == "late_publication"]  # the generator's own, if any, and LATE
    assert ranked["late"].sum() == len(late) + 1
    assert f"{LATE[1]}年度报告逾期发布" in row(ranked, LATE[0])["reasons"]
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    assert ranked["score"].is_monotonic_decreasing
    assert ranked.iloc[0]["missing"] == ranked["missing"].max() > 0  # 3 points each: the top of the list
    assert (ranked["score"] == 3 * ranked["missing"] + 2 * ranked["confirmed"] + ranked["late"]
            + ranked["outliers"]).all()  # fmt: skip


def test_confirmed_findings_count_until_they_are_corrected_or_dismissed(district, tmp_path):
    db = tmp_path / "reviewed.duckdb"
    db.write_bytes(district[0].read_bytes())
    with store.read_connection(db) as con:
        found = reviews.reviewed_findings(con)
    mine = (
        found[(found["unit"] == "梅岗镇") & (found["status"] == "failed")]["finding_id"]
        .drop_duplicates()
        .tolist()
    )
    assert len(mine) >= 1
    reviews.set_reviews(db, mine, "已确认", "核实属实", "张三")
    other = found[(found["unit"] == "兰坝镇") & (found["status"] == "failed")]["finding_id"].drop_duplicates()
    reviews.set_reviews(db, other.tolist(), "已忽略", "填报口径不同", "张三")
    ranked = analytics.needs_attention(str(db), Filters())
    assert row(ranked, "梅岗镇")["confirmed"] == len(mine)
    assert f"已确认待整改的问题{len(mine)}条" in row(ranked, "梅岗镇")["reasons"]
    assert row(ranked, "兰坝镇")["confirmed"] == 0  # dismissed findings are not open


def test_a_narrower_selection_still_compares_with_the_whole_district(district):
    db, _ = district
    one = analytics.needs_attention(str(db), Filters(units=("鹤港镇",)))
    assert one["unit"].tolist() == ["鹤港镇"]
    assert "不予公开率20.0%，高于全区P90" in one.iloc[0]["reasons"]
    earlier = analytics.needs_attention(str(db), Filters(year_to=LAST - 1))
    assert set(earlier["rate_year"]) == {LAST - 1}
    assert "鹤港镇" not in set(earlier.loc[earlier["outliers"] > 0, "unit"])  # 2023: no outlier planted there


def test_too_few_peers_give_no_percentiles(district, monkeypatch):
    db, _ = district
    monkeypatch.setattr(rules, "MIN_PEERS", 50)
    ranked = analytics.needs_attention(str(db), Filters())
    assert not ranked["reasons"].str.contains("全区P").any()
    assert "下降至10.0%" in row(ranked, "兰坝镇")["reasons"]  # the unit's own last year still counts


def test_an_empty_database_gives_the_columns_and_no_rows(empty_db):
    ranked = analytics.needs_attention(str(empty_db), replace(Filters(), district="无此区"))
    assert ranked.empty and list(ranked.columns) == rules.COLUMNS
