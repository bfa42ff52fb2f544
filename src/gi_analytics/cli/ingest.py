"""`gi-analytics ingest PATHS… | --demo`: files and folders -> the database, one atomic write, a table of
outcomes, with common.ProgressBar on stderr."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..labels import OUTCOME_LABELS
from .common import EXIT_ERRORS, EXIT_OK, ProgressBar, add_db_argument, fail, format_table

if TYPE_CHECKING:
    from ..store.records import FileOutcome

HELP = "导入报告文件到数据库"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ingest", help=HELP, description=HELP)
    p.add_argument("paths", nargs="*", type=Path, help="报告文件或文件夹（递归）")
    add_db_argument(p)
    p.add_argument("--district", help="区县名称，用于本批全部文件")
    p.add_argument("--unit", help="单位名称，用于本批全部文件")
    p.add_argument("--year", type=int, help="报告年度，用于本批全部文件")
    p.add_argument("--units", type=Path, help="单位表 CSV（列：file, unit, district, kind）")
    p.add_argument("--demo", action="store_true", help="导入自带的示例报告 data/reports/")
    p.add_argument("--rebuild", action="store_true", help="从报告文件夹重建数据库（旧文件保留为 .bak1、.bak2…）")
    p.add_argument("--workers", type=int, help="并行解析的进程数（默认：CPU 核数）")
    p.set_defaults(run=run_ingest)


def run_ingest(args: argparse.Namespace) -> int:
    from ..ingest.pipeline import DEMO_REPORTS, DEMO_UNITS, IngestError, ingest_paths

    paths = list(args.paths) + ([DEMO_REPORTS] if args.demo else [])
    if not paths:
        return fail("请给出要导入的文件或文件夹，或使用 --demo")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return fail(f"找不到：{'、'.join(missing)}")
    db = args.db
    units = args.units or (DEMO_UNITS if args.demo and DEMO_UNITS.exists() else None)
    try:
        with ProgressBar("导入", "份") as progress:
            result = ingest_paths(
                paths, db, district=args.district, unit=args.unit, year=args.year, units_csv=units,
                progress=progress, workers=args.workers, rebuild=args.rebuild,
            )  # fmt: skip
    except IngestError as exc:
        return fail(str(exc))
    if not result.files:
        from ..readers.files import SUPPORTED_SUFFIXES

        return fail(f"没有找到可导入的文件（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
    print(format_outcomes(result.files))
    for name, reason in result.skipped:
        print(f"已跳过：{printable(name)}（{reason}）")
    print(f"\n数据库：{printable(db)}；共 {len(result.files)} 个文件，失败 {len(result.failed)} 个"
          + (f"，跳过 {len(result.skipped)} 项" if result.skipped else ""))
    return EXIT_OK if result.ok else EXIT_ERRORS


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """A name for the terminal: control characters (ANSI escapes, bidi overrides) removed, so a file name cannot
    move the cursor, recolour or rewrite the table."""
    return _CONTROL.sub("", str(text))


def format_outcomes(files: Sequence[FileOutcome]) -> str:
    header = ["文件", "结果", "单位", "年度", "模板", "错误", "警告", "提示", "原因"]
    rows = [
        [
            printable(f.source), OUTCOME_LABELS[f.outcome], printable(f.unit or ""), str(f.year or ""),
            f.template or "", *(str(f.problems.get(s, "")) for s in ("error", "warning", "info")),
            printable(f.reason or ""),
        ]
        for f in files
    ]  # fmt: skip
    return format_table(header, rows)
