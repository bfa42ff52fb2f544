"""Reviewing findings in the app (AppTest, real DuckDB files): select rows on the warnings page or the report
page, set their state with the form; the new state shows at once and is what store.reviews holds."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from apptest import open_app as open_page
from streamlit.testing.v1 import AppTest

from gi_analytics import analytics
from gi_analytics.export import notices
from gi_analytics.store import reviews
from gi_analytics.store.connection import read_connection

TABLE = "findings_table"


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """app.py runs as the server would, with an empty query cache."""




def select(at: AppTest, key: str, rows: list[int]) -> AppTest:
    """What clicking the rows' checkboxes does: the dataframe's selection state, then a rerun."""
    at.session_state[key] = {"selection": {"rows": rows, "columns": []}}
    return at.run()


def submit(at: AppTest, key: str, state: str, note: str = "", by: str = "") -> AppTest:
    at.selectbox(key=f"{key}_state").set_value(state)
    at.text_input(key=f"{key}_note").input(note)
    at.text_input(key=f"{key}_by").input(by)
    next(b for b in at.button if b.label == "保存核实结果").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def findings_table(at: AppTest):
    """The page's table of findings (on the warnings page the list of missing and blank reports is above it)."""
    return next(d.value for d in at.dataframe if "review_status" in d.value.columns)


def stored(db: Path) -> dict[str, tuple[str, str, str]]:
    with read_connection(db) as con:
        frame = reviews.reviewed_findings(con)
    return {r.finding_id: (r.review_status, r.review_note, r.reviewer) for r in frame.itertuples()}


def test_confirm_on_the_warnings_page_shows_at_once_and_filters(small_db, monkeypatch) -> None:
    at = open_page(small_db.path, monkeypatch, "pages/warnings.py")
    table = findings_table(at)
    assert set(table["review_status"]) == {"待核实"}
    row = int((table["unit"] == small_db.finding.unit).to_numpy().nonzero()[0][0])
    fid = table["finding_id"].iloc[row]
    select(at, TABLE, [row])
    assert any("已选 1 个问题" in c.value and small_db.finding.unit in c.value for c in at.caption)
    submit(at, TABLE, "已确认", "合计多2", "张三")
    assert [s.value for s in at.success] == ["已将 1 个问题标为“已确认”。"]
    assert stored(small_db.path)[fid] == ("已确认", "合计多2", "张三")
    shown = findings_table(at).set_index("finding_id")
    assert shown.loc[fid, "review_status"] == "已确认"  # the cached query shows the write on the next run
    assert (shown.drop(index=fid)["review_status"] == "待核实").all()
    assert at.session_state[TABLE]["selection"]["rows"] == []  # the selection is cleared after saving
    assert any("已确认（未整改）1条" in c.value for c in at.caption)
    assert at.text_input(key=f"{TABLE}_by").value == "张三"
    at.multiselect(key="w_review").set_value(["已确认"]).run()
    assert list(findings_table(at)["finding_id"]) == [fid]
    at.multiselect(key="w_review").set_value(["已忽略"]).run()
    assert not [d for d in at.dataframe if "review_status" in d.value.columns] and at.info  # nothing in that state


def test_ignoring_needs_a_reason_and_nothing_selected_is_refused(small_db, monkeypatch) -> None:
    at = open_page(small_db.path, monkeypatch, "pages/warnings.py")
    submit(at, TABLE, "已确认")
    assert [e.value for e in at.error] == ["请先在表格中勾选要核实的问题（未能核对的项不需核实）。"]
    select(at, TABLE, [0, 1])
    submit(at, TABLE, "已忽略", "", "李四")
    assert [e.value for e in at.error] == ["标为“已忽略”时请在“说明”中写明理由。"]
    assert set(s for s, _, _ in stored(small_db.path).values()) == {"待核实"}  # nothing written
    assert at.session_state[TABLE]["selection"]["rows"] == [0, 1]  # kept, to try again with a reason
    submit(at, TABLE, "已忽略", "原表如此", "李四")
    assert [s.value for s in at.success] == ["已将 2 个问题标为“已忽略”。"]
    assert sorted(s for s, _, _ in stored(small_db.path).values()) == ["已忽略", "已忽略", "待核实"]


def test_a_filter_change_drops_the_selection(small_db, monkeypatch) -> None:
    """Selected row positions would point at other findings once a filter changes the rows shown."""
    at = open_page(small_db.path, monkeypatch, "pages/warnings.py")
    select(at, TABLE, [0])
    at.multiselect(key="w_severity").set_value(["warning"]).run()
    assert at.session_state[TABLE]["selection"]["rows"] == []
    assert any("在上表左侧勾选问题" in c.value for c in at.caption)


