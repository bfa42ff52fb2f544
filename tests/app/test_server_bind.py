"""The app with the bundled config listens on the loopback address only: `streamlit run app.py` in the project,
and the launcher `python -m gi_analytics.app` wherever it is started from."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gi_analytics.app import local

ROOT = Path(__file__).resolve().parents[2]


def _listening(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.parametrize(
    ("launch", "where"),
    [(["streamlit", "run", "app.py"], "project"), (["gi_analytics.app"], "elsewhere")],
    ids=["streamlit-run", "launcher"],
)
def test_the_bundled_config_binds_to_loopback_only(tmp_path: Path, launch: list[str], where: str) -> None:
    port = local.free_port()
    env = {**os.environ, "GI_DB": str(tmp_path / "gi.duckdb")}
    cmd = [sys.executable, "-m", *launch, "--server.headless", "true", "--server.port", str(port)]
    cwd = ROOT if where == "project" else tmp_path
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _listening(port) == {"0100007F"}  # 127.0.0.1, and no 0.0.0.0 or IPv6 wildcard
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_bundled_config_runs_no_full_garbage_collection_and_no_code_reloading(monkeypatch) -> None:
    """Streamlit's default `runner.postScriptGC` collects every generation after each run of a page: under 20
    users that was 92 % of the server's CPU (benchmarks/load.py, py-spy), and pages queued behind it. Its file
    watcher unloaded the app's modules under running pages when the code was updated."""
    from streamlit import config

    monkeypatch.chdir(ROOT)  # where the launcher runs the server
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
        assert config.get_option("server.address") == "127.0.0.1"
        assert config.get_option("server.fileWatcherType") == "none"
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)
