"""A unit's name as printed -> the canonical name it is stored under, against the names already known.

Known names come from the units CSV (its `unit` and `alias` columns) and the database. A printed name is taken
as it is when it is known or nothing known resembles it; an alias (`上海市科委`) is replaced by its full name;
a name that differs from exactly one known name by look-alike characters only (沐阳县 / 沭阳县, as OCR and
typing make them) is replaced by that name with a warning naming it; a look-alike of several keeps the printed
name and a warning names the candidates. Other names are new units (北集镇 and 北坪镇 are two townships).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..model import Problem, Severity

# Characters OCR and hurried typing swap for one another.
_LOOK_ALIKE = (
    "沐沭", "己已巳", "末未", "日曰", "土士", "大太犬", "人入八", "王玉主", "汩汨", "侯候", "戊戌戍", "冶治",
    "拨拔", "淅浙", "栗粟", "刺剌", "崇祟", "泊洎", "鸟乌", "肓盲", "汆氽", "兔免",
)  # fmt: skip
_SIMILAR = {(a, b) for group in _LOOK_ALIKE for a in group for b in group if a != b}
_MIN_LENGTH = 3  # shorter names differ by one character and are still different units (东镇 / 西镇)


@dataclass(frozen=True)
class KnownUnits:
    names: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = field(default_factory=dict)  # alias -> canonical name

    @classmethod
    def of(cls, names: Iterable[str], aliases: Mapping[str, str] | None = None) -> KnownUnits:
        aliases = dict(aliases or {})
        return cls(frozenset(names) | frozenset(aliases.values()), aliases)


def resolve(name: str, known: KnownUnits, where: str = "标题") -> tuple[str, list[Problem]]:
    """(the name to store, problems saying what was decided)."""
    if name in known.names or not known.names:
        return name, []
    if name in known.aliases:
        canonical = known.aliases[name]
        message = f"单位名称“{name}”是单位表中“{canonical}”的别名，按“{canonical}”入库"
        return canonical, [Problem("unit.alias", Severity.INFO, message, where)]
    variants = [k for k in known.names if _look_alike(name, k)]
    if len(variants) == 1:
        message = (
            f"单位名称“{name}”不在已知单位中，与“{variants[0]}”只差形近字，按“{variants[0]}”入库，请核对"
        )
        return variants[0], [Problem("unit.variant", Severity.WARNING, message, where)]
    near = sorted(variants)  # several look-alikes: which one is not for us to say
    if near:
        listed = "、".join(f"“{n}”" for n in near[:5])
        message = (
            f"单位名称“{name}”不在已知单位中，相近的已知单位：{listed}；按原名入库，"
            "如为同一单位请在单位表的 alias 列登记"
        )
        return name, [Problem("unit.unknown", Severity.WARNING, message, where)]
    return name, []


def _look_alike(a: str, b: str) -> bool:
    """Same length, and every differing character is a known look-alike of its counterpart."""
    if len(a) != len(b) or len(a) < _MIN_LENGTH:
        return False
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return bool(pairs) and all(pair in _SIMILAR for pair in pairs)
