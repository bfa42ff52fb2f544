"""Start-up of the command line next to a bare Python, in the same run: `python benchmarks/cli_startup.py`.

Prints the median wall time of `python -c pass`, `gi-analytics --help` and `gi-analytics parse` of the sample
report (--json), and each one's ratio to `python -c pass`. Target (issue 12): both ratios under 20×.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "000_32c9a0a42e9b7f0e.txt"


def entry_point() -> str:
    """The installed `gi-analytics` next to this Python (the virtual environment's), else the one on PATH."""
    beside = Path(sys.executable).with_name("gi-analytics")
    found = str(beside) if beside.exists() else shutil.which("gi-analytics")
    if not found:
        sys.exit("gi-analytics is not installed: run `bash scripts/setup.sh` first")
    return found


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (the median is shown)")
    runs = parser.parse_args().runs
    cli = entry_point()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "gi-analytics --help": [cli, "--help"],
        "gi-analytics parse sample --json": [cli, "parse", str(SAMPLE), "--json"],
    }
    base = None
    for name, cmd in commands.items():
        seconds = median_seconds(cmd, runs)
        base = base or seconds
        print(f"{name:34s} {seconds * 1000:7.1f} ms  {seconds / base:5.1f}×")


if __name__ == "__main__":
    main()
