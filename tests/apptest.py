"""Opening the app on a page through Streamlit's AppTest, as a visitor following a link does."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **query: str) -> AppTest:
    """app.py on database `db` with `query` in the URL, switched to `page`; fails on any exception drawn."""
    monkeypatch.setenv("GI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
