"""The text page's figures: similarity and reuse heatmaps, section length over the years."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..labels import by_pinyin
from .plots import style

ROW_PX = 24  # height of one unit's row: every unit labelled, however many


def heatmap(m: pd.DataFrame, title: str, colorscale: str = "Blues", zmax: float = 1.0, fmt: str = ".2f",
            unit: str = "") -> go.Figure:
    """A square or unit × year matrix (shares 0–1 unless `zmax`), every row and column labelled, values written
    in while they fit."""
    xs, ys = [str(c) for c in m.columns], [str(i) for i in m.index]
    fig = go.Figure(go.Heatmap(
        z=m.values, x=xs, y=ys, zmin=0, zmax=zmax or 1, colorscale=colorscale,
        texttemplate=f"%{{z:{fmt}}}" if len(xs) <= 15 else None,
        hovertemplate=f"%{{y}} × %{{x}}<br>%{{z:{fmt}}}{unit}<extra></extra>"))
    fig.update_xaxes(type="category", tickmode="array", tickvals=xs, ticktext=xs)
    fig.update_yaxes(type="category", autorange="reversed", tickmode="array", tickvals=ys, ticktext=ys)
    fig.update_layout(height=max(360, ROW_PX * len(ys) + (220 if len(xs) > 10 else 140)))
    return style(fig, title)


def section_lengths(lengths: pd.DataFrame, title: str) -> go.Figure:
    """Characters of one section per unit and year: a unit × year grid with the count in each square (a line
    per unit would drown in its own legend for a district of any size)."""
    m = lengths.pivot_table(index="unit", columns="year", values="length", aggfunc="sum")
    m = m.reindex(by_pinyin(m.index))
    return heatmap(m, title, "Greens", zmax=float(m.max().max()) if m.size else 1.0, fmt=",.0f", unit="字")


def reuse_heatmap(reuse: pd.DataFrame, title: str) -> go.Figure:
    """Unit × year share of text carried over from the previous year's report."""
    m = reuse.pivot_table(index="unit", columns="year", values="share")
    return heatmap(m.reindex(by_pinyin(m.index)), title, "Reds")
