"""`gi-analytics check` over a real DuckDB file: JSON fields and exit codes."""

from __future__ import annotations

import argparse
import json

import duckdb
from test_checks_series import district, write_db

from gi_analytics.cli.check import register as add_check_command
from gi_analytics.ingest.derive import run_all


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_check_command(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.run(args)


def test_check_command_json_and_exit_codes(tmp_path, capsys):
    db = tmp_path / "gi.duckdb"
    write_db(db, district()[0])
    con = duckdb.connect(str(db))
    run_all(con)
    con.close()
    assert run(["check", "--db", str(db), "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert {"check", "severity", "unit", "year", "table", "row", "column", "expected", "actual", "message"} <= set(rows[0])
    assert run(["check", "--db", str(db), "--unit", "丙乡", "--format", "json"]) == 2
    assert {r["check"] for r in json.loads(capsys.readouterr().out)} == {"series.missing_report"}
    assert run(["check", "--db", str(db), "--unit", "丙乡", "--year", "2020"]) == 0
    assert "没有发现问题" in capsys.readouterr().out
    assert run(["check", "--db", str(tmp_path / "none.duckdb")]) == 3
