"""The supervisor's review of each finding (待核实, 已确认, 已忽略, 已整改), with a note, a name and a time.

A finding's identity is its place — district, unit, year, check, table, row, column, section — hashed into a
short id, so it is the same finding after a re-ingest, a new version of the report and a rebuild. Reviews live
in the `reviews` table; a rebuild carries them over from the database it replaces, and a CSV backs them up.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from .connection import has_table, read_connection, write_connection
from .records import StoreError
from .selection import Filters, where

STATES = ("待核实", "已确认", "已忽略", "已整改")
UNREVIEWED = "待核实"
CSV_COLUMNS = ("finding_id", "district", "unit", "year", "check_id", "tbl", "row_key", "col_key", "section_no",
               "status", "note", "reviewer", "reviewed_at", "version")  # fmt: skip


def finding_id_sql(f: str = "f", u: str = "u") -> str:
    """The identity of a finding (alias `f`) of a unit (alias `u`): everything that says where it is, nothing
    that says what it found."""
    return (
        f"substr(md5(concat_ws('|', {u}.district, {u}.name, CAST({f}.year AS VARCHAR), {f}.check_id, "
        f"coalesce({f}.tbl, ''), coalesce({f}.row_key, ''), coalesce({f}.col_key, ''), "
        f"coalesce(CAST({f}.section_no AS VARCHAR), ''))), 1, 12)"
    )


FINDING_ID = finding_id_sql()


def review_columns(reviewed: bool, f: str = "f", u: str = "u") -> tuple[str, str]:
    """(select list, join) adding a finding's review state to a query over findings `f` and units `u`; without a
    `reviews` table (a database written before reviews existed) every finding is 待核实."""
    if not reviewed:
        return (
            "'待核实' AS review_status, '' AS review_note, '' AS reviewer, NULL::TIMESTAMP AS reviewed_at",
            "",
        )
    select = ("coalesce(v.status, '待核实') AS review_status, coalesce(v.note, '') AS review_note, "
              "coalesce(v.reviewer, '') AS reviewer, v.reviewed_at")  # fmt: skip
    return select, f"LEFT JOIN reviews v ON v.finding_id = {finding_id_sql(f, u)}"


def has_reviews(con: duckdb.DuckDBPyConnection) -> bool:
    """Databases written before reviews existed have no `reviews` table until their next write."""
    return has_table(con, "reviews")


def reviewed_findings(con: duckdb.DuckDBPyConnection, status: str | None = None) -> pd.DataFrame:
    """Every stored finding with its id and review state, optionally only those in one state."""
    select, join = review_columns(has_reviews(con))
    sql = (f"SELECT * FROM (SELECT {FINDING_ID} AS finding_id, f.*, u.name AS unit, u.district, u.kind, {select} "
           f"FROM findings f JOIN units u USING (unit_id) {join}) "
           f"{'WHERE review_status = ?' if status else ''} ORDER BY district, unit, year, check_id")  # fmt: skip
    return con.execute(sql, [status] if status else []).df()


def corrected_gone(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Reviews marked 已整改 whose finding the current reports no longer have (so it is not in `findings`), in the
    columns of reviewed_findings where the review knows them."""
    if not has_reviews(con):
        return pd.DataFrame(columns=[*CSV_COLUMNS[:9], "review_status", "review_note", "reviewer", "reviewed_at"])
    return con.execute(
        f"SELECT {', '.join(CSV_COLUMNS[:9])}, status AS review_status, note AS review_note, reviewer, reviewed_at "
        f"FROM reviews WHERE status = '已整改' AND finding_id NOT IN "
        f"(SELECT {FINDING_ID} FROM findings f JOIN units u USING (unit_id)) ORDER BY district, unit, year, check_id"
    ).df()


