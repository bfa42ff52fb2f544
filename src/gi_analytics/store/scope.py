"""What an ingest's derive step recomputes: the districts its batch touched, in chunks of bounded size.

Every check, the similarity cache and the per-report figures depend only on the reports of one district (series
checks follow one unit, whose reports all lie in its district; peers are compared within a district). So a
batch's derived data are recomputed for the districts of the units it wrote, and nothing else changes. The
batch's units are kept in a temporary table of the write connection (never stored). The meta key `derive_scope`
says the stored derived data were made district by district; without it (a database written before), the next
write recomputes every district once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

SCOPE_KEY = "derive_scope"
SCOPE = "district-1"  # change when what a district's derived data hold changes: the next write redoes all


def record_touched(con: duckdb.DuckDBPyConnection, unit_ids: Iterable[int]) -> None:
    """Remember units the batch wrote reports for (or changed), for the derive step of the same write."""
    ids = sorted(set(unit_ids))
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _touched_units (unit_id INTEGER)")
    if ids:
        con.register("_touched_batch", pa.table({"unit_id": pa.array(ids, pa.int32())}))
        try:
            con.execute("INSERT INTO _touched_units SELECT unit_id FROM _touched_batch")
        finally:
            con.unregister("_touched_batch")


def touched_districts(con: duckdb.DuckDBPyConnection) -> list[str] | None:
    """The districts of the batch's units; None when every district must be recomputed (first derive of this
    kind on this database, or no batch recorded)."""
    done = con.execute("SELECT value FROM meta WHERE key = ?", [SCOPE_KEY]).fetchall()
    has_batch = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = '_touched_units'"
    ).fetchall()[0][0]
    if not done or done[0][0] != SCOPE or not has_batch:
        return None
    rows = con.execute(
        "SELECT DISTINCT u.district FROM units u JOIN _touched_units t USING (unit_id) ORDER BY 1"
    ).fetchall()
    return [d for (d,) in rows]


def mark_scope(con: duckdb.DuckDBPyConnection) -> None:
    """After a derive: the stored derived data are per district (the next batch may recompute only its own)."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [SCOPE_KEY, SCOPE])
    con.execute("DROP TABLE IF EXISTS _touched_units")


def district_chunks(
    con: duckdb.DuckDBPyConnection, districts: Sequence[str] | None, max_reports: int
) -> list[list[str]]:
    """The districts (all when None) in groups of whole districts of at most `max_reports` current reports
    each (a bigger district is a group of its own)."""
    rows = con.execute(
        "SELECT u.district, count(r.report_id) FROM units u LEFT JOIN reports r ON r.unit_id = u.unit_id "
        "AND r.is_current GROUP BY u.district ORDER BY u.district"
    ).fetchall()
    wanted = None if districts is None else set(districts)
    chunks: list[list[str]] = []
    size = 0
    for district, n in rows:
        if wanted is not None and district not in wanted:
            continue
        if not chunks or (size + n > max_reports and chunks[-1]):
            chunks.append([])
            size = 0
        chunks[-1].append(district)
        size += n
    return chunks


def district_reports(con: duckdb.DuckDBPyConnection, districts: Sequence[str]) -> pa.Table:
    """report_id of the current reports of the given districts (registered by readers as a join filter)."""
    rows = con.execute(
        "SELECT r.report_id FROM reports r JOIN units u USING (unit_id) "
        "WHERE r.is_current AND list_contains(?, u.district) ORDER BY r.report_id",
        [list(districts)],
    ).fetchall()
    return pa.table({"report_id": pa.array([rid for (rid,) in rows], pa.int32())})
