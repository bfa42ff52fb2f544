"""Report -> file bytes, in the layouts seen in real published reports (report-format.md).

A report becomes a list of blocks (title, paragraphs, headings, table grids with merged cells); each layout
serializes those blocks. Every cell of a table row is emitted in order, so a blank inner cell stays a blank
cell in every layout except "txt_runtogether", where digits are glued like in some real web pages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from .. import form_spec as form
from ..model import Cell, CellState, Report
from .render_layouts import render_markdown, render_oneline

TEXT_LAYOUTS = ("txt_tabs", "txt_pipes", "txt_pipe_rows", "txt_lines", "txt_gb18030", "txt_runtogether", "txt_oneline")
MARKDOWN_LAYOUTS = ("md", "md_ocr", "md_repeated")
LAYOUTS = (*TEXT_LAYOUTS, *MARKDOWN_LAYOUTS, "html", "docx", "pdf")
EXTENSIONS = {**{layout: "txt" for layout in TEXT_LAYOUTS}, **{layout: "md" for layout in MARKDOWN_LAYOUTS},
              "html": "html", "docx": "docx", "pdf": "pdf"}
CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Slot:
    text: str
    kind: str = "label"  # label | value
    rowspan: int = 1
    colspan: int = 1
    row: str = ""  # value slots of a skeleton: the table cell they show
    col: str = ""
    decimal: bool = False


# a table as a grid of slots: a Slot at the top-left of a merged area, None where it is covered
Grid = list[list[Slot | None]]


@dataclass(frozen=True, slots=True, eq=False)
class Block:
    kind: str  # title | heading | para | table
    text: str = ""
    name: str = ""  # table name for "table"
    key: tuple = ()  # which label skeleton the table uses (see _skeleton)
    table: dict | None = None  # row key -> column key -> Cell

    @property
    def grid(self) -> tuple[tuple[Slot | None, ...], ...]:
        return _fill(_skeleton(self.key), self.table or {})


# ---- cell values ---------------------------------------------------------------------------------

def format_cell(cell: Cell | None, decimal: bool = False) -> str:
    """The text a cell prints: blank -> "", nothing -> "—", numbers without a spurious ".0"."""
    if cell is not None and type(cell.value) is int and cell.state is CellState.NUMBER:
        return str(cell.value)  # the common case first: this runs for every cell of every report
    if cell is None or cell.state == CellState.BLANK:
        return ""
    if cell.state == CellState.NOTHING:
        return cell.raw or "—"
    if cell.state == CellState.UNREADABLE or cell.value is None:
        return cell.raw
    value = cell.value
    if isinstance(value, float):
        if decimal:
            return f"{value:.4f}"
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# ---- grids -----------------------------------------------------------------------------------------

class _GridBuilder:
    """Places slots row by row; merged areas mark their covered positions as None."""

    def __init__(self, ncols: int) -> None:
        self.ncols = ncols
        self.rows: Grid = []
        self._covered: set[tuple[int, int]] = set()

    def add(self, *slots: Slot) -> None:
        r = len(self.rows)
        row: list[Slot | None] = [None] * self.ncols
        col = 0
        for slot in slots:
            while (r, col) in self._covered:
                col += 1
            row[col] = slot
            for dr in range(slot.rowspan):
                for dc in range(slot.colspan):
                    if dr or dc:
                        self._covered.add((r + dr, col + dc))
            col += slot.colspan
        self.rows.append(row)

    def freeze(self) -> tuple[tuple[Slot | None, ...], ...]:
        return tuple(tuple(row) for row in self.rows)


def _v(row: str, col: str, decimal: bool = False) -> Slot:
    return Slot("", "value", row=row, col=col, decimal=decimal)


def _fill(skeleton: tuple, table: dict[str, dict[str, Cell]]) -> tuple:
    """A cached label skeleton with the table's values printed into its value slots."""
    def filled(s: Slot) -> Slot:
        text = format_cell(table.get(s.row, {}).get(s.col), s.decimal)
        return Slot(text, "value", s.rowspan, s.colspan)

    return tuple(tuple(filled(s) if s is not None and s.kind == "value" else s for s in row) for row in skeleton)


