"""Meeting-pack export time on the demo district: 12 charts drawn by Chromium, then PPTX and PDF (target < 20 s).

Run: python benchmarks/export.py [--db FILE] [--repeat N]
Without --db the demo reports in data/reports/ are ingested into a temporary database first (not timed).
The first run includes starting Chromium, as a fresh `gi-analytics export pack` does; later runs reuse it,
as the app does.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from gi_analytics import analytics, export
from gi_analytics.export import pack
from gi_analytics.ingest.pipeline import ingest_paths

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"
TARGET_SECONDS = 20.0


def demo_db(work: Path) -> Path:
    db = work / "demo.duckdb"
    start = time.perf_counter()
    ingest_paths([REPORTS], db)
    print(f"demo database: {time.perf_counter() - start:.1f} s to ingest {REPORTS}")
    return db


def one_export(db: str, district: str, years: tuple[int, int]) -> dict[str, float]:
    marks = {"start": time.perf_counter()}

    def progress(done: int, total: int, what: str) -> None:
        if what.startswith("绘制图表"):
            marks["queries"] = time.perf_counter()

    built = pack.build_pack(db, district, years, progress=progress)
    marks["charts"] = time.perf_counter()
    charts = sum(s.image is not None for s in built.slides)
    pptx = export.pack_pptx(built)
    marks["pptx"] = time.perf_counter()
    pdf = export.pack_pdf(built)
    marks["pdf"] = time.perf_counter()
    names = list(marks)
    steps = {b: marks[b] - marks[a] for a, b in zip(names, names[1:], strict=False)}
    steps["total"] = marks["pdf"] - marks["start"]
    print(f"  {charts} charts, {len(built.slides) + 1} slides, PPTX {len(pptx) / 1e6:.1f} MB, "
          f"PDF {len(pdf) / 1e6:.1f} MB: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(args.db or demo_db(Path(tmp)))
        options = analytics.filter_options(db)
        district, years = options.districts[0], (options.years[0], options.years[-1])
        units = len(options.units[district])
        print(f"pack: {pack.scope_label(district)}, {units} units, {years[0]}-{years[1]}")
        runs = [one_export(db, district, years) for _ in range(args.repeat)]
    cold, warm = runs[0]["total"], min(r["total"] for r in runs[1:]) if len(runs) > 1 else float("nan")
    verdict = "OK" if cold < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"meeting pack (12 charts, PPTX + PDF): cold {cold:.1f} s (Chromium start included), "
          f"warm {warm:.1f} s; target < {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
