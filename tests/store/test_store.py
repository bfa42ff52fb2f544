"""The DuckDB store on real database files: long-form cells, versions, originals, the ingest log, findings,
copy-on-write swaps, damaged files and readers running while a writer works."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import duckdb
import pytest
from conftest import table_rows

from gi_analytics import store
from gi_analytics.model import Cell, CellState, Finding, Period, Problem, Report, Section, Severity, Status
from gi_analytics.store import Outcome, ParsedFile, StoreError

HOSTILE_UNITS = ["O'Brien镇", 'say "hi"乡', "x'); DROP TABLE reports; --街道", "<script>alert(1)</script>镇"]


def make_report(unit: str, year: int, base: int = 0) -> Report:
    """A report with every cell state, two sections and a problem."""
    requests = {
        "new_received": {"natural_person": Cell.number(base + 3), "total": Cell.number(base + 3)},
        "carried_over": {"natural_person": Cell(CellState.NOTHING, None, "—"), "total": Cell.blank()},
        "granted": {"natural_person": Cell(CellState.UNREADABLE, None, "3？"), "total": Cell.number(2)},
    }
    appeals = {"review": {"upheld": Cell.number(1), "total": Cell.number(1)}}
    active = {"fees": {"amount": Cell.number(0.1234)}}
    return Report(
        source=f"{unit}{year}.txt",
        unit=unit,
        year=year,
        template="2021",
        period=Period(f"{year}-01-01", f"{year}-12-31"),
        tables={"active": active, "requests": requests, "appeals": appeals},
        sections=[Section(1, "总体情况", f"{unit}的总体情况'; --"), Section(6, "其他需要报告的事项", "无")],
        problems=[Problem("cells.unreadable", Severity.WARNING, "无法读取的数字", "表三·予以公开")],
    )


def parsed(unit: str, year: int, content: bytes | None = None, base: int = 0) -> ParsedFile:
    data = content if content is not None else f"{unit}-{year}-{base}".encode()
    return ParsedFile(
        source=f"{unit}{year}.txt",
        content_hash=hashlib.sha256(data).hexdigest(),
        format="txt",
        data=data,
        report=make_report(unit, year, base),
        unit=unit,
        district="示例区",
        kind="镇",
        year=year,
    )


def failed(name: str, reason: str = "文件为空") -> ParsedFile:
    return ParsedFile(source=name, content_hash=hashlib.sha256(name.encode()).hexdigest(), reason=reason)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "gi.duckdb"


def test_cells_are_stored_in_long_form_with_their_state(db: Path) -> None:
    result = store.write_batch(db, [parsed("甲镇", 2022)])
    assert [f.outcome for f in result.files] == [Outcome.STORED]
    with store.read_connection(db) as con:
        cells = store.load_cells(con, "requests")
    by_place = {(r.row_key, r.col_key): (r.state, r.value) for r in cells.itertuples()}
    assert by_place[("new_received", "total")] == ("number", 3.0)
    assert by_place[("carried_over", "natural_person")][0] == "nothing"
    assert by_place[("carried_over", "total")][0] == "blank"
    assert by_place[("granted", "natural_person")][0] == "unreadable"
    non_numbers = cells[cells.state != "number"]
    assert len(non_numbers) == 3 and non_numbers.value.isna().all()
    assert set(cells.unit) == {"甲镇"} and set(cells.year) == {2022}


def test_report_detail_rebuilds_the_stored_report(db: Path) -> None:
    item = parsed("甲镇", 2022)
    report_id = store.write_batch(db, [item]).files[0].report_id
    with store.read_connection(db) as con:
        detail = store.report_detail(con, report_id)
        assert store.report_detail(con, report_id + 100) is None
    rebuilt, original = detail.report, item.report
    assert (
        detail.info["unit"] == "甲镇" and detail.info["district"] == "示例区" and detail.info["version"] == 1
    )
    assert rebuilt.period == original.period and rebuilt.sections == original.sections
    assert rebuilt.problems == original.problems
    values = {t: {r: {c: (x.state, x.value) for c, x in cols.items()} for r, cols in rows.items()}
              for t, rows in original.tables.items()}  # fmt: skip
    assert {t: {r: {c: (x.state, x.value) for c, x in cols.items()} for r, cols in rows.items()}
            for t, rows in rebuilt.tables.items()} == values  # fmt: skip


def test_same_content_again_changes_nothing_not_even_the_file(db: Path) -> None:
    batch = [parsed("甲镇", 2022), parsed("乙镇", 2022), failed("坏.pdf")]
    store.write_batch(db, batch)
    before, version, mtime = table_rows(db), store.db_version(db), db.stat().st_mtime_ns
    again = store.write_batch(db, batch)
    assert [f.outcome for f in again.files] == [Outcome.UNCHANGED, Outcome.UNCHANGED, Outcome.FAILED]
    assert not again.changed
    assert table_rows(db) == before
    assert store.db_version(db) == version and db.stat().st_mtime_ns == mtime


def test_a_different_file_for_the_same_unit_and_year_becomes_the_current_version(db: Path) -> None:
    first = store.write_batch(db, [parsed("甲镇", 2022, base=0)])
    second = store.write_batch(db, [parsed("甲镇", 2022, base=5)])
    assert second.files[0].outcome == Outcome.NEW_VERSION and second.files[0].version == 2
    with store.read_connection(db) as con:
        current = store.load_reports(con)
        history = store.load_reports(con, current_only=False)
        cells = store.load_cells(con, "requests")
    assert list(current.version) == [2]
    assert sorted(zip(history.version, history.is_current, strict=True)) == [(1, False), (2, True)]
    assert set(cells.report_id) == {second.files[0].report_id} != {first.files[0].report_id}
    assert cells.set_index(["row_key", "col_key"]).value[("new_received", "total")] == 8


def test_two_versions_in_one_batch_the_last_one_is_current(db: Path) -> None:
    store.write_batch(db, [parsed("甲镇", 2022, base=1), parsed("甲镇", 2022, base=2)])
    with store.read_connection(db) as con:
        rows = store.load_reports(con, current_only=False)
    assert sorted(zip(rows.version, rows.is_current, strict=True)) == [(1, False), (2, True)]


def test_ids_come_from_the_sequences_without_gaps(db: Path) -> None:
    store.write_batch(db, [parsed("甲镇", 2021), parsed("乙镇", 2021)])
    store.write_batch(db, [parsed("甲镇", 2021), parsed("丙镇", 2021)])  # one unchanged, one new
    con = duckdb.connect(str(db))
    try:
        assert [r[0] for r in con.execute("SELECT report_id FROM reports ORDER BY 1").fetchall()] == [1, 2, 3]
        assert [r[0] for r in con.execute("SELECT unit_id FROM units ORDER BY 1").fetchall()] == [1, 2, 3]
        assert con.execute("SELECT nextval('report_ids'), nextval('unit_ids')").fetchall() == [(4, 4)]
    finally:
        con.close()


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_names_with_quotes_and_sql_round_trip(db: Path, unit: str) -> None:
    item = parsed(unit, 2022)
    item.source = f"{unit}'.txt"
    report_id = store.write_batch(db, [item, parsed("甲镇", 2022)]).files[0].report_id
    with store.read_connection(db) as con:
        assert unit in set(store.load_units(con).name)
        assert store.report_detail(con, report_id).info["unit"] == unit
        assert store.original_file(con, report_id)[0] == f"{unit}'.txt"
        sections = store.load_sections(con, report_ids=[report_id])
    assert list(sections.text)[0] == f"{unit}的总体情况'; --"
    assert len(table_rows(db)["reports"]) == 2


def test_originals_are_kept_once_per_content(db: Path) -> None:
    same = b"the same bytes"
    result = store.write_batch(db, [parsed("甲镇", 2022, same), parsed("乙镇", 2022, same)])
    with store.read_connection(db) as con:
        assert store.original_file(con, result.files[1].report_id) == ("乙镇2022.txt", same)
    assert len(table_rows(db)["originals"]) == 1


def test_originals_can_be_left_out(db: Path) -> None:
    result = store.write_batch(db, [parsed("甲镇", 2022)], keep_originals=False)
    with store.read_connection(db) as con:
        assert store.original_file(con, result.files[0].report_id) is None


def test_the_ingest_log_records_failures_once_and_clears_them_on_success(db: Path) -> None:
    store.write_batch(db, [failed("甲镇2022.txt", "无法确定单位")])
    store.write_batch(db, [failed("甲镇2022.txt", "无法确定单位")])
    with store.read_connection(db) as con:
        log = store.load_files(con)
    assert list(zip(log.source, log.outcome, log.reason, strict=True)) == [
        ("甲镇2022.txt", "failed", "无法确定单位")
    ]
    fixed = parsed("甲镇", 2022, content=b"x")
    fixed.content_hash = hashlib.sha256(b"\xe7\x94\xb2\xe9\x95\x872022.txt").hexdigest()  # the same file
    store.write_batch(db, [fixed])
    with store.read_connection(db) as con:
        assert list(store.load_files(con).outcome) == ["stored"]


def test_replace_findings_and_load_them(db: Path) -> None:
    report_id = store.write_batch(db, [parsed("甲镇", 2022)]).files[0].report_id
    finding = Finding("requests.balance", Severity.ERROR, "不平衡", "甲镇", 2022, "requests", "new_received",
                      "total", expected=4, actual=3)  # fmt: skip
    missing = Finding("series.missing_report", Severity.WARNING, "缺少报告", "甲镇", 2023,
                      status=Status.FAILED)  # fmt: skip

    def checks(con: duckdb.DuckDBPyConnection) -> None:
        unit_id = con.execute("SELECT unit_id FROM units").fetchall()[0][0]
        store.replace_findings(con, [(report_id, unit_id, finding), (None, unit_id, missing)])

    store.write_batch(db, [parsed("甲镇", 2021)], after_write=checks)
    with store.read_connection(db) as con:
        found = store.load_findings(con)
        assert len(store.load_findings(con, report_id)) == 1
    assert sorted(found.check_id) == ["requests.balance", "series.missing_report"]
    row = found[found.check_id == "requests.balance"].iloc[0]
    assert (row.unit, row.tbl, row.row_key, row.col_key, row.expected, row.actual) == (
        "甲镇", "requests", "new_received", "total", 4, 3)  # fmt: skip


def test_db_version_changes_with_every_change(db: Path) -> None:
    assert store.db_version(db) == "missing"
    store.write_batch(db, [parsed("甲镇", 2022)])
    first = store.db_version(db)
    store.write_batch(db, [parsed("乙镇", 2022)])
    assert store.db_version(db) != first
    with store.read_connection(db) as con:
        assert store.data_version(con) == 2


def test_a_leftover_tmp_from_a_killed_write_is_removed_by_the_next_write(db: Path) -> None:
    store.write_batch(db, [parsed("甲镇", 2022)])
    tmp = store.tmp_path(db)
    tmp.write_bytes(b"half a database")
    store.write_batch(db, [parsed("乙镇", 2022)])
    assert not tmp.exists()
    with store.read_connection(db) as con:
        assert len(store.load_reports(con)) == 2


def test_missing_database_gives_a_chinese_message(db: Path) -> None:
    with pytest.raises(StoreError, match="数据库不存在"), store.read_connection(db):
        pass


def test_damaged_database_gives_a_clear_message_and_can_be_rebuilt(db: Path) -> None:
    db.write_bytes(b"this is not a database" * 1000)
    with (
        pytest.raises(StoreError, match="数据库文件损坏或不是 DuckDB 文件.*重新构建"),
        store.read_connection(db),
    ):
        pass
    with pytest.raises(StoreError, match="损坏"):
        store.write_batch(db, [parsed("甲镇", 2022)])
    assert db.read_bytes() == b"this is not a database" * 1000 and not store.tmp_path(db).exists()
    store.write_batch(db, [parsed("甲镇", 2022)], rebuild=True)
    with store.read_connection(db) as con:
        assert list(store.load_reports(con).unit) == ["甲镇"]
    assert db.with_name("gi.duckdb.damaged").read_bytes().startswith(b"this is not")


def test_readers_never_see_a_partial_batch_while_writes_go_on(db: Path) -> None:
    """A writer stores 12 batches of 5 reports; readers count reports and cells all along."""
    store.write_batch(db, [parsed("起始镇", 2020)])
    cells_per_report = 9
    errors: list[BaseException] = []
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                with store.read_connection(db) as con:
                    n_reports, n_cells = con.execute(
                        "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cells)"
                    ).fetchall()[0]
                assert n_cells == n_reports * cells_per_report, (n_reports, n_cells)
                seen.add(n_reports)
            except BaseException as exc:  # noqa: BLE001 - collected and re-raised in the test thread
                errors.append(exc)
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for batch in range(12):
            store.write_batch(db, [parsed(f"镇{batch}_{i}", 2021) for i in range(5)])
    finally:
        done.set()
        for t in readers:
            t.join()
    assert not errors, errors[0]
    assert seen <= {1 + 5 * k for k in range(13)} and len(seen) > 1


def test_a_reader_opened_after_a_swap_sees_new_data_while_an_older_reader_is_still_open(db: Path) -> None:
    store.write_batch(db, [parsed("甲镇", 2022)])
    with store.read_connection(db) as old:
        store.write_batch(db, [parsed("乙镇", 2022)])
        with store.read_connection(db) as new:
            assert len(store.load_reports(new)) == 2
        assert len(store.load_reports(old)) == 1  # a reader keeps the snapshot it opened


def test_without_a_district_a_unit_name_known_in_one_district_is_that_unit(db: Path) -> None:
    store.write_batch(db, [parsed("甲镇", 2021)])  # district 示例区
    item = parsed("甲镇", 2022)
    item.district = ""
    assert store.write_batch(db, [item]).files[0].outcome == Outcome.STORED
    with store.read_connection(db) as con:
        assert list(store.load_units(con).district) == ["示例区"]


def test_without_a_district_a_name_known_in_two_districts_fails_with_a_reason(db: Path) -> None:
    east, west = parsed("甲镇", 2021), parsed("甲镇", 2021, base=1)
    west.district = "西区"
    store.write_batch(db, [east, west])
    item = parsed("甲镇", 2022)
    item.district = ""
    outcome = store.write_batch(db, [item]).files[0]
    assert outcome.outcome == Outcome.FAILED and "多个区县" in outcome.reason
