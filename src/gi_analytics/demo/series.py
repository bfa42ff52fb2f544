"""The numbers behind a generated demo district: unit names, the anomaly plan, and per-unit series whose
identities (checks.md) hold unless an anomaly breaks them on purpose."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field

from .. import form_spec as form

ANOMALY_CHECKS: dict[str, str | None] = {
    "missing_report": "series.missing_report",
    "blank_template": "report.blank_tables",
    "zero_filled": "report.all_zero",
    "broken_balance": "requests.balance",
    "appeals_total": "appeals.sum",
    "carry_mismatch": "series.carry_mismatch",
    "copied_numbers": "series.identical_numbers",
    "text_reused_last_year": "text.reused",
    "text_reused_neighbour": "text.reused",
    "other_unit_name": "text.other_unit",
    "template_mismatch": "report.template_mismatch",
    "period_mismatch": "report.period_mismatch",
    "run_together": None,
    "late_publication": "report.late_publication",
}
SERIES_KINDS = tuple(k for k in ANOMALY_CHECKS if k not in ("run_together", "late_publication"))
NEIGHBOUR_KINDS = ("text_reused_neighbour", "other_unit_name")
STEM_FIRST = "东西南北青白红黄金银石柳桃杏梅兰松竹槐枫龙凤马鹤双新古高长平太永丰临望清明旺福广"
STEM_SECOND = "河湖泉溪山岭峰坪坝岗塘湾洲桥集店寨庄屯堡营沟埠滩林田园铺关圩港墩"
KINDS = (("镇", "镇", "我镇"), ("乡", "乡", "我乡"), ("街道", "街道办事处", "我街道"))


@dataclass(frozen=True)
class Unit:
    name: str  # full name as in the title, e.g. 青河镇, 东湾街道办事处
    kind: str  # 镇 | 乡 | 街道
    short: str  # how its own text names it: 青河镇, 东湾街道
    self_ref: str  # 我镇 / 我乡 / 我街道
    scale: int  # typical new requests a year


# ---- units -----------------------------------------------------------------------------------------


def make_units(rng: random.Random, count: int) -> list[Unit]:
    """Plausible, distinct township names: about a third street offices, the rest 镇 and a few 乡."""
    stems: list[str] = []
    seen: set[str] = set()
    while len(stems) < count:
        stem = rng.choice(STEM_FIRST) + rng.choice(STEM_SECOND)
        if len(seen) > len(STEM_FIRST) * len(STEM_SECOND) // 2:
            stem += rng.choice(STEM_SECOND)
        if stem not in seen and not any(stem in s or s in stem for s in stems[-50:]):
            seen.add(stem)
            stems.append(stem)
    units = []
    for i, stem in enumerate(stems):
        kind, suffix, self_ref = KINDS[2] if i % 3 == 2 else (KINDS[1] if i % 7 == 3 else KINDS[0])
        street = kind == "街道"
        scale = rng.randint(12, 45) if street else rng.randint(1, 5)
        units.append(Unit(stem + suffix, kind, stem + ("街道" if street else suffix), self_ref, scale))
    return units


# ---- anomaly plan ----------------------------------------------------------------------------------


@dataclass
class Plan:
    units: list[Unit]
    years: list[int]
    kinds: dict[tuple[int, int], str] = field(default_factory=dict)  # (unit index, year) -> anomaly kind
    neighbour: dict[tuple[int, int], int] = field(default_factory=dict)  # NEIGHBOUR_KINDS: the other unit
    run_together: list[tuple[int, int]] = field(default_factory=list)  # candidates, in order of preference
    late: list[tuple[int, int]] = field(default_factory=list)  # reports published after their deadline
    _years_of: dict[int, set[int]] = field(default_factory=dict)
    _sources: set[tuple[int, int]] = field(default_factory=set)

    def of_unit(self, u: int) -> dict[int, str]:
        return {y: self.kinds[(u, y)] for y in sorted(self._years_of.get(u, ()))}

    def is_free(self, u: int, y: int) -> bool:
        """No anomaly of this unit within a year, and not the source a neighbour copies from."""
        taken = self._years_of.get(u, set())
        return not ({y - 1, y, y + 1} & taken) and (u, y) not in self._sources

    def add(self, kind: str, u: int, y: int) -> None:
        self.kinds[(u, y)] = kind
        self._years_of.setdefault(u, set()).add(y)
        if kind in NEIGHBOUR_KINDS:
            self.neighbour[(u, y)] = u - 1
            self._sources.add((u - 1, y))


def _year_fits(kind: str, year: int, years: list[int], nth: int) -> bool:
    first, last = years[0], years[-1]
    if kind == "missing_report":
        return first < year < last
    if kind in ("carry_mismatch", "text_reused_last_year"):
        return year > first
    if kind == "copied_numbers":
        return year > first and form.expected_template(year) == form.expected_template(year - 1)
    if kind == "template_mismatch":  # alternate: a 2021+ report on the 2019 template, then the reverse
        wants_new = (nth % 2 == 0 and last >= 2021) or first >= 2021
        return year >= 2021 if wants_new else year <= 2020
    return True


def _fits(plan: Plan, kind: str, u: int, y: int, nth: int) -> bool:
    if not plan.is_free(u, y) or not _year_fits(kind, y, plan.years, nth):
        return False
    if kind in NEIGHBOUR_KINDS:  # the neighbour (the unit before) must have a normal report that year
        return u >= 1 and (u - 1, y) not in plan.kinds
    return True


def plan_anomalies(rng: random.Random, units: list[Unit], years: list[int], per_kind: int = 2) -> Plan:
    """Place each anomaly kind `per_kind` times, every anomaly at least two years from any other of its unit.

    Kinds that cannot be placed (too few units or years) are skipped; the manifest lists what was placed.
    """
    plan = Plan(units, years)
    for kind in SERIES_KINDS:
        for nth in range(per_kind):
            for _ in range(2000):
                u, y = rng.randrange(len(units)), rng.choice(years)
                if _fits(plan, kind, u, y, nth):
                    plan.add(kind, u, y)
                    break
    towns = [u for u, unit in enumerate(units) if unit.kind != "街道"]
    recent = [y for y in years if y >= 2021]
    for _ in range(per_kind * 8 if towns and recent else 0):
        u, y = rng.choice(towns), rng.choice(recent)
        if (u, y) not in plan.kinds and (u, y) not in plan.run_together and plan.is_free(u, y):
            plan.run_together.append((u, y))
    _plan_late(rng, plan, per_kind)  # placed last: the draws above, and so the rest of the district, stay as they were
    return plan


def _plan_late(rng: random.Random, plan: Plan, count: int) -> None:
    for _ in range(count * 50):
        if len(plan.late) >= count:
            return
        u, y = rng.randrange(len(plan.units)), rng.choice(plan.years)
        taken = (u, y) in plan.kinds or (u, y) in plan.run_together or (u, y) in plan.late
        if not taken and plan.is_free(u, y):
            plan.late.append((u, y))


# ---- numbers ---------------------------------------------------------------------------------------

OUTCOME_WEIGHTS = {
    "granted": 45,
    "partially_granted": 8,
    "denied_state_secret": 0.3,
    "denied_prohibited": 0.6,
    "denied_security": 0.6,
    "denied_third_party": 1.8,
    "denied_internal": 1.0,
    "denied_process": 1.4,
    "denied_enforcement_file": 0.4,
    "denied_query": 0.8,
    "unavailable_not_held": 18,
    "unavailable_needs_creation": 5,
    "unavailable_unclear": 4,
    "rejected_petition": 5,
    "rejected_repeat": 3,
    "rejected_publication": 1,
    "rejected_excessive": 0.5,
    "rejected_confirmation": 1,
    "other_no_correction": 2,
    "other_unpaid_fee": 0.2,
    "other_misc": 2,
}
COLUMN_WEIGHTS = {
    "natural_person": 80,
    "commercial": 12,
    "research": 1,
    "social_welfare": 1,
    "legal_service": 2,
    "other_org": 4,
}
PARTS = form.REQUEST_COLUMN_PARTS


@dataclass
class Numbers:
    """One report's table values (the requests table always in 2021 rows; collapsed when printed)."""

    template: str
    active: dict[str, dict[str, int | float]]
    requests: dict[str, dict[str, int]]
    appeals: dict[str, dict[str, int]]


