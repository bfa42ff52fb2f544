"""One version per page: every query of a page run reads the same version of the database, even when an ingest
swaps a new file in between two of them (issue 14: 5 % of pages mixed two versions under load)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gi_analytics import analytics, store
from gi_analytics.store import snapshot

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def data_version(path: str | Path) -> int:
    with store.read_connection(path) as con:
        return store.data_version(con)


def swap_in_a_new_version(path: str | Path) -> None:
    """What an ingest does to the file: a copy, changed, swapped in with os.replace (a new inode)."""
    with store.write_connection(path) as txn:
        txn.changed = True


def test_a_page_whose_queries_straddle_an_ingest_reads_one_version(
    small_db, monkeypatch, apptest_navigation, clear_streamlit_cache
):
    seen: dict[str, int] = {}
    key_figures, coverage = analytics.key_figures, analytics.coverage

    def key_figures_then_ingest(path, *args):  # the page's first query; an ingest lands right after it
        seen["key_figures"] = data_version(path)
        swap_in_a_new_version(path)
        return key_figures(path, *args)

    def coverage_after(path, *args):  # a later query of the same run
        seen["coverage"] = data_version(path)
        return coverage(path, *args)

    key_figures_then_ingest.__name__, coverage_after.__name__ = "key_figures", "coverage"
    monkeypatch.setattr(analytics, "key_figures", key_figures_then_ingest)
    monkeypatch.setattr(analytics, "coverage", coverage_after)
    monkeypatch.setenv("GI_DB", str(small_db.path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "总览" and at.get("plotly_chart")
    assert seen["coverage"] == seen["key_figures"]  # before: coverage read the ingested version
    assert data_version(small_db.path) == seen["key_figures"] + 1  # the ingest did land


def test_inside_a_run_reads_stay_on_the_pinned_file_after_a_swap(small_db):
    path = small_db.path
    with snapshot.pinned():
        pinned = store.snapshot.version(path)
        first = data_version(path)  # attaches the run's connection
        swap_in_a_new_version(path)
        assert data_version(path) == first and store.snapshot.version(path) == pinned
    assert data_version(path) == first + 1 and store.snapshot.version(path) != pinned


def test_a_swap_before_the_run_s_first_read_restarts_the_run(small_db):
    with snapshot.pinned():
        store.snapshot.version(small_db.path)  # pinned (the sidebar's cached options: no read)
        swap_in_a_new_version(small_db.path)
        with pytest.raises(snapshot.VersionChanged):
            data_version(small_db.path)
