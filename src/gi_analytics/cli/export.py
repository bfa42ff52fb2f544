"""`gi-analytics export pack|chart|table`: arguments -> `pack`/`export` call -> file and exit code.

Registered by cli/main.py like every command (`register(subparsers)`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..labels import PACK_PARTS
from .common import EXIT_OK, ProgressBar, add_db_argument, fail

if TYPE_CHECKING:
    from ..export import pack

KINDS = {"pack": ("pptx", "pdf"), "chart": ("png", "svg"), "table": ("csv", "xlsx"), "notices": ()}
HELP = "导出会议材料（pptx/pdf）、图表（png/svg）或表格（csv/xlsx）"


def configure_export(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "kind",
        choices=list(KINDS),
        help="pack：会议材料；chart：单张图表；table：表格；notices：整改通知与问题台账",
    )
    p.add_argument("name", nargs="?", help="图表或表格的名称（不写则列出全部名称）")
    p.add_argument("--out", type=Path, help="输出文件，类型由扩展名决定")
    add_db_argument(p)
    p.add_argument("--district", help="区县名称（不写则为整个数据库，全部区县；未填区县的单位：--district \"\"）")
    p.add_argument("--years", help="年度或年度范围，如 2023 或 2021-2023（默认：全部年度）")
    p.add_argument("--parts", help=f"会议材料包含的内容，逗号分隔（默认全部：{','.join(PACK_PARTS)}）")
    p.add_argument("--width", type=int, help="图表宽度（像素，PNG 为其 2 倍）")
    p.add_argument("--height", type=int, help="图表高度（像素）")
    p.add_argument("--status", default="已确认", help="整改通知收录的核实状态（默认：已确认）")


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = subparsers.add_parser("export", help=HELP, description=HELP)
    configure_export(sub)
    sub.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    from ..export import ExportError
    from ..store.records import StoreError

    try:
        return _run(args)
    except (ExportError, StoreError) as exc:
        return fail(str(exc))


def _run(args: argparse.Namespace) -> int:
    from ..export import pack

    if args.kind == "notices":
        return _notices(args)
    registry = {"chart": pack.CHARTS, "table": pack.TABLES}.get(args.kind, {})
    if args.kind != "pack" and args.name not in registry:
        what = "图表" if args.kind == "chart" else "表格"
        print(
            "可导出的名称：\n" + "\n".join(f"  {n}  {s.title}" for n, s in registry.items()), file=sys.stderr
        )
        return fail(f"没有名为“{args.name}”的{what}" if args.name else f"请给出{what}名称")
    fmt = _format(args)
    db = args.db
    if not Path(db).exists():
        return fail(f"数据库不存在：{db}，请先导入报告（gi-analytics ingest）或用 --db 指定")
    data = _pack(args, str(db), fmt) if args.kind == "pack" else _single(args, registry, str(db), fmt)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"已导出：{args.out}（{len(data) / 1024:,.0f} KB）")
    return EXIT_OK


def _notices(args: argparse.Namespace) -> int:
    """One 整改通知 (DOCX) per unit with findings in --status, and 问题台账.xlsx, into the folder --out."""
    from ..export.notices import write_notices

    if args.out is None:
        return fail("请用 --out 给出输出文件夹")
    if not Path(args.db).exists():
        return fail(f"数据库不存在：{args.db}，请先导入报告（gi-analytics ingest）或用 --db 指定")
    files = write_notices(args.db, args.out, args.status)
    print(f"已生成 {len(files) - 1} 份整改通知和问题台账：{args.out}")
    return EXIT_OK


def _format(args: argparse.Namespace) -> str:
    from ..export import ExportError

    if args.out is None:
        raise ExportError("请用 --out 给出输出文件")
    fmt = args.out.suffix.lower().lstrip(".")
    allowed = KINDS[args.kind]
    if fmt not in allowed:
        raise ExportError(
            f"输出文件的扩展名应为 {' 或 '.join('.' + a for a in allowed)}，而不是“{args.out.name}”"
        )
    return fmt


def _filters(args: argparse.Namespace, db: str) -> pack.Filters:
    """The selection of --district and --years, checked against the database when a district is named."""
    from .. import analytics
    from ..export import pack

    lo, hi = pack.parse_years(args.years) if args.years else (None, None)
    if args.district is None:
        return pack.Filters(year_from=lo, year_to=hi)
    if lo is None or hi is None:
        years = analytics.filter_options(db).years
        lo, hi = (years[0], years[-1]) if years else (0, 0)
    return pack.selection(db, args.district, (lo, hi))


def _pack(args: argparse.Namespace, db: str, fmt: str) -> bytes:
    from .. import analytics, export
    from ..export import pack

    f = _filters(args, db)
    held = analytics.filter_options(db).years
    span = (f.year_from or held[0], f.year_to or held[-1]) if held else (0, 0)
    if args.district is None:  # the whole database, and its title says so
        print(f"未指定 --district：导出整个数据库（{pack.ALL_DISTRICTS}）", file=sys.stderr)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()] if args.parts else list(pack.PARTS)
    with ProgressBar("会议材料", "步") as progress:
        built = pack.build_pack(db, args.district, span, parts, progress=progress)
    return export.pack_file(built, fmt)


def _single(args: argparse.Namespace, registry: dict, db: str, fmt: str) -> bytes:
    from .. import export
    from ..export import pack

    source = pack.Source(db, _filters(args, db))
    spec = registry[args.name]
    if args.kind == "table":
        table = pack.build_table(spec, source)
        return export.table_csv(table) if fmt == "csv" else export.table_xlsx(table, sheet=spec.title)
    chart = pack.build_chart(spec, source)
    if chart is None:
        raise export.ExportError(f"所选范围内没有“{spec.title}”的数据")
    return export.figure_image(chart[0], fmt, args.width, args.height)
