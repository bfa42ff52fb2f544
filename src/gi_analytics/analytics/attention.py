"""需要关注的单位: one ranked table of the units a supervisor should look at first, with the reasons in Chinese.

A unit scores for each missing report (3), each confirmed finding not yet corrected (2), each report published
late (1) — over the selection's years — and for each outlying rate in the latest year of the selection (1):
公开率 below the district's P10, 不予公开率 / 无法提供率 / 复议纠错率 above its P90, or the same rate moved the
bad way by CHANGE or more since the unit's own previous year. The rates are those of dashboard._add_rates (one
definition each). A rate is never computed on fewer than MIN_SAMPLE cases of its own denominator (办理总数; for
复议纠错率, 已审结的行政复议): such a unit is 样本不足 for it. Percentiles are the district's, over the units rated
that year (all of them, whatever units the selection names), and need MIN_PEERS of them; a value also has to
stand MIN_GAP from the district's median, so that a hair past P90 of a crowd of zeros is not an outlier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..store import reviews as review_sql
from ..store.selection import Filters
from .dashboard import coverage, unit_year, with_rates

MIN_SAMPLE = 10
MIN_PEERS = 5
MIN_GAP = 0.05  # 5 percentage points from the district's median
CHANGE = 0.20  # 20 percentage points against the unit's previous year
WEIGHTS = {"missing": 3, "confirmed": 2, "late": 1, "outliers": 1}
COLUMNS = ["rank", "unit", "district", "score", "missing", "late", "confirmed", "outliers", "sample", "reasons",
           "rate_year"]  # fmt: skip
LABELS = {"rank": "排名", "unit": "单位", "district": "区县", "score": "关注分", "missing": "缺失报告",
          "late": "逾期发布", "confirmed": "已确认待整改", "outliers": "异常比率", "sample": "比率样本",
          "reasons": "原因", "rate_year": "比率年度"}  # fmt: skip
INSUFFICIENT = "样本不足"
Key = tuple[str, str]  # (district, unit)


@dataclass(frozen=True)
class Rate:
    column: str  # of dashboard._add_rates
    label: str
    base: str  # its denominator's column
    high_is_bad: bool


RATES = (
    Rate("disclosure_rate", "公开率", "processed", False),
    Rate("denial_rate", "不予公开率", "processed", True),
    Rate("unavailable_rate", "无法提供率", "processed", True),
    Rate("review_correction_rate", "复议纠错率", "review_decided", True),
)


def needs_attention(path: str, f: Filters) -> pd.DataFrame:
    """Every unit of the selection, ranked (highest score first), with `reasons`; see the module's doc."""
    grid = coverage(path, f)
    if grid.empty:
        return pd.DataFrame(columns=COLUMNS)
    keys = pd.MultiIndex.from_frame(
        grid[["district", "unit"]].drop_duplicates()
    )  # one unit: its name in a district
    reasons: dict[Key, list[str]] = {k: [] for k in keys}
    counts = pd.DataFrame(0, index=keys, columns=list(WEIGHTS))
    _coverage_reasons(grid, counts, reasons)
    _confirmed_reasons(review_sql.confirmed_per_unit(path, f), counts, reasons)
    year, sample = _rate_reasons(path, f, counts, reasons)
    out = counts.reset_index()
    out["score"] = sum(out[k] * w for k, w in WEIGHTS.items())
    out["sample"] = [sample.get(k, "") for k in keys]
    out["reasons"] = ["；".join(reasons[k]) for k in keys]
    out["rate_year"] = year
    out = out.sort_values(["score", "missing", "confirmed", "unit"], ascending=[False, False, False, True])
    out["rank"] = range(1, len(out) + 1)
    return out[COLUMNS].reset_index(drop=True)


def _years(years: pd.Series) -> str:
    return "、".join(str(int(y)) for y in sorted(years))


