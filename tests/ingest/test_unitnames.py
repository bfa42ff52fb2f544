"""The importer's resolve step: a printed name against the names known from the units CSV and the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from gi_analytics import store
from gi_analytics.ingest.pipeline import IngestError, ingest_paths
from gi_analytics.ingest.resolve import load_units_csv
from gi_analytics.ingest.unitnames import KnownUnits, resolve
from gi_analytics.model import Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "000_32c9a0a42e9b7f0e.txt"
KNOWN = KnownUnits.of(
    ["沭阳县", "北集镇", "北坪镇", "大桥镇", "太桥镇"], {"上海市科委": "上海市科学技术委员会"}
)


@pytest.mark.parametrize(
    ("printed", "stored", "code", "severity"),
    [
        ("沭阳县", "沭阳县", None, None),
        ("上海市科委", "上海市科学技术委员会", "unit.alias", Severity.INFO),
        ("上海市科学技术委员会", "上海市科学技术委员会", None, None),
        ("沐阳县", "沭阳县", "unit.variant", Severity.WARNING),  # 沐/沭: look-alike, one known name
        (
            "犬桥镇",
            "犬桥镇",
            "unit.unknown",
            Severity.WARNING,
        ),  # a look-alike of 大桥镇 and of 太桥镇: both named
        (
            "北山镇",
            "北山镇",
            None,
            None,
        ),  # one character from 北集镇 and 北坪镇, like real neighbours: a new unit
        ("沭阳", "沭阳", None, None),
        ("红洲镇", "红洲镇", None, None),  # nothing known resembles it: a new unit
    ],
)
def test_resolve(printed: str, stored: str, code: str | None, severity: Severity | None) -> None:
    name, problems = resolve(printed, KNOWN)
    assert name == stored
    assert [(p.code, p.severity) for p in problems] == ([(code, severity)] if code else [])


def test_the_warning_names_the_candidates() -> None:
    _, problems = resolve("犬桥镇", KNOWN)
    assert "大桥镇" in problems[0].message and "太桥镇" in problems[0].message
    _, problems = resolve("沐阳县", KNOWN)
    assert "沭阳县" in problems[0].message and "沐阳县" in problems[0].message


def test_nothing_known_keeps_every_name() -> None:
    assert resolve("沐阳县", KnownUnits()) == ("沐阳县", [])


# ---- through the importer ----------------------------------------------------------------------------


def report_file(folder: Path, name: str, title: str, year: int = 2021) -> Path:
    """The real sample report under another title line."""
    text = SAMPLE.read_text(encoding="utf-8").replace("2021", str(year))
    sample_title = f"平昌关镇{year}年政府信息公开工作年度报告"
    assert sample_title in text  # printed twice, as real pages do
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text.replace(sample_title, title).replace("平昌关镇", "本镇"), encoding="utf-8")
    return path


def stored(db: Path) -> dict[str, tuple[str | None, list[str]]]:
    """source -> (unit, problem codes) of every stored report."""
    with store.read_connection(db) as con:
        reports = store.load_reports(con)
        problems = store.load_problems(con)
    return {
        r.source: (r.unit, list(problems[problems.report_id == r.report_id].code))
        for r in reports.itertuples()
    }


def test_an_alias_in_the_units_csv_gives_the_full_name(tmp_path: Path) -> None:
    report_file(tmp_path / "in", "a.txt", "上海市科委2021年政府信息公开工作年度报告")
    csv = tmp_path / "units.csv"
    csv.write_text("unit,alias,district\n上海市科学技术委员会,上海市科委;市科委,上海市\n", encoding="utf-8")
    db = tmp_path / "gi.duckdb"
    ingest_paths([tmp_path / "in"], db, units_csv=csv)
    unit, codes = stored(db)["a.txt"]
    assert unit == "上海市科学技术委员会" and "unit.alias" in codes
    with store.read_connection(db) as con:
        reports = store.load_reports(con)
    assert (reports.unit_printed[0], reports.district[0]) == ("上海市科委", "上海市")


def test_aliases_are_read_from_the_csv(tmp_path: Path) -> None:
    csv = tmp_path / "units.csv"
    csv.write_text("单位,别名\n上海市科学技术委员会,上海市科委、市科委\n甲镇,\n", encoding="utf-8")
    assert [r.aliases for r in load_units_csv(csv)] == [("上海市科委", "市科委"), ()]


def test_a_look_alike_of_a_unit_in_the_database_is_that_unit_with_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    ingest_paths(
        [report_file(tmp_path / "a", "沭阳县_2021.txt", "沭阳县人民政府2021年政府信息公开工作年度报告")], db
    )
    ingest_paths(
        [
            report_file(
                tmp_path / "b", "ocr_2022.txt", "#沐阳县人民政府\n## 2022年政府信息公开工作年度报告", 2022
            )
        ],
        db,
    )
    unit, codes = stored(db)["ocr_2022.txt"]
    assert unit == "沭阳县" and "unit.variant" in codes
    with store.read_connection(db) as con:
        assert list(store.load_units(con).name) == ["沭阳县"]


def test_the_file_name_is_a_fallback_and_said_so(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    ingest_paths([report_file(tmp_path / "in", "丰桥镇_2021.txt", "2021年政府信息公开工作年度报告")], db)
    unit, codes = stored(db)["丰桥镇_2021.txt"]
    assert unit == "丰桥镇" and "unit.from_file_name" in codes and "unit.missing" in codes


def test_a_name_that_does_not_look_like_a_unit_is_taken_when_the_units_csv_lists_it(tmp_path: Path) -> None:
    report_file(tmp_path / "in", "x.txt", "东山水库2021年政府信息公开工作年度报告")
    csv = tmp_path / "units.csv"
    csv.write_text("unit,district\n东山水库,示例区\n", encoding="utf-8")
    db = tmp_path / "gi.duckdb"
    ingest_paths([tmp_path / "in"], db, units_csv=csv)
    unit, codes = stored(db)["x.txt"]
    assert unit == "东山水库" and "unit.known" in codes


def test_a_name_that_does_not_look_like_a_unit_and_is_unknown_is_not_stored(tmp_path: Path) -> None:
    report_file(tmp_path / "in", "x.txt", "东山水库2021年政府信息公开工作年度报告")
    result = ingest_paths([tmp_path / "in"], tmp_path / "gi.duckdb")
    assert result.files[0].outcome == store.Outcome.FAILED and "东山水库" in result.files[0].reason


def test_a_bad_units_csv_still_stops(tmp_path: Path) -> None:
    csv = tmp_path / "units.csv"
    csv.write_text("unit,alias\n,上海市科委\n", encoding="utf-8")
    with pytest.raises(IngestError):
        ingest_paths([SAMPLE], tmp_path / "gi.duckdb", units_csv=csv)
