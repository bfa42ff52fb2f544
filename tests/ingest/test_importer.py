"""The importer on real report files (the 平昌关镇 sample and variants of it) into real DuckDB files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import table_rows

from gi_analytics import store
from gi_analytics.ingest.pipeline import IngestError, ingest_bytes, ingest_paths
from gi_analytics.ingest.resolve import normalize_unit, split_district, unit_kind, unit_year_from_name
from gi_analytics.store import Outcome

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"


def sample_text(unit: str = "平昌关镇", year: int = 2021, note: str = "") -> str:
    """The real sample report, renamed to another unit and year, with an optional sentence appended."""
    text = SAMPLE.read_text(encoding="utf-8").replace("平昌关镇", unit).replace("2021", str(year))
    return text + note


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A folder with three good reports, one in a sub-folder, and a file of another type that is skipped."""
    folder = tmp_path / "reports"
    write(folder, "甲镇2021年政府信息公开工作年度报告.txt", sample_text("甲镇", 2021))
    write(folder, "甲镇_2022.txt", sample_text("甲镇", 2022))
    write(folder, "街道/乙街道2022.txt", sample_text("乙街道", 2022))
    write(folder, "说明.csv", "not a report")
    return folder


@pytest.mark.parametrize(
    ("name", "unit", "year"),
    [
        ("平昌关镇_2021.txt", "平昌关镇", 2021),
        ("平昌关镇2021年政府信息公开工作年度报告.pdf", "平昌关镇", 2021),
        ("2022年平昌关镇政府信息公开工作年度报告.docx", "平昌关镇", 2022),
        ("平昌关镇人民政府 2023.html", "平昌关镇", 2023),
        ("000_32c9a0a42e9b7f0e.txt", None, None),
        ("report-2021.txt", None, 2021),
    ],
)
def test_unit_and_year_from_the_file_name(name: str, unit: str | None, year: int | None) -> None:
    assert unit_year_from_name(name) == (unit, year)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("平昌关镇", "镇"),
        ("肖王乡", "乡"),
        ("羊山街道", "街道"),
        ("羊山街道办事处", "街道"),
        ("平桥区教育局", "部门"),
    ],
)
def test_kind_from_the_name(name: str, kind: str) -> None:
    assert unit_kind(name) == kind


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("信阳市平桥区平昌关镇", ("平桥区", "平昌关镇")),
        ("桐乡市濮院镇", ("桐乡市", "濮院镇")),
        ("新市镇", ("", "新市镇")),
        ("淮安市洪泽区", ("", "淮安市洪泽区")),
    ],
)
def test_district_prefix_is_split_off_township_names(name: str, expected: tuple[str, str]) -> None:
    assert split_district(name) == expected


def test_unit_names_are_normalized() -> None:
    assert normalize_unit(" 平昌关镇人民政府 ") == "平昌关镇"
    assert normalize_unit("羊山街道办事处") == "羊山街道"


