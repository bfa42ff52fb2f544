"""docs/checks.md is generated from the registry (scripts/gen_checks_doc.py): the test fails when it is stale."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_checks_doc.py"


def load_script():
    spec = importlib.util.spec_from_file_location("gen_checks_doc", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checks_md_is_what_the_registry_says() -> None:
    gen = load_script()
    assert gen.DOC.read_text(encoding="utf-8") == gen.render(), "run: python scripts/gen_checks_doc.py"


def test_a_changed_title_makes_the_document_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    gen = load_script()
    changed = (replace(gen.REGISTRY[0], title_zh="改过的标题"), *gen.REGISTRY[1:])
    monkeypatch.setattr(gen, "REGISTRY", changed)
    assert "改过的标题" in gen.render() and gen.DOC.read_text(encoding="utf-8") != gen.render()
