"""Text sections compared: paragraph-aligned character diff, TF-IDF similarity cached in DuckDB, section length,
reuse from the previous year, keyword search and the distinctive terms of a year. No streamlit, no plotly.

Report text is html-escaped before it is wrapped in any markup: a report may contain `<script>`.
Similarity reuses the checks' character n-gram TF-IDF (`checks.similarity`) and their thresholds, so the page
and the text.reused check agree. `compute_similarity(con)` fills the cache tables inside the ingest's write.
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

import duckdb
import numpy as np
import pandas as pd

from . import form
from .checks.series import MIN_TEXT, REUSE_THRESHOLD
from .checks.similarity import group_pairs, normalize, vectorize
from .store import read_connection

TEXT_SECTIONS = (1, 5, 6)
SECTION_TITLES = {no: form.SECTIONS[no - 1].title for no in TEXT_SECTIONS}
THRESHOLD = REUSE_THRESHOLD
PAIR_MIN = 0.3  # two changed paragraphs are diffed side by side when their bigram Dice is at least this
SNIPPET_CONTEXT = 30
MIN_EQUAL = 8  # a match shorter than this between two larger changes counts as changed
SMALL_GROUP = 60  # a district-year of up to this many texts keeps every pair's score (for the heatmaps)
LARGE_GROUP_FLOOR = 0.5  # larger groups keep only pairs at least this similar
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")

CACHE_DDL = """
CREATE TABLE IF NOT EXISTS text_similarity (
    report_a INTEGER NOT NULL, report_b INTEGER NOT NULL, section_no INTEGER NOT NULL, score DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS text_reuse (
    report_id INTEGER NOT NULL, prev_report_id INTEGER NOT NULL, section_no INTEGER NOT NULL,
    chars INTEGER NOT NULL, reused INTEGER NOT NULL);
"""

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


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


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

DOCS_SQL = f"""SELECT s.report_id, s.no AS section_no, s.text, r.unit_id, u.name AS unit, u.district, r.year
    FROM sections s JOIN reports r USING (report_id) JOIN units u USING (unit_id)
    WHERE r.is_current AND s.no IN {TEXT_SECTIONS}
    ORDER BY s.report_id, s.no"""


def load_docs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Text sections of the current reports: report_id, section_no, text, unit_id, unit, district, year."""
    return con.execute(DOCS_SQL).df().drop_duplicates(["report_id", "section_no"]).reset_index(drop=True)


PAIR_COLUMNS = ["report_a", "report_b", "section_no", "score"]


def similarity_frame(docs: pd.DataFrame) -> pd.DataFrame:
    """Cosine of pairs of the same section within (district, year) and within (unit) across years.

    Texts shorter than MIN_TEXT after normalization are left out. In groups of up to SMALL_GROUP texts every
    pair is kept (for the heatmaps); in larger groups only pairs scoring at least LARGE_GROUP_FLOOR. Sparse
    products in bounded chunks (`checks.similarity.group_pairs`), never an all-pairs matrix. report_a < report_b.
    """
    norm = [normalize(t, (u,)) for t, u in zip(docs["text"], docs["unit"], strict=True)]
    keep = np.flatnonzero(np.array([len(t) for t in norm], dtype=int) >= MIN_TEXT)
    if len(keep) < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c != "score" else "float64") for c in PAIR_COLUMNS})
    d = docs.iloc[keep].reset_index(drop=True)
    x = vectorize([norm[k] for k in keep])
    found = [_pairs_in_groups(x, d.groupby(keys, sort=False, dropna=False).ngroup().to_numpy())
             for keys in (["district", "year", "section_no"], ["unit_id", "section_no"])]
    i, j, s = (np.concatenate(parts) for parts in zip(*found, strict=True))
    rid = d["report_id"].to_numpy()
    frame = pd.DataFrame({"report_a": np.minimum(rid[i], rid[j]), "report_b": np.maximum(rid[i], rid[j]),
                          "section_no": d["section_no"].to_numpy()[i], "score": np.round(np.clip(s, 0, 1), 4)})
    return frame.drop_duplicates(["report_a", "report_b", "section_no"]).reset_index(drop=True)


def _pairs_in_groups(x: Any, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, score) with i < j for rows sharing a label: all pairs in small groups, close ones in large."""
    sizes = np.bincount(labels)[labels]
    small = group_pairs(x, np.where(sizes <= SMALL_GROUP, labels, -1))
    large = group_pairs(x, np.where(sizes > SMALL_GROUP, labels, -1), min_score=LARGE_GROUP_FLOOR)
    i, j, s = (np.concatenate(parts) for parts in zip(small, large, strict=True))
    upper = i < j
    return i[upper], j[upper], s[upper]


def reused_chars(old: str, new: str) -> tuple[int, int]:
    """(characters of `new`, characters of its paragraphs found in `old` unchanged but for their numbers)."""
    before = {_NUMBERS.sub("0", p) for p in paragraphs(old)}
    parts = paragraphs(new)
    return sum(map(len, parts)), sum(len(p) for p in parts if _NUMBERS.sub("0", p) in before)


def reuse_frame(docs: pd.DataFrame) -> pd.DataFrame:
    """Per section with a previous-year report of the same unit: its length and how much of it is carried over."""
    prev = docs.assign(year=docs["year"] + 1)[["unit_id", "year", "section_no", "report_id", "text"]]
    pairs = docs.merge(prev, on=["unit_id", "year", "section_no"], suffixes=("", "_prev"))
    rows = [(int(rid), int(prid), int(no), *reused_chars(old, new))
            for rid, prid, no, old, new in pairs[["report_id", "report_id_prev", "section_no", "text_prev",
                                                  "text"]].itertuples(index=False)]
    return pd.DataFrame(rows, columns=["report_id", "prev_report_id", "section_no", "chars", "reused"])


def compute_similarity(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute the similarity and reuse cache from the current reports; returns the number of pairs stored.

    Meant for the ingest's write step (a read-write connection, inside its transaction).
    """
    con.execute(CACHE_DDL)
    docs = load_docs(con)
    for table, frame in (("text_similarity", similarity_frame(docs)), ("text_reuse", reuse_frame(docs))):
        con.execute(f"DELETE FROM {table}")
        if len(frame):
            con.register("_tc_frame", frame)
            con.execute(f"INSERT INTO {table} SELECT {', '.join(frame.columns)} FROM _tc_frame")
            con.unregister("_tc_frame")
    return con.execute("SELECT count(*) FROM text_similarity").fetchone()[0]


