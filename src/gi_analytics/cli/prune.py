"""`gi-analytics prune`: keep a bounded history — old versions of each report, their originals, rebuild backups.

    gi-analytics prune [--db F] [--keep-versions 2] [--keep-originals 1] [--keep-backups 2] [--dry-run]

Never pruned: the current version of a report, a version a review points at, and the database itself.
Exit 0 done, 3 could not run, 4 usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK, add_db_argument, fail

HELP = "清理历史：只保留每份报告最近几个旧版本、旧版本的原件和重建备份"


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("不能小于 0")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "prune", help=HELP, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_db_argument(p)
    p.add_argument(
        "--keep-versions",
        type=_count,
        default=2,
        metavar="N",
        help="每个单位每个年度保留的旧版本数（当前版本和核实记录引用的版本总是保留；默认 2）",
    )
    p.add_argument(
        "--keep-originals",
        type=_count,
        default=1,
        metavar="N",
        help="保留原件的旧版本数（最近的 N 个旧版本；默认 1）",
    )
    p.add_argument(
        "--keep-backups",
        type=_count,
        default=2,
        metavar="N",
        help="每种重建备份（.bakN、.damagedN）保留的个数（默认 2）",
    )
    p.add_argument("--dry-run", action="store_true", help="只列出将要清理的内容，不做改动")
    p.set_defaults(run=run_prune)


def run_prune(args: argparse.Namespace) -> int:
    from ..store.records import StoreError
    from ..store.retention import Retention, prune

    db = Path(args.db)
    if not db.exists():
        return fail(f"找不到数据库文件：{db}")
    keep = Retention(args.keep_versions, args.keep_originals, args.keep_backups)
    try:
        result = prune(db, keep, dry_run=args.dry_run)
    except StoreError as exc:
        return fail(str(exc))
    verb = "将清理" if args.dry_run else "已清理"
    print(
        f"{verb}：旧版本 {result.versions} 份，原件 {result.originals} 个，备份文件 {len(result.backup_files)} 个"
    )
    for file in result.backup_files:
        print(f"  {verb}备份：{file.name}")
    return EXIT_OK
