"""The command line starts light: building the parser, or parsing a text report, loads no heavy library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"
HEAVY = ("pandas", "duckdb", "sklearn", "scipy", "plotly", "pyarrow", "streamlit", "pdfplumber", "docx", "jieba")


def loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.split()


def test_help_loads_no_heavy_library() -> None:
    assert loaded_after("from gi_analytics.cli.main import build_parser\nbuild_parser()") == []


def test_parse_of_a_text_report_loads_no_heavy_library() -> None:
    code = (f"from gi_analytics.cli.main import main\nimport contextlib, io\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['parse', {str(SAMPLE)!r}, '--json']) == 0")
    assert loaded_after(code) == []


def test_the_probe_sees_a_heavy_import() -> None:
    assert "pandas" in loaded_after("import pandas")
