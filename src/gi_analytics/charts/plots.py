"""DataFrames of `analytics` -> plotly Figures with Chinese titles (no streamlit, no database).

Every figure marks the points and bars that come from a report with an error or warning finding (a red or
amber outline, a distinct marker symbol) and names the findings in the hover text, from the frame's `flag` and
`flag_text` columns. Year axes are categorical so 2021 never reads "2,021.5".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from .. import form_spec as form
from ..labels import STATE_COLORS, by_pinyin

FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
FLAG_COLORS = {"error": "#C62828", "warning": "#F9A825"}
FLAG_LABELS = {"error": "含错误的报告", "warning": "含警告的报告"}
FLAG_SYMBOLS = {"error": "x", "warning": "diamond"}
PALETTE = ["#1565C0", "#2E7D32", "#6A1B9A", "#EF6C00", "#00838F", "#AD1457", "#5D4037", "#455A64"]
GROUP_COLORS = dict(
    zip(form.OUTCOME_GROUPS, ["#2E7D32", "#81C784", "#C62828", "#FB8C00", "#8E24AA", "#90A4AE"], strict=True)
)
LEGEND_PER_ROW = 3  # legend entries per row in a half-width chart (a wide one fits more: some space is left)
# plotly's toolbar in Chinese: the buttons kept, with their tooltips in plotly's own locale mechanism
_MODEBAR_ZH = {
    "Download plot as a png": "下载为图片（PNG）",
    "Download plot as a PNG": "下载为图片（PNG）",
    "Download plot": "下载图片",
    "Zoom": "框选放大",
    "Pan": "平移",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Autoscale": "自动缩放",
    "Reset axes": "还原坐标轴",
    "Reset view": "还原视图",
    "Double-click to zoom back out": "双击还原",
    "Click to enter Colorscale title": "",
}
MODEBAR = {
    "toImageButtonOptions": {"format": "png", "scale": 3},
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toggleSpikelines", "hoverClosestCartesian",
                               "hoverCompareCartesian"],
    "locale": "zh-CN",
    "locales": {"zh-CN": {"dictionary": _MODEBAR_ZH, "format": {"decimal": ".", "thousands": ","}}},
}


def style(
    fig: go.Figure, title: str, x_title: str = "", y_title: str = "", percent: bool = False
) -> go.Figure:
    """Shared look: CJK font, Chinese titles, white background, legend on top, plain legend swatches, a value
    axis from zero that stays readable when every value is zero."""
    _plain_legend(fig)
    _value_axis(fig, percent)
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    rows = -(-entries // LEGEND_PER_ROW)  # a horizontal legend wraps: room for every row under the title
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 16}, "yref": "container", "y": 1, "yanchor": "top",
               "pad": {"t": 10}},
        font={"family": FONT_FAMILY, "size": 13},
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 10, "r": 10, "t": 48 + 24 * max(rows, 1), "b": 10},
        hoverlabel={"font_family": FONT_FAMILY},
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title, tickformat=".0%" if percent else None)
    return fig


def _marked(values, plain: object) -> bool:
    """Whether a per-point style array marks some points (flagged data): any value other than `plain`."""
    return isinstance(values, tuple) and any(v != plain for v in values)


def _plain_legend(fig: go.Figure) -> None:
    """A trace whose points are outlined or coloured by their findings shows in the legend by a plain twin, so
    a category's swatch never looks as if all of it had errors (the marks have legend keys of their own)."""
    for i, t in enumerate(list(fig.data)):
        if t.showlegend is False or not t.name or t.type not in ("bar", "scatter"):
            continue
        if t.type == "bar" and _marked(t.marker.line.width, 0):
            twin = go.Bar(x=[None], y=[None], marker_color=t.marker.color, orientation=t.orientation)
        elif t.type == "scatter" and t.line.color and (_marked(t.marker.color, t.line.color)
                                                       or _marked(t.marker.symbol, "circle")):
            twin = go.Scatter(x=[None], y=[None], mode=t.mode, line=t.line, marker_color=t.line.color)
        else:
            continue
        t.update(showlegend=False, legendgroup=t.name)
        fig.add_trace(twin.update(name=t.name, legendgroup=t.name, legendrank=100 + i, hoverinfo="skip"))


def _value_axis(fig: go.Figure, percent: bool) -> None:
    """Counts and rates start at zero; when every value is zero (or none) the axis is 0–5 (件) or 0–100 %,
    never plotly's −1…1 or −100 %…400 %."""
    values: list[float] = []
    horizontal = False
    for t in fig.data:
        if t.type not in ("bar", "scatter"):
            return
        horizontal = t.type == "bar" and t.orientation == "h"
        data = t.x if horizontal else t.y
        try:
            values += [float(v) for v in ([] if data is None else data) if v is not None]
        except (TypeError, ValueError):
            return  # a categorical axis (the coverage grid): nothing to do
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    if any(v == v and v != 0 for v in values):  # v == v: not NaN
        axis(rangemode="tozero")
    else:
        axis(range=[0, 1] if percent else [0, 5], dtick=0.2 if percent else 1)


