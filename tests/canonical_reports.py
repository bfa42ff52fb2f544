"""Canonical reports for the layout tests: one report per template with non-zero numbers, blank inner cells and a
"—" cell, rendered in any layout and read back by the real readers and parser."""

from __future__ import annotations

from gi_analytics import form_spec as form
from gi_analytics.demo.render import EXTENSIONS, render
from gi_analytics.model import BLANK, Cell, CellState, Period, Report, Section
from gi_analytics.parse import parse_document
from gi_analytics.readers.files import read_bytes


def canonical_report(template: str) -> Report:
    """Non-zero numbers, a few blank inner cells and one "—" cell; texts short enough for one PDF line."""
    year = 2022 if template == "2021" else 2020
    active = {spec.key: {m: Cell.number(12.3456 if m in form.DECIMAL_METRICS else 3 + i + j)
                         for j, m in enumerate(spec.columns)}
              for i, spec in enumerate(form.ACTIVE[template])}
    if template == "2019":
        active["licensing"]["change"] = Cell.number(-2)
    rows = form.OUTCOME_ROWS_2021 if template == "2021" else form.OUTCOME_ROWS_2019
    requests = {key: {c: Cell.number((i * 7 + j * 3) % 23) for j, c in enumerate(form.REQUEST_COLUMNS)}
                for i, key in enumerate(("new_received", "carried_over", *rows, "total_processed", "carried_forward"))}
    requests["granted"]["research"] = BLANK
    requests["denied_internal"]["legal_service"] = BLANK
    requests["carried_over"]["social_welfare"] = Cell(CellState.NOTHING, None, "—")
    requests = {k: requests[k] for k in form.REQUEST_ROW_KEYS if k in requests}
    appeals = {p: {r: Cell.number(i + j) for j, r in enumerate(form.APPEAL_RESULTS)}
               for i, p in enumerate(form.APPEAL_PROCEEDINGS)}
    appeals["litigation_direct"]["other"] = BLANK
    texts = {1: f"{year}年,本镇主动公开政府信息86条。\n全年共收到政府信息公开申请9件。", 5: "人员不足。\n加强培训。",
             6: "无"}
    sections = [Section(s.no, s.title, texts.get(s.no, "")) for s in form.SECTIONS]
    return Report("canonical", "青河镇", year, template, Period(f"{year}-01-01", f"{year}-12-31"),
                  {"active": active, "requests": requests, "appeals": appeals}, sections)


def consistent_small_report() -> Report:
    """Single digits and every identity holding: glued digits have exactly one reading."""
    report = canonical_report("2021")
    report.tables["active"] = {k: {m: Cell.number(0.5 if m == "amount" else 1) for m in cols}
                               for k, cols in report.tables["active"].items()}
    zero = {c: Cell.number(0) for c in form.REQUEST_COLUMNS}
    requests = {k: dict(zero) for k in report.tables["requests"]}
    three = {**zero, "natural_person": Cell.number(2), "commercial": Cell.number(1), "total": Cell.number(3)}
    for key in ("new_received", "granted", "total_processed"):
        requests[key] = dict(three)
    report.tables["requests"] = requests
    report.tables["appeals"] = {p: {r: Cell.number(0) for r in form.APPEAL_RESULTS} for p in form.APPEAL_PROCEEDINGS}
    return report


def canonical_json(report: Report) -> dict:
    out = report.to_json_dict()
    del out["source"], out["problems"]
    return out


def read_back(report: Report, layout: str) -> Report:
    data = render(report, layout)
    return parse_document(read_bytes(data, f"report.{EXTENSIONS[layout]}"))
