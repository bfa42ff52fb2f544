"""Charts that read well at a meeting: plain legend swatches, a readable axis when every value is zero, every
unit of a heatmap labelled; checked on the figures themselves (what plotly draws from)."""

from __future__ import annotations

import pandas as pd

from gi_analytics.charts import plots
from gi_analytics.charts import text as text_charts


def _years_frame(values: list[float], flags: list[str | None]) -> pd.DataFrame:
    years = list(range(2019, 2019 + len(values)))
    return pd.DataFrame({"year": years, "n": values, "flag": flags,
                         "flag_text": ["甲镇：申请数量勾稽关系不平" if f else "" for f in flags]})


def _legend(fig) -> list:
    """The legend's entries in the order plotly draws them (by legendrank, default 1000, then trace order)."""
    shown = [(t.legendrank or 1000, i, t) for i, t in enumerate(fig.data) if t.showlegend is not False and t.name]
    return [t for *_, t in sorted(shown, key=lambda x: x[:2])]


def test_a_flagged_first_bar_does_not_outline_its_legend_swatch() -> None:
    df = _years_frame([5, 7, 9], ["error", None, None]).assign(kind="新收")
    fig = plots.stacked_counts(df, "year", "kind", "n", "申请量")
    bars = [t for t in fig.data if t.type == "bar" and t.name == "新收"]
    drawn = next(t for t in bars if t.x and t.x[0] is not None)
    assert drawn.marker.line.width[0] == 3  # the flagged year keeps its outline in the chart
    shown = [t for t in _legend(fig) if t.name == "新收"]
    assert len(shown) == 1 and not shown[0].marker.line.width  # its legend entry is plain
    assert [t.name for t in _legend(fig)] == ["新收", "含错误的报告"]


def test_a_flagged_point_does_not_colour_the_lines_legend_entry() -> None:
    fig = plots.trend(_years_frame([5, 7, 9], ["warning", None, None]), {"n": "新收"}, "申请量")
    entry = next(t for t in _legend(fig) if t.name == "新收")
    assert entry.marker.color == entry.line.color == plots.PALETTE[0]


def test_all_zero_counts_and_rates_get_an_axis_from_zero() -> None:
    counts = plots.trend(_years_frame([0, 0, 0], [None] * 3), {"n": "行政复议"}, "复议")
    assert counts.layout.yaxis.range == (0, 5)
    rates = plots.trend(_years_frame([0.0, 0.0, float("nan")], [None] * 3), {"n": "纠错率"}, "纠错率", percent=True)
    assert rates.layout.yaxis.range == (0, 1) and rates.layout.yaxis.tickformat == ".0%"
    some = plots.trend(_years_frame([0, 3, 0], [None] * 3), {"n": "行政复议"}, "复议")
    assert some.layout.yaxis.range is None and some.layout.yaxis.rangemode == "tozero"


def test_a_heatmap_labels_every_unit_of_a_large_district() -> None:
    units = [f"第{i}镇" for i in range(25)]
    m = pd.DataFrame(0.5, index=units, columns=units)
    fig = text_charts.heatmap(m, "相似度")
    assert list(fig.layout.yaxis.tickvals) == units and list(fig.layout.xaxis.tickvals) == units
    assert fig.layout.height >= 24 * len(units)


def test_section_lengths_of_26_units_are_a_grid_not_26_lines() -> None:
    lengths = pd.DataFrame([(f"单位{i:02d}", y, 100 + i + y) for i in range(26) for y in (2023, 2024)],
                           columns=["unit", "year", "length"])
    fig = text_charts.section_lengths(lengths, "字数")
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap" and not _legend(fig)
    assert len(fig.layout.yaxis.tickvals) == 26


def test_when_every_bar_is_flagged_the_swatch_is_still_plain() -> None:
    df = _years_frame([5, 7], ["error", "warning"]).assign(kind="新收")
    fig = plots.stacked_counts(df, "year", "kind", "n", "申请量")
    entry = next(t for t in _legend(fig) if t.name == "新收")
    assert not entry.marker.line.width
