"""What is recomputed over the whole database inside every ingest's write, before the swap: the checks'
findings, the text similarity cache and the per-report figures, so readers never see reports without them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..checks.runner import run_checks
from ..store.figures import write_figures
from ..store.findings import replace_findings
from ..store.read import check_input
from ..store.reviews import mark_corrected
from ..store.text import compute_similarity

if TYPE_CHECKING:
    import duckdb


def run_all(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute every check over the current reports and replace the `findings` table; returns the count."""
    df = run_checks(check_input(con))
    return replace_findings(con, df.dropna(subset=["unit_id", "year"]))


def derive(con: duckdb.DuckDBPyConnection) -> None:
    """The after-write step of every ingest (store.write.write_batch calls it inside the transaction)."""
    run_all(con)
    mark_corrected(con)  # confirmed findings a new version no longer has are corrected
    compute_similarity(con)
    write_figures(con)  # the dashboard's per-report figures, from the cells and findings just written
