"""Command line: thin wrappers, arguments -> library call -> exit code.

Exit codes: 0 clean, 1 errors found (e.g. files that failed), 2 warnings only, 3 could not run.
A subcommand is one `@command(...)` function plus, if it takes arguments, a `configure` function.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .store import default_db  # noqa: F401 - one place for the default database (export_cli uses it too)

if TYPE_CHECKING:
    from .model import Report
    from .store import FileOutcome

EXIT_OK, EXIT_ERRORS, EXIT_WARNINGS, EXIT_CANNOT_RUN = 0, 1, 2, 3


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    configure: Callable[[argparse.ArgumentParser], None] | None = None


COMMANDS: dict[str, Command] = {}
# Subcommands written elsewhere as `add_<name>_command(subparsers)` (argparse style, `set_defaults(func=...)`).
EXTERNAL_COMMANDS = (
    "gi_analytics.checks.cli_command:add_check_command",
    "gi_analytics.export_cli:add_export_command",
    "gi_analytics.collect.command:add_fetch_command",
)


def command(
    name: str, help: str, configure: Callable[[argparse.ArgumentParser], None] | None = None
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register a subcommand: `@command("check", "校验报告", configure_check)` above
    `def run_check(args) -> int`."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = Command(name, help, run, configure)
        return run

    return register


class CliError(Exception):
    """A user's mistake or a condition that stops the command: one Chinese sentence, exit 3."""


def fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return EXIT_CANNOT_RUN


# ---------------------------------------------------------------- parse


def configure_parse(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="报告文件（.txt/.html/.docx/.pdf）")
    p.add_argument("--json", action="store_true", help="输出规范 JSON")


@command("parse", "解析一份报告并输出结果", configure_parse)
def run_parse(args: argparse.Namespace) -> int:
    from .ingest import ReadError
    from .ingest.files import read_path
    from .parse import parse_document

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
    from .form import TABLE_LABELS

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
    severity_names = {"error": "错误", "warning": "警告", "info": "提示"}
    for p in r.problems:
        where = f"（{p.where}）" if p.where else ""
        lines.append(f"  [{severity_names.get(str(p.severity), p.severity)}] {p.message}{where}")
    return "\n".join(lines)


# ---------------------------------------------------------------- ingest