def year_axis(fig: go.Figure) -> go.Figure:
    """Years as categories (never "2,021.5"), always in ascending order whatever the traces' order."""
    return fig.update_xaxes(type="category", categoryorder="category ascending")


def _flag_hover(flags: pd.Series) -> list[str]:
    return [f"<br><b>问题</b>：<br>{t}" if t else "" for t in flags.fillna("")]


def _bar_outline(df: pd.DataFrame) -> dict:
    flag = df["flag"] if "flag" in df else pd.Series([None] * len(df))
    return {
        "color": [FLAG_COLORS.get(f, "rgba(0,0,0,0)") for f in flag],
        "width": [3 if f in FLAG_COLORS else 0 for f in flag],
    }


def _legend_keys(fig: go.Figure, df: pd.DataFrame, bars: bool) -> None:
    """Legend entries explaining the marks, only for the flags present."""
    present = set(df["flag"].dropna()) if "flag" in df else set()
    for flag in ("error", "warning"):
        if flag not in present:
            continue
        marker = (
            {"color": "white", "line": {"color": FLAG_COLORS[flag], "width": 3}, "symbol": "square"}
            if bars
            else {"color": FLAG_COLORS[flag], "symbol": FLAG_SYMBOLS[flag], "size": 12}
        )
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker=marker,
                name=FLAG_LABELS[flag],
                hoverinfo="skip",
                showlegend=True,
            )
        )


def _years(df: pd.DataFrame) -> list[str]:
    return [str(int(y)) for y in df["year"]]


def trend(
    df: pd.DataFrame, columns: dict[str, str], title: str, y_title: str = "件", percent: bool = False
) -> go.Figure:
    """Lines per year of one or more columns ({column: Chinese name}); flagged years get a marked point."""
    fig = go.Figure()
    hover_flags = _flag_hover(df.get("flag_text", pd.Series([""] * len(df))))
    fmt = "%{y:.1%}" if percent else "%{y:,.4~f}"
    for i, (col, name) in enumerate(columns.items()):
        flags = df["flag"] if "flag" in df else pd.Series([None] * len(df))
        fig.add_trace(
            go.Scatter(
                x=_years(df),
                y=df[col],
                name=name,
                mode="lines+markers",
                line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
                marker={
                    "size": [13 if f in FLAG_COLORS else 8 for f in flags],
                    "symbol": [FLAG_SYMBOLS.get(f, "circle") for f in flags],
                    "color": [FLAG_COLORS.get(f, PALETTE[i % len(PALETTE)]) for f in flags],
                },
                customdata=hover_flags,
                hovertemplate=f"%{{x}}年<br>{name}：{fmt}%{{customdata}}<extra></extra>",
            )
        )
    _legend_keys(fig, df, bars=False)
    year_axis(fig)
    return style(fig, title, "年度", y_title, percent)


def ranking(
    df: pd.DataFrame, column: str, title: str, x_title: str = "件", top: int = 20, percent: bool = False
) -> go.Figure:
    """Horizontal bars of units, largest on top; flagged units outlined."""
    d = df.dropna(subset=[column]).sort_values(column, ascending=False).head(top).iloc[::-1]
    fmt = "%{x:.1%}" if percent else "%{x:,.4~f}"
    fig = go.Figure(
        go.Bar(
            x=d[column],
            y=d["unit"],
            orientation="h",
            marker={"color": PALETTE[0], "line": _bar_outline(d)},
            customdata=_flag_hover(d.get("flag_text", pd.Series([""] * len(d)))),
            hovertemplate=f"%{{y}}<br>{fmt}%{{customdata}}<extra></extra>",
            name=x_title,
            showlegend=False,
        )
    )
    _legend_keys(fig, d, bars=True)
    fig.update_layout(height=max(300, 26 * len(d) + 120))
    return style(fig, title, x_title, "", percent).update_xaxes(tickformat=".0%" if percent else None)


def stacked_shares(df: pd.DataFrame, by: str, title: str) -> go.Figure:
    """100 % stacked bars of outcome groups per unit or year (long frame of `analytics.outcome_shares`)."""
    fig = go.Figure()
    for group, label in form.OUTCOME_GROUPS.items():
        part = df[df["group"] == group]
        if part.empty:
            continue
        x = _years(part) if by == "year" else list(part[by])
        fig.add_trace(
            go.Bar(
                x=x,
                y=part["share"],
                name=label,
                marker={"color": GROUP_COLORS[group], "line": _bar_outline(part)},
                customdata=list(zip(part["count"], _flag_hover(part["flag_text"]), strict=True)),
                hovertemplate=f"%{{x}}<br>{label}：%{{y:.1%}}（%{{customdata[0]:.0f}}件）%{{customdata[1]}}<extra></extra>",
            )
        )
    _legend_keys(fig, df, bars=True)
    fig.update_layout(barmode="stack")
    year_axis(fig) if by == "year" else fig.update_xaxes(type="category")
    return style(fig, title, "年度" if by == "year" else "", "占比", percent=True)


