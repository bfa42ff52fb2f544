"""总览's 需要关注的单位 through AppTest on the demo district: the top of the ranked list with its reasons, and a
download of every unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gi_analytics import analytics
from gi_analytics.app import attention

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""


def test_the_overview_lists_who_needs_attention_first(demo_db, monkeypatch):
    monkeypatch.setenv("GI_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "需要关注的单位" in [s.value for s in at.subheader]
    shown = next(d.value for d in at.dataframe if "关注分" in d.value.columns)
    ranked = analytics.needs_attention(str(demo_db), analytics.Filters())
    listed = ranked[ranked["score"] > 0]
    assert len(shown) == min(attention.TOP, len(listed)) > 0
    assert shown["单位"].tolist() == listed["unit"].head(attention.TOP).tolist()
    assert shown["原因"].str.len().gt(0).all()  # every listed unit says why
    assert list(shown.columns)[-1] == "原因" and "比率样本" in shown.columns
    labels = [b.label for b in at.get("download_button") if b.proto.id and "attention" in b.proto.id]
    assert labels == ["下载 CSV", "下载 XLSX"]
