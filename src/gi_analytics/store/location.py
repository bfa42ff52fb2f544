"""Where the database is when none is named. No DuckDB import: the CLI's start-up reads this."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "GI_DB"
BUNDLED_DB = Path(__file__).resolve().parents[3] / "data" / "gi.duckdb"


def default_db() -> Path:
    """The database used when none is named: environment variable GI_DB, else data/gi.duckdb in the repo."""
    return Path(os.environ.get(DB_ENV) or BUNDLED_DB)