def set_reviews(
    path: str | os.PathLike[str], ids: Sequence[str], status: str, note: str = "", reviewer: str = ""
) -> int:
    """Set the state of the findings `ids`; returns how many. Unknown ids and an 已忽略 without a reason are
    refused with a Chinese message, and nothing is written."""
    if status not in STATES:
        raise StoreError(f"未知的核实状态：{status}（可选：{'、'.join(STATES)}）")
    if status == "已忽略" and not note.strip():
        raise StoreError("标为“已忽略”时请写明理由（--note）")
    with write_connection(path) as txn:
        found = _findings_by_id(txn.con, ids)
        unknown = sorted(set(ids) - set(found.finding_id))
        if unknown:
            raise StoreError(f"没有这些编号的问题：{'、'.join(unknown[:5])}")
        now = datetime.now().replace(microsecond=0)
        rows = [(*_place(r), status, note, reviewer, now, None) for r in found.itertuples()]
        _upsert(txn.con, rows)
        txn.changed = True
    return len(rows)


def _findings_by_id(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> pd.DataFrame:
    con.register("_wanted_ids", pd.DataFrame({"finding_id": list(ids)}))
    try:
        return con.execute(
            f"SELECT DISTINCT {FINDING_ID} AS finding_id, u.district, u.name AS unit, f.year, f.check_id, f.tbl, "
            f"f.row_key, f.col_key, f.section_no FROM findings f JOIN units u USING (unit_id) "
            f"WHERE {FINDING_ID} IN (SELECT finding_id FROM _wanted_ids)"
        ).df()
    finally:
        con.unregister("_wanted_ids")


def _place(r: object) -> tuple:
    section = None if pd.isna(r.section_no) else int(r.section_no)
    return (r.finding_id, r.district, r.unit, int(r.year), r.check_id, _text(r.tbl), _text(r.row_key),
            _text(r.col_key), section)  # fmt: skip


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _upsert(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    con.executemany(
        f"INSERT OR REPLACE INTO reviews ({', '.join(CSV_COLUMNS)}) VALUES ({', '.join('?' * 14)})", rows
    )


def mark_corrected(con: duckdb.DuckDBPyConnection, districts: Sequence[str] | None = None) -> int:
    """Inside an ingest's write, after the checks: a confirmed finding that the current version of its report
    no longer has becomes 已整改, naming that version (only in `districts`, when given: the others' findings did
    not change). Returns how many."""
    only = "" if districts is None else " AND list_contains($districts, u.district)"
    sql = f"""
        WITH current AS (
            SELECT {FINDING_ID} AS finding_id FROM findings f JOIN units u USING (unit_id)
            WHERE f.status = 'failed'{only}
        ), versions AS (
            SELECT u.district, u.name AS unit, r.year, r.version FROM reports r JOIN units u USING (unit_id)
            WHERE r.is_current{only}
        )
        UPDATE reviews SET status = '已整改', version = versions.version, reviewed_at = now()::TIMESTAMP,
            note = '第' || versions.version || '版报告已不再有此问题' || CASE WHEN note = '' THEN '' ELSE '；' || note END
        FROM versions
        WHERE reviews.status = '已确认' AND versions.district = reviews.district AND versions.unit = reviews.unit
          AND versions.year = reviews.year AND versions.version > 1
          AND reviews.finding_id NOT IN (SELECT finding_id FROM current)
        """
    return con.execute(sql, {} if districts is None else {"districts": list(districts)}).fetchall()[0][0]


# what a rebuild from the report folder cannot make again: the supervisor's reviews, and what was learned
# from the units' sites (the documents fetched, the listing pages checked for a missing report)
CARRIED = {"reviews": CSV_COLUMNS,
           "fetches": ("url", "final_url", "content_hash", "file_name", "fetched_at"),
           "listing_checks": ("url", "unit", "district", "year", "checked_at", "deadline")}


def carry_over(con: duckdb.DuckDBPyConnection, previous: str | os.PathLike[str]) -> int:
    """A rebuild starts an empty database: copy the reviews, fetches and listing checks of the database it
    replaces (the tables it has). Returns how many reviews."""
    if not Path(previous).exists():
        return 0
    try:
        con.execute("ATTACH ? AS previous (READ_ONLY)", [str(previous)])
    except duckdb.Error:
        return 0  # a damaged database has nothing to give; the CSV backup has the reviews
    try:
        tables = {t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'previous'").fetchall()}
        copies = [(f"{'INSERT OR REPLACE' if table == 'reviews' else 'INSERT'} INTO {table} ({', '.join(cols)}) "
                   f"SELECT {', '.join(cols)} FROM previous.{table}") for table, cols in CARRIED.items() if table in tables]
        if "listing_checks" in tables:  # a unit known only from its listing page keeps its row in the grid
            copies.append("""INSERT INTO units (name, district, kind)
                SELECT p.name, p.district, p.kind FROM previous.units p
                WHERE EXISTS (SELECT 1 FROM previous.listing_checks l WHERE l.unit = p.name AND l.district = p.district)
                  AND NOT EXISTS (SELECT 1 FROM units u WHERE u.name = p.name AND u.district = p.district)""")
        for copy in copies:
            with contextlib.suppress(duckdb.Error):  # a damaged block loses that table only, never the rebuild
                con.execute(copy)
        return con.execute("SELECT count(*) FROM reviews").fetchall()[0][0]
    except duckdb.Error:
        return 0  # damaged beyond listing its tables
    finally:
        con.execute("DETACH previous")


def export_reviews(path: str | os.PathLike[str], out: str | os.PathLike[str]) -> int:
    """Every review as CSV (UTF-8 with BOM, for Excel); returns how many rows."""
    with read_connection(path) as con:
        frame = con.execute(
            f"SELECT {', '.join(CSV_COLUMNS)} FROM reviews ORDER BY unit, year, check_id"
        ).df()
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    return len(frame)


def import_reviews(path: str | os.PathLike[str], source: str | os.PathLike[str]) -> int:
    """Reviews from a CSV written by export_reviews (a later export wins over what is stored); returns how many."""
    try:
        with open(source, encoding="utf-8-sig", newline="") as fh:
            rows = [_csv_row(r, n) for n, r in enumerate(csv.DictReader(fh), start=2)]
    except (OSError, UnicodeDecodeError, csv.Error, KeyError) as exc:
        raise StoreError(f"无法读取核实记录文件 {source}：{exc}") from None
    with write_connection(path) as txn:
        _upsert(txn.con, rows)
        txn.changed = bool(rows)
    return len(rows)


def _csv_row(r: dict[str, str], line: int) -> tuple:
    if r["status"] not in STATES:
        raise StoreError(f"核实记录第 {line} 行的状态无法识别：{r['status']}")

    def number(key: str) -> int | None:
        return int(float(r[key])) if r.get(key) not in (None, "") else None

    return (r["finding_id"], r["district"], r["unit"], number("year"), r["check_id"], r["tbl"] or None,
            r["row_key"] or None, r["col_key"] or None, number("section_no"), r["status"], r["note"],
            r["reviewer"], datetime.fromisoformat(r["reviewed_at"]), number("version"))  # fmt: skip


# a selection over findings `f`, units `u` and reports `r` (NULL for a missing report)
_FINDING_COLS = {"current": "(f.report_id IS NULL OR r.is_current)", "district": "u.district", "unit": "u.name",
                 "year": "f.year", "template": "r.template"}  # fmt: skip


def confirmed_per_unit(path: str | os.PathLike[str], f: Filters) -> pd.DataFrame:
    """Per unit of the selection: failed findings confirmed (已确认) and not yet corrected, and their years."""
    cond, params = where(f, _FINDING_COLS, template=False)
    empty = pd.DataFrame({"district": pd.Series(dtype=str), "unit": pd.Series(dtype=str),
                          "confirmed": pd.Series(dtype="int64"), "years": pd.Series(dtype=object)})  # fmt: skip
    with read_connection(path) as con:
        if not has_reviews(con):
            return empty
        out = con.execute(
            f"SELECT u.district, u.name AS unit, count(DISTINCT v.finding_id) AS confirmed, "
            f"list(DISTINCT f.year ORDER BY f.year) AS years "
            f"FROM findings f JOIN units u USING (unit_id) LEFT JOIN reports r ON r.report_id = f.report_id "
            f"JOIN reviews v ON v.finding_id = {FINDING_ID} "
            f"WHERE v.status = '已确认' AND f.status = 'failed' AND {cond} GROUP BY ALL ORDER BY 1, 2",
            params,
        ).df()
    return out if not out.empty else empty
