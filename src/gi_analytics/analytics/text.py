"""Text sections compared: paragraph-aligned character diff, similarity heatmaps from the cached pair scores,
keyword snippets and the distinctive terms of a year. No streamlit, no plotly.

Report text is html-escaped before it is wrapped in any markup: a report may contain `<script>`.
Similarity reuses the checks' character n-gram TF-IDF (`checks.similarity`) and their thresholds, so the page
and the text.reused check agree. store/text.py runs the queries and fills the cache tables inside the ingest's write.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import pandas as pd

from .. import form_spec as form
from ..checks.frames import TEXT_SECTIONS
from ..derived.similarity import THRESHOLD, paragraphs
from ..labels import pinyin_column
from ..store import text as sql
from ..store.selection import Filters
from ..store.text import (
    compute_similarity,
    keyword_hits,
    reuse_shares,
    section_lengths,
    section_text,
    similarity_pairs,
    text_reports,
)

__all__ = ["TEXT_SECTIONS", "THRESHOLD", "compute_similarity", "keyword_hits", "paragraphs", "reuse_shares", "section_lengths",
           "section_text", "similarity_pairs", "text_reports"]

SECTION_TITLES = {no: form.SECTIONS[no - 1].title for no in TEXT_SECTIONS}
PAIR_MIN = 0.3  # two changed paragraphs are diffed side by side when their bigram Dice is at least this
SNIPPET_CONTEXT = 30
MIN_EQUAL = 8  # a match shorter than this between two larger changes counts as changed
TERM_REPORTS_MAX = 5_000  # distinctive terms are counted for selections of at most this many reports


# ---------------------------------------------------------------- diff


@dataclass(frozen=True)
class Span:
    op: str  # equal | insert | delete
    text: str


@dataclass(frozen=True)
class Row:
    """One aligned paragraph pair; a side is empty when the paragraph exists only on the other side."""

    left: tuple[Span, ...]
    right: tuple[Span, ...]


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Row, ...]
    left_chars: int
    right_chars: int
    unchanged: int  # characters found unchanged on both sides

    @property
    def share(self) -> float:
        """Share of the right (newer) text that is unchanged from the left."""
        return self.unchanged / self.right_chars if self.right_chars else 0.0




def char_diff(a: str, b: str) -> Row:
    """Character diff of two paragraphs: `a` as equal/delete spans, `b` as equal/insert spans."""
    left: list[Span] = []
    right: list[Span] = []
    for eq, x, y in _cleanup(_opcodes(a, b)):
        if eq:
            left.append(Span("equal", x))
            right.append(Span("equal", y))
            continue
        if x:
            left.append(Span("delete", x))
        if y:
            right.append(Span("insert", y))
    return Row(tuple(left), tuple(right))


def _opcodes(a: str, b: str) -> list[tuple[bool, str, str]]:
    """(equal?, text of a, text of b) runs; a replacement is one unequal run."""
    return [(tag == "equal", a[i1:i2], b[j1:j2])
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]


def _cleanup(ops: list[tuple[bool, str, str]]) -> list[tuple[bool, str, str]]:
    """Fold a short coincidental match between two larger changes into the change (like diff-match-patch's
    semantic cleanup), so a rewritten sentence reads as replaced, not as confetti of single characters."""
    ops = list(ops)
    k = 1
    while k < len(ops) - 1:
        (_, pa, pb), (eq, x, _), (_, na, nb) = ops[k - 1], ops[k], ops[k + 1]
        if eq and len(x) < MIN_EQUAL and len(x) <= max(len(pa), len(pb)) and len(x) <= max(len(na), len(nb)):
            ops[k - 1:k + 2] = [(False, pa + x + na, pb + x + nb)]
            k = max(1, k - 1)
        else:
            k += 1
    return ops


def _bigrams(text: str) -> set[str]:
    return {text[k:k + 2] for k in range(len(text) - 1)} or {text}


def _similar(a: set[str], b: set[str]) -> float:
    """Dice coefficient of two paragraphs' character bigrams: cheap enough to try every pair of a block."""
    return 2 * len(a & b) / (len(a) + len(b))


