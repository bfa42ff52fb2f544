"""`gi-analytics demo --out DIR`: generate a district of messy report files (and manifest.json, units.csv)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..labels import parse_year_range
from .common import EXIT_OK, CliError

HELP = "生成示例区县的报告文件（含 manifest.json 与 units.csv）"


def _year_range(text: str) -> tuple[int, int]:
    try:
        return parse_year_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help=HELP, description=HELP)
    p.add_argument("--units", type=int, default=25, help="单位数量（默认 25）")
    p.add_argument("--years", type=_year_range, default=(2019, 2025), help="年份范围，如 2019-2025")
    p.add_argument("--out", type=Path, required=True, help="输出目录")
    p.add_argument("--seed", type=int, default=7, help="随机种子：相同种子生成相同文件")
    p.add_argument("--formats", default="txt,html,docx,pdf", help="文件格式，逗号分隔：txt,html,docx,pdf")
    p.add_argument("--district", default="示例区", help="区县名称")
    p.set_defaults(run=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from ..demo.corpus import generate_corpus
    from ..demo.generator import generate_district

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = set(formats) - {"txt", "html", "docx", "pdf"}
    if unknown or not formats or args.units < 1:
        raise CliError(f"无法生成：格式 {','.join(sorted(unknown)) or '为空'} 不支持，或单位数量小于 1")
    small = args.units <= 100
    generate = generate_district if small else generate_corpus
    manifest = generate(args.out, units=args.units, years=args.years, seed=args.seed, formats=formats,
                        district=args.district)
    print(f"已生成 {len(manifest.files)} 份报告、{len(manifest.anomalies)} 处注入的异常：{args.out}")
    return EXIT_OK
