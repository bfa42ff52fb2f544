"""Documents fetched from the web -> one ingest -> where each came from, and a Chinese line per URL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..collect.fetch import FetchOutcome, Job, Progress, Status, fetch_all
from ..collect.http import FetchSettings
from ..deadlines import deadline
from ..labels import OUTCOME_LABELS
from ..store import fetches as fetch_store
from ..store.records import FileOutcome, Outcome
from .pipeline import ingest_bytes
from .resolve import UnitRow, csv_deadline, describe, load_units_csv, normalize_unit, unit_kind

# labels whose line is one sentence naming the URL itself
SENTENCE_LABELS = ("失败", "缺失", "未发布")


@dataclass(frozen=True)
class Line:
    """One URL's line of the summary."""

    url: str
    label: str  # 已入库 | 新版本 | 未变化 | 缺失 | 未发布 | 失败
    detail: str

    def __str__(self) -> str:
        return (
            f"{self.label}：{self.detail}"
            if self.label in SENTENCE_LABELS
            else f"{self.label}  {self.url}  {self.detail}"
        )

    @property
    def ok(self) -> bool:
        """Stored or unchanged: nothing for the supervisor to follow up."""
        return self.label not in SENTENCE_LABELS


def fetch_and_ingest(
    jobs: Sequence[Job],
    db: Path,
    settings: FetchSettings | None = None,
    *,
    district: str | None = None,
    units_csv: Path | None = None,
    progress: Progress | None = None,
) -> list[Line]:
    """The whole of `gi-analytics fetch` and the import page's 从网址导入: fetch what changed since the last
    run, ingest it, record where it came from and which listing pages lacked the year's report."""
    outcomes = fetch_all(jobs, fetch_store.known_hashes(db), settings, progress)
    return ingest_outcomes(outcomes, db, district=district, units_csv=units_csv)


def ingest_outcomes(
    outcomes: Sequence[FetchOutcome],
    db: Path,
    *,
    district: str | None = None,
    units_csv: Path | None = None,
) -> list[Line]:
    """Ingest the new documents in one write, record where they came from, and one summary line per URL."""
    rows = load_units_csv(units_csv) if units_csv else ()
    checks = {id(o): _check(o, district, rows) for o in outcomes if o.status is Status.NOT_LISTED}
    fetch_store.record_checks(db, [c for c in checks.values() if c is not None and c.overdue])
    new = [o for o in outcomes if o.status is Status.FETCHED and o.document is not None]
    stored = {}
    if new:
        items = [(o.document.name, o.document.data) for o in new]
        result = ingest_bytes(items, db, district=district, units_csv=units_csv)
        stored = {id(o): f for o, f in zip(new, result.files, strict=True)}
        ok = [o.document for o in new if stored[id(o)].outcome != Outcome.FAILED]
        fetch_store.record_fetches(db, ok)
    return [_line(o, stored.get(id(o)), checks.get(id(o))) for o in outcomes]


def _check(outcome: FetchOutcome, district: str | None, rows: Sequence[UnitRow]) -> fetch_store.ListingCheck | None:
    """A listing page without the year's report, for the unit the units CSV names (None: no unit known)."""
    job = outcome.job
    unit = normalize_unit(job.unit) if job.unit else ""
    if not unit or job.year is None or outcome.checked_at is None:
        return None
    where = district or job.district
    described = describe(rows, unit)
    kind = (described.kind if described else "") or unit_kind(unit)
    due = deadline(job.year, unit, kind, csv_deadline(rows, described, unit, where, kind, job.year))
    checked = datetime.fromisoformat(outcome.checked_at).replace(tzinfo=None)
    return fetch_store.ListingCheck(job.url, unit, where, kind, job.year, checked, due)


def _line(outcome: FetchOutcome, stored: FileOutcome | None, check: fetch_store.ListingCheck | None = None) -> Line:
    url, doc = outcome.job.url, outcome.document
    if outcome.status is Status.NOT_LISTED and check is not None:
        return _not_listed(url, check)
    if outcome.status in (Status.FAILED, Status.NOT_LISTED):
        return Line(url, "失败", outcome.sentence)
    if outcome.status is Status.UNCHANGED or stored is None:
        return Line(url, "未变化", f"与上次获取的内容相同（{doc.name if doc else ''}）")
    if stored.outcome == Outcome.FAILED:
        return Line(url, "失败", f"{url} 已下载（{doc.name}），但无法入库：{stored.reason}。")
    label = OUTCOME_LABELS[stored.outcome]
    where = f"{stored.unit or ''} {stored.year or ''}年度".strip()
    return Line(url, label, f"{where}  {doc.name}")


def _not_listed(url: str, c: fetch_store.ListingCheck) -> Line:
    """缺失 with the day it was checked once the deadline has passed; 未发布 before it."""
    seen = f"{c.unit} {c.year}年度：{url} 于{c.checked_at:%Y-%m-%d}检查，年报栏目中没有{c.year}年度报告"
    if c.overdue:
        return Line(url, "缺失", f"{seen}，已过截止日期{c.deadline.isoformat()}，记为缺失（检查日期{c.checked_at:%Y-%m-%d}）。")
    return Line(url, "未发布", f"{seen}，截止日期{c.deadline.isoformat()}未到，暂不记为缺失。")


def summary(lines: Sequence[Line]) -> str:
    counts = {
        label: sum(1 for line in lines if line.label == label)
        for label in ("已入库", "新版本", "未变化", "缺失", "未发布", "失败")
    }
    parts = "，".join(f"{label} {n} 个" for label, n in counts.items() if n or label in ("已入库", "失败"))
    return f"共 {len(lines)} 个网址：{parts}"
