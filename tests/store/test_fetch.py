"""store.fetch.query_frame gives the frame DuckDB's own `.df()` gives, column for column (it only takes a faster
road through Arrow)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from gi_analytics.store.fetch import query_frame

TYPED = [
    ("i", "INTEGER", "1"),
    ("b", "BIGINT", "2"),
    ("t", "TINYINT", "3"),
    ("d", "DOUBLE", "1.5"),
    ("s", "VARCHAR", "'x镇'"),
    ("bo", "BOOLEAN", "TRUE"),
    ("day", "DATE", "DATE '2024-01-31'"),
    ("ts", "TIMESTAMP", "TIMESTAMP '2024-01-01 10:00'"),
    ("ints", "INTEGER[]", "[1, 2]"),
    ("names", "VARCHAR[]", "['甲', '乙']"),
    ("amount", "DECIMAL(5, 2)", "1.25"),
    ("huge", "HUGEINT", "7"),
]


def _row(nulls: bool) -> str:
    return "SELECT " + ", ".join(
        f"{'NULL' if nulls else value}::{kind} AS {name}" for name, kind, value in TYPED
    )


QUERIES = {
    "values": f"{_row(False)} UNION ALL {_row(False)}",
    "values and NULLs": f"{_row(False)} UNION ALL {_row(True)}",
    "only NULLs": _row(True),
    "no rows": f"{_row(False)} LIMIT 0",
    "repeated names": "SELECT 1 AS a, 2 AS a, 3 AS a",
    "parameters": "SELECT x, x::VARCHAR || ? AS label FROM range(5) t(x) WHERE x >= ?",
}


@pytest.mark.parametrize("sql", QUERIES.values(), ids=QUERIES.keys())
def test_the_same_frame_as_duckdbs_own(sql: str) -> None:
    con = duckdb.connect()
    params = ["号", 2] if "?" in sql else []
    got, expected = query_frame(con, sql, params), con.execute(sql, params).df()
    if expected.empty:  # no rows: DuckDB makes its text columns objects, Arrow makes them strings
        assert list(got.columns) == list(expected.columns)
        assert [str(t) for t in got.dtypes if str(t) not in ("object", "str")] == [
            str(t) for t in expected.dtypes if str(t) not in ("object", "str")
        ]
        return
    pd.testing.assert_frame_equal(got, expected)
