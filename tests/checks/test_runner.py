"""The runner: a check that raises is reported as not evaluated, with its error, on every report; never a pass."""

from __future__ import annotations

from dataclasses import replace

import pytest
from checks_helpers import make_report

from gi_analytics.checks import REGISTRY, check_report, runner
from gi_analytics.model import Status


def _boom(inp: object) -> object:
    raise ZeroDivisionError("测试用的故障")


@pytest.mark.parametrize("scope", ["report", "series"])
def test_a_check_that_raises_is_not_evaluated_with_its_error(monkeypatch: pytest.MonkeyPatch, scope: str) -> None:
    spec = next(s for s in REGISTRY if s.scope == scope)
    monkeypatch.setattr(runner, "REGISTRY", [replace(spec, func=_boom, scope="report")])
    findings = check_report(make_report())
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check == spec.id and finding.status == Status.NOT_EVALUATED
    assert "ZeroDivisionError" in finding.message and "测试用的故障" in finding.message


def test_a_check_that_works_is_unaffected(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = next(s for s in REGISTRY if s.id == "requests.balance")
    monkeypatch.setattr(runner, "REGISTRY", [spec])
    assert [f for f in check_report(make_report()) if f.status == Status.NOT_EVALUATED] == []
