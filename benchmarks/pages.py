"""Render time of every dashboard page (AppTest, warm) and time of every analytics query.

    python benchmarks/pages.py                      # the default (demo) database
    python benchmarks/pages.py --db BIG.duckdb      # any database, e.g. 10,000 units × 7 years
    python benchmarks/pages.py --make-big BIG.duckdb --units 10000 --years 2019-2025   # build one with SQL

Targets (issue 16): at national scale (≈ 280,000 reports, `scale.py --units 40000 --keep DIR`) every query a
page makes under 100 ms, every page under 1 s warm. Queries are timed as the pages call them: the whole
database selected (the sidebar's default, 全部), and one district; a selection of more units than
analytics.UNIT_VIEW_MAX does not ask its unit-by-unit queries; all run on one connection to one version, as
in a page run (store/snapshot.py), whose opening is timed apart.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["pages/overview.py", "pages/requests.py", "pages/outcomes.py", "pages/appeals.py", "pages/warnings.py",
         "pages/report.py", "pages/text_compare.py", "pages/export.py", "pages/import_reports.py"]


def timed(fn, repeat: int = 3) -> float:
    return timed_cpu(fn, repeat)[0]


def timed_cpu(fn, repeat: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds (all threads of this process: DuckDB's too) of `repeat` calls. On a shared
    machine the CPU time is the steadier figure: wall time includes waiting for a core."""
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


# what the pages ask for a selection of more units than analytics.UNIT_VIEW_MAX (a province, a nation)
SUMS = ("filter_options", "totals(year)", "totals(unit)", "key_figures", "selection_totals(year)", "applicant_types",
        "outcome_reasons", "findings", "district_summary")


def query_cases(db: str, f) -> dict:
    """Every query behind the pages, as the pages call it with the selection `f`."""
    from dataclasses import replace

    from gi_analytics import analytics as a
    from gi_analytics.analytics import text as tc

    df = a.unit_year(db, f)
    rid, unit, year = int(df["report_id"].iloc[0]), df["unit"].iloc[0], int(df["year"].max())
    one_year = replace(f, year_from=year, year_to=year)
    cases = {
        "filter_options": lambda: a.filter_options(db),
        "unit_year": lambda: a.unit_year(db, f),
        "totals(year)": lambda: a.totals(db, f, "year"),
        "totals(unit)": lambda: a.totals(db, f, "unit"),
        "key_figures": lambda: a.key_figures(db, f),
        "selection_totals(year)": lambda: a.selection_totals(db, one_year),
        "coverage": lambda: a.coverage(db, f),
        "district_summary": lambda: a.district_summary(db, f),
        "applicant_types": lambda: a.applicant_types(db, f),
        "outcome_reasons": lambda: a.outcome_reasons(db, f),
        "findings": lambda: a.findings(db, f),
        "report_index": lambda: a.report_index(db, f),
        "report_header": lambda: a.report_header(db, rid),
        "report_versions": lambda: a.report_versions(db, rid),
        "report_findings": lambda: a.report_findings(db, rid),
        "report_cells": lambda: a.report_cells(db, rid),
        "report_sections": lambda: a.report_sections(db, rid),
        "unit_year(one unit)": lambda: a.unit_year(db, replace(f, units=(unit,))),
        "text_reports": lambda: tc.text_reports(db, f),
        "similarity_pairs(year)": lambda: tc.similarity_pairs(db, 0.0, 1, year, None, f),
        "similarity_pairs(unit)": lambda: tc.similarity_pairs(db, 0.0, 1, None, unit, f),
        "similarity_pairs(top)": lambda: tc.similarity_pairs(db, tc.THRESHOLD, None, None, None, f),
        "section_lengths": lambda: tc.section_lengths(db, f, 1),
        "reuse_shares": lambda: tc.reuse_shares(db, f),
        "keyword_hits": lambda: tc.keyword_hits(db, "依申请公开", f),
        # not a query: jieba reads the selection's texts (the 关键词 view's distinctive terms)
        **({"term_counts (jieba)": lambda: tc.term_counts(db, f)} if len(df) <= tc.TERM_REPORTS_MAX else {}),
    }
    if a.filter_options(db).unit_count(f) > a.UNIT_VIEW_MAX:  # shown by its sums: no unit-by-unit query
        return {name: q for name, q in cases.items() if name in SUMS}
    del cases["district_summary"]  # the overview lists districts for a large selection only
    return cases


def bench_queries(db: str) -> None:
    from gi_analytics import analytics as a
    from gi_analytics.store import snapshot
    from gi_analytics.store.connection import _attach_read_only

    district = a.filter_options(db).districts[-1]
    selections = {"全部": a.Filters(), district: a.Filters(district=district)}
    cases = {name: query_cases(db, f) for name, f in selections.items()}
    opening = timed_cpu(lambda: _attach_read_only(Path(db)).close())
    print(f"opening the page run's connection (once per page run): {opening[0]:.3f} s wall / {opening[1]:.3f} s CPU")
    print(f"{'query (median of 3)':<26}" + "".join(f"{name + ' wall/CPU s':>22}" for name in selections))
    with snapshot.pinned():  # as in a page run: every query on the run's one connection to one version
        a.filter_options(db)
        for query in dict.fromkeys(q for c in cases.values() for q in c):  # a page may skip a query
            cells = (f"{'(not asked)':>22}" if query not in c else "{:>14.3f}/{:<7.3f}".format(*timed_cpu(c[query]))
                     for c in cases.values())
            print(f"{query:<26}" + "".join(cells), flush=True)


