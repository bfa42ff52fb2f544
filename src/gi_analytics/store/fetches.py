"""The `fetches` table (schema.sql): where each fetched document came from, when, and its hash.

It uses the store's connections, so writes are copy-on-write and atomic like every other write. Reports join it
on content_hash.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from .connection import has_table, read_connection, write_connection

if TYPE_CHECKING:
    from ..collect import Fetched


def known_hashes(db_path: str | os.PathLike[str]) -> dict[str, str]:
    """Job key (url, or url#year for a listing page) -> the hash of the document fetched last from it."""
    if not Path(db_path).exists():
        return {}
    with read_connection(db_path) as con:
        if not has_table(con, "fetches"):
            return {}
        rows = con.execute(
            "SELECT url, arg_max(content_hash, fetched_at) FROM fetches GROUP BY url"
        ).fetchall()
    return dict(rows)


def record_fetches(db_path: str | os.PathLike[str], documents: Sequence[Fetched]) -> int:
    """Add the documents not yet recorded for their URL; returns how many rows were added."""
    if not documents:
        return 0
    rows = [
        (d.url, d.final_url, d.content_hash, d.name, datetime.fromisoformat(d.fetched_at)) for d in documents
    ]
    with write_connection(db_path) as txn:
        before = txn.con.execute("SELECT count(*) FROM fetches").fetchall()[0][0]
        txn.con.executemany(
            "INSERT INTO fetches (url, final_url, content_hash, file_name, fetched_at) "
            "SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS "
            "(SELECT 1 FROM fetches WHERE url = $1 AND content_hash = $3)",
            rows,
        )
        added = txn.con.execute("SELECT count(*) FROM fetches").fetchall()[0][0] - before
        txn.changed = added > 0
    return added


@dataclass(frozen=True)
class ListingCheck:
    """A unit's listing page searched for the report of `year`, which was not there."""

    url: str
    unit: str
    district: str
    kind: str
    year: int
    checked_at: datetime
    deadline: date

    @property
    def overdue(self) -> bool:
        """Checked after the deadline: the report is missing as of that day."""
        return self.checked_at.date() > self.deadline


def record_checks(db_path: str | os.PathLike[str], checks: Sequence[ListingCheck]) -> int:
    """Keep one check per listing page, unit, year and day (a rerun the same day writes nothing); a unit the
    database does not know yet is added, so that its missing report has a row in the coverage grid."""
    if not checks:
        return 0
    with write_connection(db_path) as txn:
        con = txn.con
        checks = [_known_district(con, c) for c in checks]
        rows = [(c.url, c.unit, c.district, c.year, c.checked_at, c.deadline) for c in checks]
        before = con.execute("SELECT (SELECT count(*) FROM listing_checks) + (SELECT count(*) FROM units)").fetchall()
        con.executemany(
            "INSERT INTO listing_checks (url, unit, district, year, checked_at, deadline) "
            "SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM listing_checks WHERE url = $1 "
            "AND unit = $2 AND district = $3 AND year = $4 AND checked_at::DATE = $5::DATE)",
            rows,
        )
        con.executemany(
            "INSERT INTO units (name, district, kind) SELECT $1, $2, nullif($3, '') "
            "WHERE NOT EXISTS (SELECT 1 FROM units WHERE name = $1 AND district = $2)",
            [(c.unit, c.district, c.kind) for c in checks],
        )
        after = con.execute("SELECT (SELECT count(*) FROM listing_checks) + (SELECT count(*) FROM units)").fetchall()
        txn.changed = after != before
    return after[0][0] - before[0][0]


def _known_district(con: duckdb.DuckDBPyConnection, check: ListingCheck) -> ListingCheck:
    """A check without a district takes the district of the one stored unit of that name, if there is one."""
    if check.district:
        return check
    found = con.execute("SELECT DISTINCT district FROM units WHERE name = ?", [check.unit]).fetchall()
    return replace(check, district=found[0][0]) if len(found) == 1 else check


def checks_source(con: duckdb.DuckDBPyConnection) -> str:
    """What to select the listing checks from: the table, or an empty one on a database written before it."""
    if has_table(con, "listing_checks"):
        return "listing_checks"
    return ("(SELECT ''::VARCHAR AS url, ''::VARCHAR AS unit, ''::VARCHAR AS district, 0 AS year, "
            "NULL::TIMESTAMP AS checked_at, NULL::DATE AS deadline WHERE FALSE)")  # fmt: skip


def load_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each stored report with the URL it was fetched from, when, and its hash (reports not fetched: none)."""
    if not has_table(con, "fetches"):
        return pd.DataFrame(columns=["report_id", "unit", "year", "url", "final_url", "fetched_at"])
    return con.execute(
        "SELECT r.report_id, u.name AS unit, r.year, f.url, f.final_url, f.fetched_at, r.content_hash "
        "FROM reports r JOIN units u USING (unit_id) "
        "JOIN (SELECT content_hash, arg_max(url, fetched_at) AS url, arg_max(final_url, fetched_at) AS final_url, "
        "max(fetched_at) AS fetched_at FROM fetches GROUP BY content_hash) f USING (content_hash) "
        "ORDER BY u.name, r.year, r.version"
    ).df()