def _coverage_reasons(grid: pd.DataFrame, counts: pd.DataFrame, reasons: dict[Key, list[str]]) -> None:
    """Missing and late reports of the selection's years (loops only over the units that have some)."""
    by = ["district", "unit"]
    missing, late = grid[grid["state"] == "missing"], grid[grid["late"].astype(bool)]
    counts["missing"] = missing.groupby(by).size().reindex(counts.index, fill_value=0)
    counts["late"] = late.groupby(by).size().reindex(counts.index, fill_value=0)
    for key, part in missing.groupby(by, sort=False):
        checked = [t for t in part["checked_text"].fillna("") if t]
        note = f"（{'；'.join(checked)}）" if checked else ""
        reasons[key].append(f"缺失{_years(part['year'])}年度报告{note}")
    for key, part in late.groupby(by, sort=False):
        reasons[key].append(f"{_years(part['year'])}年度报告逾期发布")


def _confirmed_reasons(confirmed: pd.DataFrame, counts: pd.DataFrame, reasons: dict[Key, list[str]]) -> None:
    for row in confirmed.itertuples():
        if (key := (row.district, row.unit)) in reasons:
            counts.loc[key, "confirmed"] = int(row.confirmed)
            reasons[key].append(
                f"已确认待整改的问题{int(row.confirmed)}条（{_years(pd.Series(row.years))}年度）"
            )


def _rate_reasons(
    path: str, f: Filters, counts: pd.DataFrame, reasons: dict[Key, list[str]]
) -> tuple[int | None, dict[Key, str]]:
    """The latest year's outlying rates; returns that year and, for the units with fewer than MIN_SAMPLE
    requests processed that year, their 样本不足 note (none of their rates is judged that year)."""
    peers = with_rates(unit_year(path, replace(f, units=(), year_from=None)))
    if peers.empty:
        return None, {}
    year = int(peers["year"].max())
    now = peers[peers["year"] == year].set_index(["district", "unit"])
    before = peers[peers["year"] == year - 1].set_index(["district", "unit"])
    few = now.loc[~(now["processed"] >= MIN_SAMPLE), "processed"]  # NaN (not filled in) is too few too
    sample = {
        key: f"{INSUFFICIENT}（{'未填办理数' if pd.isna(n) else f'办理{n:,.0f}件'}）"
        for key, n in few.items()
        if key in reasons
    }
    for rate in RATES:
        rated = now[now[rate.base] >= MIN_SAMPLE].dropna(subset=[rate.column])
        for unit, text in _outliers(rate, year, rated, before).items():
            if unit in reasons:
                counts.loc[unit, "outliers"] += 1
                reasons[unit].append(text)
    return year, sample


def _outliers(rate: Rate, year: int, rated: pd.DataFrame, before: pd.DataFrame) -> dict[Key, str]:
    """(district, unit) -> the sentence of each way its rate stands out (against the district, against its last year)."""
    found: dict[Key, list[str]] = {}
    for _, part in rated.groupby(level="district"):
        if len(part) < MIN_PEERS:
            continue
        values = part[rate.column]
        bound = values.quantile(0.9 if rate.high_is_bad else 0.1)
        median = values.median()
        for unit, v in values.items():
            beyond = v > bound if rate.high_is_bad else v < bound
            if beyond and abs(v - median) >= MIN_GAP:
                side = f"高于全区P90（{bound:.1%}）" if rate.high_is_bad else f"低于全区P10（{bound:.1%}）"
                found.setdefault(unit, []).append(f"{year}年度{rate.label}{v:.1%}，{side}")
    prev = before[before[rate.base] >= MIN_SAMPLE][rate.column].dropna()
    for unit, v in rated[rate.column].items():
        if unit not in prev.index:
            continue
        change = v - prev[unit]
        if (change if rate.high_is_bad else -change) >= CHANGE:
            way = "上升" if change > 0 else "下降"
            found.setdefault(unit, []).append(
                f"{rate.label}由{year - 1}年度{prev[unit]:.1%}{way}至{v:.1%}（{abs(change) * 100:.1f}个百分点）"
            )
    return {unit: "；".join(texts) for unit, texts in found.items()}
