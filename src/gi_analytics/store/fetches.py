"""The `fetches` table (schema.sql): where each fetched document came from, when, and its hash.

It uses the store's connections, so writes are copy-on-write and atomic like every other write. Reports join it
on content_hash.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from .connection import read_connection, write_connection

if TYPE_CHECKING:
    from ..collect import Fetched


def known_hashes(db_path: str | os.PathLike[str]) -> dict[str, str]:
    """Job key (url, or url#year for a listing page) -> the hash of the document fetched last from it."""
    if not Path(db_path).exists():
        return {}
    with read_connection(db_path) as con:
        if not _has_table(con):
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


def load_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each stored report with the URL it was fetched from, when, and its hash (reports not fetched: none)."""
    if not _has_table(con):
        return pd.DataFrame(columns=["report_id", "unit", "year", "url", "final_url", "fetched_at"])
    return con.execute(
        "SELECT r.report_id, u.name AS unit, r.year, f.url, f.final_url, f.fetched_at, r.content_hash "
        "FROM reports r JOIN units u USING (unit_id) "
        "JOIN (SELECT content_hash, arg_max(url, fetched_at) AS url, arg_max(final_url, fetched_at) AS final_url, "
        "max(fetched_at) AS fetched_at FROM fetches GROUP BY content_hash) f USING (content_hash) "
        "ORDER BY u.name, r.year, r.version"
    ).df()


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'fetches'"
        ).fetchall()
    )