@dataclass
class _State:
    carry: dict[str, int]
    stock: int  # normative documents in force
    items: dict[str, int]  # 2019 template: items per licensing-type row
    published: int = 0


def _add_totals(requests: dict[str, dict[str, int]]) -> None:
    for row in requests.values():
        row["total"] = sum(row[c] for c in PARTS)


def _simulate_requests(
    rng: random.Random,
    unit: Unit,
    carry: dict[str, int],
    new_total: int,
    pending_rate: float,
    keep_all_pending: bool,
) -> dict[str, dict[str, int]]:
    keys = list(COLUMN_WEIGHTS)
    new = dict.fromkeys(PARTS, 0)
    for col in rng.choices(keys, weights=list(COLUMN_WEIGHTS.values()), k=new_total):
        new[col] += 1
    rows: dict[str, dict[str, int]] = {
        k: dict.fromkeys(PARTS, 0) for k in form.REQUEST_ROW_KEYS if k != "other"
    }
    rows["new_received"], rows["carried_over"] = new, dict(carry)
    outcome_keys, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    for col in PARTS:
        available = new[col] + carry[col]
        pending = (
            carry[col] if keep_all_pending else sum(rng.random() < pending_rate for _ in range(available))
        )
        pending = min(pending, available)
        rows["carried_forward"][col] = pending
        rows["total_processed"][col] = available - pending
        for key in rng.choices(outcome_keys, weights=weights, k=available - pending):
            rows[key][col] += 1
    _add_totals(rows)
    return rows


