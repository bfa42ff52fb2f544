"""What is recomputed inside every ingest's write, before the swap: the checks' findings, the text similarity
cache and the per-report figures, so readers never see reports without them.

Only the districts the batch touched are recomputed (store/scope.py: every derived row depends on its district's
reports alone), a chunk of whole districts at a time: memory is bounded by the chunk, not by the database, and
adding a few reports to a national database costs their districts, not the nation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..checks.runner import run_checks
from ..store.figures import write_figures
from ..store.findings import replace_findings
from ..store.read import check_input
from ..store.reviews import mark_corrected
from ..store.scope import district_chunks, mark_scope, touched_districts
from ..store.text import compute_similarity

if TYPE_CHECKING:
    import duckdb

CHUNK_REPORTS = 10_000  # current reports checked at once (whole districts; one bigger district on its own)


def run_checks_for(con: duckdb.DuckDBPyConnection, districts: Sequence[str] | None = None) -> int:
    """Recompute every check over the current reports of `districts` (every district when None), chunk by
    chunk, replacing their findings; returns the count."""
    if districts is None:
        replace_findings(con, [])  # every district follows; findings of nothing else are left
    count = 0
    for chunk in district_chunks(con, districts, CHUNK_REPORTS):
        df = run_checks(check_input(con, chunk))
        count += replace_findings(con, df.dropna(subset=["unit_id", "year"]), chunk)
    return count


def run_all(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute every check over the current reports and replace the `findings` table; returns the count."""
    return run_checks_for(con, None)


def derive(con: duckdb.DuckDBPyConnection) -> None:
    """The after-write step of every ingest (store.write.write_batch calls it inside the transaction)."""
    districts = touched_districts(con)  # None: every district (a new database, or one derived before scopes)
    run_checks_for(con, districts)
    mark_corrected(con, districts)  # confirmed findings a new version no longer has are corrected
    for chunk in district_chunks(con, districts, CHUNK_REPORTS):
        compute_similarity(con, chunk)
    write_figures(con, districts)  # the dashboard's per-report figures, from the cells and findings just written
    mark_scope(con)
