"""Text similarity and reuse between the narrative sections of the current reports, as frames: written after
each ingest by store/text.py into `text_similarity` and `text_reuse`.

Similarity reuses the checks' character n-gram TF-IDF (`checks.similarity`) and their thresholds, so the page
and the text.reused check agree.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..checks.series import MIN_TEXT, REUSE_THRESHOLD
from ..checks.similarity import group_pairs, normalize, vectorize

THRESHOLD = REUSE_THRESHOLD
SMALL_GROUP = 60  # a district-year of up to this many texts keeps every pair's score (for the heatmaps)
LARGE_GROUP_FLOOR = 0.5  # larger groups keep only pairs at least this similar
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
PAIR_COLUMNS = ["report_a", "report_b", "section_no", "score"]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def similarity_frame(docs: pd.DataFrame) -> pd.DataFrame:
    """Cosine of pairs of the same section within (district, year) and within (unit) across years.

    Each district is vectorized on its own (its own idf), so a district's scores depend on its reports only and
    an ingest recomputes just the districts it touched. Texts shorter than MIN_TEXT after normalization are left
    out. In groups of up to SMALL_GROUP texts every pair is kept (for the heatmaps); in larger groups only pairs
    scoring at least LARGE_GROUP_FLOOR. Sparse products in bounded chunks (`checks.similarity.group_pairs`),
    never an all-pairs matrix. report_a < report_b.
    """
    parts = [_district_pairs(docs.iloc[rows].sort_values(["unit", "year", "section_no"], kind="stable"))
             for rows in _by_district(docs)]  # places, not ids, order a district: the same floats in any database
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c != "score" else "float64") for c in PAIR_COLUMNS})
    return frame.drop_duplicates(["report_a", "report_b", "section_no"]).reset_index(drop=True)


def _by_district(docs: pd.DataFrame) -> list[np.ndarray]:
    """Row positions of each district's docs, in their order (districts in order of first appearance)."""
    if docs.empty:
        return []
    return list(docs.groupby("district", sort=False, dropna=False).indices.values())


def _district_pairs(docs: pd.DataFrame) -> pd.DataFrame:
    norm = [normalize(t, (u,)) for t, u in zip(docs["text"], docs["unit"], strict=True)]
    keep = np.flatnonzero(np.array([len(t) for t in norm], dtype=int) >= MIN_TEXT)
    if len(keep) < 2:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    d = docs.iloc[keep].reset_index(drop=True)
    x = vectorize([norm[k] for k in keep])
    found = [_pairs_in_groups(x, d.groupby(keys, sort=False, dropna=False).ngroup().to_numpy())
             for keys in (["year", "section_no"], ["unit_id", "section_no"])]
    i, j, s = (np.concatenate(parts) for parts in zip(*found, strict=True))
    rid = d["report_id"].to_numpy()
    return pd.DataFrame({"report_a": np.minimum(rid[i], rid[j]), "report_b": np.maximum(rid[i], rid[j]),
                         "section_no": d["section_no"].to_numpy()[i], "score": np.round(np.clip(s, 0, 1), 4)})


def _pairs_in_groups(x: Any, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, score) with i < j for rows sharing a label: all pairs in small groups, close ones in large."""
    sizes = np.bincount(labels)[labels]
    small = group_pairs(x, np.where(sizes <= SMALL_GROUP, labels, -1))
    large = group_pairs(x, np.where(sizes > SMALL_GROUP, labels, -1), min_score=LARGE_GROUP_FLOOR)
    i, j, s = (np.concatenate(parts) for parts in zip(small, large, strict=True))
    upper = i < j
    return i[upper], j[upper], s[upper]


def reused_chars(old: str, new: str) -> tuple[int, int]:
    """(characters of `new`, characters of its paragraphs found in `old` unchanged but for their numbers)."""
    before = {_NUMBERS.sub("0", p) for p in paragraphs(old)}
    parts = paragraphs(new)
    return sum(map(len, parts)), sum(len(p) for p in parts if _NUMBERS.sub("0", p) in before)


def reuse_frame(docs: pd.DataFrame) -> pd.DataFrame:
    """Per section with a previous-year report of the same unit: its length and how much of it is carried over."""
    prev = docs.assign(year=docs["year"] + 1)[["unit_id", "year", "section_no", "report_id", "text"]]
    pairs = docs.merge(prev, on=["unit_id", "year", "section_no"], suffixes=("", "_prev"))
    rows = [(int(rid), int(prid), int(no), *reused_chars(old, new))
            for rid, prid, no, old, new in pairs[["report_id", "report_id_prev", "section_no", "text_prev",
                                                  "text"]].itertuples(index=False)]
    return pd.DataFrame(rows, columns=["report_id", "prev_report_id", "section_no", "chars", "reused"])