ARTICLE_OF_ITEM = {"regulations": "一", "normative_documents": "一", "licensing": "五",
                   "other_services": "五", "punishment": "六", "coercion": "六", "fees": "八",
                   "procurement": "九"}
METRIC_LABEL_OVERRIDES = {("2021", "fees", "amount"): "本年收费金额(单位:万元,保留4位小数)",
                          ("2019", "procurement", "amount"): "采购总金额",
                          ("2019", "licensing", "decisions"): "处理决定数量"}


def _metric_label(template: str, item: str, metric: str) -> str:
    for key in ((template, item, metric), (template, "licensing", metric)):
        if key in METRIC_LABEL_OVERRIDES:
            return METRIC_LABEL_OVERRIDES[key]
    return form.ACTIVE_METRIC_LABELS[metric]


def active_grid(table: dict[str, dict[str, Cell]], template: str) -> tuple[tuple[Slot | None, ...], ...]:
    """Table 二 like the official form: one block per article of 条例 第二十条."""
    return _fill(_active_skeleton(template), table)


@functools.cache
def _active_skeleton(template: str) -> tuple:
    g = _GridBuilder(4)
    article = ""
    for spec in form.ACTIVE[template]:
        if ARTICLE_OF_ITEM[spec.key] != article:
            article = ARTICLE_OF_ITEM[spec.key]
            g.add(Slot(f"第二十条第({article})项", colspan=4))
            heads = [Slot(_metric_label(template, spec.key, m)) for m in spec.columns]
            g.add(Slot("信息内容"), *heads[:-1], _widen(heads[-1], 4 - len(heads)))
        values = [_v(spec.key, m, m in form.DECIMAL_METRICS) for m in spec.columns]
        g.add(Slot(spec.label), *values[:-1], _widen(values[-1], 4 - len(values)))
    return g.freeze()


def _widen(slot: Slot, colspan: int) -> Slot:
    return Slot(slot.text, slot.kind, slot.rowspan, colspan, slot.row, slot.col, slot.decimal)


REQUEST_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
GROUP_LABELS = {"denied": "(三)不予公开", "unavailable": "(四)无法提供", "rejected": "(五)不予处理",
                "other": "(六)其他处理"}


def request_outcome_rows(table: dict[str, dict[str, Cell]], template: str) -> list[str]:
    """Outcome rows to print: the single (六) row or the three 2021 rows, whichever the table has."""
    has_2021 = any(k in table for k in form.OTHER_ROWS_2021)
    single = "other" in table or (not has_2021 and template == "2019")
    return list(form.OUTCOME_ROWS_2019 if single else form.OUTCOME_ROWS_2021)


def requests_grid(table: dict[str, dict[str, Cell]], template: str) -> tuple[tuple[Slot | None, ...], ...]:
    return _fill(_requests_skeleton(tuple(request_outcome_rows(table, template))), table)


@functools.cache
def _requests_skeleton(outcome_rows: tuple[str, ...]) -> tuple:
    g = _GridBuilder(10)
    g.add(Slot(REQUEST_NOTE, rowspan=3, colspan=3), Slot("申请人情况", colspan=7))
    g.add(Slot("自然人", rowspan=2), Slot("法人或其他组织", colspan=5), Slot("总计", rowspan=2))
    g.add(*(Slot(form.REQUEST_COLUMN_LABELS[c]) for c in form.REQUEST_COLUMN_PARTS[1:]))
    labels = {r.key: r.label for r in form.REQUEST_ROWS}

    def values(key: str) -> list[Slot]:
        return [_v(key, c) for c in form.REQUEST_COLUMNS]

    for key in ("new_received", "carried_over"):
        g.add(Slot(labels[key], colspan=3), *values(key))
    outcome = [*outcome_rows, "total_processed"]
    group_sizes = {grp: sum(form.ROW_GROUP.get(k) == grp for k in outcome) for grp in GROUP_LABELS}
    seen: set[str] = set()
    for i, key in enumerate(outcome):
        head = [Slot("三、本年度办理结果", rowspan=len(outcome))] if i == 0 else []
        group = form.ROW_GROUP.get(key, "")
        if group in GROUP_LABELS and group_sizes[group] > 1:
            if group not in seen:
                seen.add(group)
                head.append(Slot(GROUP_LABELS[group], rowspan=group_sizes[group]))
            g.add(*head, Slot(labels[key]), *values(key))
        else:
            g.add(*head, Slot(labels[key], colspan=2), *values(key))
    g.add(Slot(labels["carried_forward"], colspan=3), *values("carried_forward"))
    return g.freeze()


