"""`gi-analytics fetch`: fetch reports from the web, ingest what is new, print a Chinese summary per URL.

Exit 0 when every URL was stored or unchanged, 1 when some failed, 3 when the command could not run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import fetch_store, importer, store
from ..store import OUTCOME_LABELS, Outcome
from .fetch import FetchOutcome, Job, Status, fetch_all
from .http import FetchSettings
from .jobs import JobsError, jobs_from_units, jobs_from_urls, read_url_file

EXIT_OK, EXIT_FAILED, EXIT_CANNOT_RUN = 0, 1, 3


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


def add_fetch_command(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("fetch", help="从网址获取年度报告并导入", description=__doc__)
    configure(p)
    p.set_defaults(func=run)


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("urls", nargs="*", metavar="URL", help="年度报告网页、PDF 或 DOCX 的网址")
    p.add_argument("--urls", dest="url_file", type=Path, help="网址列表文件（每行一个，# 开头为注释）")
    p.add_argument(
        "--units", type=Path, help="单位表 CSV：report_list_url 列为年报栏目页，report_url 列为报告网址"
    )
    p.add_argument("--year", type=int, help="报告年度：在栏目页中按标题查找该年度的报告（--units 时必填）")
    p.add_argument(
        "--db", type=Path, default=None, help="数据库文件（默认：环境变量 GI_DB 或 data/gi.duckdb）"
    )
    p.add_argument("--district", help="区县名称")
    p.add_argument("--timeout", type=float, default=15.0, help="等待服务器响应的秒数（默认 15）")
    p.add_argument("--retries", type=int, default=2, help="连接失败或服务器出错时的重试次数（默认 2）")


def fetch_main(argv: Sequence[str] | None = None) -> int:
    """The command on its own: `fetch_main(["--units", "units.csv", "--year", "2023", "--db", "gi.duckdb"])`."""
    parser = argparse.ArgumentParser(prog="gi-analytics fetch", description=__doc__)
    configure(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    try:
        jobs = _jobs(args)
    except JobsError as exc:
        return _fail(str(exc))
    db = Path(args.db) if args.db else store.default_db()
    settings = FetchSettings(connect_timeout=min(5.0, args.timeout), read_timeout=args.timeout,
                             total_timeout=max(60.0, 4 * args.timeout), retries=max(0, args.retries))  # fmt: skip
    try:
        outcomes = fetch_all(jobs, fetch_store.known_hashes(db), settings)
        lines = ingest_outcomes(outcomes, db, district=args.district, units_csv=args.units)
    except (importer.IngestError, store.StoreError) as exc:
        return _fail(str(exc))
    for line in lines:
        print(line)
    print(summary(lines))
    return EXIT_FAILED if any(line.label == "失败" for line in lines) else EXIT_OK


def _jobs(args: argparse.Namespace) -> list[Job]:
    if args.units is not None:
        if args.year is None:
            raise JobsError("使用 --units 时请用 --year 指定报告年度")
        return jobs_from_units(args.units, args.year)
    urls = list(args.urls) + (read_url_file(args.url_file) if args.url_file else [])
    if not urls:
        raise JobsError("请给出网址、--urls 网址列表文件或 --units 单位表")
    return jobs_from_urls(urls, args.year)


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
        result = importer.ingest_bytes(items, db, district=district, units_csv=units_csv)
        stored = {id(o): f for o, f in zip(new, result.files, strict=True)}
        ok = [o.document for o in new if stored[id(o)].outcome != Outcome.FAILED]
        fetch_store.record_fetches(db, ok)
    return [_line(o, stored.get(id(o))) for o in outcomes]


def _line(outcome: FetchOutcome, stored: store.FileOutcome | None) -> Line:
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


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_CANNOT_RUN
