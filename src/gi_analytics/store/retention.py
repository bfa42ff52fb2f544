"""Retention: how many old versions of a report, their original files and the rebuild backups to keep.

Never pruned: a current version, a version a review points at (reviews.version: 已整改 names it), its
original, and the database itself. Versions are pruned in one copy-on-write transaction like any ingest
(write_connection): readers see all of it or none. Backups (`<db>.bakN`, `<db>.damagedN`) beyond the newest
`keep_backups` of each kind are deleted. DuckDB reuses the space of deleted rows for later ingests; the file
itself does not shrink.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .connection import read_connection, write_connection
from .swap import backups, real_path

# tables whose rows belong to one report version, by the column naming it
_REPORT_TABLES = {
    "cells": ("report_id",),
    "sections": ("report_id",),
    "problems": ("report_id",),
    "findings": ("report_id",),
    "report_figures": ("report_id",),
    "text_similarity": ("report_a", "report_b"),
    "text_reuse": ("report_id", "prev_report_id"),
    "text_lengths": ("report_id",),
}

_RANKED = """
    SELECT r.report_id, r.content_hash, r.is_current
           OR EXISTS (SELECT 1 FROM reviews v WHERE v.district = u.district AND v.unit = u.name
                      AND v.year = r.year AND v.version = r.version) AS protected,
           row_number() OVER (PARTITION BY r.unit_id, r.year ORDER BY r.version DESC) - 1 AS age
    FROM reports r JOIN units u USING (unit_id)
"""


@dataclass(frozen=True)
class Retention:
    """How much history to keep: old versions per unit and year (besides the current one), old versions that
    keep their original file (the newest of the kept ones), backups of each kind."""

    versions: int = 2
    originals: int = 1
    backups: int = 2


@dataclass
class PruneResult:
    versions: int = 0
    originals: int = 0
    backup_files: list[Path] = field(default_factory=list)


def prune(db: str | os.PathLike[str], keep: Retention, dry_run: bool = False) -> PruneResult:
    """Delete what `keep` does not keep; with `dry_run`, only count it."""
    path = real_path(db)
    result = PruneResult(backup_files=_old_backups(path, keep.backups))
    with read_connection(path) as con:
        result.versions, result.originals = _counts(con, keep)
    if dry_run:
        return result
    if result.versions or result.originals:
        with write_connection(path) as txn:
            _delete(txn.con, keep)
            txn.changed = True
    for file in result.backup_files:
        file.unlink(missing_ok=True)
    return result


def _counts(con, keep: Retention) -> tuple[int, int]:  # noqa: ANN001 - a DuckDB connection
    versions = con.execute(
        f"SELECT count(*) FROM ({_RANKED}) WHERE NOT protected AND age > ?", [keep.versions]
    ).fetchall()[0][0]
    originals = con.execute(
        f"""
        SELECT count(*) FROM originals o WHERE o.content_hash NOT IN (
            SELECT content_hash FROM ({_RANKED}) WHERE protected OR age <= ?)""",
        [min(keep.originals, keep.versions)],
    ).fetchall()[0][0]
    return int(versions), int(originals)


def _delete(con, keep: Retention) -> None:  # noqa: ANN001 - a DuckDB connection
    con.execute(
        f"CREATE TEMP TABLE pruned AS SELECT report_id FROM ({_RANKED}) WHERE NOT protected AND age > ?",
        [keep.versions],
    )
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    }
    for table, columns in _REPORT_TABLES.items():
        if table in tables:
            where = " OR ".join(f"{c} IN (SELECT report_id FROM pruned)" for c in columns)
            con.execute(f"DELETE FROM {table} WHERE {where}")
    con.execute("UPDATE files SET report_id = NULL WHERE report_id IN (SELECT report_id FROM pruned)")
    con.execute("DELETE FROM reports WHERE report_id IN (SELECT report_id FROM pruned)")
    con.execute(
        f"""
        DELETE FROM originals WHERE content_hash NOT IN (
            SELECT content_hash FROM ({_RANKED}) WHERE protected OR age <= ?)""",
        [min(keep.originals, keep.versions)],
    )
    con.execute("DROP TABLE pruned")


def _number(path: Path, backup: Path) -> tuple[str, int]:
    match = re.fullmatch(r"(bak|damaged)(\d*)", backup.name[len(path.name) + 1 :])
    assert match is not None  # swap.backups lists only these names
    return match[1], int(match[2] or 1)


def _old_backups(path: Path, keep: int) -> list[Path]:
    """Backups beyond the newest `keep` of each kind (bak, damaged), by their number."""
    found = sorted(backups(path), key=lambda b: _number(path, b))
    old: list[Path] = []
    for kind in ("bak", "damaged"):
        mine = [b for b in found if _number(path, b)[0] == kind]
        old += mine[: max(len(mine) - keep, 0)]
    return old
