"""Generated demo districts (示例数据): realistic reports written as real files, with known injected anomalies.

`generate_district` writes a small district in every format (the bundled data/reports/); `generate_corpus`
streams any number of units in text formats for scale tests. Both are deterministic for a seed and write
`manifest.json`: the units (with `short`, the name the store keeps: 街道办事处 -> 街道), every file with its
layout, and every injected anomaly with the check id (checks.md) that must find it; and `units.csv` for
`gi-analytics ingest --units`. Entries marked "implied" are consequences of an injection (for example a blank
template leaves the carry-over check not evaluated).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import form_spec as form
from ..checks.frames import TEXT_SECTIONS
from ..model import Report, Section
from .render import EXTENSIONS, render
from .reports import build_report, compose_sections
from .series import (
    ANOMALY_CHECKS,
    Numbers,
    Plan,
    apply_number_anomalies,
    make_units,
    plan_anomalies,
    simulate_unit,
)

LAYOUT_WEIGHTS = {
    "txt_tabs": 9,
    "txt_pipes": 9,
    "txt_pipe_rows": 9,
    "txt_lines": 9,
    "txt_gb18030": 9,
    "html": 22,
    "docx": 16,
    "pdf": 17,
}
SAMPLE_NOTE = "示例数据：由 gi_analytics.demo 生成的虚构报告，仅用于演示，不是真实单位的报告。"
SIMILARITY_LIMIT = 0.8  # generated texts stay well below the 0.9 of text.reused


@dataclass
class Manifest:
    district: str
    seed: int
    units: list[dict[str, str]]
    years: list[int]
    files: list[dict[str, Any]] = field(default_factory=list)
    anomalies: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "note": SAMPLE_NOTE,
            "district": self.district,
            "seed": self.seed,
            "units": self.units,
            "years": self.years,
            "files": self.files,
            "anomalies": self.anomalies,
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def write_units_csv(self, path: Path) -> None:
        """The units CSV `gi-analytics ingest --units` takes: each unit with its district and kind."""
        rows = ["unit,district,kind"] + [f"{u['name']},{self.district},{u['kind']}" for u in self.units]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    def injected(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Anomalies injected on purpose (not the implied ones), optionally of one kind."""
        return [a for a in self.anomalies if not a.get("implied") and kind in (None, a["kind"])]


# ---- generation ------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One (unit, year) report being generated."""

    u: int
    year: int
    numbers: Numbers
    kind: str | None
    attempt: int = 0
    sections: list[Section] = field(default_factory=list)
    layout: str = ""


def _layouts(formats: tuple[str, ...]) -> tuple[list[str], list[int]]:
    layouts = [lay for lay in LAYOUT_WEIGHTS if EXTENSIONS[lay] in formats]
    if not layouts:
        raise ValueError(f"没有可用的文件格式: {', '.join(formats)}（可选 txt, html, docx, pdf）")
    return layouts, [LAYOUT_WEIGHTS[lay] for lay in layouts]


def _small_numbers(numbers: Numbers) -> bool:
    """Digits can be glued unambiguously: 2021 template, every multi-column cell a single digit."""
    active = [v for cols in numbers.active.values() if len(cols) > 1 for v in cols.values()]
    requests = [v for cols in numbers.requests.values() for v in cols.values()]
    return numbers.template == "2021" and all(0 <= v < 10 for v in active + requests)


def _mask_digits(text: str) -> str:
    return re.sub(r"\d+(\.\d+)?", "0", text)


