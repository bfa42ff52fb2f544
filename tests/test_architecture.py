"""The package's shape: layers import downwards only, no import cycle, SQL only in store/, streamlit only in the app.

The layer of a module is the layer of its first package under gi_analytics (or of the module itself). A module
may import its own layer or any lower one; imports under `if TYPE_CHECKING:` are annotations, not arrows.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gi_analytics"

# lowest first: readers, collect (the web) -> parse -> model <- checks <- store <- ingest -> derived <- analytics
# -> charts/export <- cli/app
LAYERS = (
    ("model", "form_spec", "labels", "deadlines", "access"),
    ("readers",),
    ("collect",),
    ("parse",),
    ("checks",),
    ("derived", "demo"),
    ("store",),
    ("ingest",),
    ("analytics",),
    ("charts",),
    ("export",),
    ("cli", "app", "__main__", "__init__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
SQL = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|DELETE\s+FROM|CREATE\s+(OR\s+REPLACE\s+)?(TABLE|VIEW|SEQUENCE)"
    r"|UPDATE\s+\w+\s+SET|ATTACH\b|CHECKPOINT|PRAGMA)\b"
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The gi_analytics modules `path` imports at run time (a `from pkg import mod` names the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("gi_analytics"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if not base.startswith("gi_analytics"):
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return found - {name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(path, name, set(mods)) for name, path in mods.items()}


def layer(module: str) -> int:
    parts = module.split(".")
    return RANK[parts[1] if len(parts) > 1 else "__init__"]


def test_every_module_has_a_layer() -> None:
    assert [m for m in modules() if m != "gi_analytics" and m.split(".")[1] not in RANK] == []


def test_imports_point_down_the_layers() -> None:
    upward = sorted(
        f"{a} -> {b}"
        for a, targets in graph().items()
        for b in targets
        if b != "gi_analytics" and a != "gi_analytics" and layer(b) > layer(a)
    )
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt in edges and not state.get(nxt):
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(edges):
        if not state.get(start):
            visit(start, [start])
    assert cycles == []


def test_the_layer_test_sees_an_upward_import(tmp_path: Path) -> None:
    """The walk above is real: a store module importing the app would be reported."""
    fake = tmp_path / "x.py"
    fake.write_text("from ..app import ui\nfrom . import write\n", encoding="utf-8")
    found = imports(fake, "gi_analytics.store.x", {"gi_analytics.app.ui", "gi_analytics.store.write"})
    assert found == {"gi_analytics.app.ui", "gi_analytics.store.write"}
    assert layer("gi_analytics.app.ui") > layer("gi_analytics.store.x")


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_sql_lives_only_in_store() -> None:
    outside = [p for name, p in modules().items() if not name.startswith("gi_analytics.store")]
    offenders = sorted(
        str(p.relative_to(ROOT))
        for p in outside
        if any(SQL.search(s) for s in _strings(p)) or "duckdb" in _imported_roots(p)
    )
    assert offenders == []
    assert SQL.search("SELECT a FROM b") and SQL.search("INSERT INTO t VALUES (1)")


def _imported_roots(path: Path) -> set[str]:
    """Top-level packages imported at run time (annotation-only imports left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    nodes = [n for n in ast.walk(tree) if id(n) not in skip]
    roots = {a.name.split(".")[0] for n in nodes if isinstance(n, ast.Import) for a in n.names}
    return roots | {
        (n.module or "").split(".")[0] for n in nodes if isinstance(n, ast.ImportFrom) and not n.level
    }


def test_streamlit_only_in_the_app() -> None:
    """app.py and pages/ are outside the package; benchmarks drive the app through streamlit's AppTest."""
    allowed = PACKAGE / "app"
    offenders = sorted(
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("*.py")
        if "streamlit" in _imported_roots(p) and allowed not in p.parents
    )
    assert offenders == []
    assert "streamlit" in _imported_roots(allowed / "ui.py")


def test_modules_and_pages_stay_small() -> None:
    big = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) >= 400
    }
    pages = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "pages").glob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) >= 100
    }
    assert big == {} and pages == {}
