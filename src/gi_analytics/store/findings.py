"""The `findings` table: replaced by every ingest's checks, read by the dashboard and the check command."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd
import pyarrow as pa

from ..checks.frames import FINDING_COLUMNS
from ..model import Finding
from .write import insert_arrow


def replace_findings(
    con: duckdb.DuckDBPyConnection,
    findings: Iterable[tuple[int | None, int, Finding]] | pd.DataFrame,
    districts: Sequence[str] | None = None,
) -> int:
    """Replace every stored finding, or only those of the units of `districts`. Rows are (report_id or None,
    unit_id, Finding), or a DataFrame with the columns of the `findings` table."""
    frame = findings if isinstance(findings, pd.DataFrame) else _findings_frame(findings)
    if districts is None:
        con.execute("DELETE FROM findings")
    else:
        con.execute("DELETE FROM findings WHERE unit_id IN (SELECT unit_id FROM units WHERE list_contains(?, district))",
                    [list(districts)])
    if len(frame):
        insert_arrow(con, "findings", pa.Table.from_pandas(frame[list(FINDING_COLUMNS)], preserve_index=False))
    return len(frame)


def _findings_frame(rows: Iterable[tuple[int | None, int, Finding]]) -> pd.DataFrame:
    records = [
        (
            rid,
            uid,
            f.year,
            f.check,
            str(f.severity),
            str(f.status),
            f.table,
            f.row,
            f.column,
            f.section,
            None if f.expected is None else float(f.expected),
            None if f.actual is None else float(f.actual),
            f.message,
        )
        for rid, uid, f in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=list(FINDING_COLUMNS))
    return frame.astype(
        {"report_id": "Int64", "section_no": "Int64", "expected": "Float64", "actual": "Float64"}
    )


def load_findings(con: duckdb.DuckDBPyConnection, report_id: int | None = None) -> pd.DataFrame:
    where, params = ("WHERE f.report_id = ?", [report_id]) if report_id is not None else ("", [])
    return con.execute(
        "SELECT f.*, u.name AS unit, u.district, u.kind FROM findings f JOIN units u USING (unit_id) "
        f"{where} ORDER BY u.district, u.name, f.year, f.check_id",
        params,
    ).df()
