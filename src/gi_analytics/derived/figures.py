"""Per-report figures materialized at ingest: the table `report_figures`, one wide row per current report.

The dashboard's questions are "sum these figures over a selection": with the figures of each report already
in one row, every analytics query is a filtered scan and a GROUP BY instead of a join over the long `cells`
table (7 M rows for 10,000 units × 7 years). store/figures.py builds the table from
these definitions inside every ingest's write (ingest/derive.py), after the checks, so the table always
matches the cells and findings it was made from.

Columns: report_id, unit_id, unit, district, year, template; the counts of COUNT_COLUMNS (NULL where the
report has no number for them); new_<type> (new requests per applicant type); reason_<row> (requests per
denial/unavailable reason); blank, all_zero (findings of those checks); errors, warnings, infos (failed
findings by severity), not_evaluated; flag ('error' | 'warning' | NULL) and flag_titles (the Chinese titles
of its failed error/warning checks, "、"-joined).
"""

from __future__ import annotations

import re

from .. import form_spec as form

TABLE = "report_figures"
REASON_GROUPS = ("denied", "unavailable")
REASON_ROWS = tuple(k for k, g in form.ROW_GROUP.items() if g in REASON_GROUPS)
APPLICANT_TYPES = form.REQUEST_COLUMN_PARTS
KEY_PATTERN = re.compile(r"^[a-z0-9_.]+$")


def _measures() -> list[tuple[str, str, str, str]]:
    """(tbl, row_key, col_key, measure): which cells add up to which figure of a report (keys from form.py)."""
    out = [("requests", row, "total", name) for row, name in (
        ("new_received", "new_received"), ("carried_over", "carried_over"), ("total_processed", "processed"),
        ("carried_forward", "carried_forward"))]
    out += [("requests", row, "total", "other_single" if row == "other" else
             "other_sub" if group == "other" else group) for row, group in form.ROW_GROUP.items()]
    out += [("requests", "new_received", col, f"new_{col}") for col in APPLICANT_TYPES]
    out += [("requests", row, "total", f"reason_{row}") for row in REASON_ROWS]
    for proc in form.APPEAL_PROCEEDINGS:
        name = "review" if proc == "review" else "litigation"
        out += [("appeals", proc, "total", name), ("appeals", proc, "corrected", f"{name}_corrected"),
                ("appeals", proc, "pending", f"{name}_pending")]
    return out


MEASURES = _measures()
COUNT_COLUMNS = (
    "new_received", "carried_over", "processed", "carried_forward",
    "review", "review_corrected", "review_pending", "litigation", "litigation_corrected", "litigation_pending",
    *form.OUTCOME_GROUPS,
)
TYPE_COLUMNS = tuple(f"new_{c}" for c in APPLICANT_TYPES)
REASON_COLUMNS = tuple(f"reason_{r}" for r in REASON_ROWS)
