"""`gi-analytics review`: set the review state of findings, list them, or back the reviews up as CSV.

    gi-analytics review ID [ID ...] --status 已确认 [--note …] [--by 姓名]
    gi-analytics review --list [--status 已确认]
    gi-analytics review --export 核实记录.csv | --import 核实记录.csv

The ids are those `gi-analytics check` prints. Exit 0 done, 3 could not run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK, add_db_argument, fail

HELP = "核实问题：设定状态（待核实、已确认、已忽略、已整改），列出，或导出/导入核实记录"
STATES = ("待核实", "已确认", "已忽略", "已整改")  # as store.reviews.STATES, without loading the store


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "review", help=HELP, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("ids", nargs="*", metavar="编号", help="问题编号（gi-analytics check 输出的编号）")
    p.add_argument("--status", choices=STATES, help="核实状态")
    p.add_argument("--note", default="", help="说明（“已忽略”须写明理由）")
    p.add_argument("--by", default="", help="核实人")
    p.add_argument("--list", action="store_true", help="列出问题及其核实状态（可与 --status 同用）")
    p.add_argument("--export", type=Path, metavar="CSV", help="把全部核实记录导出为 CSV")
    p.add_argument("--import", dest="import_csv", type=Path, metavar="CSV", help="从 CSV 导入核实记录")
    add_db_argument(p)
    p.set_defaults(run=run_review)


def run_review(args: argparse.Namespace) -> int:
    from ..store import reviews
    from ..store.records import StoreError

    db = Path(args.db)
    if not db.exists():
        return fail(f"找不到数据库文件：{db}")
    try:
        if args.export:
            print(f"已导出 {reviews.export_reviews(db, args.export)} 条核实记录到 {args.export}")
        elif args.import_csv:
            print(f"已导入 {reviews.import_reviews(db, args.import_csv)} 条核实记录")
        elif args.list:
            _print_list(db, args.status)
        elif args.ids and args.status:
            count = reviews.set_reviews(db, args.ids, args.status, args.note, args.by)
            print(f"已将 {count} 个问题标为“{args.status}”")
        else:
            return fail("请给出问题编号和 --status，或 --list、--export、--import 之一")
    except StoreError as exc:
        return fail(str(exc))
    return EXIT_OK


def _print_list(db: Path, status: str | None) -> None:
    from ..store import reviews
    from ..store.connection import read_connection

    with read_connection(db) as con:
        frame = reviews.reviewed_findings(con, status)
    frame = frame[frame["status"] == "failed"]
    for r in frame.itertuples():
        note = f"（{r.review_note}）" if r.review_note else ""
        print(f"{r.finding_id}  {r.review_status}{note}  {r.unit} {r.year}年 {r.check_id}：{r.message}")
    print(f"共 {len(frame)} 个问题")
