"""The demo district generator: deterministic, consistent where nothing was injected, anomalies where listed."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from gi_analytics import form_spec as form
from gi_analytics.checks.registry import BY_ID
from gi_analytics.demo.corpus import generate_corpus
from gi_analytics.demo.generator import (
    ANOMALY_CHECKS,
    PlannedFile,
    generate_district,
    plan_district,
)
from gi_analytics.model import Report
from gi_analytics.parse import parse_document
from gi_analytics.readers.files import read_path

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "reports"
PARTS = form.REQUEST_COLUMN_PARTS


@pytest.fixture(scope="module")
def district() -> tuple[dict, list[PlannedFile]]:
    manifest, planned = plan_district()  # the bundled district's parameters: 25 units, 2019-2025, seed 7
    return manifest.to_dict(), planned


def values(report: Report, table: str) -> dict[str, dict[str, float | None]]:
    return {row: {col: cell.value for col, cell in cols.items()} for row, cols in report.tables[table].items()}


def injected_at(manifest: dict) -> dict[tuple[str, int], str]:
    return {(a["unit"], a["year"]): a["kind"] for a in manifest["anomalies"] if not a.get("implied")}


def identity_failures(report: Report) -> list[str]:
    req, app = values(report, "requests"), values(report, "appeals")
    outcome = [k for k in req if form.ROW_GROUP.get(k)]
    out = [f"column_sum {row}" for row, cols in req.items() if sum(cols[c] for c in PARTS) != cols["total"]]
    for col in form.REQUEST_COLUMNS:
        if req["new_received"][col] + req["carried_over"][col] != (
                req["total_processed"][col] + req["carried_forward"][col]):
            out.append(f"balance {col}")
        if sum(req[k][col] for k in outcome) != req["total_processed"][col]:
            out.append(f"outcome_sum {col}")
    out += [f"appeals {p}" for p, cols in app.items()
            if sum(cols[r] for r in form.APPEAL_RESULTS[:-1]) != cols["total"]]
    return out


def test_every_anomaly_kind_is_injected_at_least_twice_with_a_known_check(district) -> None:
    manifest, _ = district
    kinds = Counter(a["kind"] for a in manifest["anomalies"] if not a.get("implied"))
    assert set(kinds) == set(ANOMALY_CHECKS) and min(kinds.values()) >= 2
    for anomaly in manifest["anomalies"]:
        assert anomaly["check"] is None or anomaly["check"] in BY_ID, anomaly
        assert anomaly["unit"] in {u["name"] for u in manifest["units"]}


def test_units_are_plausible_and_about_a_third_street_offices(district) -> None:
    manifest, planned = district
    kinds = Counter(u["kind"] for u in manifest["units"])
    assert len(manifest["units"]) == 25 and 7 <= kinds["街道"] <= 10 and kinds["乡"] >= 1
    for unit in manifest["units"]:
        assert re.fullmatch(r"\w{2,3}(镇|乡|街道办事处)", unit["name"])
    received = Counter()
    for p in planned:
        kind = next(u["kind"] for u in manifest["units"] if u["name"] == p.report.unit)
        received[kind] += p.report.value("requests", "new_received", "total") or 0
    assert received["街道"] > 5 * received["镇"] / 2  # street offices receive far more requests


def test_identities_hold_wherever_nothing_was_injected(district) -> None:
    manifest, planned = district
    broken = {"broken_balance", "appeals_total", "blank_template"}
    for p in planned:
        kind = injected_at(manifest).get((p.report.unit, p.report.year))
        failures = identity_failures(p.report) if kind != "blank_template" else []
        assert bool(failures) == (kind in broken - {"blank_template"}), (p.name, kind, failures)


def test_carry_over_chains_between_years_except_the_injected_mismatch(district) -> None:
    manifest, planned = district
    by_key = {(p.report.unit, p.report.year): p.report for p in planned}
    mismatches = set()
    for (unit, year), report in by_key.items():
        before = by_key.get((unit, year - 1))
        blank = "blank_template" in {injected_at(manifest).get((unit, y)) for y in (year, year - 1)}
        if before and not blank and (
                values(before, "requests")["carried_forward"] != values(report, "requests")["carried_over"]):
            mismatches.add((unit, year))
    expected = {(a["unit"], a["year"]) for a in manifest["anomalies"] if a["kind"] == "carry_mismatch"}
    assert mismatches == expected


def test_templates_fit_the_year_except_the_injected_mismatches(district) -> None:
    manifest, planned = district
    odd = {(p.report.unit, p.report.year) for p in planned
           if p.report.template != form.expected_template(p.report.year)}
    assert odd == {k for k, kind in injected_at(manifest).items() if kind == "template_mismatch"}
    for p in planned:
        single = "other" in p.report.tables["requests"]
        assert single == (p.report.template == "2019")


def test_zero_filled_reports_and_copied_numbers_only_where_injected(district) -> None:
    manifest, planned = district
    injected = injected_at(manifest)
    by_key = {(p.report.unit, p.report.year): p.report for p in planned}
    for key, report in by_key.items():
        numbers = [v for t in ("requests", "appeals") for cols in values(report, t).values() for v in cols.values()]
        assert (set(numbers) == {0}) == (injected.get(key) == "zero_filled"), key
        before = by_key.get((key[0], key[1] - 1))
        same = before is not None and all(values(before, t) == values(report, t) for t in form.TABLE_SECTIONS.values())
        assert same == (injected.get(key) == "copied_numbers"), key


def test_missing_reports_have_no_file(district) -> None:
    manifest, planned = district
    written = {(p.report.unit, p.report.year) for p in planned}
    missing = {k for k, kind in injected_at(manifest).items() if kind == "missing_report"}
    assert len(written) + len(missing) == 25 * 7 and not written & missing


def test_narrative_counts_match_the_tables(district) -> None:
    manifest, planned = district
    for p in planned:
        text, total = p.report.section(1).text, p.report.value("requests", "new_received", "total")
        if injected_at(manifest).get((p.report.unit, p.report.year)) == "blank_template":
            continue
        stated = re.search(r"共收到政府信息公开申请(\d+)件", text)
        assert (int(stated.group(1)) if stated else 0) == total, p.name
        review = p.report.value("appeals", "review", "total")
        litigation = sum(p.report.value("appeals", k, "total") for k in form.APPEAL_PROCEEDINGS[1:])
        assert ("全年发生因政府信息公开引起的" in text) == (review + litigation > 0), p.name
        assert (f"行政复议{review}件" in text) == (review > 0), p.name


def test_texts_are_not_near_duplicates_unless_reuse_was_injected(district) -> None:
    manifest, planned = district
    reused = {(a["unit"], a["year"]) for a in manifest["anomalies"] if a["check"] == "text.reused"}
    for no in (1, 5, 6):
        docs = [re.sub(r"\d+", "0", p.report.section(no).text) for p in planned]
        vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2).fit_transform(docs)
        sims = (vectors @ vectors.T).tocoo()
        for i, j, sim in zip(sims.row, sims.col, sims.data, strict=True):
            a, b = planned[i].report, planned[j].report
            if i < j and sim >= 0.9:
                keys = {(a.unit, a.year), (b.unit, b.year)}
                assert no == 5 and keys & reused, (no, a.unit, a.year, b.unit, b.year, sim)


def test_units_name_only_themselves_unless_injected(district) -> None:
    manifest, planned = district
    stems = {u["name"]: re.sub(r"(镇|乡|街道办事处)$", "", u["name"]) for u in manifest["units"]}
    named = set()
    for p in planned:
        text = "\n".join(s.text for s in p.report.sections)
        named |= {(p.report.unit, p.report.year) for name, stem in stems.items()
                  if name != p.report.unit and stem in text}
    assert named == {k for k, kind in injected_at(manifest).items() if kind == "other_unit_name"}


def test_bundled_district_is_what_the_generator_makes(district) -> None:
    manifest, planned = district
    bundled = json.loads((BUNDLED / "manifest.json").read_text(encoding="utf-8"))
    assert bundled["anomalies"] == manifest["anomalies"] and bundled["units"] == manifest["units"]
    assert [f["file"] for f in bundled["files"]] == [p.name for p in planned]
    layouts = Counter(f["layout"] for f in bundled["files"])
    assert set(layouts) == {"txt_tabs", "txt_pipes", "txt_pipe_rows", "txt_lines", "txt_gb18030",
                            "txt_runtogether", "html", "docx", "pdf"}
    assert layouts["pdf"] <= len(bundled["files"]) / 5
    assert (BUNDLED / "real" / "000_32c9a0a42e9b7f0e.txt").is_file()
    units_csv = (BUNDLED / "units.csv").read_text(encoding="utf-8").splitlines()
    assert units_csv[0] == "unit,district,kind" and len(units_csv) == 26
    assert all(line.split(",")[1] == "示例区" for line in units_csv[1:])
    for unit in bundled["units"]:
        assert unit["short"] == unit["name"].replace("街道办事处", "街道")
    assert sum(f.stat().st_size for f in BUNDLED.rglob("*") if f.is_file()) < 15 * 2**20


def _normalized(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("“", '"').replace("”", '"')


def test_every_bundled_file_parses_to_the_report_it_was_made_from(district) -> None:
    _, planned = district
    for p in planned:
        got = parse_document(read_path(BUNDLED / p.name))
        assert (got.unit, got.year, got.template) == (p.report.unit, p.report.year, p.report.template), p.name
        assert got.period == p.report.period, p.name
        for table in form.TABLE_SECTIONS.values():
            assert values(got, table) == values(p.report, table), (p.name, table)
        assert [_normalized(s.text) for s in got.sections] == [_normalized(s.text) for s in p.report.sections]
        assert not [x for x in got.problems if x.severity == "error"], p.name


def test_same_seed_same_files_and_manifest(tmp_path: Path) -> None:
    first = generate_district(tmp_path / "a", units=6, years=(2020, 2023), seed=3, formats=("txt", "html"))
    second = generate_district(tmp_path / "b", units=6, years=(2020, 2023), seed=3, formats=("txt", "html"))
    assert first.to_dict() == second.to_dict()
    for entry in first.files:
        assert (tmp_path / "a" / entry["file"]).read_bytes() == (tmp_path / "b" / entry["file"]).read_bytes()
    other = generate_district(tmp_path / "c", units=6, years=(2020, 2023), seed=4, formats=("txt", "html"))
    assert other.to_dict() != first.to_dict()


def test_corpus_streams_text_files_with_its_manifest(tmp_path: Path) -> None:
    manifest = generate_corpus(tmp_path, units=120, years=(2019, 2025), seed=11, formats=("txt",))
    files = sorted(p.name for p in tmp_path.glob("*.txt"))
    assert len(files) == len(manifest.files) == 120 * 7 - len(manifest.injected("missing_report"))
    assert {f["format"] for f in manifest.files} == {"txt"}
    kinds = Counter(a["kind"] for a in manifest.injected())
    assert set(kinds) == set(ANOMALY_CHECKS) and min(kinds.values()) >= 2
    saved = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert saved["files"] == manifest.files
    reuse = manifest.injected("text_reused_neighbour")[0]
    source = next(a for a in manifest.anomalies if a.get("implied") and a["kind"] == "text_reused_neighbour"
                  and a["year"] == reuse["year"])
    texts = [parse_document(read_path(tmp_path / f"{unit}_{reuse['year']}.txt")).section(5).text
             for unit in (reuse["unit"], source["unit"])]
    assert texts[0] == texts[1]


def test_corpus_with_two_workers_writes_the_same_files(tmp_path: Path) -> None:
    one = generate_corpus(tmp_path / "one", units=40, years=(2020, 2024), seed=5)
    two = generate_corpus(tmp_path / "two", units=40, years=(2020, 2024), seed=5, workers=2)
    assert one.to_dict() == two.to_dict()
    for entry in one.files:
        assert (tmp_path / "one" / entry["file"]).read_bytes() == (tmp_path / "two" / entry["file"]).read_bytes()


def test_bad_arguments_are_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="文件格式"):
        generate_district(tmp_path, units=3, formats=("rtf",))
    with pytest.raises(ValueError, match="单位数"):
        generate_corpus(tmp_path, units=0)
