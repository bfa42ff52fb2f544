"""Text comparison speed: the similarity cache for 10,000 sections (target < 15 s) and the 文本对比 page's warm
render time on the demo database (target < 1.5 s).

Run: python benchmarks/textcompare.py [--sections 10000] [--skip-page]
Sections are composed with the demo district's phrase pools (demo_text), so they share vocabulary like real
reports do. Wall and CPU time are both shown: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from gi_analytics import store
from gi_analytics.analytics import text as tc
from gi_analytics.demo import text as demo_text

ROOT = Path(__file__).resolve().parent.parent
DEMO_REPORTS = ROOT / "data" / "reports"
YEARS = range(2019, 2026)


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def synthetic_docs(sections: int, districts: int, seed: int = 1) -> pd.DataFrame:
    """`sections` text sections (1, 5 and 6 of each report) of units spread over `districts` districts."""
    rng = random.Random(seed)
    reports = sections // 3
    units = max(1, reports // len(YEARS))
    rows = []
    for k in range(units * len(YEARS)):
        unit, year = k // len(YEARS), YEARS[k % len(YEARS)]
        name = f"第{unit}镇"
        received = rng.randint(0, 40)
        facts = demo_text.Facts(name=name, self_ref="我镇", year=year, received=received, carried_over=0,
                                processed=received, granted=received // 2, carried_forward=0, review=0,
                                litigation=0, published=rng.randint(50, 900))
        texts = {1: demo_text.section1(rng, facts), 5: demo_text.section5(rng, "我镇"),
                 6: demo_text.section6(rng, "我镇", year)}
        rows += [(k, no, text, unit, name, f"区{unit % districts}", year) for no, text in texts.items()]
    return pd.DataFrame(rows, columns=["report_id", "section_no", "text", "unit_id", "unit", "district", "year"])


def bench_similarity(sections: int) -> None:
    for districts in (8, 1):
        docs = synthetic_docs(sections, districts)
        wall, cpu, pairs = timed(lambda d=docs: tc.similarity_frame(d))
        print(f"similarity: {len(docs)} sections, {districts} district(s), {len(pairs):,} pairs: "
              f"{wall:.2f} s wall, {cpu:.2f} s CPU (target < 15 s)")
    wall, cpu, reuse = timed(lambda: tc.reuse_frame(docs))
    print(f"reuse from previous year: {len(reuse):,} section pairs: {wall:.2f} s wall, {cpu:.2f} s CPU")


def demo_db(work: Path) -> Path:
    """The demo reports (data/reports, or a freshly generated district) ingested, text cache computed."""
    from gi_analytics.ingest.pipeline import ingest_paths

    source = DEMO_REPORTS
    if not any(DEMO_REPORTS.glob("*.*")):
        from gi_analytics.demo.generator import generate_district

        source = work / "reports"
        generate_district(source, formats=("txt",))
    db = work / "demo.duckdb"
    ingest_paths([source], db)
    with store.write_connection(db) as txn:
        wall, cpu, n = timed(lambda: tc.compute_similarity(txn.con))
        txn.changed = True
    print(f"compute_similarity on the demo database: {n:,} pairs, {wall:.2f} s wall, {cpu:.2f} s CPU")
    return db


def bench_page(db: Path) -> None:
    from streamlit.testing.v1 import AppTest

    os.environ["GI_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    cold, _, _ = timed(lambda: at.switch_page("pages/text_compare.py").run())
    print(f"page, first render: {cold:.2f} s")
    for view in ("并排对比", "相似度", "篇幅与沿用", "关键词"):
        at.radio(key="tc_view").set_value(view).run()
        if view == "关键词":
            at.text_input(key="tc_keyword").input("政府信息").run()
        warm = min(timed(lambda: at.run())[0] for _ in range(3))
        assert not at.exception, [e.value for e in at.exception]
        print(f"page, warm render of {view}: {warm:.2f} s (target < 1.5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=10_000)
    parser.add_argument("--skip-page", action="store_true")
    args = parser.parse_args()
    bench_similarity(args.sections)
    if not args.skip_page:
        with tempfile.TemporaryDirectory() as work:
            bench_page(demo_db(Path(work)))


if __name__ == "__main__":
    main()
