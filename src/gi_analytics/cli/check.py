"""`gi-analytics check`: show the stored findings. Exit 0 clean, 1 errors, 2 warnings only, 3 could not run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..labels import SEVERITY_LABELS, Totals, finding_totals
from .common import add_db_argument

if TYPE_CHECKING:
    import pandas as pd

LEVELS = ("error", "warning", "info")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check", help="显示一致性检查结果", description="显示一致性检查结果")
    add_db_argument(p)
    p.add_argument("--unit", help="只看某单位")
    p.add_argument("--year", type=int, help="只看某年度")
    p.add_argument("--severity", choices=LEVELS, default="info", help="最低严重程度")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(run=run_check_command)


def load(db: Path, unit: str | None, year: int | None, severity: str) -> pd.DataFrame:
    from ..store.reports import check_findings

    return check_findings(db, unit, year, severity)


def exit_code(totals: Totals) -> int:
    """1 errors, 2 warnings only, 0 otherwise: checks that could not run are neither."""
    return 1 if totals.errors else 2 if totals.warnings else 0


def run_check_command(args: argparse.Namespace) -> int:
    from ..checks.registry import BY_ID
    from ..store.records import StoreError

    db = Path(args.db)
    if not db.exists():
        print(f"找不到数据库文件：{db}", file=sys.stderr)
        return 3
    try:
        df = load(db, args.unit, args.year, args.severity)
    except StoreError as exc:
        print(f"无法读取检查结果：{exc}", file=sys.stderr)
        return 3
    records = json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
    totals = finding_totals(records)
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif df.empty:
        print("没有发现问题")
    else:
        for r in records:
            level = SEVERITY_LABELS[r["severity"]] + ("" if r["status"] == "failed" else "·未能核对")
            title = BY_ID[r["check"]].title_zh if r["check"] in BY_ID else r["check"]
            state = "" if r["review_status"] == "待核实" else f"（{r['review_status']}）"
            print(f"[{level}] {r['id']} {r['unit']} {r['year']}年 {title}（{r['check']}）{state}：{r['message']}")
    summary = f"合计：{totals.text()}；提示{totals.infos}条"
    print(summary, file=sys.stdout if args.format == "table" else sys.stderr)
    return exit_code(totals)
