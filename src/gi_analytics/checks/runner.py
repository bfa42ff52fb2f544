"""Run the registered checks over a CheckInput (frames of reports): findings as a frame or as Finding objects."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import pandas as pd

from ..model import Finding, Report, Severity, Status
from .base import hits, not_evaluated
from .frames import FINDING_COLUMNS, CheckInput, from_reports
from .registry import REGISTRY, CheckSpec

log = logging.getLogger(__name__)


def run_spec(spec: CheckSpec, inp: CheckInput) -> pd.DataFrame:
    """One check's findings, stamped with its id and severity. A check that raises is logged and reported as
    not evaluated on every report it was given, with the error: never silently as a pass."""
    try:
        df = spec.func(inp)
    except Exception as exc:  # a check must never stop the others
        log.exception("检查 %s 运行失败", spec.id)
        df = crashed(inp, exc)
    return df.assign(check_id=spec.id, severity=str(spec.severity))


def crashed(inp: CheckInput, exc: Exception) -> pd.DataFrame:
    message = f"检查程序出错，未能核对：{type(exc).__name__}: {exc}"
    return hits(not_evaluated(int(rid), message) for rid in inp.reports["report_id"])


def run_checks(inp: CheckInput, scopes: Sequence[str] = ("report", "series"),
               timings: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
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