def _cached(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    sql = "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?"
    return con.execute(sql, [table]).fetchone()[0] > 0


def _source(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The cache table, or (database not yet ingested with this module) the same data computed in memory."""
    if _cached(con, table):
        return table
    frame = (similarity_frame if table == "text_similarity" else reuse_frame)(load_docs(con))
    con.register(f"_tc_{table}", frame)
    return f"_tc_{table}"


# ---------------------------------------------------------------- queries for the page

REPORTS_SQL = """SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year
    FROM reports r JOIN units u USING (unit_id) WHERE r.is_current ORDER BY u.district, u.name, r.year"""


def text_reports(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Current reports: report_id, unit_id, unit, district, year."""
    with read_connection(path) as con:
        return con.execute(REPORTS_SQL).df()


def section_text(path: str | os.PathLike[str], report_id: int, section_no: int) -> str:
    sql = "SELECT text FROM sections WHERE report_id = ? AND no = ? ORDER BY text LIMIT 1"
    with read_connection(path) as con:
        row = con.execute(sql, [report_id, section_no]).fetchone()
    return row[0] if row else ""


def similarity_pairs(
    path: str | os.PathLike[str],
    min_score: float = 0.0,
    section_no: int | None = None,
    year: int | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Cached pair scores with both reports' unit and year, the most similar first: report_a/b, section_no,
    score, unit_a/b, year_a/b, district. Optionally only one section, pairs within one year, or one unit's."""
    where, params = ["p.score >= ?"], [min_score]
    for cond, value in (("p.section_no = ?", section_no), ("ra.year = ? AND rb.year = ra.year", year),
                        ("ua.name = ? AND ub.name = ua.name", unit)):
        if value is not None:
            where.append(cond)
            params.append(value)
    with read_connection(path) as con:
        src = _source(con, "text_similarity")
        sql = f"""SELECT p.report_a, p.report_b, p.section_no, p.score, ua.name AS unit_a, ra.year AS year_a,
                         ub.name AS unit_b, rb.year AS year_b, ua.district
                  FROM {src} p JOIN reports ra ON ra.report_id = p.report_a JOIN units ua ON ua.unit_id = ra.unit_id
                  JOIN reports rb ON rb.report_id = p.report_b JOIN units ub ON ub.unit_id = rb.unit_id
                  WHERE {" AND ".join(where)} ORDER BY p.score DESC, p.report_a, p.report_b, p.section_no"""
        return con.execute(sql, params).df()


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


def section_lengths(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Characters (whitespace excluded) per current report and text section: unit, district, year, section_no,
    length."""
    sql = f"""SELECT u.name AS unit, u.district, r.year, s.no AS section_no,
                     max(length(regexp_replace(s.text, '\\s', '', 'g')))::BIGINT AS length
              FROM sections s JOIN reports r USING (report_id) JOIN units u USING (unit_id)
              WHERE r.is_current AND s.no IN {TEXT_SECTIONS} GROUP BY ALL ORDER BY unit, year, section_no"""
    with read_connection(path) as con:
        return con.execute(sql).df()


def reuse_shares(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Per current report with a previous-year report: unit, district, year, chars, reused, share (0–1)."""
    with read_connection(path) as con:
        src = _source(con, "text_reuse")
        sql = f"""SELECT u.name AS unit, u.district, r.year, sum(t.chars)::BIGINT AS chars,
                         sum(t.reused)::BIGINT AS reused
                  FROM {src} t JOIN reports r USING (report_id) JOIN units u USING (unit_id)
                  GROUP BY ALL ORDER BY unit, year"""
        df = con.execute(sql).df()
    df["share"] = (df["reused"] / df["chars"].where(df["chars"] > 0)).fillna(0.0)
    return df


# ---------------------------------------------------------------- keywords


def keyword_hits(path: str | os.PathLike[str], phrase: str) -> pd.DataFrame:
    """Sections of current reports containing `phrase`: unit, district, year, section_no, count, text."""
    phrase = phrase.strip()
    if not phrase:
        return pd.DataFrame(columns=["unit", "district", "year", "section_no", "count", "text"])
    sql = f"""SELECT u.name AS unit, u.district, r.year, s.no AS section_no,
                     ((length(s.text) - length(replace(s.text, ?, ''))) // length(?))::BIGINT AS count, s.text
              FROM sections s JOIN reports r USING (report_id) JOIN units u USING (unit_id)
              WHERE r.is_current AND s.no IN {TEXT_SECTIONS} AND contains(s.text, ?)
              ORDER BY unit, year, section_no"""
    with read_connection(path) as con:
        return con.execute(sql, [phrase, phrase, phrase]).df()


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


def term_counts(path: str | os.PathLike[str]) -> pd.DataFrame:
    """jieba words (2+ Chinese characters, unit names left out) per year: year, term, count, reports."""
    with read_connection(path) as con:
        docs = load_docs(con)
        names = sorted(set(con.execute("SELECT name FROM units").df()["name"]), key=len, reverse=True)
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
