"""The app as a process of its own on a free port of 127.0.0.1, started by the launcher as the README starts it:
for the screenshots, the load benchmark and the browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LAUNCHER = __package__  # python -m gi_analytics.app (app/__main__.py)


@dataclass(frozen=True)
class LocalServer:
    url: str  # http://127.0.0.1:<port>
    port: int
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(
    db: str | os.PathLike[str],
    *,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[LocalServer]:
    """`python -m gi_analytics.app` on database `db`, run from `cwd` with `env` added to this environment, its
    output in `log` (else discarded); yields once the server answers its health check, stops it afterwards.
    RuntimeError (with the log) if it does not answer within `timeout` seconds."""
    port = free_port()
    environment = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(env or {}),
        "GI_DB": str(db),
    }
    cmd = [
        sys.executable,
        "-m",
        LAUNCHER,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("w")) if log is not None else subprocess.DEVNULL
        proc = subprocess.Popen(cmd, cwd=cwd, env=environment, stdout=out, stderr=subprocess.STDOUT)
        stack.callback(_stop, proc)
        server = LocalServer(f"http://127.0.0.1:{port}", port, proc)
        if not _healthy(server.url, timeout):
            raise RuntimeError("the app did not start" + (f": {log.read_text()}" if log is not None else ""))
        yield server


def _healthy(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return True
        time.sleep(0.2)
    return False


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
