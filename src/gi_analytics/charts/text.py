"""The text page's figures: similarity and reuse heatmaps, section length over the years."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .plots import style, year_axis


def heatmap(m: pd.DataFrame, title: str, colorscale: str = "Blues") -> go.Figure:
    """A square or unit × year matrix of shares 0–1, values written in when it is small enough to read."""
    fig = go.Figure(go.Heatmap(
        z=m.values, x=[str(c) for c in m.columns], y=[str(i) for i in m.index], zmin=0, zmax=1,
        colorscale=colorscale, texttemplate="%{z:.2f}" if len(m) <= 15 else None,
        hovertemplate="%{y} × %{x}<br>%{z:.2f}<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return style(fig, title)


def section_lengths(lengths: pd.DataFrame, title: str) -> go.Figure:
    """Characters of one section per unit (a line each) over the years."""
    fig = go.Figure([go.Scatter(x=g["year"].astype(str), y=g["length"], name=u, mode="lines+markers")
                     for u, g in lengths.groupby("unit")])
    year_axis(fig)
    return style(fig, title, "年度", "字")


def reuse_heatmap(reuse: pd.DataFrame, title: str) -> go.Figure:
    """Unit × year share of text carried over from the previous year's report."""
    return heatmap(reuse.pivot_table(index="unit", columns="year", values="share"), title, "Reds")
