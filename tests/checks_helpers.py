"""Reports shaped like real ones, for the check tests: consistent by default, numbers varying with the year."""

from __future__ import annotations

import copy

from gi_analytics import form_spec as form
from gi_analytics.model import Cell, Report, Section

SENTENCES = [
    "坚持以公开为常态、不公开为例外，围绕乡村振兴、民生保障等重点领域加大主动公开力度。",
    "完善政府信息公开目录和公开指南，按季度更新政务公开专栏，删除过时失效信息。",
    "建立信息发布前保密审查机制，坚持先审后发，全年未发生失泄密事件。",
    "利用村务公开栏、微信公众号等渠道发布惠民惠农补贴发放情况，方便群众查询。",
    "组织镇村干部参加条例专题培训，提升依申请公开答复的规范化水平。",
    "政务服务大厅设置政府信息查阅点，配备专人为群众提供查阅和咨询服务。",
    "对照上级考核指标逐项整改，基层政务公开标准化规范化建设取得新进展。",
    "存在的问题主要是信息更新不够及时，解读形式较为单一，队伍业务能力有待提高。",
    "下一步将加强培训，丰富图表解读、视频解读等形式，提高公开质量和实效。",
    "部分栏目内容更新滞后，群众关注的热点信息回应不够主动。",
    "将把政务公开纳入年度绩效考核，建立常态化督查通报机制。",
    "个别村务公开栏内容陈旧，公开的时效性和完整性需进一步加强。",
]


def text_for(seed: int, n: int = 4) -> str:
    return "".join(SENTENCES[(seed + k * 5) % len(SENTENCES)] for k in range(n))


def n(v: float) -> Cell:
    return Cell.number(v, str(v))


def requests_table(template: str, new: int, carried_over: int = 0, forward: int = 0) -> dict[str, dict[str, Cell]]:
    """A balanced table 三: all requests from natural persons, granted except one not held (when any)."""
    rows = [k for k in form.REQUEST_ROW_KEYS
            if not (template == "2021" and k == "other") and not (template == "2019" and k in form.OTHER_ROWS_2021)]
    processed = new + carried_over - forward
    values = dict.fromkeys(rows, 0)
    values.update(new_received=new, carried_over=carried_over, total_processed=processed, carried_forward=forward,
                  granted=processed - min(processed, 1), unavailable_not_held=min(processed, 1))
    return {row: {col: n(values[row] if col in ("natural_person", "total") else 0) for col in form.REQUEST_COLUMNS}
            for row in rows}


def appeals_table(review: int) -> dict[str, dict[str, Cell]]:
    table = {p: {r: n(0) for r in form.APPEAL_RESULTS} for p in form.APPEAL_PROCEEDINGS}
    table["review"]["upheld"] = table["review"]["total"] = n(review)
    return table


def active_table(template: str, year: int, in_force_before: int = 5) -> dict[str, dict[str, Cell]]:
    if template == "2019":
        return {spec.key: {m: n(1) for m in spec.columns} for spec in form.ACTIVE_2019}
    table = {spec.key: {m: n(0) for m in spec.columns} for spec in form.ACTIVE_2021}
    table["normative_documents"] = {"issued": n(1), "repealed": n(0), "in_force": n(in_force_before + 1)}
    table["licensing"]["decisions"] = n(10 + year % 100)
    table["fees"]["amount"] = n(0.25)
    return table


def make_report(unit: str = "平昌关镇", year: int = 2021, *, seed: int = 0, new: int | None = None,
                review: int = 1, in_force_before: int | None = None) -> Report:
    template = form.expected_template(year)
    new = year - 2017 if new is None else new
    in_force = 5 + (year - 2021) if in_force_before is None else in_force_before
    sections = [
        Section(1, "总体情况", f"{year}年，{unit}认真贯彻《中华人民共和国政府信息公开条例》。{text_for(seed)}"
                             f"全年共收到政府信息公开申请{new}件，均按期答复。"),
        Section(5, "存在的主要问题及改进情况", text_for(seed + 3)),
        Section(6, "其他需要报告的事项", "无"),
    ]
    return Report(source=f"{unit}{year}.txt", unit=unit, year=year, template=template,
                  tables={"active": active_table(template, year, in_force),
                          "requests": requests_table(template, new), "appeals": appeals_table(review)},
                  sections=sections, published=f"{year + 1}-01-20")  # on time: due 31 January


def clone(report: Report) -> Report:
    return copy.deepcopy(report)


def set_cell(report: Report, tbl: str, row: str, col: str, cell: Cell | float) -> Report:
    report.tables[tbl][row][col] = cell if isinstance(cell, Cell) else n(cell)
    return report


def set_text(report: Report, no: int, text: str) -> Report:
    report.sections = [s if s.no != no else Section(no, s.title, text) for s in report.sections]
    return report
