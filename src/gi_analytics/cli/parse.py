"""`gi-analytics parse FILE [--json]`: one report -> its summary or the canonical JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..labels import SEVERITY_LABELS
from .common import EXIT_OK, fail

if TYPE_CHECKING:
    from ..model import Report

HELP = "解析一份报告并输出结果"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("parse", help=HELP, description=HELP)
    p.add_argument("file", type=Path, help="报告文件（.txt/.html/.docx/.pdf）")
    p.add_argument("--json", action="store_true", help="输出规范 JSON")
    p.set_defaults(run=run_parse)


def run_parse(args: argparse.Namespace) -> int:
    from ..parse import parse_document
    from ..readers import ReadError
    from ..readers.files import read_path

    try:
        report = parse_document(read_path(args.file))
    except ReadError as exc:
        return fail(f"无法读取 {args.file}：{exc}")
    if args.json:
        print(json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(summarize_report(report))
    return EXIT_OK


def summarize_report(r: Report) -> str:
    from ..form_spec import TABLE_LABELS

    period = f"{r.period.start} 至 {r.period.end}" if r.period else "未识别"
    tables = [f"{TABLE_LABELS.get(n, n)}（{len(rows)} 行）" for n, rows in r.tables.items()]
    lines = [
        f"文件：{r.source}",
        f"单位：{r.unit or '未识别'}",
        f"年度：{r.year or '未识别'}",
        f"模板：{r.template or '未识别'}",
        f"统计期限：{period}",
        f"发布日期：{r.published or '未识别'}",
        f"表格：{'；'.join(tables) if tables else '未找到'}",
        f"章节：{'、'.join(str(s.no) for s in r.sections) or '未找到'}",
        f"问题：{len(r.problems)} 个",
    ]
    for p in r.problems:
        where = f"（{p.where}）" if p.where else ""
        lines.append(f"  [{SEVERITY_LABELS.get(str(p.severity), p.severity)}] {p.message}{where}")
    return "\n".join(lines)