def _simulate_appeals(rng: random.Random, unit: Unit, received: int, force_review: bool) -> dict:
    street = unit.kind == "街道"
    review = 0 if received == 0 else (1 if rng.random() < (0.18 if street else 0.04) else 0)
    review = max(review, 1 if force_review else 0)
    direct = 1 if received and rng.random() < (0.07 if street else 0.01) else 0
    after = 1 if review and rng.random() < 0.3 else 0
    out = {}
    for key, n in (("review", review), ("litigation_direct", direct), ("litigation_after_review", after)):
        row = dict.fromkeys(form.APPEAL_RESULTS, 0)
        for result in rng.choices(("upheld", "corrected", "other", "pending"), weights=(60, 15, 15, 10), k=n):
            row[result] += 1
        row["total"] = n
        out[key] = row
    return out


def _simulate_active(rng: random.Random, unit: Unit, template: str, state: _State, frozen: bool) -> dict:
    street = unit.kind == "街道"
    issued = 0 if frozen else rng.choice((0, 0, 0, 0, 1, 1, 2))
    repealed = 0 if frozen or state.stock == 0 or rng.random() > 0.15 else 1
    state.stock += issued - repealed
    decisions = {
        "licensing": rng.randint(0, 200 if street else 60),
        "punishment": rng.randint(0, 25),
        "coercion": rng.choice((0, 0, 0, 0, 0, 1, 2)),
        "other_services": rng.randint(0, 40),
    }
    fee = 0.0 if rng.random() < 0.8 else round(rng.uniform(0.05, 12.0), 4)
    if template == "2021":
        return {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": issued, "repealed": repealed, "in_force": state.stock},
            **{k: {"decisions": decisions[k]} for k in ("licensing", "punishment", "coercion")},
            "fees": {"amount": fee},
        }
    active: dict[str, dict[str, int | float]] = {
        "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
        "normative_documents": {"new_made": issued, "new_published": issued, "total_published": state.stock},
    }
    for key in ("licensing", "other_services", "punishment", "coercion"):
        change = 0 if frozen else rng.choice((-1, 0, 0, 0, 1, 2))
        change = max(change, -state.items[key])
        active[key] = {"prev_items": state.items[key], "change": change, "decisions": decisions[key]}
        state.items[key] += change
    active["fees"] = {"prev_items": state.items["fees"], "change": 0}
    items = rng.choice((0, 0, 1, 2, 3))
    active["procurement"] = {"items": items, "amount": round(rng.uniform(1, 80), 4) if items else 0.0}
    return active


def simulate_unit(
    rng: random.Random, unit: Unit, years: list[int], kinds: dict[int, str]
) -> dict[int, Numbers]:
    """A consistent series for one unit (carry-over chained across years), shaped by its planned anomalies."""
    street = unit.kind == "街道"
    state = _State(
        carry=dict.fromkeys(PARTS, 0),
        stock=rng.randint(0, 6),
        items={
            "licensing": rng.randint(5, 40),
            "other_services": rng.randint(0, 12),
            "punishment": rng.randint(2, 30),
            "coercion": rng.randint(0, 4),
            "fees": rng.randint(0, 2),
        },
    )
    if street:
        state.carry["natural_person"] = rng.randint(0, 3)
    out: dict[int, Numbers] = {}
    for year in years:
        kind, next_kind = kinds.get(year), kinds.get(year + 1)
        template = form.expected_template(year)
        if kind == "template_mismatch":
            template = "2019" if template == "2021" else "2021"
        if kind == "copied_numbers" and year - 1 in out:
            out[year] = copy.deepcopy(out[year - 1])
            continue
        zero = kind == "zero_filled"
        if zero:  # nothing carried in either (the year before closed everything; a first year starts empty)
            state.carry = dict.fromkeys(PARTS, 0)
        new_total = 0 if zero else max(1, round(rng.gauss(unit.scale, unit.scale * 0.3)))
        hold = kind == "missing_report" or next_kind == "copied_numbers"
        requests = _simulate_requests(rng, unit, state.carry, new_total, 0.06 if street else 0.08, hold)
        if next_kind == "zero_filled" or zero:
            _close_all(requests)
        appeals = _simulate_appeals(rng, unit, new_total, kind == "appeals_total")
        active = _simulate_active(rng, unit, template, state, frozen=next_kind == "copied_numbers")
        out[year] = Numbers(template, active, requests, appeals)
        state.carry = {c: requests["carried_forward"][c] for c in PARTS}
    return out


def _close_all(requests: dict[str, dict[str, int]]) -> None:
    """No request left pending: whatever would be carried forward is granted this year."""
    for col in PARTS:
        moved = requests["carried_forward"][col]
        requests["carried_forward"][col] = 0
        requests["granted"][col] += moved
        requests["total_processed"][col] += moved
    _add_totals(requests)


def apply_number_anomalies(series: dict[int, Numbers], kinds: dict[int, str]) -> None:
    """Break identities where planned, after the series is chained (so the break does not propagate)."""
    for year, kind in kinds.items():
        if kind == "broken_balance" and year in series:
            row = series[year].requests["new_received"]
            row["natural_person"] += 2
            row["total"] += 2
        elif kind == "appeals_total" and year in series:
            series[year].appeals["review"]["total"] += 1
        elif kind == "carry_mismatch" and year - 1 in series:
            req = series[year - 1].requests
            for key in ("new_received", "carried_forward"):
                req[key]["natural_person"] += 1
                req[key]["total"] += 1