class Generator:
    def __init__(
        self, units: int, years: tuple[int, int], seed: int, formats: tuple[str, ...], per_kind: int
    ) -> None:
        if units < 1 or years[1] < years[0]:
            raise ValueError("单位数至少为1，年份范围须为 起始年-结束年")
        rng = random.Random(seed)
        self.seed = seed
        self.years = list(range(years[0], years[1] + 1))
        self.units = make_units(rng, units)
        self.plan: Plan = plan_anomalies(rng, self.units, self.years, per_kind)
        self.layouts, self.weights = _layouts(formats)
        self.run_together = self._pick_run_together(per_kind) if "txt" in formats else []

    def series(self, u: int) -> dict[int, Numbers]:
        kinds = self.plan.of_unit(u)
        series = simulate_unit(random.Random(f"{self.seed}:numbers:{u}"), self.units[u], self.years, kinds)
        apply_number_anomalies(series, kinds)
        return series

    def _pick_run_together(self, count: int) -> list[tuple[int, int]]:
        """The first planned candidates whose numbers can be glued unambiguously."""
        picked: list[tuple[int, int]] = []
        for u, year in self.plan.run_together:
            if len(picked) < count and _small_numbers(self.series(u)[year]):
                picked.append((u, year))
        return picked

    def unit_items(self, u: int) -> dict[int, _Item]:
        kinds = self.plan.of_unit(u)
        items = {}
        for year, numbers in self.series(u).items():
            item = _Item(u, year, numbers, kinds.get(year))
            self.compose(item)
            item.layout = self.layout_for(item)
            items[year] = item
        return items

    def compose(self, item: _Item) -> None:
        unit = self.units[item.u]
        name = unit.short
        if item.kind == "other_unit_name":
            name = self.units[self.plan.neighbour[(item.u, item.year)]].short
        rng = random.Random(f"{self.seed}:text:{item.u}:{item.year}:{item.attempt}")
        item.sections = compose_sections(rng, unit, item.year, item.numbers, name)

    def layout_for(self, item: _Item) -> str:
        key = (item.u, item.year)
        if key in self.run_together:
            return "txt_runtogether"
        rng = random.Random(f"{self.seed}:layout:{item.u}:{item.year}")
        return rng.choices(self.layouts, self.weights)[0]

    def apply_text_reuse(self, items: dict[int, dict[int, _Item]], u: int) -> None:
        """Section 5 copied verbatim from last year's report or from the neighbour's report of the year."""
        for year, item in items[u].items():
            if item.kind == "text_reused_last_year":
                source = items[u][year - 1]
            elif item.kind == "text_reused_neighbour":
                source = items[self.plan.neighbour[(u, year)]][year]
            else:
                continue
            copied = next(s for s in source.sections if s.no == 5)
            item.sections = [copied if s.no == 5 else s for s in item.sections]

    def dedupe_texts(self, items: list[_Item], rounds: int = 40) -> None:
        """Recompose texts until no two reports' sections are near-identical (char n-gram TF-IDF cosine)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        for _ in range(rounds):
            redo: set[int] = set()
            for no in TEXT_SECTIONS:
                docs = [_mask_digits(next(s.text for s in it.sections if s.no == no)) for it in items]
                vectors = TfidfVectorizer(
                    analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2
                ).fit_transform(docs)
                sims = (vectors @ vectors.T).tocoo()
                redo |= {
                    int(j)
                    for i, j, v in zip(sims.row, sims.col, sims.data, strict=True)
                    if i < j and v >= SIMILARITY_LIMIT
                }
            if not redo:
                return
            for j in sorted(redo):
                items[j].attempt += 1
                self.compose(items[j])

    def planned(self, item: _Item) -> PlannedFile:
        unit = self.units[item.u]
        name = f"{unit.name}_{item.year}.{EXTENSIONS[item.layout]}"
        rng = random.Random(f"{self.seed}:period:{item.u}:{item.year}")
        report = build_report(unit, item.year, item.numbers, item.kind, item.sections, rng)
        report.source = name
        report.published = self._published(item.u, item.year)
        return PlannedFile(name, item.layout, report)

    def _published(self, u: int, year: int) -> str:
        """The date the report was published: in January of the next year, or in February where planned late
        (townships and street offices are due on 31 January)."""
        day = random.Random(f"{self.seed}:published:{u}:{year}").randint(5, 28)
        return f"{year + 1}-{2 if (u, year) in self.plan.late else 1:02d}-{day:02d}"

    def manifest(self, district: str) -> Manifest:
        units = [{"name": u.name, "kind": u.kind, "short": u.short} for u in self.units]
        return Manifest(district, self.seed, units, self.years)

    def anomalies(self) -> list[dict[str, Any]]:
        out = []
        for (u, year), kind in sorted(self.plan.kinds.items()):
            out.append(self._entry(kind, u, year))
            out.extend(self._implied(kind, u, year))
        out.extend(self._entry("run_together", u, y) for u, y in sorted(self.run_together))
        out.extend(self._entry("late_publication", u, y) for u, y in sorted(self.plan.late))
        return out

    def _entry(self, kind: str, u: int, year: int) -> dict[str, Any]:
        entry = {
            "kind": kind,
            "check": ANOMALY_CHECKS[kind],
            "unit": self.units[u].name,
            "year": year,
            "detail": self._detail(kind, u, year),
        }
        if kind == "carry_mismatch":
            entry["related_year"] = year - 1
        return entry

    def _detail(self, kind: str, u: int, year: int) -> str:
        other = self.units[self.plan.neighbour[(u, year)]] if (u, year) in self.plan.neighbour else None
        template = "2019" if year >= 2021 else "2021"
        return {
            "missing_report": f"缺少{year}年报告（未生成文件）",
            "blank_template": "三张表只有标签、没有填写任何数字（空白模板）",
            "zero_filled": "表三、表四全部填0",
            "broken_balance": "本年新收申请（自然人、总计）各多计2件，表三勾稽关系不平",
            "appeals_total": "行政复议“总计”比各项结果之和多1",
            "carry_mismatch": f"{year - 1}年“结转下年度继续办理”（自然人、总计）比{year}年“上年结转”多1",
            "copied_numbers": f"表格数字与{year - 1}年完全相同",
            "text_reused_last_year": f"第五部分文字与{year - 1}年报告完全相同",
            "text_reused_neighbour": f"第五部分文字抄自{other.name if other else ''}同年报告",
            "other_unit_name": f"第一部分以“{other.short if other else ''}”自称",
            "template_mismatch": f"{year}年报告使用{template}年版模板",
            "late_publication": f"报告于{self._published(u, year)}发布，晚于{year + 1}年1月31日",
            "period_mismatch": f"统计期限写成{year - 1}年1月1日至{year - 1}年12月31日",
            "run_together": "单元格数字连写（txt_runtogether 版式），不是错误",
        }[kind]

    def _implied(self, kind: str, u: int, year: int) -> list[dict[str, Any]]:
        years, unit = set(self.years), self.units[u].name

        def entry(check: str, y: int, detail: str, status: str = "not_evaluated") -> dict[str, Any]:
            return {
                "kind": kind,
                "check": check,
                "unit": unit,
                "year": y,
                "detail": detail,
                "implied": True,
                "status": status,
            }

        def template_of(y: int) -> str:
            if self.plan.kinds.get((u, y)) == "template_mismatch":
                return "2019" if y >= 2021 else "2021"
            return form.expected_template(y)

        out = []
        if kind == "blank_template":
            checks = (
                "requests.balance",
                "requests.outcome_sum",
                "requests.column_sum",
                "appeals.sum",
                "text.table_mismatch",
            )
            out += [entry(c, year, "空白模板：无数字可核对") for c in checks]
            out += [
                entry("series.carry_mismatch", y, "空白模板：无法核对结转")
                for y in (year, year + 1)
                if y in years and y - 1 in years
            ]
            out += [
                entry("series.stock_rollover", y, "空白模板：无法核对现行有效件数")
                for y in (year, year + 1)
                if y in years and y - 1 in years and template_of(y) == "2021"
            ]
        elif kind == "missing_report" and year + 1 in years:
            out.append(entry("series.carry_mismatch", year + 1, f"缺少{year}年报告：无法与上年核对结转"))
            if template_of(year + 1) == "2021":
                out.append(
                    entry("series.stock_rollover", year + 1, f"缺少{year}年报告：无法核对现行有效件数")
                )
        elif kind == "template_mismatch":
            ys = (year, year + 1) if year >= 2021 else (year,)
            out += [
                entry("series.stock_rollover", y, "相邻年份模板不同：无法核对现行有效件数")
                for y in ys
                if y in years and y - 1 in years
            ]
        elif kind == "text_reused_neighbour":
            other = self.units[self.plan.neighbour[(u, year)]].name
            out.append({**entry("text.reused", year, f"第五部分文字被{unit}抄用", "failed"), "unit": other})
        return out


@dataclass(frozen=True)
class PlannedFile:
    name: str  # file name inside the output folder
    layout: str  # one of render.LAYOUTS
    report: Report  # what the file says; parsing the file should give back these tables and sections

    def entry(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "unit": self.report.unit,
            "year": self.report.year,
            "format": EXTENSIONS[self.layout],
            "layout": self.layout,
        }


def _write(planned: PlannedFile, out_dir: Path, manifest: Manifest) -> None:
    (out_dir / planned.name).write_bytes(render(planned.report, planned.layout))
    manifest.files.append(planned.entry())


def plan_district(
    units: int = 25,
    years: tuple[int, int] = (2019, 2025),
    seed: int = 7,
    formats: tuple[str, ...] = ("txt", "html", "docx", "pdf"),
    district: str = "示例区",
) -> tuple[Manifest, list[PlannedFile]]:
    """The district as reports, before any file is written (the manifest's file list is still empty)."""
    gen = Generator(units, years, seed, tuple(formats), per_kind=2)
    items = {u: gen.unit_items(u) for u in range(units)}
    written = [it for u in items for it in items[u].values() if it.kind != "missing_report"]
    gen.dedupe_texts(written)
    for u in items:
        gen.apply_text_reuse(items, u)
    manifest = gen.manifest(district)
    manifest.anomalies = gen.anomalies()
    return manifest, [gen.planned(item) for item in written]


def generate_district(
    out_dir: Path,
    units: int = 25,
    years: tuple[int, int] = (2019, 2025),
    seed: int = 7,
    formats: tuple[str, ...] = ("txt", "html", "docx", "pdf"),
    district: str = "示例区",
) -> Manifest:
    """A small district in every format, texts checked for accidental near-duplicates; writes manifest.json."""
    manifest, planned = plan_district(units, years, seed, formats, district)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for item in planned:
        _write(item, out_dir, manifest)
    manifest.write(out_dir / "manifest.json")
    manifest.write_units_csv(out_dir / "units.csv")
    return manifest
