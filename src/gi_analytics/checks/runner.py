"""Run the registered checks over a CheckInput, and over the database (replacing the `findings` table)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import form, store
from ..model import Finding, Report, Severity, Status
from ..store import FINDING_COLUMNS
from .base import hits
from .frames import CheckInput, from_reports
from .registry import REGISTRY, CheckSpec

log = logging.getLogger(__name__)


def run_spec(spec: CheckSpec, inp: CheckInput) -> pd.DataFrame:
    """One check's findings, stamped with its id and severity; a crash is logged, never raised."""
    try:
        df = spec.func(inp)
    except Exception:  # a check must never stop the others
        log.exception("检查 %s 运行失败", spec.id)
        df = hits([])
    return df.assign(check_id=spec.id, severity=str(spec.severity))


def run_checks(
    inp: CheckInput,
    scopes: Sequence[str] = ("report", "series"),
    timings: dict[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """All findings as a frame with the columns of the findings table (unit_id and year filled in).
    `timings`, when given, receives each check's (wall, CPU) seconds."""
    frames = []
    for spec in REGISTRY:
        if spec.scope in scopes:
            t0, c0 = time.perf_counter(), time.process_time()
            frames.append(run_spec(spec, inp))
            if timings is not None:
                timings[spec.id] = (time.perf_counter() - t0, time.process_time() - c0)
    df = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else hits([])
    )
    pos = inp.positions(df["report_id"].fillna(-1).astype("int64"))
    known = pos >= 0
    for col in ("unit_id", "year"):
        values = inp.reports[col].to_numpy(dtype=float)
        df[col] = df[col].astype(float)
        df.loc[known, col] = values[pos[known]]
    return df.reindex(columns=FINDING_COLUMNS)


def to_findings(df: pd.DataFrame, inp: CheckInput) -> list[Finding]:
    names = dict(zip(inp.units["unit_id"], inp.units["name"], strict=True))

    def opt(x: object) -> object:
        return None if pd.isna(x) else x

    return [
        Finding(
            check=r.check_id,
            severity=Severity(r.severity),
            message=r.message,
            unit=names.get(int(r.unit_id)) if not pd.isna(r.unit_id) else None,
            year=int(r.year) if not pd.isna(r.year) else None,
            table=opt(r.tbl),
            row=opt(r.row_key),
            column=opt(r.col_key),
            section=int(r.section_no) if not pd.isna(r.section_no) else None,
            expected=opt(r.expected),
            actual=opt(r.actual),
            status=Status(r.status),
        )
        for r in df.itertuples(index=False)
    ]


def check_report(report: Report, *, district_units: Sequence[str] = ()) -> list[Finding]:
    """The single-report checks of one parsed report (unit and year taken from the report)."""
    inp = from_reports([report], district_units)
    return to_findings(run_checks(inp, ("report",)), inp)


def check_series(
    reports: pd.DataFrame, cells: pd.DataFrame, sections: pd.DataFrame, units: pd.DataFrame
) -> list[Finding]:
    """The across-report checks over frames shaped like the schema tables (current versions only)."""
    inp = CheckInput(
        _with_periods(reports),
        cells,
        sections,
        pd.DataFrame(columns=["report_id", "code", "severity", "message", "location"]),
        units,
    )
    return to_findings(run_checks(inp, ("series",)), inp)


def _with_periods(reports: pd.DataFrame) -> pd.DataFrame:
    out = reports.copy()
    for col in ("period_start", "period_end", "template", "district", "unit"):
        if col not in out:
            out[col] = None if col != "district" else ""
    return out


_KEYS = sorted(
    {
        *form.REQUEST_ROW_KEYS,
        *form.APPEAL_PROCEEDINGS,
        *(r.key for s in form.ACTIVE.values() for r in s),
        *form.REQUEST_COLUMNS,
        *form.APPEAL_RESULTS,
        *form.ACTIVE_METRIC_LABELS,
    }
)


def _timeliness_columns(con: duckdb.DuckDBPyConnection) -> str:
    """published, kind and deadline; a column an older (read-only) database lacks reads as NULL."""
    have = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND table_name = 'reports'"
        ).fetchall()
    }
    cols = (f"r.{c}" if c in have else f"NULL::DATE AS {c}" for c in ("published", "deadline"))
    return ", ".join([*cols, "u.kind"])


def read_input(con: duckdb.DuckDBPyConnection) -> CheckInput:
    """The current reports and everything attached to them, as check frames."""
    cur = "JOIN reports r USING (report_id) WHERE r.is_current"
    reports = con.execute(
        "SELECT r.report_id, r.unit_id, u.name AS unit, u.district, r.year, r.template, "
        "CAST(r.period_start AS VARCHAR) AS period_start, CAST(r.period_end AS VARCHAR) AS period_end, "
        f"{_timeliness_columns(con)} "
        "FROM reports r JOIN units u USING (unit_id) WHERE r.is_current ORDER BY r.report_id"
    ).df()
    # keys arrive as Arrow strings and become categories directly: 15 million cells never exist as Python strings
    cells = (
        con.sql(f"SELECT c.report_id, c.tbl, c.row_key, c.col_key, c.value, c.state FROM cells c {cur}")
        .to_arrow_table()
        .to_pandas(strings_to_categorical=True)
    )
    sections = con.execute(f"SELECT s.report_id, s.no, s.title, s.text FROM sections s {cur}").df()
    problems = con.execute(
        f"SELECT p.report_id, p.code, p.severity, p.message, p.location FROM problems p {cur}"
    ).df()
    units = con.execute("SELECT unit_id, name, district FROM units").df()
    return CheckInput(reports.astype({"year": "Int64"}), cells, sections, problems, units)


def run_all(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute every check over the current reports and replace the `findings` table; returns the count."""
    df = run_checks(read_input(con))
    return store.replace_findings(con, df.dropna(subset=["unit_id", "year"]))
