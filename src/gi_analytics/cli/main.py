"""Command line: thin wrappers, arguments -> library call -> exit code.

Exit codes: 0 clean, 1 errors found (e.g. files that failed), 2 warnings only, 3 could not run.
Each command is one module of this package with `register(subparsers)`, which adds its parser and sets
`run`. Command modules import only argparse-level code at the top; pandas, DuckDB, the readers and the
parser load inside `run`, so `gi-analytics --help` starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from .common import EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, EXIT_WARNINGS, CliError, fail

__all__ = ["COMMANDS", "EXIT_CANNOT_RUN", "EXIT_ERRORS", "EXIT_OK", "EXIT_WARNINGS", "build_parser", "main"]

COMMANDS = ("parse", "ingest", "fetch", "demo", "check", "review", "export")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gi-analytics", description="政府信息公开工作年度报告：解析、导入、校验"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
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
