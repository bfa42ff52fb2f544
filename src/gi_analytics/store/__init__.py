"""The database: the only package with SQL. connection (read-only per use, copy-on-write writes, damage),
schema.sql, write (a batch of parsed files), findings, read (frames and single reports), and the named queries
of the dashboard (selection, dashboard, reports, figures, text).

`from gi_analytics import store` gives every public name of the submodules, loaded on first use: importing
the package costs nothing, so the command line starts without DuckDB.
"""

from __future__ import annotations

import importlib
from typing import Any

_SUBMODULES = ("location", "records", "swap", "snapshot", "connection", "write", "findings", "read", "selection", "figures",
               "dashboard", "reports", "text", "fetches", "reviews")


def __getattr__(name: str) -> Any:
    for sub in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{sub}")
        if name == sub:
            return module
        if not name.startswith("_") and hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