def test_a_folder_is_ingested_recursively(reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    result = ingest_paths([reports], db, district="平桥区")
    assert result.ok and len(result.files) == 3
    assert {(f.unit, f.year, f.outcome) for f in result.files} == {
        ("甲镇", 2021, Outcome.STORED), ("甲镇", 2022, Outcome.STORED), ("乙街道", 2022, Outcome.STORED)
    }  # fmt: skip
    with store.read_connection(db) as con:
        units = store.load_units(con)
        cells = store.load_cells(con, "requests")
        sources = set(store.load_reports(con).source)
    assert set(zip(units.name, units.district, units.kind, strict=True)) == {
        ("甲镇", "平桥区", "镇"), ("乙街道", "平桥区", "街道")
    }  # fmt: skip
    assert "街道/乙街道2022.txt" in sources
    assert len(cells) > 3 * 150 and (cells.value == 0).all()


def test_ingesting_a_folder_twice_leaves_the_same_rows(reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    ingest_paths([reports], db)
    before = table_rows(db)
    again = ingest_paths([reports], db)
    assert {f.outcome for f in again.files} == {Outcome.UNCHANGED} and not again.changed
    assert table_rows(db) == before


def test_a_corrupt_file_among_good_ones_is_listed_with_its_reason(reports: Path, tmp_path: Path) -> None:
    (reports / "坏文件.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (reports / "空白.txt").write_bytes(b"")
    db = tmp_path / "gi.duckdb"
    result = ingest_paths([reports], db)
    assert not result.ok
    failed = {f.source: f.reason for f in result.failed}
    assert set(failed) == {"坏文件.pdf", "空白.txt"} and all(failed.values())
    assert "为空" in failed["空白.txt"]
    with store.read_connection(db) as con:
        assert len(store.load_reports(con)) == 3
        log = store.load_files(con)
    assert set(log[log.outcome == "failed"].source) == {"坏文件.pdf", "空白.txt"}


def test_a_new_file_for_the_same_unit_and_year_keeps_the_old_one_as_history(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    old = write(tmp_path / "a", "甲镇2022.txt", sample_text("甲镇", 2022))
    new = write(tmp_path / "b", "甲镇2022.txt", sample_text("甲镇", 2022, note="\n补充说明：已更正。\n"))
    ingest_paths([old], db)
    result = ingest_paths([new], db)
    assert result.files[0].outcome == Outcome.NEW_VERSION
    with store.read_connection(db) as con:
        history = store.load_reports(con, current_only=False)
        current = store.load_reports(con)
        assert store.original_file(con, int(current.report_id[0]))[1] == new.read_bytes()
    assert sorted(zip(history.version, history.is_current, strict=True)) == [(1, False), (2, True)]


def test_flags_override_the_report_and_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "甲镇_2022.txt", sample_text("甲镇", 2022))
    result = ingest_paths([path], tmp_path / "gi.duckdb", unit="丙乡人民政府", year=2020, district="示例区")
    assert (result.files[0].unit, result.files[0].year) == ("丙乡", 2020)
    with store.read_connection(tmp_path / "gi.duckdb") as con:
        assert store.load_units(con).iloc[0].to_dict() == {
            "unit_id": 1,
            "name": "丙乡",
            "district": "示例区",
            "kind": "乡",
        }


def test_a_units_csv_renames_files_and_describes_units(tmp_path: Path) -> None:
    write(tmp_path / "in", "000_unnamed.txt", sample_text("某某", 2021).replace("某某", ""))
    write(tmp_path / "in", "甲镇_2022.txt", sample_text("甲镇", 2022))
    csv = write(tmp_path, "units.csv", "file,unit,district,kind\n000_*.txt,丁镇,东区,镇\n,甲镇,西区,镇\n")
    result = ingest_paths([tmp_path / "in"], tmp_path / "gi.duckdb", units_csv=csv)
    assert result.ok, result.failed
    with store.read_connection(tmp_path / "gi.duckdb") as con:
        units = store.load_units(con)
    assert set(zip(units.name, units.district, strict=True)) == {("丁镇", "东区"), ("甲镇", "西区")}


def test_a_bad_units_csv_stops_before_anything_is_written(tmp_path: Path) -> None:
    csv = write(tmp_path, "units.csv", "file,unit\nx.txt,\n")
    with pytest.raises(IngestError, match="第 2 行没有单位名称"):
        ingest_paths([SAMPLE], tmp_path / "gi.duckdb", units_csv=csv)
    assert not (tmp_path / "gi.duckdb").exists()


def test_a_file_whose_unit_cannot_be_resolved_fails_with_a_reason(tmp_path: Path) -> None:
    text = sample_text("某某", 2021).replace("某某", "")  # a title without a unit name
    path = write(tmp_path, "000_unnamed.txt", text)
    result = ingest_paths([path], tmp_path / "gi.duckdb")
    assert [f.outcome for f in result.files] == [Outcome.FAILED]
    assert "无法确定单位" in result.files[0].reason


def test_a_missing_file_is_recorded_not_raised(tmp_path: Path) -> None:
    result = ingest_paths([tmp_path / "nowhere.txt", SAMPLE], tmp_path / "gi.duckdb")
    assert [(f.source, f.outcome) for f in result.files] == [
        ("nowhere.txt", Outcome.FAILED), ("000_32c9a0a42e9b7f0e.txt", Outcome.STORED)
    ]  # fmt: skip
    assert result.files[0].reason.startswith("文件不存在")


def test_uploaded_bytes_are_ingested(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    items = [("甲镇2022.txt", sample_text("甲镇", 2022).encode()), ("坏.docx", b"PK\x03\x04 broken")]
    result = ingest_bytes(items, db)
    assert [f.outcome for f in result.files] == [Outcome.STORED, Outcome.FAILED]
    with store.read_connection(db) as con:
        assert store.original_file(con, result.files[0].report_id)[1] == items[0][1]


def test_big_batches_are_parsed_in_a_process_pool_with_the_same_result(tmp_path: Path) -> None:
    for i in range(45):
        write(tmp_path / "in", f"镇{i:02d}_2021.txt", sample_text(f"第{i:02d}镇", 2021))
    progress: list[int] = []
    pooled = ingest_paths(
        [tmp_path / "in"], tmp_path / "pool.duckdb", workers=2, progress=lambda d, t, n: progress.append(d)
    )
    serial = ingest_paths([tmp_path / "in"], tmp_path / "serial.duckdb", workers=1)
    assert pooled.ok and progress == list(range(1, 46))
    assert [(f.source, f.unit, f.outcome) for f in pooled.files] == [
        (f.source, f.unit, f.outcome) for f in serial.files
    ]
    pool_rows, serial_rows = table_rows(tmp_path / "pool.duckdb"), table_rows(tmp_path / "serial.duckdb")
    assert pool_rows["cells"] == serial_rows["cells"] and len(pool_rows["reports"]) == 45


def test_findings_are_recomputed_inside_the_same_write(tmp_path: Path) -> None:
    db = tmp_path / "gi.duckdb"
    result = ingest_paths([SAMPLE], db, year=2021)
    with store.read_connection(db) as con:
        findings = store.load_findings(con)
    assert ("report.all_zero", result.files[0].report_id) in set(
        zip(findings.check_id, findings.report_id, strict=True)
    )


def test_too_many_uploads_at_once_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    from gi_analytics.ingest.pipeline import MAX_UPLOAD_FILES

    items = [(f"{i}.txt", b"x") for i in range(MAX_UPLOAD_FILES + 1)]
    with pytest.raises(IngestError, match="一次最多上传"):
        ingest_bytes(items, tmp_path / "gi.duckdb")
    assert not (tmp_path / "gi.duckdb").exists()


def test_an_unwritable_database_place_gives_a_chinese_error_not_a_traceback(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(IngestError, match="无法写入数据库"):
        ingest_paths([SAMPLE], not_a_folder / "gi.duckdb")
