"""What pages compute from a query's result, once per result: plotly figures (building and validating one was
most of a warm page run) and the pandas steps of `analytics` on a frame. The pages call them as ui.figure and
ui.derived."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from .. import analytics
from ..charts import catalogue


@st.cache_resource(show_spinner=False, max_entries=256)
def figure(name: str, df: pd.DataFrame, title: str | None = None, top: int = catalogue.PAGE_TOP) -> go.Figure:
    """catalogue.figure, built once per (chart, data): plotly's figure building was most of a warm page run.
    Shared, never changed: st.plotly_chart and the downloads only read it."""
    return catalogue.figure(name, df, title, top)


@st.cache_data(show_spinner=False, max_entries=256)
def _derived(name: str, df: pd.DataFrame, args: tuple) -> Any:
    return getattr(analytics, name)(df, *args)


def derived(fn: Callable[..., Any], df: pd.DataFrame, *args: Any) -> Any:
    """A pandas step of `analytics` on a query's frame (outcome_shares…), computed once per frame."""
    return _derived(fn.__name__, df, args)
