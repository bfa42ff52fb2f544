"""Text similarity: character n-gram TF-IDF (2–3 grams, digits masked, sublinear tf), cosine on candidate pairs.

Reused by the text-comparison page. Pairs are scored in chunks by row-wise sparse products; no dense all-pairs
matrix is ever built.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

DIGITS = re.compile(r"\d+(?:\.\d+)?")
SPACE = re.compile(r"\s+")
CHUNK = 20_000


def normalize(text: str, names: Sequence[str] = ()) -> str:
    """NFKC, no whitespace, every number as 0, the given unit names as 某单位 (so a neighbour's copy matches)."""
    text = SPACE.sub("", unicodedata.normalize("NFKC", text))
    for name in names:
        if name:
            text = text.replace(name, "某单位")
    return DIGITS.sub("0", text)


def vectorize(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalized TF-IDF rows of already normalized texts."""
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, lowercase=False, dtype=np.float32)
    return vec.fit_transform(texts).tocsr()


def pair_cosine(x: sparse.csr_matrix, left: np.ndarray, right: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """Cosine of rows left[k] and right[k] of a row-normalized matrix, computed chunk by chunk."""
    out = np.zeros(len(left), dtype=np.float64)
    for start in range(0, len(left), chunk):
        sl = slice(start, start + chunk)
        out[sl] = np.asarray(x[left[sl]].multiply(x[right[sl]]).sum(axis=1)).ravel()
    return out


def cosine(a: str, b: str) -> float:
    """Similarity of two texts, 0–1."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    x = vectorize([na, nb])
    return float(pair_cosine(x, np.array([0]), np.array([1]))[0])
