"""Command line: thin wrappers, arguments -> library call -> exit code.

Exit codes: 0 clean, 1 errors found (e.g. files that failed), 2 warnings only, 3 could not run, 4 usage error.
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

__all__ = ["COMMANDS", "EXIT_USAGE", "EXIT_CANNOT_RUN", "EXIT_ERRORS", "EXIT_OK", "EXIT_WARNINGS", "build_parser", "main"]

COMMANDS = ("parse", "ingest", "fetch", "demo", "check", "review", "export", "prune")
EXIT_USAGE = 4  # a mistake in the command line (2 means "warnings found")
_MESSAGES = {"unrecognized arguments": "无法识别的参数", "the following arguments are required": "缺少必需的参数",
             "invalid choice": "无效的选择", "expected one argument": "需要一个值", "invalid int value": "不是整数",
             "choose from": "可选"}
EXIT_CODES = "退出码：0 无问题；1 发现错误；2 只有警告；3 无法运行；4 命令行用法有误"


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001 - argparse's signature
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """argparse with Chinese headings, the exit codes in every help and its own exit code for usage errors."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - passed on to argparse
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("epilog", EXIT_CODES)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "位置参数", "选项"
        self.add_argument("-h", "--help", action="help", help="显示此帮助并退出")

    def error(self, message: str):  # noqa: ANN201 - never returns
        self.print_usage(sys.stderr)
        for english, chinese in _MESSAGES.items():
            message = message.replace(english, chinese)
        self.exit(EXIT_USAGE, f"{self.prog}：用法有误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
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
