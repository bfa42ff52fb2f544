"""Documents fetched from the web -> one ingest -> where each came from, and a Chinese line per URL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..collect.fetch import FetchOutcome, Status
from ..labels import OUTCOME_LABELS
from ..store import fetches as fetch_store
from ..store.records import FileOutcome, Outcome
from .pipeline import ingest_bytes


@dataclass(frozen=True)
class Line:
    """One URL's line of the summary."""

    url: str
    label: str  # 已入库 | 新版本 | 未变化 | 失败
    detail: str

    def __str__(self) -> str:
        return (
            f"{self.label}：{self.detail}"
            if self.label == "失败"
            else f"{self.label}  {self.url}  {self.detail}"
        )


def ingest_outcomes(
    outcomes: Sequence[FetchOutcome],
    db: Path,
    *,
    district: str | None = None,
    units_csv: Path | None = None,
) -> list[Line]:
    """Ingest the new documents in one write, record where they came from, and one summary line per URL."""
    new = [o for o in outcomes if o.status is Status.FETCHED and o.document is not None]
    stored = {}
    if new:
        items = [(o.document.name, o.document.data) for o in new]
        result = ingest_bytes(items, db, district=district, units_csv=units_csv)
        stored = {id(o): f for o, f in zip(new, result.files, strict=True)}
        ok = [o.document for o in new if stored[id(o)].outcome != Outcome.FAILED]
        fetch_store.record_fetches(db, ok)
    return [_line(o, stored.get(id(o))) for o in outcomes]


def _line(outcome: FetchOutcome, stored: FileOutcome | None) -> Line:
    url, doc = outcome.job.url, outcome.document
    if outcome.status is Status.FAILED:
        return Line(url, "失败", outcome.sentence)
    if outcome.status is Status.UNCHANGED or stored is None:
        return Line(url, "未变化", f"与上次获取的内容相同（{doc.name if doc else ''}）")
    if stored.outcome == Outcome.FAILED:
        return Line(url, "失败", f"{url} 已下载（{doc.name}），但无法入库：{stored.reason}。")
    label = OUTCOME_LABELS[stored.outcome]
    where = f"{stored.unit or ''} {stored.year or ''}年度".strip()
    return Line(url, label, f"{where}  {doc.name}")


def summary(lines: Sequence[Line]) -> str:
    counts = {
        label: sum(1 for line in lines if line.label == label)
        for label in ("已入库", "新版本", "未变化", "失败")
    }
    parts = "，".join(f"{label} {n} 个" for label, n in counts.items() if n or label in ("已入库", "失败"))
    return f"共 {len(lines)} 个网址：{parts}"
