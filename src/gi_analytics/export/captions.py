"""Captions under the pack's charts: one or two Chinese sentences with the key numbers of the frame."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from ..charts.catalogue import TOP_UNITS

_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def escaped(text: object) -> str:
    """A name from a report (unit, reason label) inside a caption: shown as written in markdown or HTML, never
    as markup (an image, a link, a tag)."""
    return _MARKUP.sub(r"\\\1", str(text))


def plain(caption: str) -> str:
    """A caption back as plain text (for PDF slides, which escape HTML themselves)."""
    return re.sub(r"\\(.)", r"\1", caption)


# ---- numbers in words ---------------------------------------------------------------------------


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.1%}"


def _change(now: float, before: float) -> str:
    diff = now - before
    if diff == 0:
        return "与上年持平"
    word = "增加" if diff > 0 else "减少"
    rel = f"（{abs(diff) / before:.1%}）" if before else ""
    return f"比上年{word}{_n(abs(diff))}件{rel}"


def _span(df: pd.DataFrame) -> str:
    years = sorted(int(y) for y in df["year"].dropna().unique())
    return f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"


# ---- captions: one or two sentences with the key numbers ----------------------------------------


def caption_requests_trend(df: pd.DataFrame) -> str:
    d = df.dropna(subset=["new_received"])
    last = d.iloc[-1]
    text = f"{int(last['year'])}年新收申请{_n(last['new_received'])}件"
    prev = d[d["year"] == last["year"] - 1]
    if not prev.empty:
        text += "，" + _change(last["new_received"], prev.iloc[0]["new_received"])
    return f"{text}；{_span(d)}合计{_n(d['new_received'].sum())}件。"


def caption_applicant_types(df: pd.DataFrame) -> str:
    sums = df.groupby("type")["requests"].sum().sort_values(ascending=False)
    total = sums.sum()
    if not total:
        return f"{_span(df)}没有新收申请。"
    parts = [f"{t}{_n(v)}件（{v / total:.1%}）" for t, v in sums.head(2).items() if v > 0]
    return f"{_span(df)}新收申请{_n(total)}件，其中" + "，".join(parts) + "。"


def caption_top(column: str, what: str, percent: bool = False) -> Callable[[pd.DataFrame], str]:
    def caption(df: pd.DataFrame) -> str:
        d = df.dropna(subset=[column]).sort_values(column, ascending=False)
        fmt = _pct if percent else (lambda v: f"{_n(v)}件")
        top = d.iloc[0]
        text = f"{what}最高的是{escaped(top['unit'])}（{fmt(top[column])}）"
        if len(d) > 1:
            low = d.iloc[-1]
            text += f"，最低的是{escaped(low['unit'])}（{fmt(low[column])}）"
        if not percent and len(d) > 3 and d[column].sum() > 0:
            share = d[column].head(3).sum() / d[column].sum()
            text += f"；前三名占全部的{share:.1%}"
        shown = f"，图中为前{TOP_UNITS}名" if len(d) > TOP_UNITS else ""
        return text + f"；共{len(d)}个单位{shown}。"

    return caption


def caption_outcomes_year(df: pd.DataFrame) -> str:
    last_year = df["year"].max()
    d = df[df["year"] == last_year].set_index("group")
    disclosed = d["share"].reindex(["granted", "partially_granted"]).fillna(0).sum()
    denied = d["share"].get("denied", 0.0)
    return (f"{int(last_year)}年办理结果中，予以公开和部分公开合计占{_pct(disclosed)}，"
            f"不予公开占{_pct(denied)}，共{_n(d['count'].sum())}件。")


def caption_outcomes_unit(df: pd.DataFrame) -> str:
    shares = df[df["group"].isin(["granted", "partially_granted"])].groupby("unit")["share"].sum(min_count=1)
    d = shares.dropna().sort_values()
    shown, total = df.attrs.get("units", (0, 0))
    note = f"图中为办理总数最多的{shown}个单位（共{total}个）。" if shown < total else ""
    if d.empty:
        return note + "所选单位没有予以公开或部分公开的申请。"
    return note + (f"予以公开和部分公开的比例最高的是{escaped(d.index[-1])}（{_pct(d.iloc[-1])}），"
                   f"最低的是{escaped(d.index[0])}（{_pct(d.iloc[0])}）。")


def caption_reasons(df: pd.DataFrame) -> str:
    top = df.sort_values("requests", ascending=False).iloc[0]
    total = df["requests"].sum()
    label = re.sub(r"^\s*[\d一二三四五六七八九十]+\s*[.、．]\s*", "", str(top["label"]))
    return (f"不予公开与无法提供共{_n(total)}件，最常见的理由是“{escaped(label)}”"
            f"（{_n(top['requests'])}件，占{top['requests'] / total:.1%}）。")


def caption_appeals_counts(df: pd.DataFrame) -> str:
    t = df[["review", "litigation", "pending"]].sum()
    return (f"{_span(df)}行政复议{_n(t['review'])}件、行政诉讼{_n(t['litigation'])}件，"
            f"尚未审结{_n(t['pending'])}件。")


def caption_appeals_rates(df: pd.DataFrame) -> str:
    d = df.dropna(subset=["review_rate"])
    if d.empty:
        return "所选年度没有可计算复议率的数据（办理总数为空）。"
    last = d.iloc[-1]
    return (f"{int(last['year'])}年每百件办理申请对应行政复议{last['review_rate']:.1f}件、"
            f"行政诉讼{last['litigation_rate']:.1f}件。")


def caption_correction(df: pd.DataFrame) -> str:
    corrected = (df["review_corrected"].fillna(0) + df["litigation_corrected"].fillna(0)).sum()
    decided = (df["review"].fillna(0) + df["litigation"].fillna(0) - df["pending"]).sum()
    if decided <= 0:
        return f"{_span(df)}没有已审结的复议诉讼。"
    return f"{_span(df)}复议诉讼已审结{_n(decided)}件，其中结果纠正{_n(corrected)}件，纠错率{_pct(corrected / decided)}。"


def caption_coverage(df: pd.DataFrame) -> str:
    counts = df.groupby("label")["reports"].sum()
    expected = counts.sum()
    received = expected - counts.get("缺失", 0)
    states = "、".join(f"{label}{_n(counts[label])}份" for label in ("缺失", "空白模板", "全零", "有错误", "逾期发布")
                       if counts.get(label, 0))
    return f"{_span(df)}应报{_n(expected)}份，收到{_n(received)}份" + (f"；其中{states}。" if states else "，全部正常。")
