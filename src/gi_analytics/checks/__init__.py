"""Consistency checks: declared as data in `registry`, one family per module, run by `runner`."""

from .registry import BY_ID, REGISTRY, CheckSpec
from .runner import check_report, check_series, run_checks

__all__ = ["BY_ID", "REGISTRY", "CheckSpec", "check_report", "check_series", "run_checks"]
