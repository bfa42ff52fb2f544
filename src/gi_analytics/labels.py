"""Every display label and number format shared by the command line, the app and the exports (Chinese)."""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABELS = {"failed": "未通过", "not_evaluated": "未能核对"}
NOT_EVALUATED = "not_evaluated"
OUTCOME_LABELS = {"stored": "已入库", "new_version": "新版本", "unchanged": "未变化", "failed": "失败"}
PACK_PARTS = {"requests": "申请量", "outcomes": "办理结果", "appeals": "复议诉讼", "quality": "报送与问题"}
COVERAGE_STATES = {
    "missing": "缺失",
    "blank": "空白模板",
    "all_zero": "全零",
    "error": "有错误",
    "late": "逾期发布",  # a failed report.late_publication; errors outrank it, it outranks other warnings
    "warning": "有警告",
    "clean": "正常",
    "unchecked": "未能核对",  # no error or warning, but some checks could not run
}
# rates that are shares (0–1, shown as per cent); 复议率/诉讼率 are per hundred requests and not among them
SHARE_COLUMNS = frozenset({"disclosure_rate", "correction_rate", "denial_rate", "unavailable_rate",
                           "review_correction_rate", "share"})
PROBLEM_STATES = ("missing", "blank", "all_zero")  # a report that is not there, or there but not filled in
STATE_CHECKS = {"blank": "report.blank_tables", "all_zero": "report.all_zero"}  # a failed finding of it: the state
# the one palette of the states, in COVERAGE_STATES' order: every chart of the app and the pack, and its legend
STATE_COLORS = dict(zip(COVERAGE_STATES.values(),
                        ("#E0E0E0", "#757575", "#90CAF9", "#C62828", "#E65100", "#F9A825", "#66BB6A",
                         "#B39DDB"), strict=True))


@dataclass(frozen=True)
class Totals:
    """What counts, everywhere: errors and warnings are FAILED findings of that severity; checks that could not
    run are `not_evaluated`, never an error; `reports_with_errors` are the reports with at least one error."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    not_evaluated: int = 0
    reports_with_errors: int = 0

    def text(self) -> str:
        """One Chinese sentence for captions, slides and the command line."""
        return (f"错误{self.errors}条、警告{self.warnings}条、{STATUS_LABELS[NOT_EVALUATED]}{self.not_evaluated}条；"
                f"有错误的报告{self.reports_with_errors}份")


def finding_totals(rows: Iterable[Mapping[str, Any]] | Any) -> Totals:
    """The one count of findings: `rows` are findings (dicts, or a DataFrame) with `severity`, `status` and,
    for the reports with errors, `report_id` (None for a finding about a missing report)."""
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    failed = [r for r in records if r["status"] == "failed"]
    by = {sev: sum(r["severity"] == sev for r in failed) for sev in SEVERITY_LABELS}
    reports = {_report_key(r) for r in failed if r["severity"] == "error"} - {None}
    unchecked = sum(r["status"] == NOT_EVALUATED for r in records)
    return Totals(by["error"], by["warning"], by["info"], unchecked, len(reports))


def _report_key(r: Mapping[str, Any]) -> Any:
    """The report a finding belongs to; None for one about a missing report (no report to count)."""
    rid = r.get("report_id")
    return None if rid is None or _missing(rid) else int(rid)


REVIEW_STATES = ("待核实", "已确认", "已忽略", "已整改")  # as store.reviews.STATES
# a review state as the counts name it: a confirmed finding is open until it is corrected
REVIEW_COUNT_LABELS = {"待核实": "待核实", "已确认": "已确认（未整改）", "已忽略": "已忽略", "已整改": "已整改"}


@dataclass(frozen=True)
class ReviewTotals:
    """Failed findings by review state: the pack's 整改情况 and the app count them so, and only so."""

    pending: int = 0
    confirmed: int = 0
    ignored: int = 0
    corrected: int = 0

    def counts(self) -> dict[str, int]:
        return dict(zip(REVIEW_STATES, (self.pending, self.confirmed, self.ignored, self.corrected), strict=True))

    def text(self) -> str:
        return "、".join(f"{REVIEW_COUNT_LABELS[s]}{n}条" for s, n in self.counts().items())


def review_totals(rows: Iterable[Mapping[str, Any]] | Any) -> ReviewTotals:
    """The one count of review states: `rows` (dicts, or a DataFrame) have `review_status`; a state not set is
    待核实."""
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    states = [r.get("review_status") or REVIEW_STATES[0] for r in records]
    return ReviewTotals(*(states.count(s) for s in REVIEW_STATES))


def display_width(value: Any) -> int:
    """Columns a text takes in a terminal or a spreadsheet: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(value))


def number_text(value: Any) -> str:
    """A number as a reader writes it: blank when missing, no ".0" on whole numbers."""
    if value is None or _missing(value):
        return ""
    v = float(value)
    return f"{int(v):,}" if v.is_integer() else f"{v:,.4f}".rstrip("0").rstrip(".")


def _missing(value: Any) -> bool:
    try:
        return value != value or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pd.NA compares to nothing
        return True


def parse_year_range(text: str) -> tuple[int, int]:
    """"2021-2023" or "2023" -> (first, last); ValueError with a Chinese message otherwise."""
    lo, sep, hi = text.strip().replace("—", "-").replace("–", "-").partition("-")
    if not lo.strip().isdigit() or (sep and not hi.strip().isdigit()):
        raise ValueError(f"年度应写成“2021-2023”或“2023”，而不是“{text}”")
    first, last = int(lo), int(hi) if sep else int(lo)
    if first > last:
        raise ValueError(f"年度范围的起始年份大于结束年份：{text}")
    return first, last


NO_DISTRICT = "（未填区县）"


def district_label(district: str | None) -> str:
    """A district as shown: units ingested without one are one group, 未填区县."""
    return district or NO_DISTRICT


@functools.lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """Sort key of a Chinese name as a reader expects it (by pinyin, 安 before 白 before 长), then as written. One
    string, not a tuple: 40,000 names sort in half the time."""
    import pypinyin  # 0.25 s to import: only where names are sorted, never for the command line's start

    return " ".join(pypinyin.lazy_pinyin(name, errors="default")).casefold() + "\0" + name


def by_pinyin(names: Iterable[str]) -> list[str]:
    """Distinct names in pinyin order."""
    return sorted(set(names), key=pinyin_key)


def pinyin_column(values: Any) -> Any:
    """For pandas `sort_values(key=…)`: a unit column by pinyin, any other column as it is. The units become
    their rank among the distinct names: integers sort fast, however many rows (a nation's 280,000 reports)."""
    if getattr(values, "name", None) != "unit":
        return values
    import pandas as pd  # pandas and pyarrow are there wherever a column is sorted
    import pyarrow as pa
    import pyarrow.compute as pc

    names = pa.array(values)  # no copy for text that came from the database through Arrow
    order = pa.array(by_pinyin(pc.unique(names).drop_null().to_pylist()), type=names.type)
    return pd.Series(pc.index_in(names, value_set=order).to_numpy(zero_copy_only=False), index=values.index)
