"""Shared fixtures. Each fixture says what it builds; add yours below with its own docstring.

`demo_db` is the bundled demo district (data/reports/) ingested once per test run: read it, never write to it.

Markers: tests are marked `slow` (whole districts, subprocesses, the app through AppTest, fuzzing) and
`browser` (Chromium: images, the meeting pack, Playwright) by where they live, below; the fast subset is
`pytest -m "not slow and not browser"`.

Dashboard fixtures (`empty_db`, `small_db`, `clear_streamlit_cache`) build real DuckDB files in tmp_path from
the project's schema.sql. `small_db` writes rows with plain SQL so that its findings sit at known places
(see SMALL_DB below); tests that need parsed files use the importer instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from gi_analytics import form_spec as form

SCHEMA = Path(__file__).resolve().parents[1] / "src" / "gi_analytics" / "store" / "schema.sql"

# the report columns test databases fill; later ones (`published`, `unit_printed`, `deadline`) stay NULL
REPORT_COLUMNS = ("report_id, unit_id, year, template, period_start, period_end, source, format, content_hash, "
                  "version, is_current, ingested_at")

def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal means the same database, whatever the file's bytes."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: sorted(con.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        con.close()


def init_db(path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh database at `path` with the project schema; the caller closes it."""
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    return con


@dataclass(frozen=True)
class KnownFinding:
    unit: str
    year: int
    check_id: str
    severity: str
    tbl: str | None
    row_key: str | None
    col_key: str | None
    message: str


@dataclass(frozen=True)
class SmallDb:
    """What `small_db` contains, for assertions."""

    path: Path
    district: str
    units: tuple[str, ...]
    years: tuple[int, ...]
    missing: tuple[tuple[str, int], ...]
    finding: KnownFinding  # an error on a number cell
    requests: dict[tuple[str, int], int]  # (unit, year) -> new requests (total column)


SMALL_DISTRICT = "示例区"
SMALL_UNITS = ("甲镇", "乙镇", "丙街道")
SMALL_YEARS = (2021, 2022, 2023)
SMALL_MISSING = (("乙镇", 2023),)
SMALL_FINDING = KnownFinding(
    "甲镇",
    2022,
    "requests.balance",
    "error",
    "requests",
    "new_received",
    "total",
    "总计列：本年新收12件+上年结转0件≠办理结果10件+结转下年度1件",
)


def _requests(unit_no: int, year: int) -> int:
    return (unit_no + 1) * 4 + (year - 2020) * (6 if unit_no == 2 else 1)


def _cells(report_id: int, new: int, zero: bool) -> list[tuple]:
    """A plausible requests + appeals table: totals only plus the natural-person split."""
    granted, denied = new // 2, new // 4
    unavailable = new - granted - denied
    rows = {
        "new_received": new,
        "carried_over": 0,
        "granted": granted,
        "denied_state_secret": denied,
        "unavailable_not_held": unavailable,
        "total_processed": new,
        "carried_forward": 0,
    }
    out = []
    for row, value in rows.items():
        v = 0 if zero else value
        out.append((report_id, "requests", row, "total", float(v), "number"))
        out.append((report_id, "requests", row, "natural_person", float(v), "number"))
    for proc in form.APPEAL_PROCEEDINGS:
        review = 0 if zero or proc != "review" else 1
        for res in form.APPEAL_RESULTS:
            v = review if res in ("corrected", "total") else 0
            out.append((report_id, "appeals", proc, res, float(v), "number"))
    return out


