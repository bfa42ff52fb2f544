"""20 simulated users against a real `streamlit run app.py` on 127.0.0.1, with and without a concurrent ingest.

    nice python benchmarks/load.py                      # a copy of the demo database, 20 users, 2 × 60 s
    nice python benchmarks/load.py --users 20 --seconds 60 --think 3 --ramp 5 --db COPY.duckdb

Each user is one websocket session speaking Streamlit's own protocol (what the browser sends: a rerun with
the page's name), visiting the app's pages in turn, `--think` seconds apart; the users arrive over `--ramp`
seconds. The server's CPU time per page is printed too: on a shared machine it is the figure contention
does not change. A page's time runs from the
request until the server says the script finished (every element sent: "until it has drawn", without the
browser's own painting). An error is a page whose run raised, showed an error box or did not finish within
30 s. Bounded: at most `--users` sessions, `--seconds` per phase, `--max-pages` per user and phase. The
second phase runs `gi-analytics ingest` in a loop beside the users, each time with 5 changed reports (new
versions, so every ingest swaps a new file in), one starting every `--ingest-every` seconds at nice 19.

Targets (issue 14): median page < 1.5 s, p95 < 3 s, no error, with and without the ingest.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from gi_analytics.app import local

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "requests", "outcomes", "appeals", "warnings", "report", "compare", "import", "export")
TITLES = dict(
    zip(
        PAGES,
        ("总览", "申请量", "办理结果", "复议诉讼", "一致性警告", "报告详情", "文本对比", "导入", "导出"),
        strict=True,
    )
)
PAGE_TIMEOUT = 30.0


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, page: str, seconds: float) -> None:
        self.times.setdefault(page, []).append(seconds)

    def all(self) -> list[float]:
        return [t for ts in self.times.values() for t in ts]


def _rerun(page: str) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page
    return msg.SerializeToString()


def _problem(msg: ForwardMsg) -> str | None:
    """An exception or an error box in a delta, as text."""
    if not msg.HasField("delta") or not msg.delta.HasField("new_element"):
        return None
    element = msg.delta.new_element
    if element.HasField("exception"):
        return f"exception: {element.exception.message[:120]}"
    if element.HasField("alert") and element.alert.format == element.alert.ERROR:
        return f"error: {element.alert.body[:120]}"
    return None


def _title(msg: ForwardMsg) -> str | None:
    if (
        msg.HasField("delta")
        and msg.delta.HasField("new_element")
        and msg.delta.new_element.HasField("heading")
    ):
        return msg.delta.new_element.heading.body
    return None


async def _page(ws: websockets.ClientConnection, page: str) -> tuple[float, str | None]:
    start = time.perf_counter()
    await ws.send(_rerun(page))
    problem, seen = None, False
    async with asyncio.timeout(PAGE_TIMEOUT):
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())
            problem = problem or _problem(msg)
            seen = seen or _title(msg) == TITLES[page]
            if msg.HasField("script_finished"):
                if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return time.perf_counter() - start, problem or (
                        None if seen else "the page's title never came"
                    )
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun / switch_page: the same request goes on


async def _user(
    n: int, url: str, until: float, think: float, max_pages: int, out: Results, delay: float
) -> None:
    await asyncio.sleep(delay)  # users arrive one after another over the ramp-up, not in the same instant
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=2**26, open_timeout=30) as ws:
        for i in range(max_pages):
            if time.monotonic() > until:
                return
            page = PAGES[(n + i) % len(PAGES)]
            try:
                seconds, problem = await _page(ws, page)
            except TimeoutError:
                out.errors.append(f"{page}: no answer within {PAGE_TIMEOUT:.0f} s")
                return
            out.add(page, seconds)
            if problem:
                out.errors.append(f"{page}: {problem}")
            await asyncio.sleep(think)


async def _phase(
    url: str, users: int, seconds: float, think: float, max_pages: int, ramp: float = 0.0
) -> Results:
    out = Results()
    until = time.monotonic() + seconds
    tasks = [_user(n, url, until, think, max_pages, out, ramp * n / users) for n in range(users)]
    for result in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(result, BaseException):
            out.errors.append(f"session: {type(result).__name__}: {result}")
    return out


def _utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _ingest_loop(db: Path, stop: float, work: Path, every: float) -> tuple[int, int]:
    """Ingest 5 changed demo reports, one ingest started every `every` seconds (at nice 19: batch work yields
    to the pages) until `stop`: (ingests that landed, that failed)."""
    sources = [p for p in sorted((ROOT / "data" / "reports").glob("*.txt")) if _utf8(p)][:5]
    units = ROOT / "data" / "reports" / "units.csv"
    done = failed = 0
    while time.monotonic() < stop:
        started = time.monotonic()
        batch = work / f"batch{done + failed}"
        batch.mkdir()
        for src in sources:
            text = src.read_text(encoding="utf-8") + f"\n（第{done + failed}次）\n"
            (batch / src.name).write_text(text, encoding="utf-8")
        cmd = [
            "nice",
            "-n",
            "19",
            sys.executable,
            "-m",
            "gi_analytics",
            "ingest",
            str(batch),
            "--db",
            str(db),
            "--units",
            str(units),
        ]
        rc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        done, failed = (done + 1, failed) if rc in (0, 2) else (done, failed + 1)
        shutil.rmtree(batch)
        time.sleep(max(0.0, min(every - (time.monotonic() - started), stop - time.monotonic())))
    return done, failed


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process `pid` so far (from /proc): contention-independent cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float:
    """Resident memory of the process `pid` (from /proc), MiB."""
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _measured(name: str, pid: int, run: Callable[[], Results]) -> None:
    cpu, own, load = _cpu_seconds(pid), _cpu_seconds(os.getpid()), os.getloadavg()[0]
    res = run()
    pages = max(len(res.all()), 1)
    _report(name, res)
    print(
        f"    server CPU {(_cpu_seconds(pid) - cpu) / pages * 1000:.0f} ms per page, these simulated browsers "
        f"{(_cpu_seconds(os.getpid()) - own) / pages * 1000:.0f} ms; machine load average "
        f"{load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; server memory {_rss_mib(pid):.0f} MiB"
    )


def _report(name: str, res: Results) -> None:
    times = sorted(res.all())
    if not times:
        print(f"{name}: no page finished; errors: {res.errors[:5]}")
        return
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(
        f"{name}: pages={len(times)} median={statistics.median(times):.2f}s p95={p95:.2f}s "
        f"max={times[-1]:.2f}s errors={len(res.errors)}"
    )
    for page in PAGES:
        ts = sorted(res.times.get(page, []))
        if ts:
            print(f"    {page:<10} n={len(ts):<4} median={statistics.median(ts):.2f}s max={ts[-1]:.2f}s")
    for e in res.errors[:5]:
        print(f"    ! {e}")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed benchmark still stops its server
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="database to serve (default: a fresh copy of the demo)")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    ap.add_argument("--think", type=float, default=3.0, help="seconds between a user's pages")
    ap.add_argument(
        "--checkout", type=Path, default=ROOT, help="serve the app of another checkout (before/after)"
    )
    ap.add_argument("--ramp", type=float, default=5.0, help="seconds over which the users arrive")
    ap.add_argument(
        "--ingest-every", type=float, default=15.0, help="seconds from one ingest's start to the next"
    )
    ap.add_argument("--max-pages", type=int, default=200, help="pages per user and phase at most")
    args = ap.parse_args()
    users = max(1, min(args.users, 50))
    seconds = max(5.0, min(args.seconds, 600.0))
    with tempfile.TemporaryDirectory(prefix="gi_load_") as tmp:
        work = Path(tmp)
        db = args.db or work / "gi.duckdb"
        if args.db is None:
            subprocess.run(
                [sys.executable, "-m", "gi_analytics", "ingest", "--demo", "--db", str(db)],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        checkout = args.checkout.resolve()  # another checkout's app and package (before/after), these libraries
        env = {"PYTHONPATH": str(checkout / "src")} if checkout != ROOT else None
        with local.serving(db, cwd=checkout, env=env) as app:
            url = f"ws://127.0.0.1:{app.port}/_stcore/stream"
            pid = app.process.pid

            def phase(n: int, length: float) -> Results:
                return asyncio.run(_phase(url, n, length, args.think, args.max_pages, args.ramp))

            _report("warm-up (1 user, every page once)", asyncio.run(_phase(url, 1, 60, 0, len(PAGES))))
            _measured(f"1 user, {seconds / 2:.0f} s, no ingest", pid, lambda: phase(1, seconds / 2))
            _measured(f"{users} users, {seconds:.0f} s, no ingest", pid, lambda: phase(users, seconds))
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                ingests = pool.submit(_ingest_loop, db, time.monotonic() + seconds, work, args.ingest_every)
                _measured(
                    f"{users} users, {seconds:.0f} s, during ingests", pid, lambda: phase(users, seconds)
                )
                landed, failed = ingests.result()
            print(
                f"    ingests: {landed} landed, {failed} failed (one started every {args.ingest_every:g} s, nice 19)"
            )

if __name__ == "__main__":
    main()
