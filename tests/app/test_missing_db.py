"""The database a user chose stays chosen: a configured database that disappears is reported as missing (never
replaced by the demo), and the error messages recommend `--rebuild` only where it is safe."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gi_analytics import store
from gi_analytics.app import hints

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""


def run(database: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("GI_DB", str(database))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_configured_database_that_is_gone_is_reported_missing_not_built_as_the_demo(tmp_path, monkeypatch):
    gone = tmp_path / "district.duckdb"
    at = run(gone, monkeypatch)
    assert not gone.exists()  # before: the demo's 174 reports were written here
    errors = " ".join(e.value for e in at.error)
    assert "不存在" in errors and "--rebuild" not in errors, errors
    assert not at.status  # no "正在导入示例数据"


def test_a_chosen_database_deleted_during_the_session_stays_chosen_and_missing(
    small_db, empty_db, monkeypatch
):
    own = small_db.path.parent / "本区.duckdb"
    shutil.copy(empty_db, own)
    at = run(small_db.path, monkeypatch)
    at.selectbox(key="f_db").select("本区").run()
    own.unlink()
    at.run()
    assert at.selectbox(key="f_db").value == "本区"
    assert any("不存在" in e.value for e in at.error), [e.value for e in at.error]
    at.selectbox(key="f_db").select("默认数据库").run()  # the user can still choose another
    assert not at.error


def test_rebuild_is_recommended_only_for_a_damaged_file(tmp_path):
    own = tmp_path / "own.duckdb"
    assert "--rebuild" in hints.for_error("数据库文件损坏或不是 DuckDB 文件：x", own)
    assert f"--rebuild {Path('data/reports')}" not in hints.for_error("数据库文件损坏", own)  # folder unknown
    assert "data/reports" in hints.for_error("数据库文件损坏", store.BUNDLED_DB)  # the demo's folder is known
    for message in (
        "数据库不存在：x",
        "磁盘空间不足：x",
        "无法写入数据库 x",
        "无法打开数据库：x",
        "Binder Error",
    ):
        assert "--rebuild" not in hints.for_error(message, own), message
