"""What every command shares: exit codes, the Chinese error line, the default database, a CJK-aligned table."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
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


class ProgressBar:
    """The command line's one progress style: a tqdm bar on stderr, created on the first progress call (when
    the total is known); `with ProgressBar("导入", "份") as progress: run(progress=progress)`."""

    def __init__(self, desc: str, unit: str) -> None:
        self.desc, self.unit, self.bar = desc, unit, None

    def __enter__(self) -> Callable[[int, int, str], None]:
        return self.update

    def update(self, done: int, total: int, name: str) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, unit=self.unit, desc=self.desc, file=sys.stderr, dynamic_ncols=True)
        self.bar.set_postfix_str(name, refresh=False)
        self.bar.update(done - self.bar.n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
