"""`gi-analytics check`: show the stored findings. Exit 0 clean, 1 errors, 2 warnings only, 3 could not run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from .. import store
from .registry import BY_ID

LEVELS = ("error", "warning", "info")
LEVEL_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
QUERY = """
SELECT f.check_id AS "check", f.severity, f.status, u.name AS unit, f.year, f.tbl AS "table", f.row_key AS "row",
       f.col_key AS "column", f.section_no AS section, f.expected, f.actual, f.message
FROM findings f JOIN units u USING (unit_id)
WHERE ($unit IS NULL OR u.name = $unit) AND ($year IS NULL OR f.year = $year)
  AND list_position(['error', 'warning', 'info'], f.severity) <= list_position(['error', 'warning', 'info'], $severity)
ORDER BY u.name, f.year, list_position(['error', 'warning', 'info'], f.severity), f.check_id
"""


def add_check_command(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check", help="显示一致性检查结果")
    p.add_argument("--db", type=Path, default=None, help="数据库文件（默认：环境变量 GI_DB 或 data/gi.duckdb）")
    p.add_argument("--unit", help="只看某单位")
    p.add_argument("--year", type=int, help="只看某年度")
    p.add_argument("--severity", choices=LEVELS, default="info", help="最低严重程度")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=run_check_command)


def load(db: Path, unit: str | None, year: int | None, severity: str) -> pd.DataFrame:
    with store.read_connection(db) as con:
        return con.execute(QUERY, {"unit": unit, "year": year, "severity": severity}).df()


def exit_code(df: pd.DataFrame) -> int:
    failed = df[df["status"] == "failed"]
    if (failed["severity"] == "error").any():
        return 1
    return 2 if len(df) and ((failed["severity"] == "warning").any() or (df["status"] != "failed").any()) else 0


def run_check_command(args: argparse.Namespace) -> int:
    db = Path(args.db or store.default_db())
    if not db.exists():
        print(f"找不到数据库文件：{db}", file=sys.stderr)
        return 3
    try:
        df = load(db, args.unit, args.year, args.severity)
    except store.StoreError as exc:
        print(f"无法读取检查结果：{exc}", file=sys.stderr)
        return 3
    records = json.loads(df.to_json(orient="records", force_ascii=False))
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif df.empty:
        print("没有发现问题")
    else:
        for r in records:
            level = LEVEL_LABELS[r["severity"]] + ("" if r["status"] == "failed" else "·未能核对")
            title = BY_ID[r["check"]].title_zh if r["check"] in BY_ID else r["check"]
            print(f"[{level}] {r['unit']} {r['year']}年 {title}（{r['check']}）：{r['message']}")
    return exit_code(df)
