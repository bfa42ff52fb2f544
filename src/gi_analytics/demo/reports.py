"""One generated report: its tables from the simulated numbers, its six sections from the text generator."""

from __future__ import annotations

import random

from .. import form_spec as form
from ..model import BLANK, Cell, CellState, Period, Report, Section
from . import text as demo_text
from .series import Numbers, Unit


def _cells(values: dict[str, dict[str, int | float]], blank: bool) -> dict[str, dict[str, Cell]]:
    number = CellState.NUMBER
    return {
        row: {col: BLANK if blank else Cell(number, v) for col, v in cols.items()}
        for row, cols in values.items()
    }


def requests_for_template(requests: dict[str, dict[str, int]], template: str) -> dict[str, dict[str, int]]:
    """The 2019 template has a single (六)其他处理 row: the sum of the three 2021 rows."""
    if template == "2021":
        return {k: dict(v) for k, v in requests.items()}
    out = {k: dict(v) for k, v in requests.items() if k not in form.OTHER_ROWS_2021}
    out["other"] = {c: sum(requests[k][c] for k in form.OTHER_ROWS_2021) for c in form.REQUEST_COLUMNS}
    return {k: out[k] for k in form.REQUEST_ROW_KEYS if k in out}


def facts_of(unit: Unit, year: int, numbers: Numbers, name: str, published: int) -> demo_text.Facts:
    req, app = numbers.requests, numbers.appeals
    return demo_text.Facts(
        name=name,
        self_ref=unit.self_ref,
        year=year,
        received=req["new_received"]["total"],
        carried_over=req["carried_over"]["total"],
        processed=req["total_processed"]["total"],
        granted=req["granted"]["total"],
        carried_forward=req["carried_forward"]["total"],
        review=app["review"]["total"],
        litigation=app["litigation_direct"]["total"] + app["litigation_after_review"]["total"],
        published=published,
    )


def compose_sections(rng: random.Random, unit: Unit, year: int, numbers: Numbers, name: str) -> list[Section]:
    published = rng.randint(60, 400) if unit.kind == "街道" else rng.randint(15, 150)
    texts = {
        1: demo_text.section1(rng, facts_of(unit, year, numbers, name, published)),
        5: demo_text.section5(rng, unit.self_ref),
        6: demo_text.section6(rng, unit.self_ref, year),
    }
    return [Section(s.no, s.title, texts.get(s.no, "")) for s in form.SECTIONS]


def build_report(
    unit: Unit, year: int, numbers: Numbers, kind: str | None, sections: list[Section], rng: random.Random
) -> Report:
    blank = kind == "blank_template"
    tables = {
        "active": _cells(numbers.active, blank),
        "requests": _cells(requests_for_template(numbers.requests, numbers.template), blank),
        "appeals": _cells(numbers.appeals, blank),
    }
    period_year = year - 1 if kind == "period_mismatch" else year
    period = Period(f"{period_year}-01-01", f"{period_year}-12-31")
    if kind != "period_mismatch" and rng.random() < 0.5:
        period = None
    return Report(
        source="",
        unit=unit.name,
        year=year,
        template=numbers.template,
        period=period,
        tables=tables,
        sections=sections,
    )
