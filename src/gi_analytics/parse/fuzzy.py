"""Labels that OCR or typing changed by a character or two (`申清`, `行政事业型收费`): the one form label within a
small edit distance. Only labels of six characters or more are matched this way, never numbers."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

MIN_LENGTH = 6


def budget(label: str) -> int:
    return 1 if len(label) < 12 else 2


Choices = tuple[tuple[str, str], ...]  # (form label, key)


@lru_cache(maxsize=1 << 14)
def closest(label: str, choices: Choices) -> str | None:
    """The key of the one choice nearest to `label` within its budget; None when none is, or when two are
    equally near. Cached: the same header and prose labels come back in every report."""
    if len(label) < MIN_LENGTH or any(ch.isdigit() for ch in label):
        return None
    limit = budget(label)
    scored = sorted((Levenshtein.distance(label, text, score_cutoff=limit + 1), key) for text, key in choices)
    near = [(d, key) for d, key in scored if d <= limit]
    if not near or (len(near) > 1 and near[1][0] == near[0][0] and near[1][1] != near[0][1]):
        return None
    return near[0][1]
