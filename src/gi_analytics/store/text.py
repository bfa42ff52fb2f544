"""The texts in the database: the similarity and reuse cache (filled inside every ingest's write) and the
text page's queries (sections, pair scores, lengths, reuse, keyword hits)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import duckdb
import pandas as pd

from ..checks.frames import TEXT_SECTIONS
from ..derived.similarity import reuse_frame, similarity_frame
from .connection import has_table, read_connection
from .fetch import query_frame
from .selection import REPORTS, Filters, frame, where

CACHE_DDL = """
CREATE TABLE IF NOT EXISTS text_similarity (
    report_a INTEGER NOT NULL, report_b INTEGER NOT NULL, section_no INTEGER NOT NULL, score DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS text_reuse (
    report_id INTEGER NOT NULL, prev_report_id INTEGER NOT NULL, section_no INTEGER NOT NULL,
    chars INTEGER NOT NULL, reused INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS text_lengths (
    report_id INTEGER NOT NULL, section_no INTEGER NOT NULL, length BIGINT NOT NULL);
"""

# characters (whitespace excluded) per current report and text section: a regex over every text, so it is
# stored by each ingest for the districts it touched (`text_lengths`) and computed here only on an older database
LENGTHS_SQL = f"""SELECT s.report_id, s.no AS section_no,
        max(length(regexp_replace(s.text, '\\s', '', 'g')))::BIGINT AS length
    FROM sections s JOIN reports r USING (report_id) JOIN units u USING (unit_id)
    WHERE r.is_current AND s.no IN {TEXT_SECTIONS}{{only}} GROUP BY ALL"""

DOCS_SQL = f"""SELECT s.report_id, s.no AS section_no, s.text, r.unit_id, u.name AS unit, u.district, r.year
    FROM sections s JOIN reports r USING (report_id) JOIN units u USING (unit_id)
    WHERE r.is_current AND s.no IN {TEXT_SECTIONS}{{only}}
    ORDER BY s.report_id, s.no, s.rowid"""


def load_docs(con: duckdb.DuckDBPyConnection, districts: Sequence[str] | None = None) -> pd.DataFrame:
    """Text sections of the current reports (of the given districts): report_id, section_no, text, unit_id, unit,
    district, year."""
    only, params = ("", []) if districts is None else (" AND list_contains(?, u.district)", [list(districts)])
    docs = con.execute(DOCS_SQL.format(only=only), params).df()
    return docs.drop_duplicates(["report_id", "section_no"]).reset_index(drop=True)


def compute_similarity(con: duckdb.DuckDBPyConnection, districts: Sequence[str] | None = None) -> int:
    """Recompute the similarity and reuse cache from the current reports, of every district or of the given
    ones (pairs never cross a district); returns the number of pairs stored for them.

    Meant for the ingest's write step (a read-write connection, inside its transaction).
    """
    con.execute(CACHE_DDL)
    docs = load_docs(con, districts)
    pairs = similarity_frame(docs)
    for table, key, rows in (("text_similarity", "report_a", pairs), ("text_reuse", "report_id", reuse_frame(docs))):
        _delete_districts(con, table, key, districts)
        if len(rows):
            con.register("_tc_frame", rows)
            con.execute(f"INSERT INTO {table} SELECT {', '.join(rows.columns)} FROM _tc_frame")
            con.unregister("_tc_frame")
    _delete_districts(con, "text_lengths", "report_id", districts)
    only, params = ("", []) if districts is None else (" AND list_contains(?, u.district)", [list(districts)])
    con.execute(f"INSERT INTO text_lengths {LENGTHS_SQL.format(only=only)}", params)
    return len(pairs)


def _delete_districts(con: duckdb.DuckDBPyConnection, table: str, key: str, districts: Sequence[str] | None) -> None:
    """Empty a cache table, or only its rows whose report (`key`) belongs to one of `districts`."""
    if districts is None:
        con.execute(f"DELETE FROM {table}")
        return
    con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT r.report_id FROM reports r JOIN units u USING (unit_id) "
                "WHERE list_contains(?, u.district))", [list(districts)])


def _source(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The cache table, or (database not yet ingested with this module) the same data computed in memory."""
    if has_table(con, table):
        return table
    if table == "text_lengths":
        return f"({LENGTHS_SQL.format(only='')})"
    computed = (similarity_frame if table == "text_similarity" else reuse_frame)(load_docs(con))
    con.register(f"_tc_{table}", computed)
    return f"_tc_{table}"


def _side(side: str) -> dict[str, str]:
    """The selection's columns for one report of a pair (reports r<side>, units u<side>)."""
    return {key: col.replace("r.", f"r{side}.").replace("u.", f"u{side}.") for key, col in REPORTS.items()}


def text_reports(path: str | os.PathLike[str], f: Filters | None = None) -> pd.DataFrame:
    """Current reports (of the selection `f`, when given): report_id, unit_id, unit, district, year."""
    cond, params = where(f or Filters())
    sql = f"""SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year
        FROM reports r JOIN units u USING (unit_id) WHERE {cond} ORDER BY u.district, u.name, r.year"""
    return frame(path, sql, params)


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
    f: Filters | None = None,
) -> pd.DataFrame:
    """Cached pair scores with both reports' unit and year, the most similar first: report_a/b, section_no,
    score, unit_a/b, year_a/b, district. Optionally only one section, pairs within one year, one unit's, or
    pairs whose two reports are both in the selection `f`."""
    conds, params = ["p.score >= ?"], [min_score]
    for cond, value in (("p.section_no = ?", section_no), ("ra.year = ? AND rb.year = ra.year", year),
                        ("ua.name = ? AND ub.name = ua.name", unit)):
        if value is not None:
            conds.append(cond)
            params.append(value)
    for side in "ab":
        cond, side_params = where(f or Filters(), _side(side))
        conds.append(cond)
        params += side_params
    with read_connection(path) as con:
        src = _source(con, "text_similarity")
        sql = f"""SELECT p.report_a, p.report_b, p.section_no, p.score, ua.name AS unit_a, ra.year AS year_a,
                         ub.name AS unit_b, rb.year AS year_b, ua.district
                  FROM {src} p JOIN reports ra ON ra.report_id = p.report_a JOIN units ua ON ua.unit_id = ra.unit_id
                  JOIN reports rb ON rb.report_id = p.report_b JOIN units ub ON ub.unit_id = rb.unit_id
                  WHERE {" AND ".join(conds)} ORDER BY p.score DESC, p.report_a, p.report_b, p.section_no"""
        return query_frame(con, sql, params)


def section_lengths(path: str | os.PathLike[str], f: Filters | None = None, section_no: int | None = None
                    ) -> pd.DataFrame:
    """Characters (whitespace excluded) per current report (of the selection) and text section (or one section):
    unit, district, year, section_no, length."""
    cond, params = where(f or Filters())
    if section_no is not None:
        cond, params = f"{cond} AND t.section_no = ?", [*params, section_no]
    with read_connection(path) as con:
        sql = f"""SELECT u.name AS unit, u.district, r.year, t.section_no, max(t.length) AS length
                  FROM {_source(con, "text_lengths")} t JOIN reports r USING (report_id) JOIN units u USING (unit_id)
                  WHERE {cond} GROUP BY ALL ORDER BY unit, year, section_no"""
        return query_frame(con, sql, params)


def reuse_shares(path: str | os.PathLike[str], f: Filters | None = None) -> pd.DataFrame:
    """Per current report (of the selection) with a previous-year report: unit, district, year, chars, reused,
    share (0–1)."""
    cond, params = where(f or Filters())
    with read_connection(path) as con:
        src = _source(con, "text_reuse")
        sql = f"""SELECT u.name AS unit, u.district, r.year, sum(t.chars)::BIGINT AS chars,
                         sum(t.reused)::BIGINT AS reused
                  FROM {src} t JOIN reports r USING (report_id) JOIN units u USING (unit_id)
                  WHERE {cond} GROUP BY ALL ORDER BY unit, year"""
        df = query_frame(con, sql, params)
    df["share"] = (df["reused"] / df["chars"].where(df["chars"] > 0)).fillna(0.0)
    return df


def keyword_hits(path: str | os.PathLike[str], phrase: str, f: Filters | None = None) -> pd.DataFrame:
    """Sections of current reports (of the selection) containing `phrase`: unit, district, year, section_no,
    count, text."""
    phrase = phrase.strip()
    if not phrase:
        return pd.DataFrame(columns=["unit", "district", "year", "section_no", "count", "text"])
    cond, params = where(f or Filters())
    sql = f"""SELECT u.name AS unit, u.district, r.year, s.no AS section_no,
                     ((length(s.text) - length(replace(s.text, ?, ''))) // length(?))::BIGINT AS count, s.text
              FROM sections s JOIN reports r USING (report_id) JOIN units u USING (unit_id)
              WHERE {cond} AND s.no IN {TEXT_SECTIONS} AND contains(s.text, ?)
              ORDER BY unit, year, section_no"""
    return frame(path, sql, [phrase, phrase, *params, phrase])


def unit_names(path: str | os.PathLike[str], districts: Sequence[str] | None = None) -> list[str]:
    """The names of the units (of the given districts)."""
    only, params = ("", []) if districts is None else (" WHERE list_contains(?, coalesce(district, ''))", [list(districts)])
    with read_connection(path) as con:
        return [name for (name,) in con.execute(f"SELECT name FROM units{only}", params).fetchall()]


def text_docs(path: str | os.PathLike[str], f: Filters | None = None) -> pd.DataFrame:
    """Text sections of the current reports of the selection (`load_docs`' columns)."""
    cond, params = where(f or Filters())
    docs = frame(path, DOCS_SQL.format(only=f" AND {cond}"), params)
    return docs.drop_duplicates(["report_id", "section_no"]).reset_index(drop=True)