@pytest.fixture
def demo_copy(demo_db, tmp_path: Path) -> Path:
    db = tmp_path / "gi.duckdb"
    shutil.copy(demo_db, db)
    return db


def test_several_findings_of_a_report_reviewed_on_its_page(demo_copy, monkeypatch) -> None:
    every = analytics.findings(str(demo_copy), analytics.Filters())
    failed = every[every["status"] == "failed"]
    counts = failed.groupby(["unit", "year"]).size()
    unchecked = set(every[every["status"] == "not_evaluated"].set_index(["unit", "year"]).index)
    unit, year = next(
        k for k in counts[counts >= 2].index if k in unchecked
    )  # also a check that could not run
    at = open_page(demo_copy, monkeypatch, "pages/report.py", r_unit=unit, r_year=str(year))
    key = f"r_findings_{analytics.find_report(str(demo_copy), unit, int(year))}"  # the page's key for it
    table = findings_table(at)
    rows = [i for i, s in enumerate(table["status"]) if s == "failed"][:2]
    ids = list(table["finding_id"].iloc[rows])
    select(at, key, rows)
    submit(at, key, "已整改", "", "王五")
    assert [s.value for s in at.success] == ["已将 2 个问题标为“已整改”。"]
    assert [stored(demo_copy)[i][0] for i in ids] == ["已整改", "已整改"]
    assert list(findings_table(at).set_index("finding_id").loc[ids, "review_status"]) == ["已整改"] * 2
    shown = findings_table(at)
    assert set(shown[shown["status"] != "failed"]["review_status"]) == {"—"}  # nothing to review there
    at.switch_page("pages/warnings.py").run()
    shown = findings_table(at).set_index("finding_id")
    assert set(shown.loc[[i for i in ids if i in shown.index], "review_status"]) == {"已整改"}


def test_export_page_builds_the_notices_as_one_zip_and_the_ledger(small_db, monkeypatch) -> None:
    with read_connection(small_db.path) as con:
        found = reviews.reviewed_findings(con)
    known = found[found["check_id"] == small_db.finding.check_id]["finding_id"].iloc[0]
    reviews.set_reviews(small_db.path, [known], "已确认", "合计多2", "张三")
    at = open_page(small_db.path, monkeypatch, "pages/export.py")
    assert at.selectbox(key="n_status").value == "已确认"
    assert any("已确认（未整改）1条" in c.value for c in at.caption)
    at.button(key="n_build").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["已生成 1 份整改通知（“已确认”的问题）和问题台账。"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载整改通知和问题台账（ZIP）" in labels and "下载问题台账（XLSX）" in labels
    files = at.session_state["n_files"]["files"]
    with zipfile.ZipFile(io.BytesIO(notices.files_zip(files))) as archive:
        assert archive.namelist() == [f"整改通知_{small_db.finding.unit}.docx", "问题台账.xlsx"]
        text = "\n".join(
            p.text for p in docx.Document(io.BytesIO(archive.read(archive.namelist()[0]))).paragraphs
        )
        ledger = openpyxl.load_workbook(io.BytesIO(archive.read("问题台账.xlsx"))).active
    assert small_db.finding.message in text and "核实意见：合计多2" in text
    rows = list(ledger.iter_rows(values_only=True))
    states = {r[0]: r[rows[0].index("核实状态")] for r in rows[1:]}
    assert states[known] == "已确认" and set(states.values()) == {"已确认", "待核实"}


def test_export_page_without_findings_in_the_state_offers_the_ledger_only(small_db, monkeypatch) -> None:
    at = open_page(small_db.path, monkeypatch, "pages/export.py")
    at.selectbox(key="n_status").set_value("已忽略").run()
    at.button(key="n_build").click().run()
    assert [w.value for w in at.warning][0].startswith("没有核实状态为“已忽略”的问题")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载问题台账（XLSX）" in labels and "下载整改通知和问题台账（ZIP）" not in labels
    reviews.set_reviews(small_db.path, _any_id(small_db.path), "已忽略", "口径不同")
    at.run()  # the database changed: files made from the older one are no longer offered
    assert "下载问题台账（XLSX）" not in [b.proto.label for b in at.get("download_button")]


def _any_id(db: Path) -> list[str]:
    with read_connection(db) as con:
        return list(reviews.reviewed_findings(con)["finding_id"].head(1))