def stacked_counts(
    df: pd.DataFrame, x: str, color: str, value: str, title: str, order: Sequence[str] = (),
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Stacked bars of counts (e.g. requests per year by applicant type); `colors` fixes a name's colour."""
    fig = go.Figure()
    names = list(order) or list(dict.fromkeys(df[color]))
    for i, name in enumerate(names):
        part = df[df[color] == name]
        if part.empty:
            continue
        part = part.sort_values(x) if x == "year" else part
        xs = _years(part) if x == "year" else list(part[x])
        fig.add_trace(
            go.Bar(
                x=xs,
                y=part[value],
                name=name,
                marker={"color": (colors or {}).get(name, PALETTE[i % len(PALETTE)]), "line": _bar_outline(part)},
                customdata=_flag_hover(part["flag_text"]) if "flag_text" in part else None,
                hovertemplate=f"%{{x}}<br>{name}：%{{y:,.0f}}件%{{customdata}}<extra></extra>",
            )
        )
    _legend_keys(fig, df, bars=True)
    fig.update_layout(barmode="stack")
    year_axis(fig) if x == "year" else fig.update_xaxes(type="category")
    return style(fig, title, "年度" if x == "year" else "", "件")


def grouped_counts(df: pd.DataFrame, columns: dict[str, str], title: str, x: str = "year") -> go.Figure:
    """Side-by-side bars of several count columns per year or unit."""
    fig = go.Figure()
    xs = _years(df) if x == "year" else list(df[x])
    for i, (col, name) in enumerate(columns.items()):
        fig.add_trace(
            go.Bar(
                x=xs,
                y=df[col],
                name=name,
                marker={"color": PALETTE[i % len(PALETTE)], "line": _bar_outline(df)},
                customdata=_flag_hover(df["flag_text"]),
                hovertemplate=f"%{{x}}<br>{name}：%{{y:,.0f}}件%{{customdata}}<extra></extra>",
            )
        )
    _legend_keys(fig, df, bars=True)
    fig.update_layout(barmode="group")
    year_axis(fig) if x == "year" else fig.update_xaxes(type="category")
    return style(fig, title, "年度" if x == "year" else "", "件")


def reasons(df: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of reason rows (from `analytics.outcome_reasons`), coloured by outcome group."""
    d = df.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=d["requests"],
            y=[f"{g}·{lab}" for g, lab in zip(d["group_label"], d["label"], strict=True)],
            orientation="h",
            marker={"color": [GROUP_COLORS.get(g, PALETTE[0]) for g in d["group"]], "line": _bar_outline(d)},
            customdata=_flag_hover(d["flag_text"]),
            showlegend=False,
            hovertemplate="%{y}<br>%{x:,.0f}件%{customdata}<extra></extra>",
        )
    )
    _legend_keys(fig, d, bars=True)
    fig.update_layout(height=max(300, 30 * len(d) + 120))
    return style(fig, title, "件", "")


def _checked_hover(df: pd.DataFrame) -> list[str]:
    """A missing report's line saying when its unit's listing page was checked (fetch --units)."""
    notes = df["checked_text"].fillna("") if "checked_text" in df else pd.Series([""] * len(df))
    return [f"<br>{t}" if t else "" for t in notes]


def coverage_grid(df: pd.DataFrame, title: str = "报送情况") -> go.Figure:
    """Units × years as coloured squares (state of each report); customdata[0] is the report id (-1: none)."""
    fig = go.Figure()
    units = by_pinyin(df["unit"])[::-1]  # read from the top in pinyin order
    for label, color in STATE_COLORS.items():
        part = df[df["label"] == label]
        if part.empty:
            continue
        ids = part["report_id"].fillna(-1).astype("int64")
        fig.add_trace(
            go.Scatter(
                x=_years(part),
                y=part["unit"],
                mode="markers",
                name=label,
                marker={
                    "symbol": "square",
                    "size": 22,
                    "color": color,
                    "line": {"width": 1, "color": "#FFFFFF" if label != "缺失" else "#9E9E9E"},
                },
                customdata=list(zip(ids, _flag_hover(part["flag_text"]), _checked_hover(part), strict=True)),
                hovertemplate=f"%{{y}} %{{x}}年：{label}%{{customdata[1]}}%{{customdata[2]}}<extra></extra>",
            )
        )
    fig.update_xaxes(type="category", categoryorder="category ascending", side="top")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=units)
    style(fig, title)
    # years on top, so the title sits above them and the legend goes below the grid, clear of both
    fig.update_layout(
        height=max(300, 28 * len(units) + 170),
        clickmode="event+select",
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        margin={"l": 10, "r": 10, "t": 80, "b": 60},
    )
    return fig


# ---- the report's tables as HTML, laid out like the printed form ----------------------------------
