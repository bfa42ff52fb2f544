"""Time every check over 100,000 synthetic reports (500 districts × 20 units × 10 years, 2021 template).

Run: python benchmarks/checks.py [N_REPORTS]. Tables are consistent except injected faults in ~1% of reports;
texts are 150–450 characters drawn from a pool of sentences, so text.reused has real work to do. Each check's
wall and CPU time are printed (the machine is shared: CPU time is the steadier figure).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from gi_analytics import form_spec as form
from gi_analytics.checks.frames import CheckInput
from gi_analytics.checks.runner import run_checks

TOPICS = ["乡村振兴", "民生保障", "财政预决算", "重大项目", "安全生产", "教育医疗", "征地拆迁", "环境保护",
          "社会救助", "就业创业", "政策解读", "回应关切", "村务公开", "惠农补贴", "防汛抗旱", "疫情防控"]
ACTIONS = ["加大公开力度", "完善公开目录", "规范发布流程", "加强保密审查", "丰富解读形式", "及时回应关切",
           "开展专题培训", "强化督查考核", "拓展公开渠道", "更新公开指南", "优化专栏设置", "听取群众意见"]
SENTENCES = [f"围绕{t}{a}，{b}。" for t in TOPICS for a in ACTIONS for b in ACTIONS[:3]]


def synthesize(n: int, seed: int = 0) -> CheckInput:
    rng = np.random.default_rng(seed)
    units_per, years = 20, 10
    n_units = n // years
    ids = np.arange(n)
    unit_id, year = ids // years, 2021 + ids % years
    district = (unit_id // units_per).astype(str)
    units = pd.DataFrame({"unit_id": np.arange(n_units), "name": [f"第{u}镇" for u in range(n_units)],
                          "district": (np.arange(n_units) // units_per).astype(str)})
    reports = pd.DataFrame({"report_id": ids, "unit_id": unit_id, "unit": units["name"].to_numpy()[unit_id],
                            "district": district, "year": pd.array(year, dtype="Int64"), "template": "2021",
                            "period_start": None, "period_end": None})
    cells = _cells(n, rng)
    texts = [["".join(rng.choice(SENTENCES, k)) for k in rng.integers(3, 10, n)] for _ in (1, 5)]
    sections = pd.DataFrame({"report_id": np.r_[ids, ids, ids], "no": np.repeat([1, 5, 6], n),
                             "title": "", "text": texts[0] + texts[1] + ["无"] * n})
    problems = pd.DataFrame(columns=["report_id", "code", "severity", "message", "location"])
    return CheckInput(reports, cells, sections, problems, units)


def _cells(n: int, rng: np.random.Generator) -> pd.DataFrame:
    layout = [("requests", r, c) for r in form.REQUEST_ROW_KEYS if r != "other" for c in form.REQUEST_COLUMNS]
    layout += [("appeals", p, c) for p in form.APPEAL_PROCEEDINGS for c in form.APPEAL_RESULTS]
    layout += [("active", s.key, m) for s in form.ACTIVE_2021 for m in s.columns]
    keys = pd.DataFrame(layout, columns=["tbl", "row_key", "col_key"]).astype("category")
    k = len(keys)
    value = np.zeros((n, k))
    received = rng.integers(0, 6, n).astype(float)
    for row in ("new_received", "granted", "total_processed"):
        for col in ("natural_person", "total"):
            value[:, layout.index(("requests", row, col))] = received
    faulty = rng.random(n) < 0.01
    value[faulty, layout.index(("requests", "carried_forward", "natural_person"))] = 1
    cells = keys.iloc[np.tile(np.arange(k), n)].reset_index(drop=True)
    cells.insert(0, "report_id", np.repeat(np.arange(n), k))
    cells["value"] = value.ravel()
    cells["state"] = pd.Categorical(np.full(n * k, "number"), categories=["number", "blank", "nothing", "unreadable"])
    return cells


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t0 = time.perf_counter()
    inp = synthesize(n)
    t1, c1 = time.perf_counter(), time.process_time()
    print(f"synthesized {n:,} reports, {len(inp.cells):,} cells, {len(inp.sections):,} sections in {t1 - t0:.1f} s")
    timings: dict[str, tuple[float, float]] = {}
    findings = run_checks(inp, timings=timings)
    total, cpu = time.perf_counter() - t1, time.process_time() - c1
    print(f"  {'check':34s} {'wall':>8s} {'CPU':>8s}")
    for check, (wall, cpu_s) in sorted(timings.items(), key=lambda kv: -kv[1][1]):
        print(f"  {check:34s} {wall:6.2f} s {cpu_s:6.2f} s")
    print(f"all checks: {total:.1f} s wall, {cpu:.1f} s CPU (includes building the cubes), {len(findings):,} findings")
    print(findings["check_id"].value_counts().to_string())


if __name__ == "__main__":
    main()
