"""Named questions over the database -> pandas DataFrames, for the pages and the exports: the selection's
figures (dashboard), its findings, one report, the texts. `from gi_analytics import analytics` gives them all."""

from ..derived.figures import COUNT_COLUMNS
from ..labels import (
    COVERAGE_STATES,
    NOT_EVALUATED,
    REVIEW_COUNT_LABELS,
    REVIEW_STATES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    ReviewTotals,
    Totals,
    finding_totals,
    number_text,
    review_totals,
)
from ..store.dashboard import filter_options
from ..store.selection import FilterOptions, Filters
from .attention import needs_attention
from .dashboard import (
    DISTRICT_LABELS,
    FLAG_SEVERITIES,
    PROBLEM_REPORT_LABELS,
    REASON_FRAME,
    UNIT_VIEW_MAX,
    aggregate,
    applicant_types,
    attach_flags,
    coverage,
    district_summary,
    expected_units,
    finding_counts,
    key_figures,
    outcome_reasons,
    outcome_shares,
    per_unit,
    per_year,
    problem_reports,
    report_flags,
    state_of_findings,
    totals,
    unit_year,
    volume_jumps,
    with_rates,
)
from .findings import (
    check_title,
    findings,
    report_findings,
    review_counts,
    review_summary,
    selection_reviews,
    selection_totals,
)
from .reports import (
    find_report,
    form_table,
    original_file,
    report_cells,
    report_header,
    report_index,
    report_sections,
    report_versions,
)

__all__ = [
    "COUNT_COLUMNS", "COVERAGE_STATES", "FLAG_SEVERITIES", "NOT_EVALUATED", "REASON_FRAME", "SEVERITY_LABELS", "UNIT_VIEW_MAX",
    "STATUS_LABELS", "FilterOptions", "Filters", "aggregate", "needs_attention", "applicant_types", "attach_flags", "check_title",
    "coverage", "district_summary", "DISTRICT_LABELS", "expected_units", "filter_options", "find_report", "finding_counts", "findings", "form_table",
    "key_figures", "number_text", "original_file", "outcome_reasons", "outcome_shares", "per_unit", "per_year",
    "report_cells", "report_findings", "report_flags", "report_header", "report_index", "report_sections",
    "report_versions", "selection_totals", "PROBLEM_REPORT_LABELS", "problem_reports", "state_of_findings",
    "REVIEW_COUNT_LABELS", "REVIEW_STATES", "ReviewTotals",
    "review_counts", "review_summary", "review_totals", "selection_reviews", "totals", "unit_year", "Totals",
    "finding_totals", "volume_jumps", "with_rates",
]