def bench_pages(db: str) -> None:
    from streamlit.runtime import pages_manager
    from streamlit.testing.v1 import AppTest

    original = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):  # as in tests/conftest.py: let AppTest run app.py's st.navigation
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    pages_manager.PagesManager.__init__ = init
    os.environ["GI_DB"] = db
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    print(f"{'page':<28}{'cold s':>8}{'warm s':>8}{'warm CPU s':>12}")
    for page in PAGES:
        t = time.perf_counter()
        at.switch_page(page).run()
        cold = time.perf_counter() - t
        warm, cpu = timed_cpu(lambda: at.run())
        errors = [e.value for e in at.exception]
        print(f"{page:<28}{cold:>8.2f}{warm:>8.2f}{cpu:>12.2f}" + (f"  EXCEPTION {errors[0][:80]}" if errors else ""),
              flush=True)


def make_big(path: Path, units: int, first: int, last: int) -> None:
    """A large database written with SQL alone: every unit × year with requests and appeals tables, a few
    findings. Numbers are arbitrary but consistent in shape; for timing only."""
    import duckdb

    from gi_analytics import form_spec as form

    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    con.execute((ROOT / "src" / "gi_analytics" / "store" / "schema.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO units SELECT i, '单位' || i || CASE WHEN i % 5 = 0 THEN '街道' ELSE '镇' END, "
                "'区' || (i // 25), CASE WHEN i % 5 = 0 THEN '街道' ELSE '镇' END FROM range(?) t(i)", [units])
    con.execute("""INSERT INTO reports (report_id, unit_id, year, template, period_start, period_end, source,
                   format, content_hash, version, is_current, ingested_at)
                   SELECT row_number() OVER (), u.unit_id, y,
                   CASE WHEN y <= 2020 THEN '2019' ELSE '2021' END, make_date(y, 1, 1), make_date(y, 12, 31),
                   u.name || y || '.txt', 'txt', md5(u.name || y), 1, TRUE, now()
                   FROM units u, range(?, ?) t(y)""", [first, last + 1])
    rows = [r.key for r in form.REQUEST_ROWS]
    con.execute("""INSERT INTO cells SELECT r.report_id, 'requests', k.row_key, c.col_key,
                   ((r.report_id * 7 + k.i * 3 + c.j) % 11)::DOUBLE, 'number'
                   FROM reports r, (SELECT unnest(?::VARCHAR[]) AS row_key, generate_subscripts(?::VARCHAR[], 1) AS i) k,
                        (SELECT unnest(?::VARCHAR[]) AS col_key, generate_subscripts(?::VARCHAR[], 1) AS j) c""",
                [rows, rows, list(form.REQUEST_COLUMNS), list(form.REQUEST_COLUMNS)])
    con.execute("""INSERT INTO cells SELECT r.report_id, 'appeals', p.k, q.k, (r.report_id % 3 = 0)::INT::DOUBLE,
                   'number' FROM reports r, (SELECT unnest(?::VARCHAR[]) AS k) p, (SELECT unnest(?::VARCHAR[]) AS k) q""",
                [list(form.APPEAL_PROCEEDINGS), list(form.APPEAL_RESULTS)])
    con.execute("""INSERT INTO findings SELECT report_id, unit_id, year,
                   CASE WHEN report_id % 2 = 0 THEN 'requests.balance' ELSE 'series.carry_mismatch' END,
                   CASE WHEN report_id % 2 = 0 THEN 'error' ELSE 'warning' END, 'failed', 'requests',
                   'new_received', 'total', NULL, 1, 2, '示例发现' FROM reports WHERE report_id % 17 = 0""")
    with contextlib.suppress(ImportError):  # the per-report figures the ingest would write
        from gi_analytics.store.figures import write_figures

        write_figures(con)
    con.execute("CHECKPOINT")
    con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="看板页面与查询耗时")
    parser.add_argument("--db", help="数据库文件（默认：示例数据库）")
    parser.add_argument("--make-big", type=Path, help="先用 SQL 生成一个大数据库到此路径")
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", default="2019-2025")
    args = parser.parse_args(argv)
    db = args.db
    if args.make_big:
        first, last = (int(y) for y in args.years.split("-"))
        t = time.perf_counter()
        make_big(args.make_big, args.units, first, last)
        print(f"built {args.make_big} in {time.perf_counter() - t:.1f}s, "
              f"{args.make_big.stat().st_size / 2**20:.0f} MB")
        db = str(args.make_big)
    db = db or str(ROOT / "data" / "gi.duckdb")
    if not Path(db).exists():
        print(f"数据库不存在：{db}", file=sys.stderr)
        return 3
    print(f"database: {db}")
    bench_queries(db)
    bench_pages(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