def _pair_block(left: Sequence[str], right: Sequence[str]) -> list[Row]:
    """Changed paragraphs: pair them in order where they are similar (DP), the rest are deleted/inserted."""
    m, n = len(left), len(right)
    grams = [_bigrams(b) for b in right]
    sim = [[_similar(ga, gb) for gb in grams] for ga in map(_bigrams, left)]
    best = np.zeros((m + 1, n + 1))
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            take = best[i - 1, j - 1] + sim[i - 1][j - 1] if sim[i - 1][j - 1] >= PAIR_MIN else -1.0
            best[i, j] = max(best[i - 1, j], best[i, j - 1], take)
    rows: list[Row] = []
    i, j = m, n
    while i or j:
        if i and j and sim[i - 1][j - 1] >= PAIR_MIN and best[i, j] == best[i - 1, j - 1] + sim[i - 1][j - 1]:
            rows.append(char_diff(left[i - 1], right[j - 1]))
            i, j = i - 1, j - 1
        elif j and (not i or best[i, j] == best[i, j - 1]):
            rows.append(Row((), (Span("insert", right[j - 1]),)))
            j -= 1
        else:
            rows.append(Row((Span("delete", left[i - 1]),), ()))
            i -= 1
    return rows[::-1]


def compare(left_text: str, right_text: str) -> Comparison:
    """Align two texts paragraph by paragraph, then diff changed paragraph pairs character by character."""
    a, b = paragraphs(left_text), paragraphs(right_text)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [Row((Span("equal", p),), (Span("equal", p),)) for p in a[i1:i2]]
        else:
            rows += _pair_block(a[i1:i2], b[j1:j2])
    unchanged = sum(len(s.text) for r in rows for s in r.right if s.op == "equal")
    return Comparison(tuple(rows), sum(map(len, a)), sum(map(len, b)), unchanged)


DIFF_CSS = """<style>
.tc-diff {width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 0.95rem; line-height: 1.7}
.tc-diff th {text-align: left; background: #f0f2f6; padding: 6px 8px}
.tc-diff td {vertical-align: top; padding: 6px 8px; border-top: 1px solid #e6e6e6; white-space: pre-wrap;
  word-break: break-all}
.tc-diff del {background: #ffcdd2; color: #b71c1c; text-decoration: line-through}
.tc-diff ins {background: #c8e6c9; color: #1b5e20; text-decoration: none}
.tc-diff td.tc-empty {background: #fafafa}
</style>"""
_TAGS = {"delete": "del", "insert": "ins"}


def spans_html(spans: Sequence[Span]) -> str:
    out = []
    for s in spans:
        text = html.escape(s.text)
        out.append(f"<{_TAGS[s.op]}>{text}</{_TAGS[s.op]}>" if s.op in _TAGS else text)
    return "".join(out)


def comparison_html(c: Comparison, left_label: str, right_label: str) -> str:
    """Two-column table: deleted characters struck through on the left, inserted ones marked on the right."""
    head = f"<tr><th>{html.escape(left_label)}</th><th>{html.escape(right_label)}</th></tr>"
    body = []
    for r in c.rows:
        cells = ['<td class="tc-empty"></td>' if not side else f"<td>{spans_html(side)}</td>"
                 for side in (r.left, r.right)]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'{DIFF_CSS}<table class="tc-diff">{head}{"".join(body)}</table>'


# ---------------------------------------------------------------- similarity and reuse (the cache)





















# ---------------------------------------------------------------- queries for the page









def unit_matrix(pairs: pd.DataFrame, section_no: int, year: int, units: Sequence[str]) -> pd.DataFrame:
    """Unit × unit similarity of one section in one year (1 on the diagonal, NaN where not comparable)."""
    p = pairs[(pairs["section_no"] == section_no) & (pairs["year_a"] == year) & (pairs["year_b"] == year)]
    return _square(p["unit_a"], p["unit_b"], p["score"], list(units))


def year_matrix(pairs: pd.DataFrame, unit: str, section_no: int, years: Sequence[int]) -> pd.DataFrame:
    """Year × year similarity of one unit's section."""
    p = pairs[(pairs["section_no"] == section_no) & (pairs["unit_a"] == unit) & (pairs["unit_b"] == unit)]
    return _square(p["year_a"], p["year_b"], p["score"], list(years))


def _square(a: pd.Series, b: pd.Series, score: pd.Series, labels: list[Any]) -> pd.DataFrame:
    m = pd.DataFrame(np.nan, index=labels, columns=labels)
    for x, y, s in zip(a, b, score, strict=True):
        if x in m.index and y in m.index:
            m.loc[x, y] = m.loc[y, x] = s
    for x in labels:
        m.loc[x, x] = 1.0
    return m






# ---------------------------------------------------------------- keywords




def snippets_html(text: str, phrase: str, limit: int = 3, context: int = SNIPPET_CONTEXT) -> list[str]:
    """Up to `limit` escaped excerpts around `phrase`, the phrase itself in <mark>."""
    out, start = [], 0
    while len(out) < limit and phrase and (k := text.find(phrase, start)) >= 0:
        before = text[max(0, k - context):k]
        after = text[k + len(phrase):k + len(phrase) + context]
        dots = ("…" if k > context else "", "…" if k + len(phrase) + context < len(text) else "")
        out.append(f"{dots[0]}{html.escape(before)}<mark>{html.escape(phrase)}</mark>{html.escape(after)}{dots[1]}")
        start = k + len(phrase)
    return out


