"""Plotly figures -> PNG/SVG for meetings (tables: tables.py; the PPTX/PDF pack: slides.py).

Images are drawn by one headless Chromium per process (kaleido 1.x), started on first use and reused: starting
it costs seconds, a figure after that a fraction of a second. kaleido's own `start_sync_server` is neither
thread-safe (Streamlit serves each session from its own thread) nor able to time out when Chromium dies, so the
browser lives here on a private event-loop thread and every render is a future with a timeout.
No streamlit, no database. For the page authors: `figure_downloads(fig)` and `table_downloads(df)`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import plotly.graph_objects as go

from ..charts.plots import FONT_FAMILY

IMAGE_FORMATS = ("png", "svg")
TABLE_FORMATS = ("csv", "xlsx")
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
DEFAULT_SIZE = (1000, 560)  # CSS pixels; PNG gets `scale` times as many
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_ENV = ("GI_CHROMIUM", "BROWSER_PATH")
START_TIMEOUT, RENDER_TIMEOUT = 60.0, 60.0
BROWSER_TABS = 2  # figures rendered at once
NO_BROWSER = (
    "无法导出图片：未找到 Chromium 浏览器。请安装（Debian/Ubuntu：apt-get install chromium fonts-noto-cjk，"
    "或运行 scripts/setup.sh），或用环境变量 GI_CHROMIUM 指定浏览器路径。表格导出不受影响。"
)


class ExportError(Exception):
    """An export that cannot be made; the message says why, in Chinese."""


# ---- the browser --------------------------------------------------------------------------------


def browser_path() -> str | None:
    """The Chromium/Chrome to use: GI_CHROMIUM or BROWSER_PATH if set, else the first one on PATH."""
    for var in BROWSER_ENV:
        if os.environ.get(var):
            path = os.environ[var]
            return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    return next((p for p in map(shutil.which, BROWSER_NAMES) if p), None)


class _Browser:
    """One kaleido (headless Chromium) on its own event loop thread; thread-safe `render`."""

    def __init__(self, path: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="gi-export-chromium", daemon=True)
        self.thread.start()
        self.kaleido = self._call(self._open(path), START_TIMEOUT)

    async def _open(self, path: str) -> Any:
        import kaleido

        k = kaleido.Kaleido(path=path, n=BROWSER_TABS, mathjax=False, timeout=RENDER_TIMEOUT)  # mathjax=False: no CDN
        await k.open()
        return k

    def _call(self, coro: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def submit(self, fig: dict, opts: dict) -> Future:
        return asyncio.run_coroutine_threadsafe(self.kaleido.calc_fig(fig, opts=opts), self.loop)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing at exit: nothing left to tell anyone
            self._call(self.kaleido.close(), 10)
        self.loop.call_soon_threadsafe(self.loop.stop)


_browser: _Browser | None = None
_browser_lock = threading.Lock()


def _get_browser() -> _Browser:
    global _browser
    with _browser_lock:
        if _browser is None or not _browser.thread.is_alive():
            path = browser_path()
            if path is None:
                raise ExportError(NO_BROWSER)
            try:
                _browser = _Browser(path)
            except Exception as exc:
                raise ExportError(f"无法启动 Chromium（{path}）导出图片：{exc}") from exc
            atexit.register(_browser.close)
        return _browser


def _reset_browser(broken: _Browser) -> None:
    """Forget a browser that failed so the next export starts a fresh one."""
    global _browser
    with _browser_lock:
        if _browser is broken:
            _browser = None
    threading.Thread(target=broken.close, daemon=True).start()


# ---- figures ------------------------------------------------------------------------------------


def _size(fig: go.Figure, width: int | None, height: int | None) -> tuple[int, int]:
    return (
        int(width or fig.layout.width or DEFAULT_SIZE[0]),
        int(height or fig.layout.height or DEFAULT_SIZE[1]),
    )


def for_export(fig: go.Figure) -> go.Figure:
    """A copy with the CJK font family everywhere text is drawn (SVG only names fonts: the viewer picks)."""
    out = go.Figure(fig)
    out.update_layout(font_family=FONT_FAMILY, title_font_family=FONT_FAMILY, hoverlabel_font_family=FONT_FAMILY)
    return out


def _render_opts(fig: go.Figure, fmt: str, width: int | None, height: int | None, scale: float) -> dict:
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"不支持的图片格式：{fmt}（可选：{'、'.join(IMAGE_FORMATS)}）")
    w, h = _size(fig, width, height)
    return {"format": fmt, "width": w, "height": h, "scale": scale if fmt == "png" else 1}


def figure_images(
    figs: list[go.Figure], fmt: str = "png", width: int | None = None, height: int | None = None, scale: float = 2,
    on_each: Callable[[int], None] | None = None,
) -> list[bytes]:
    """PNG or SVG bytes of several figures, rendered concurrently in the browser's tabs; `on_each(i)` after
    the i-th is done."""
    jobs = [(for_export(f).to_dict(), _render_opts(f, fmt, width, height, scale)) for f in figs]
    browser = _get_browser()
    futures = [browser.submit(spec, opts) for spec, opts in jobs]
    try:
        out = []
        for i, future in enumerate(futures):
            out.append(future.result(RENDER_TIMEOUT + 5))
            if on_each is not None:
                on_each(i)
        return out
    except FutureTimeout as exc:
        _reset_browser(browser)
        raise ExportError(f"导出图片超时（超过 {RENDER_TIMEOUT:.0f} 秒），请重试") from exc
    except Exception as exc:
        _reset_browser(browser)
        raise ExportError(f"导出图片失败：{exc}") from exc


def figure_image(
    fig: go.Figure, fmt: str = "png", width: int | None = None, height: int | None = None, scale: float = 2
) -> bytes:
    """PNG or SVG bytes of a figure, `width`×`height` CSS pixels (PNG: times `scale`)."""
    return figure_images([fig], fmt, width, height, scale)[0]


def warm_up() -> None:
    """Start the browser in the background (while the caller queries the database); errors surface later."""
    def start() -> None:
        with contextlib.suppress(ExportError):
            _get_browser()

    threading.Thread(target=start, daemon=True).start()


def figure_png(fig: go.Figure, width: int | None = None, height: int | None = None, scale: float = 2) -> bytes:
    return figure_image(fig, "png", width, height, scale)


def figure_svg(fig: go.Figure, width: int | None = None, height: int | None = None) -> bytes:
    return figure_image(fig, "svg", width, height)


def figure_downloads(fig: go.Figure, width: int | None = None, height: int | None = None) -> dict[str, bytes]:
    """{"png": 2× PNG bytes, "svg": SVG bytes} of a figure, for st.download_button (mime: MIME[fmt])."""
    return {fmt: figure_image(fig, fmt, width, height) for fmt in IMAGE_FORMATS}