def appeals_grid(table: dict[str, dict[str, Cell]]) -> tuple[tuple[Slot | None, ...], ...]:
    return _fill(_appeals_skeleton(), table)


@functools.cache
def _appeals_skeleton() -> tuple:
    g = _GridBuilder(15)
    results = [form.APPEAL_RESULT_LABELS[r] for r in form.APPEAL_RESULTS]
    g.add(Slot("行政复议", colspan=5), Slot("行政诉讼", colspan=10))
    g.add(*(Slot(t, rowspan=2) for t in results), Slot("未经复议直接起诉", colspan=5),
          Slot("复议后起诉", colspan=5))
    g.add(*(Slot(t) for t in results * 2))
    g.add(*(_v(p, r) for p in form.APPEAL_PROCEEDINGS for r in form.APPEAL_RESULTS))
    return g.freeze()


# ---- blocks ----------------------------------------------------------------------------------------

def title_of(report: Report) -> str:
    return f"{report.unit or ''}{report.year or ''}年政府信息公开工作年度报告"


def _cn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def report_blocks(report: Report) -> list[Block]:
    """The report as an ordered list of blocks, shared by every layout."""
    blocks = [Block("title", title_of(report))]
    if report.period:
        blocks.append(Block("para", f"本报告中所列数据的统计期限自{_cn_date(report.period.start)}起"
                                    f"至{_cn_date(report.period.end)}止。"))
    template = report.template or form.expected_template(report.year or 2021)
    sections = {s.no: s for s in report.sections}
    for spec in form.SECTIONS:
        section = sections.get(spec.no)
        table_name = form.TABLE_SECTIONS.get(spec.no)
        table = report.tables.get(table_name) if table_name else None
        if section is None and table is None:
            continue
        title = section.title if section and section.title else spec.title
        blocks.append(Block("heading", f"{CN_NUMERALS[spec.no - 1]}、{title}"))
        if section and section.text:
            blocks.extend(Block("para", p) for p in section.text.split("\n") if p.strip())
        if table is not None and table_name:
            blocks.append(Block("table", name=table_name, key=_skeleton_key(table_name, table, template),
                                table=table))
    return blocks


def _skeleton_key(name: str, table: dict[str, dict[str, Cell]], template: str) -> tuple:
    if name == "active":
        return (name, template)
    if name == "requests":
        return (name, tuple(request_outcome_rows(table, template)))
    return (name,)


def _skeleton(key: tuple) -> tuple:
    if key[0] == "active":
        return _active_skeleton(key[1])
    if key[0] == "requests":
        return _requests_skeleton(key[1])
    return _appeals_skeleton()


# ---- text layouts ----------------------------------------------------------------------------------

def _rows_tabs(grid: tuple) -> list[str]:
    return ["\t".join(s.text if s else "" for s in row) for row in grid]


def _rows_pipe_rows(grid: tuple) -> list[str]:
    return [" | ".join(s.text if s else "" for s in row) + " |" for row in grid]


def _rows_pipes(grid: tuple) -> list[str]:
    """One cell per line ending in " |" (02.txt); empty label slots are dropped, value cells never."""
    return [f"{s.text} |" for row in grid for s in row if s and (s.text or s.kind == "value")]


def _rows_lines(grid: tuple) -> list[str]:
    """One cell per line (01.txt); a blank value cell is an empty line."""
    return [s.text for row in grid for s in row if s and (s.text or s.kind == "value")]


