"""Screenshots of every page of the app, as a supervisor sees them, for review and for the docs.

    .venv/bin/python scripts/screenshots.py [--db data/gi.duckdb] [--out docs/screenshots] [--width 1440]
        [--name demo] [--page overview ...]

Starts the app (`python -m gi_analytics.app`) on a free port of 127.0.0.1 against the database, opens each page in headless
Chromium (Debian's /usr/bin/chromium, through Playwright), waits until it has drawn, and writes
`<out>/<name>-<page>.png` (full page). Prints each file with any exception or English text it noticed.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from gi_analytics.app import local

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = ["overview", "requests", "outcomes", "appeals", "warnings", "report", "compare", "import", "export"]
# English a user could read: words of two or more Latin letters, outside of file names and units like MB
_ENGLISH = re.compile(
    r"\b(?!MB\b|Markdown\b|PNG\b|SVG\b|CSV\b|XLSX\b|PDF\b|PPTX\b|DOCX\b|HTML\b|TXT\b|ZIP\b)[A-Za-z]{3,}\b"
)


def shoot(url: str, pages: list[str], out: Path, name: str, width: int) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    files = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 1000}, locale="zh-CN")
        page.goto(url)  # the first visit runs app.py: later deep links open inside its navigation
        page.wait_for_selector("[data-testid='stMain']", timeout=60_000)
        _settle(page)
        for slug in pages:
            page.set_viewport_size({"width": width, "height": 1000})
            page.goto(f"{url}/{'' if slug == 'overview' else slug}")  # the overview is the app's address itself
            page.wait_for_selector("[data-testid='stMain']", timeout=60_000)
            _settle(page)
            path = out / f"{name}-{slug}.png"
            tall = page.evaluate(  # the app scrolls inside its main area: make the window as tall as its content
                "Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMain] > div')]"
                ".map(e => e.scrollHeight))"
            )
            page.set_viewport_size({"width": width, "height": min(max(int(tall), 1000), 12000)})
            _settle(page, quiet_ms=800)
            page.screenshot(path=str(path), full_page=True)
            errors = page.locator("[data-testid='stException']").count()
            english = sorted(set(_ENGLISH.findall(_visible_text(page))))
            print(f"{path}  exceptions={errors}  english={english[:12]}")
            files.append(path)
        browser.close()
    return files


def _visible_text(page) -> str:
    """The main area's text as a reader sees it: without the names of Material icons (drawn as symbols)."""
    return page.locator("[data-testid='stMain']").evaluate(
        """main => { const copy = main.cloneNode(true);
        copy.querySelectorAll("[data-testid='stIconMaterial'], [data-testid='stAlertDynamicIcon']").forEach(icon => icon.remove());
        document.body.appendChild(copy); const text = copy.innerText; copy.remove(); return text; }"""
    )


def _settle(page, quiet_ms: int = 1500, limit_s: float = 60) -> None:
    """Wait until no spinner shows and the page has stopped changing for `quiet_ms`."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + limit_s
    last, stable_since = None, time.monotonic()
    while time.monotonic() < deadline:
        try:
            busy = page.locator("[data-testid='stStatusWidget'], [data-testid='stSpinner']").count()
            html = page.content()
        except PlaywrightError:  # the page is reloading (a fresh server's first visit does so once)
            page.wait_for_timeout(300)
            continue
        if html != last or busy:
            last, stable_since = html, time.monotonic()
        elif time.monotonic() - stable_since > quiet_ms / 1000:
            return
        page.wait_for_timeout(300)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "gi.duckdb")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--name", default="demo", help="prefix of the file names (demo, own, empty, …)")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--page", action="append", choices=PAGES, help="only these pages (default: all)")
    args = parser.parse_args()
    log = Path(tempfile.gettempdir()) / f"gi-screenshots-{args.name}.log"
    with local.serving(args.db.resolve(), log=log) as app:
        shoot(app.url, args.page or PAGES, args.out, args.name, args.width)


if __name__ == "__main__":
    main()
