"""docs/parsing.md lists every problem code the readers, the parser and the importer can emit."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# a problem code as the code writes it: Problem("cells.unreadable", …) or a code string on a line of its own
_EMITTED = re.compile(r'Problem\(\s*"([a-z_]+\.[a-z_]+)"|^\s+"([a-z_]+\.[a-z_]+)",\s*$', re.M)


def emitted_codes() -> set[str]:
    codes = set()
    for path in (ROOT / "src" / "gi_analytics").rglob("*.py"):
        if "checks" in path.parts or "demo" in path.name or "demo" in path.parts:
            continue  # check ids (the checks, the demo's planted anomalies) are documented in docs/checks.md
        for match in _EMITTED.finditer(path.read_text(encoding="utf-8")):
            codes.add(match.group(1) or match.group(2))
    return codes


def test_every_problem_code_is_documented() -> None:
    documented = set(
        re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", (ROOT / "docs" / "parsing.md").read_text("utf-8"), re.M)
    )
    codes = emitted_codes()
    assert len(codes) > 25
    assert codes <= documented, sorted(codes - documented)
