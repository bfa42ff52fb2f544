"""`gi-analytics fetch`: fetch reports from the web, ingest what is new, print a Chinese summary per URL.

Exit 0 when every URL was stored or unchanged, 1 when some failed or a listing page lacked the year's report
(缺失 once the unit's deadline has passed, with the day it was checked; 未发布 before it), 3 when the command
could not run.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .common import EXIT_ERRORS, EXIT_OK, add_db_argument, fail

HELP = "从网址获取年度报告并导入（报告网页、PDF/DOCX 网址，或单位表中的年报栏目页）"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("fetch", help=HELP, description=__doc__)
    configure(p)
    p.set_defaults(run=run)


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("urls", nargs="*", metavar="URL", help="年度报告网页、PDF 或 DOCX 的网址")
    p.add_argument("--urls", dest="url_file", type=Path, help="网址列表文件（每行一个，# 开头为注释）")
    p.add_argument(
        "--units", type=Path, help="单位表 CSV：report_list_url 列为年报栏目页，report_url 列为报告网址"
    )
    p.add_argument("--year", type=int, help="报告年度：在栏目页中按标题查找该年度的报告（--units 时必填）")
    add_db_argument(p)
    p.add_argument("--district", help="区县名称")
    p.add_argument("--timeout", type=float, default=15.0, help="等待服务器响应的秒数（默认 15）")
    p.add_argument("--retries", type=int, default=2, help="连接失败或服务器出错时的重试次数（默认 2）")


def fetch_main(argv: Sequence[str] | None = None) -> int:
    """The command on its own: `fetch_main(["--units", "units.csv", "--year", "2023", "--db", "gi.duckdb"])`."""
    parser = argparse.ArgumentParser(prog="gi-analytics fetch", description=__doc__)
    configure(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    from ..collect.http import FetchSettings
    from ..collect.jobs import JobsError
    from ..ingest.fetched import fetch_and_ingest, summary
    from ..ingest.pipeline import IngestError
    from ..store.records import StoreError

    try:
        jobs = _jobs(args)
    except JobsError as exc:
        return fail(str(exc))
    db = Path(args.db)
    settings = FetchSettings(connect_timeout=min(5.0, args.timeout), read_timeout=args.timeout,
                             total_timeout=max(60.0, 4 * args.timeout), retries=max(0, args.retries))  # fmt: skip
    try:
        lines = fetch_and_ingest(jobs, db, settings, district=args.district, units_csv=args.units)
    except (IngestError, StoreError) as exc:
        return fail(str(exc))
    for line in lines:
        print(line)
    print(summary(lines))
    return EXIT_OK if all(line.ok for line in lines) else EXIT_ERRORS


def _jobs(args: argparse.Namespace) -> list:
    from ..collect.jobs import JobsError, jobs_from_units, jobs_from_urls, read_url_file

    if args.units is not None:
        if args.year is None:
            raise JobsError("使用 --units 时请用 --year 指定报告年度")
        return jobs_from_units(args.units, args.year)
    urls = list(args.urls) + (read_url_file(args.url_file) if args.url_file else [])
    if not urls:
        raise JobsError("请给出网址、--urls 网址列表文件或 --units 单位表")
    return jobs_from_urls(urls, args.year)
