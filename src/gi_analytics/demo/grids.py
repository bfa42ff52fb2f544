"""The three tables as grids of slots, like the official form (merged cells included), and how a cell prints.

A grid is cached per label skeleton; a report's values are printed into its value slots."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import form_spec as form
from ..model import Cell, CellState


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

    return tuple(
        tuple(filled(s) if s is not None and s.kind == "value" else s for s in row) for row in skeleton
    )


ARTICLE_OF_ITEM = {
    "regulations": "一",
    "normative_documents": "一",
    "licensing": "五",
    "other_services": "五",
    "punishment": "六",
    "coercion": "六",
    "fees": "八",
    "procurement": "九",
}
METRIC_LABEL_OVERRIDES = {
    ("2021", "fees", "amount"): "本年收费金额(单位:万元,保留4位小数)",
    ("2019", "procurement", "amount"): "采购总金额",
    ("2019", "licensing", "decisions"): "处理决定数量",
}


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
GROUP_LABELS = {
    "denied": "(三)不予公开",
    "unavailable": "(四)无法提供",
    "rejected": "(五)不予处理",
    "other": "(六)其他处理",
}


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
    g.add(
        *(Slot(t, rowspan=2) for t in results),
        Slot("未经复议直接起诉", colspan=5),
        Slot("复议后起诉", colspan=5),
    )
    g.add(*(Slot(t) for t in results * 2))
    g.add(*(_v(p, r) for p in form.APPEAL_PROCEEDINGS for r in form.APPEAL_RESULTS))
    return g.freeze()


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
