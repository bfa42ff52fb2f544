"""What every command shares: exit codes, the Chinese error line, the default database, a CJK-aligned table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..labels import display_width
from ..store.location import default_db

EXIT_OK, EXIT_ERRORS, EXIT_WARNINGS, EXIT_CANNOT_RUN = 0, 1, 2, 3
DB_HELP = "数据库文件（默认：环境变量 GI_DB 或 data/gi.duckdb）"


class CliError(Exception):
    """A user's mistake or a condition that stops the command: one Chinese sentence, exit 3."""


def fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return EXIT_CANNOT_RUN


def add_db_argument(p: argparse.ArgumentParser) -> None:
    """--db, defaulting to the one default database of every command."""
    p.add_argument("--db", type=Path, default=str(default_db()), help=DB_HELP)


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table aligned for CJK text (wide characters count as two columns)."""
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
