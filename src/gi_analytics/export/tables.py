"""DataFrames -> CSV (UTF-8 with BOM, for Excel) and XLSX with Chinese column labels; the download buttons'
arguments for figures and tables, made only when clicked."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..labels import SHARE_COLUMNS, display_width
from .images import IMAGE_FORMATS, MIME, figure_image


def labelled(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Only the labelled columns, renamed to their Chinese labels, in the labels' order (all if no labels).
    Shares keep their values and are marked as such in `df.attrs["shares"]` (by the new names)."""
    if not labels:
        return df
    cols = [c for c in labels if c in df.columns]
    out = df[cols].rename(columns=dict(labels))
    out.attrs["shares"] = [labels[c] for c in cols if _is_share(df, c)] + list(df.attrs.get("shares", []))
    return out


def _is_share(df: pd.DataFrame, col: Any) -> bool:
    return (col in SHARE_COLUMNS or col in df.attrs.get("shares", ())) and pd.api.types.is_numeric_dtype(df[col])


def for_meeting(df: pd.DataFrame) -> tuple[pd.DataFrame, list[Any]]:
    """Numbers as a reader expects them: counts that came out as floats (247.0, NaN where blank) as integers;
    returns the frame and the share columns, to be shown as per cent."""
    out = df.copy()
    shares = [c for c in out.columns if _is_share(df, c)]
    for col in out.columns:
        values = out[col]
        if col not in shares and pd.api.types.is_float_dtype(values):
            known = values.dropna()
            if len(known) and (known == known.round()).all() and known.abs().max() < 2**53:
                out[col] = values.astype("Int64")
    return out, shares


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula (OWASP)


def is_formula_like(value: object) -> bool:
    """A text that Excel, LibreOffice or Google Sheets could run as a formula; numbers never are."""
    return isinstance(value, str) and value.startswith(_FORMULA_STARTS)


def csv_safe(value: object) -> object:
    """OWASP CSV-injection escaping: a formula-like text gets a leading single quote; other values as they are."""
    return "'" + value if is_formula_like(value) else value  # type: ignore[operator]


def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns and headers escaped; numeric columns untouched (a negative number stays a number)."""
    out = df.rename(columns=lambda c: csv_safe(str(c)))
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_safe)
    return out


def table_csv(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel opens the Chinese text correctly; no cell can run as a formula; counts
    as integers, shares as per cent ("54.3%", which Excel reads as a number)."""
    data, shares = for_meeting(labelled(df, labels))
    for col in data.columns:
        if col in shares:
            data[col] = [None if pd.isna(v) else f"{v:.1%}" for v in data[col]]
        elif pd.api.types.is_float_dtype(data[col]):
            data[col] = data[col].round(2)
    data = _csv_frame(data)
    text = data.to_csv(index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _column_widths(df: pd.DataFrame, sample: int = 500, limit: int = 60) -> list[float]:
    widths = []
    for col in df.columns:
        values = [v for v in df[col].head(sample) if v is not None and not (isinstance(v, float) and v != v)]
        longest = max([display_width(col), *(display_width(v) for v in values)])
        widths.append(min(max(longest + 2, 6), limit))
    return widths


def _excel_value(value: Any) -> Any:
    """A cell value openpyxl accepts: lists joined, NaN empty, numpy scalars as Python ones."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "、".join(map(str, list(value)))
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if isinstance(value, np.generic) else value


def table_xlsx(df: pd.DataFrame, labels: Mapping[str, str] | None = None, sheet: str = "数据") -> bytes:
    """XLSX: bold header row, frozen below the header, columns sized to their content (CJK counts double)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    data, shares = for_meeting(labelled(df, labels))
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in data.columns])
    for row in data.itertuples(index=False, name=None):
        ws.append([_excel_value(v) for v in row])
    _as_text(ws)
    for i, col in enumerate(data.columns, start=1):
        fmt = "0.0%" if col in shares else "0.0" if pd.api.types.is_float_dtype(data[col]) else None
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i) if fmt else ():
            cell.number_format = fmt
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A2"
    for i, width in enumerate(_column_widths(data), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _as_text(ws: Any) -> None:
    """openpyxl stores any string starting with "=" as a formula: type such cells as strings, shown with a
    quote prefix so Excel keeps them text when edited."""
    for row in ws.iter_rows():
        for cell in row:
            if is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def table_downloads(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """{"csv": UTF-8-BOM CSV bytes, "xlsx": XLSX bytes} of a table, for st.download_button (mime: MIME[fmt])."""
    return {"csv": table_csv(df, labels), "xlsx": table_xlsx(df, labels)}


@dataclass(frozen=True)
class Download:
    """Arguments of one st.download_button; `data` is a callable, run when the user clicks.

    `for d in figure_download_items(fig, "申请量趋势"):
         st.download_button(d.label, d.data, d.file_name, d.mime, key=..., on_click="ignore")`"""

    label: str
    file_name: str
    mime: str
    data: Callable[[], bytes]


def figure_download_items(fig: go.Figure, name: str, width: int | None = None,
                          height: int | None = None) -> list[Download]:
    """PNG (2×) and SVG downloads of a figure, drawn on click."""
    return [Download(f"下载 {fmt.upper()}", f"{name}.{fmt}", MIME[fmt],
                     lambda fmt=fmt: figure_image(fig, fmt, width, height)) for fmt in IMAGE_FORMATS]


def table_download_items(df: pd.DataFrame, name: str, labels: Mapping[str, str] | None = None) -> list[Download]:
    """CSV (UTF-8 with BOM) and XLSX downloads of a table, written on click."""
    return [Download("下载 CSV", f"{name}.csv", MIME["csv"], lambda: table_csv(df, labels)),
            Download("下载 XLSX", f"{name}.xlsx", MIME["xlsx"], lambda: table_xlsx(df, labels, sheet=name))]
