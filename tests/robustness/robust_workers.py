"""Helpers for the concurrency and fault tests: report files, the database's logical content, reader loops that
run in other processes (importable, so `spawn` can start them)."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"  # 平昌关镇 2021


def write_reports(folder: Path, units: list[str]) -> list[Path]:
    """The real sample report once per unit, the unit's name in its title and file name."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for unit in units:
        path = folder / f"{unit}2021.txt"
        path.write_text(text.replace("平昌关镇", unit), encoding="utf-8")
        paths.append(path)
    return paths


COUNTS_SQL = (
    "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cells), (SELECT count(*) FROM sections), "
    "(SELECT count(*) FROM problems), (SELECT count(*) FROM originals), "
    "(SELECT value FROM meta WHERE key = 'data_version')"
)


def reader_loop(
    db: str, iterations: int, per_report: tuple[int, int, int, int], ready: str | None = None
) -> tuple[list[str], list[int]]:
    """Query the database `iterations` times as the pages do; return the errors seen and the report counts.

    `per_report` is (cells, sections, problems, originals) of one report: every state a reader sees must be a
    whole number of reports, never a batch half written."""
    from gi_analytics import analytics as analytics
    from gi_analytics import store

    errors: list[str] = []
    seen: list[int] = []
    for _ in range(iterations):
        try:
            with store.read_connection(db) as con:
                reports, cells, sections, problems, originals, _version = con.execute(COUNTS_SQL).fetchall()[
                    0
                ]
            if (cells, sections, problems, originals) != tuple(reports * k for k in per_report):
                errors.append(f"partial state: {reports} reports, {cells} cells, {sections} sections")
            frame = analytics.unit_year(db, analytics.Filters())
            if len(frame) < reports:  # a later query may see a later (bigger) database, never a smaller one
                errors.append(f"analytics saw {len(frame)} reports after {reports}")
            seen.append(reports)
            if ready is not None:
                Path(ready).touch()  # the writer waits for every reader's first read before it starts
        except Exception as exc:  # noqa: BLE001 - every error a page would show is a failure
            errors.append(f"{type(exc).__name__}: {exc}")
    return errors, seen