def configure_ingest(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", type=Path, help="报告文件或文件夹（递归）")
    p.add_argument("--db", type=Path, help="数据库文件（默认：环境变量 GI_DB 或 data/gi.duckdb）")
    p.add_argument("--district", help="区县名称，用于本批全部文件")
    p.add_argument("--unit", help="单位名称，用于本批全部文件")
    p.add_argument("--year", type=int, help="报告年度，用于本批全部文件")
    p.add_argument("--units", type=Path, help="单位表 CSV（列：file, unit, district, kind）")
    p.add_argument("--demo", action="store_true", help="导入自带的示例报告 data/reports/")
    p.add_argument("--rebuild", action="store_true", help="从头重建数据库（旧文件保留为 .damaged）")
    p.add_argument("--workers", type=int, help="并行解析的进程数（默认：CPU 核数）")


@command("ingest", "导入报告文件到数据库", configure_ingest)
def run_ingest(args: argparse.Namespace) -> int:
    from .importer import DEMO_REPORTS, DEMO_UNITS, IngestError, ingest_paths

    paths = list(args.paths) + ([DEMO_REPORTS] if args.demo else [])
    if not paths:
        return fail("请给出要导入的文件或文件夹，或使用 --demo")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return fail(f"找不到：{'、'.join(missing)}")
    db = args.db or default_db()
    units = args.units or (DEMO_UNITS if args.demo and DEMO_UNITS.exists() else None)
    try:
        with _progress_bar() as progress:
            result = ingest_paths(
                paths, db, district=args.district, unit=args.unit, year=args.year, units_csv=units,
                progress=progress, workers=args.workers, rebuild=args.rebuild,
            )  # fmt: skip
    except IngestError as exc:
        return fail(str(exc))
    if not result.files:
        return fail("没有找到可导入的文件（支持 .txt .html .htm .docx .pdf）")
    print(format_outcomes(result.files))
    print(f"\n数据库：{db}；共 {len(result.files)} 个文件，失败 {len(result.failed)} 个")
    return EXIT_OK if result.ok else EXIT_ERRORS


class _progress_bar:  # noqa: N801 - used as a context manager like a function
    """A tqdm bar on stderr, created on the first progress call (when the total is known)."""

    def __init__(self) -> None:
        self.bar = None

    def __enter__(self) -> Callable[[int, int, str], None]:
        return self.update

    def update(self, done: int, total: int, name: str) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, unit="份", desc="导入", file=sys.stderr, dynamic_ncols=True)
        self.bar.update(done - self.bar.n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def format_outcomes(files: Sequence[FileOutcome]) -> str:
    from .store import OUTCOME_LABELS

    header = ["文件", "结果", "单位", "年度", "模板", "错误", "警告", "提示", "原因"]
    rows = [
        [
            f.source, OUTCOME_LABELS[f.outcome], f.unit or "", str(f.year or ""), f.template or "",
            *(str(f.problems.get(s, "")) for s in ("error", "warning", "info")), f.reason or "",
        ]
        for f in files
    ]  # fmt: skip
    return format_table(header, rows)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table aligned for CJK text (wide characters count as two columns)."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ---------------------------------------------------------------- demo


def _year_range(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        raise argparse.ArgumentTypeError("年份范围应写作 2019-2025")
    first, last = int(match[1]), int(match[2] or match[1])
    if first > last:
        raise argparse.ArgumentTypeError("年份范围的起始年不能晚于结束年")
    return first, last


def configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--units", type=int, default=25, help="单位数量（默认 25）")
    p.add_argument("--years", type=_year_range, default=(2019, 2025), help="年份范围，如 2019-2025")
    p.add_argument("--out", type=Path, required=True, help="输出目录")
    p.add_argument("--seed", type=int, default=7, help="随机种子：相同种子生成相同文件")
    p.add_argument("--formats", default="txt,html,docx,pdf", help="文件格式，逗号分隔：txt,html,docx,pdf")
    p.add_argument("--district", default="示例区", help="区县名称")


@command("demo", "生成示例区县的报告文件（含 manifest.json 与 units.csv）", configure_demo)
def run_demo(args: argparse.Namespace) -> int:
    from .demo import generate_corpus, generate_district

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = set(formats) - {"txt", "html", "docx", "pdf"}
    if unknown or not formats or args.units < 1:
        raise CliError(f"无法生成：格式 {','.join(sorted(unknown)) or '为空'} 不支持，或单位数量小于 1")
    small = args.units <= 100
    generate = generate_district if small else generate_corpus
    manifest = generate(
        args.out, units=args.units, years=args.years, seed=args.seed, formats=formats, district=args.district
    )
    print(f"已生成 {len(manifest.files)} 份报告、{len(manifest.anomalies)} 处注入的异常：{args.out}")
    return EXIT_OK


# ---------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gi-analytics", description="政府信息公开工作年度报告：解析、导入、校验"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="命令")
    for cmd in COMMANDS.values():
        sub = subparsers.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        if cmd.configure is not None:
            cmd.configure(sub)
        sub.set_defaults(run=cmd.run)
    for spec in EXTERNAL_COMMANDS:
        _add_external(subparsers, spec)
    return parser


def _add_external(subparsers: argparse._SubParsersAction, spec: str) -> None:
    module, _, func = spec.partition(":")
    getattr(importlib.import_module(module), func)(subparsers)
    name = next(reversed(subparsers.choices))
    if any(a.dest == "db" for a in subparsers.choices[name]._actions):
        subparsers.choices[name].set_defaults(db=str(default_db()))  # one default database for every command


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None) or getattr(args, "func", None)
    if run is None:
        parser.print_help(sys.stderr)
        return EXIT_CANNOT_RUN
    try:
        return run(args)
    except CliError as exc:
        return fail(str(exc))
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
    except KeyboardInterrupt:
        print("已中断，数据库未改变", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