def _rows_runtogether(grid: tuple, name: str) -> list[str]:
    """Cells glued with no separator (07.txt): 规章000; the appeals numbers stay tab-separated."""
    lines = []
    for row in grid:
        slots = [s for s in row if s]
        labels = "".join(s.text for s in slots if s.kind == "label")
        sep = "\t" if name == "appeals" else ""
        values = sep.join(s.text for s in slots if s.kind == "value")
        lines.append(labels + values)
    return lines


ROW_WRITERS = {"txt_tabs": _rows_tabs, "txt_gb18030": _rows_tabs, "txt_pipes": _rows_pipes,
               "txt_pipe_rows": _rows_pipe_rows, "txt_lines": _rows_lines}


@functools.cache
def _text_table(key: tuple, layout: str) -> tuple[str, tuple[tuple[str, str, bool], ...]]:
    """A table's lines in a text layout as one format string, and the cells that fill its "{}" slots."""
    skeleton = _skeleton(key)
    marked = tuple(tuple(None if s is None else Slot("{}" if s.kind == "value" else _brace(s.text), s.kind,
                                                     s.rowspan, s.colspan) for s in row) for row in skeleton)
    rows = _rows_runtogether(marked, key[0]) if layout == "txt_runtogether" else ROW_WRITERS[layout](marked)
    refs = tuple((s.row, s.col, s.decimal) for row in skeleton for s in row if s is not None and s.kind == "value")
    return "\n".join(rows), refs


def _brace(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _table_text(block: Block, layout: str) -> str:
    fmt, refs = _text_table(block.key, layout)
    table = block.table or {}
    return fmt.format(*(format_cell(table.get(row, {}).get(col), decimal) for row, col, decimal in refs))


def render_text(blocks: list[Block], layout: str) -> str:
    out: list[str] = []
    for block in blocks:
        if block.kind == "table":
            out.extend((_table_text(block, layout), ""))
        else:
            out.extend((block.text, ""))
    return "\n".join(out)


# ---- HTML ------------------------------------------------------------------------------------------

def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_table(grid: tuple) -> str:
    rows = []
    for row in grid:
        cells = []
        for s in row:
            if s is None:
                continue
            span = (f' rowspan="{s.rowspan}"' if s.rowspan > 1 else "") + (
                f' colspan="{s.colspan}"' if s.colspan > 1 else "")
            cells.append(f"<td{span}>{_esc(s.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="2">\n' + "\n".join(rows) + "\n</table>"


def render_html(blocks: list[Block]) -> str:
    title = blocks[0].text if blocks else ""
    body = []
    for block in blocks:
        if block.kind == "title":
            body.append(f"<h1>{_esc(block.text)}</h1>")
        elif block.kind == "heading":
            body.append(f"<h2>{_esc(block.text)}</h2>")
        elif block.kind == "para":
            body.append(f"<p>{_esc(block.text)}</p>")
        else:
            body.append(_html_table(block.grid))
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8">'
            f"<title>{_esc(title)}</title></head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


# ---- entry point -----------------------------------------------------------------------------------

def render(report: Report, layout: str) -> bytes:
    """The report as the bytes of a file in `layout` (one of LAYOUTS)."""
    if layout not in LAYOUTS:
        raise ValueError(f"未知的版式: {layout}（可选: {', '.join(LAYOUTS)}）")
    blocks = report_blocks(report)
    if layout == "html":
        return render_html(blocks).encode("utf-8")
    if layout in ("docx", "pdf"):
        from .render_office import render_docx, render_pdf  # python-docx and reportlab load only when needed

        return render_docx(blocks) if layout == "docx" else render_pdf(blocks)
    if layout in MARKDOWN_LAYOUTS:
        return render_markdown(blocks, ocr=layout == "md_ocr", repeat_merged=layout == "md_repeated").encode("utf-8")
    text = render_oneline(blocks) if layout == "txt_oneline" else render_text(blocks, layout)
    return text.encode("gb18030") if layout == "txt_gb18030" else text.encode("utf-8")
