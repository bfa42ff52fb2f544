"""Incremental derive: a generated province with injected faults, ingested in batches, has the findings,
similarity cache, figures and reviews that one ingest of everything and a full recomputation give."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from gi_analytics.demo.corpus import generate_corpus
from gi_analytics.ingest import derive as derive_module
from gi_analytics.ingest.derive import derive
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.store.connection import read_connection, write_connection
from gi_analytics.store.reviews import reviewed_findings, set_reviews

UNITS, DISTRICT_SIZE = 36, 9  # four districts
KEY = ["finding_id", "district", "unit", "year", "check_id", "severity", "status", "tbl", "row_key", "col_key",
       "section_no", "expected", "actual", "message"]  # fmt: skip


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """36 units in 4 districts × 2019–2025, with the generator's injected faults; units.csv names districts."""
    root = tmp_path_factory.mktemp("province")
    generate_corpus(root, units=UNITS, years=(2019, 2025), seed=11, formats=("txt",), per_kind=2)
    units_csv = root / "units.csv"
    with units_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for n, row in enumerate(rows):
        row["district"] = f"测试{n // DISTRICT_SIZE + 1}区"
    with units_csv.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root


def _year(path: Path) -> int:
    return int(
        next(part for part in path.stem.replace("_", "-").split("-") if part.isdigit() and len(part) == 4)
    )


def _batches(root: Path, tmp: Path) -> list[Path]:
    """Folders of files cut across districts and years: the middle years last, so neighbours come on both sides;
    one district's 2022 in a batch of its own."""
    files = sorted(root.glob("*.txt"))
    district_of = {row["unit"]: row["district"]
                   for row in csv.DictReader((root / "units.csv").open(encoding="utf-8-sig"))}  # fmt: skip
    first = sorted(district_of.values())[0]
    groups: list[list[Path]] = [[], [], [], []]
    for f in files:
        year, unit = _year(f), next((u for u in district_of if u in f.stem), "")
        if year == 2022 and district_of.get(unit) == first:
            groups[3].append(f)
        elif year in (2019, 2020, 2025):
            groups[0].append(f)
        elif year in (2023, 2024):
            groups[1].append(f)
        else:
            groups[2].append(f)
    folders = []
    for n, group in enumerate(groups):
        folder = tmp / f"batch{n}"
        folder.mkdir()
        for f in group:
            shutil.copy(f, folder / f.name)
        folders.append(folder)
    assert all(len(g) for g in groups) and sum(map(len, groups)) == len(files)
    return folders


def _findings(db: Path) -> pd.DataFrame:
    with read_connection(db) as con:
        df = reviewed_findings(con)
    return df[KEY].astype(str).sort_values(KEY).reset_index(drop=True)


def _by_place(db: Path, sql_table: str) -> pd.DataFrame:
    """A derived table with report ids replaced by (unit, year, version): ids differ between two databases."""
    with read_connection(db) as con:
        places = (
            con.execute(
                "SELECT r.report_id, u.district || '/' || u.name || '/' || r.year || '/' || r.version AS place "
                "FROM reports r JOIN units u USING (unit_id)"
            )
            .df()
            .set_index("report_id")["place"]
        )
        frame = con.execute(f"SELECT * FROM {sql_table}").df()
    for col in [c for c in frame.columns if c.startswith("report") or c == "prev_report_id"]:
        frame[col] = frame[col].map(places)
    frame = frame.drop(columns=[c for c in ("unit_id",) if c in frame])
    if "report_b" in frame:  # a pair is unordered: ids ordered it, places order it here
        a, b = frame["report_a"], frame["report_b"]
        frame["report_a"], frame["report_b"] = a.where(a < b, b), b.where(a < b, a)
    return frame.astype(str).sort_values(list(frame.columns)).reset_index(drop=True)


def _full_recompute(db: Path, out: Path) -> Path:
    shutil.copy(db, out)
    with write_connection(out) as txn:  # no batch recorded: derive recomputes every district
        derive(txn.con)
        txn.changed = True
    return out


@pytest.mark.slow
def test_batches_give_the_findings_of_a_full_recomputation(
    province: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    units_csv = province / "units.csv"
    full = tmp_path / "full.duckdb"
    ingest_paths([province], full, units_csv=units_csv, workers=1, keep_originals=False)
    inc = tmp_path / "inc.duckdb"
    batches = _batches(province, tmp_path)
    ingest_paths([batches[0]], inc, units_csv=units_csv, workers=1, keep_originals=False)
    confirmed = _findings(inc).query("check_id.str.startswith('series.') or check_id == 'text.reused'")
    assert len(confirmed)  # something across years to review before the rest arrives
    set_reviews(inc, list(confirmed["finding_id"][:3]), "已确认", note="核实", reviewer="测试")
    for folder in batches[1:-1]:
        ingest_paths([folder], inc, units_csv=units_csv, workers=1, keep_originals=False)
    scopes: list[object] = []  # the last batch is one district's 2022: only that district is recomputed
    chunks = derive_module.district_chunks
    monkeypatch.setattr(
        derive_module, "district_chunks", lambda con, d, n: scopes.append(d) or chunks(con, d, n)
    )
    ingest_paths([batches[-1]], inc, units_csv=units_csv, workers=1, keep_originals=False)
    monkeypatch.undo()
    assert scopes and all(d == ["测试1区"] for d in scopes)

    found = _findings(inc)
    checks = set(found["check_id"])
    assert {"series.carry_mismatch", "series.missing_report", "text.reused", "text.other_unit"} <= checks
    pd.testing.assert_frame_equal(found, _findings(full))
    redone = _full_recompute(inc, tmp_path / "redone.duckdb")
    pd.testing.assert_frame_equal(found, _findings(redone))
    for table in ("report_figures", "text_similarity", "text_reuse", "text_lengths"):
        pd.testing.assert_frame_equal(_by_place(inc, table), _by_place(full, table))
        pd.testing.assert_frame_equal(_by_place(inc, table), _by_place(redone, table))

    with read_connection(inc) as con:  # the reviews made after the first batch kept their findings
        reviews = con.execute("SELECT finding_id, status FROM reviews").df()
    kept = set(confirmed["finding_id"][:3])
    assert set(reviews["finding_id"]) == kept
    still = set(found["finding_id"]) & kept
    assert set(reviews.set_index("finding_id").loc[list(still), "status"]) <= {"已确认"}