# ---------------------------------------------------------------- distinctive terms

_TERM = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def _tokens(text: str, names: Sequence[str]) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for name in names:
        text = text.replace(name, " ")
    return [t for t in jieba.lcut(text) if _TERM.match(t)]


def term_counts(path: str | os.PathLike[str], f: Filters | None = None) -> pd.DataFrame:
    """jieba words (2+ Chinese characters, the names of the units of the selection's districts left out) per year,
    in the reports of the selection `f`: year, term, count, reports."""
    docs = sql.text_docs(path, f)
    districts = [d or "" for d in dict.fromkeys(docs["district"])]  # whose unit names its texts may mention
    names = sorted(set(sql.unit_names(path, districts)), key=len, reverse=True)
    rows: Counter[tuple[int, str]] = Counter()
    reports: dict[tuple[int, str], set[int]] = {}
    for rid, year, text in zip(docs["report_id"], docs["year"], docs["text"], strict=True):
        for term in _tokens(text, names):
            rows[(int(year), term)] += 1
            reports.setdefault((int(year), term), set()).add(int(rid))
    return pd.DataFrame([(y, t, n, len(reports[(y, t)])) for (y, t), n in rows.items()],
                        columns=["year", "term", "count", "reports"])


def distinctive_terms(counts: pd.DataFrame, year: int, top: int = 20) -> pd.DataFrame:
    """Terms markedly more frequent in `year` than in the other years.

    Score = (1 + log count) × log(rate this year / rate in other years), rates per 1,000 words with 0.5 added
    to the other years' count: term frequency weighted by an inverse frequency taken from the other years.
    Only terms used by 2+ reports of the year (when any are), and only when there is another year.
    """
    cols = ["term", "score", "count", "reports", "other_count"]
    if counts.empty or year not in set(counts["year"]) or counts["year"].nunique() < 2:
        return pd.DataFrame(columns=cols)
    mine = counts[counts["year"] == year].set_index("term")
    other = counts[counts["year"] != year].groupby("term")["count"].sum()
    if (mine["reports"] >= 2).any():
        mine = mine[mine["reports"] >= 2]
    mine = mine.assign(other_count=other.reindex(mine.index).fillna(0).astype(int))
    rate = mine["count"] / counts.loc[counts["year"] == year, "count"].sum()
    rate_other = (mine["other_count"] + 0.5) / counts.loc[counts["year"] != year, "count"].sum()
    mine["score"] = np.round((1 + np.log(mine["count"])) * np.log(rate / rate_other), 3)
    mine = mine[mine["score"] > 0].reset_index()
    return mine.sort_values(["score", "count"], ascending=False)[cols].head(top).reset_index(drop=True)


def section_label(no: int) -> str:
    """"一、总体情况" for section 1."""
    return f"{'一二三四五六'[no - 1]}、{SECTION_TITLES[no]}"


def hits_html(hits: pd.DataFrame, phrase: str, limit: int = 40) -> str:
    """The first `limit` keyword hits as an escaped HTML list of snippets."""
    items = [f"<li><b>{html.escape(h.unit)} {h.year}年 · {section_label(h.section_no)}</b>："
             + " ".join(snippets_html(h.text, phrase)) + "</li>" for h in hits.head(limit).itertuples()]
    return f"<ul>{''.join(items)}</ul>"


def report_names(reports: pd.DataFrame) -> dict[int, str]:
    """report_id -> "unit · 2023年" for choosing a report, units in pinyin order."""
    reports = reports.sort_values(["unit", "year"], key=pinyin_column)
    return dict(zip(reports["report_id"], reports["unit"] + " · " + reports["year"].astype(str) + "年", strict=True))


def default_left(reports: pd.DataFrame, right_id: int) -> int:
    """What to compare a report with: its unit's latest earlier report, else the first report."""
    right = reports[reports["report_id"] == right_id].iloc[0]
    prev = reports[(reports["unit"] == right["unit"]) & (reports["year"] < right["year"])]
    return int(prev["report_id"].iloc[-1]) if len(prev) else int(reports["report_id"].iloc[0])


TERM_LABELS = {"term": "词", "score": "特色度", "count": "出现次数", "reports": "报告数", "other_count": "其他年度次数"}


def keyword_counts(hits: pd.DataFrame) -> pd.DataFrame:
    """Unit × year occurrences of a keyword, from `keyword_hits`."""
    return hits.pivot_table(index="unit", columns="year", values="count", aggfunc="sum", fill_value=0)