def build_small_db(path: Path) -> SmallDb:
    """Three units × three years of one district, with known findings:

    - 甲镇 2022: requests.balance error on requests/new_received/total (and its requests are 12);
    - 乙镇 2023: no report (series.missing_report warning);
    - 丙街道 2021: zero-filled (report.all_zero info); 乙镇 2021: an older version 1 besides the current one.
    """
    con = init_db(path)
    now = dt.datetime(2024, 1, 1)
    requests: dict[tuple[str, int], int] = {}
    report_id = 0
    for unit_no, unit in enumerate(SMALL_UNITS):
        kind = "街道" if unit.endswith("街道") else "镇"
        con.execute("INSERT INTO units VALUES (?, ?, ?, ?)", [unit_no + 1, unit, SMALL_DISTRICT, kind])
        for year in SMALL_YEARS:
            if (unit, year) in SMALL_MISSING:
                con.execute(
                    "INSERT INTO findings VALUES (NULL, ?, ?, 'series.missing_report', 'warning', 'failed',"
                    " NULL, NULL, NULL, NULL, NULL, NULL, ?)",
                    [unit_no + 1, year, f"缺少{year}年度报告"],
                )
                continue
            versions = 2 if (unit, year) == ("乙镇", 2021) else 1
            for version in range(1, versions + 1):
                report_id += 1
                text = f"{unit}{year}年政府信息公开工作年度报告 第{version}版 <script>alert(1)</script>"
                digest = hashlib.sha256(text.encode()).hexdigest()
                con.execute("INSERT INTO originals VALUES (?, ?)", [digest, text.encode()])
                con.execute(f"INSERT INTO reports ({REPORT_COLUMNS}) VALUES (?, ?, ?, '2021', ?, ?, ?, 'txt', ?, ?, ?, ?)",
                            [report_id, unit_no + 1, year, f"{year}-01-01", f"{year}-12-31",
                             f"{unit}{year}.txt", digest, version, version == versions, now])
                zero = (unit, year) == ("丙街道", 2021)
                new = 12 if (unit, year) == ("甲镇", 2022) else _requests(unit_no, year)
                if version == versions:
                    requests[(unit, year)] = 0 if zero else new
                con.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?)", _cells(report_id, new, zero))
                for no, spec in enumerate(form.SECTIONS, start=1):
                    con.execute(
                        "INSERT INTO sections VALUES (?, ?, ?, ?)",
                        [report_id, no, spec.title, f"{unit}{year}年{spec.title}。<b>无</b>"],
                    )
                if zero:
                    con.execute(
                        "INSERT INTO findings VALUES (?, ?, ?, 'report.all_zero', 'info', 'failed',"
                        " NULL, NULL, NULL, NULL, NULL, NULL, '表三、表四全部为0')",
                        [report_id, unit_no + 1, year],
                    )
                f = SMALL_FINDING
                if (unit, year) == (f.unit, f.year):
                    con.execute(
                        "INSERT INTO findings VALUES (?, ?, ?, ?, ?, 'failed', ?, ?, ?, NULL, 13, 11, ?)",
                        [
                            report_id,
                            unit_no + 1,
                            year,
                            f.check_id,
                            f.severity,
                            f.tbl,
                            f.row_key,
                            f.col_key,
                            f.message,
                        ],
                    )
    con.execute("CHECKPOINT")
    con.close()
    return SmallDb(path, SMALL_DISTRICT, SMALL_UNITS, SMALL_YEARS, SMALL_MISSING, SMALL_FINDING, requests)


ROOT = Path(__file__).resolve().parents[1]
BROWSER = ("app/test_e2e", "app/test_page_export.py", "export/test_export.py")
SLOW = ("app/", "robustness/", "cli/test_cli.py", "demo/test_demo_district.py")
SLOW_TESTS = {  # single tests of a second or more in otherwise fast files
    "test_every_bundled_file_parses_to_the_report_it_was_made_from",
    "test_materialized_figures_equal_the_cells",
    "test_materialized_states_equal_the_findings",
    "test_queries_read_the_table_as_the_fallback_computes",
    "test_readers_never_see_a_partial_batch_while_writes_go_on",
    "test_chunked_batch_writes_the_same_rows",
    "test_term_counts_leave_unit_names_out",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = item.path.relative_to(ROOT / "tests").as_posix()
        if where.startswith(BROWSER):
            item.add_marker(pytest.mark.browser)
        if where.startswith(SLOW) or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo district (data/reports/ with its units.csv), ingested once per test run. Read only."""
    from gi_analytics.ingest.pipeline import DEMO_REPORTS, DEMO_UNITS, ingest_paths

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    ingest_paths([DEMO_REPORTS], db, units_csv=DEMO_UNITS, workers=1)
    return db


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A DuckDB file with the schema and no rows."""
    path = tmp_path / "empty.duckdb"
    init_db(path).close()
    return path


@pytest.fixture
def small_db(tmp_path: Path) -> SmallDb:
    """A populated DuckDB file with known findings (see build_small_db)."""
    return build_small_db(tmp_path / "small.duckdb")


@pytest.fixture
def clear_streamlit_cache():
    """st.cache_data is process-global: clear it around a test that runs the app."""
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def apptest_navigation(monkeypatch):
    """Make AppTest run app.py's st.navigation on every run, as the real server does.

    AppTest (Streamlit 1.67) resets PagesManager.uses_pages_directory before each run, re-detects the pages/
    folder and then runs the current page file directly, skipping app.py (so no sidebar, no shared state).
    The server clears that flag for good at the first st.navigation call; this does the same after each reset.
    """
    from streamlit.runtime import pages_manager

    original = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)
