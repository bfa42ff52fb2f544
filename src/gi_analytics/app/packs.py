"""The export page's pack pieces (a chart, a table, the selection's totals), built once per database version
and selection: the page drew them from the database on every run."""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from ..analytics import Filters
from ..export import pack
from . import ui


@st.cache_resource(show_spinner=False, max_entries=128)
def _built(kind: str, name: str, path: str, version: str, f: tuple, extra: tuple) -> Any:
    if kind == "totals":
        return pack.selection_totals(path, *extra)
    source = pack.Source(path, Filters(*f))
    return (
        pack.build_chart(pack.CHARTS[name], source)
        if kind == "chart"
        else pack.build_table(pack.TABLES[name], source)
    )


def _get(kind: str, name: str = "", extra: tuple = ()) -> Any:
    path = ui.db_path()
    return ui.guarded(
        lambda: _built(kind, name, path, ui.version(path), dataclasses.astuple(ui.filters()), extra)
    )


def chart(name: str) -> tuple[Any, str] | None:
    """pack.build_chart of the named chart on the sidebar's selection (shared: never change it)."""
    return _get("chart", name)


def table(name: str) -> Any:
    """pack.build_table of the named table on the sidebar's selection (shared: never change it)."""
    return _get("table", name)


def totals(district: str, years: tuple[int, int]) -> Any:
    return _get("totals", extra=(district, years))
