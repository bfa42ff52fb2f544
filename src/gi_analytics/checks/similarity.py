"""Text similarity: character n-gram TF-IDF (2–3 grams, digits masked, sublinear tf), cosine on candidate pairs.

Reused by the text-comparison page. N-grams are counted on arrays of code points (no Python loop per n-gram).
Pairs are scored in chunks: row-wise products for given pairs, or one sparse product per batch of groups whose
columns are shifted apart so that only pairs inside a group are ever computed; never a dense all-pairs matrix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

DIGITS = re.compile(r"\d+(?:\.\d+)?")
SPACE = re.compile(r"\s+")
CHUNK = 20_000
PRODUCT_ROWS_X_ROWS = 4_000_000  # bound on one sparse product's shape, so memory stays flat in big groups
SEP = "\x00"  # joins texts for plain_many: neither whitespace nor touched by NFKC
FULL_WIDTH = "，：；（）！？％．／－～\u3000０１２３４５６７８９"  # compatibility characters common in Chinese text
BLOCK = 5_000  # texts counted at once: small arrays are several times faster than one huge pass


def normalize(text: str, names: Sequence[str] = ()) -> str:
    """NFKC, no whitespace, every number as 0, the given unit names as 某单位 (so a neighbour's copy matches)."""
    return mask(plain(text), names)


def plain(text: str) -> str:
    """NFKC without whitespace: the first step of `normalize`, shared with the narrative checks."""
    return SPACE.sub("", unicodedata.normalize("NFKC", text))


def plain_many(texts: Sequence[str]) -> list[str]:
    """`plain` of every text, the same strings, but a few passes over one joined string instead of a normalization
    per text. The common full-width characters are replaced first by what NFKC makes of them (NFKC gives the same
    result either way: both decompose to the same characters); only a text that still is not in NFKC is then
    normalized on its own."""
    joined = SEP.join(texts)
    if joined.count(SEP) != max(len(texts) - 1, 0):  # a text holds the separator itself
        return [plain(t) for t in texts]
    for char in FULL_WIDTH:
        if char in joined:
            joined = joined.replace(char, unicodedata.normalize("NFKC", char))
    if not unicodedata.is_normalized("NFKC", joined):
        joined = SEP.join(t if unicodedata.is_normalized("NFKC", t) else unicodedata.normalize("NFKC", t)
                          for t in joined.split(SEP))
    return SPACE.sub("", joined).split(SEP) if texts else []


def mask(text: str, names: Sequence[str] = ()) -> str:
    """The rest of `normalize` on a `plain` text: unit names as 某单位, every number as 0."""
    for name in names:
        if name:
            text = text.replace(name, "某单位")
    return DIGITS.sub("0", text)


def mask_many(texts: Sequence[str], names: Sequence[str | None]) -> list[str]:
    """`mask(text, (name,))` of every text with its own unit name: the same strings, but one replace per name over
    that name's texts joined, and one digit pass over everything."""
    joined = SEP.join(texts)
    if joined.count(SEP) != max(len(texts) - 1, 0):  # a text holds the separator itself
        return [mask(t, (n,) if isinstance(n, str) else ()) for t, n in zip(texts, names, strict=True)]
    out = list(texts)
    by_name: dict[str, list[int]] = {}
    for k, name in enumerate(names):
        if isinstance(name, str) and name:
            by_name.setdefault(name, []).append(k)
    for name, idx in by_name.items():
        done = SEP.join(out[k] for k in idx).replace(name, "某单位").split(SEP)
        for k, t in zip(idx, done, strict=True):
            out[k] = t
    return DIGITS.sub("0", SEP.join(out)).split(SEP) if texts else []


def vectorize(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalized TF-IDF rows of already normalized texts: character 2- and 3-grams, sublinear tf, smoothed idf.

    Bit for bit what scikit-learn's TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True,
    lowercase=False, dtype=float32) gives, entries stored in the same order, but the n-grams are counted on
    arrays of code points (block by block, so the arrays stay small) instead of one Python string each; the
    weighting is scikit-learn's own TfidfTransformer."""
    if not len(texts):
        return sparse.csr_matrix((0, 1), dtype=np.float32)
    blocks = [_block_ngrams(texts[k:k + BLOCK]) for k in range(0, len(texts), BLOCK)]
    # ids in order of first appearance over all texts, as CountVectorizer assigns them while counting
    seen, vocab = pd.factorize(np.concatenate([uniq for *_, uniq in blocks]))
    rank = np.empty(len(vocab), dtype=np.int32)
    rank[np.argsort(vocab)] = np.arange(len(vocab), dtype=np.int32)  # the n-gram's place in sorted order
    parts, used = [], 0
    for n, owner, local, uniq in blocks:
        ids = seen[used:used + len(uniq)].astype(np.int32)
        used += len(uniq)
        part = sparse.csr_matrix((np.ones(len(local), dtype=np.float32), (owner, ids[local])),
                                 shape=(n, max(len(vocab), 1)))
        part.sum_duplicates()  # a row ordered by first appearance, as CountVectorizer sorts it before renaming
        parts.append(sparse.csr_matrix((part.data, rank[part.indices], part.indptr), shape=part.shape))
    return sparse.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(sparse.vstack(parts, format="csr")))


def _block_ngrams(texts: Sequence[str]) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """For a few texts: their number, each n-gram's text and block-local id, and the codes the ids stand for."""
    owner, code = _ngram_codes(texts)
    local, uniq = pd.factorize(code)
    return len(texts), owner.astype(np.int32), local.astype(np.int32), uniq


def _ngram_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document, code) of every n-gram in scikit-learn's order: per text its 2-grams, then its 3-grams. A code
    packs three 21-bit code points, the third plus one (0 for a 2-gram): codes sort as the strings ("ab" < "abc")."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    at = np.arange(len(cp)) - np.repeat(starts, lengths)  # index of each character inside its text
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    n2, n3 = np.maximum(lengths - 1, 0), np.maximum(lengths - 2, 0)
    out_start = np.cumsum(n2 + n3) - (n2 + n3)  # where each text's n-grams begin in the output
    ok2 = (at + 2 <= np.repeat(lengths, lengths))[:-1]  # an n-gram never crosses into the next text
    ok3 = (at + 3 <= np.repeat(lengths, lengths))[:-2]
    two = (cp[:-1] << 42) | (cp[1:] << 21)
    three = two[:-1] | (cp[2:] + 1)
    code = np.empty(int((n2 + n3).sum()), dtype=np.int64)
    owner = np.empty_like(code)
    place2 = (out_start[doc] + at)[:-1][ok2]
    place3 = (out_start[doc] + n2[doc] + at)[:-2][ok3]
    code[place2], code[place3] = two[ok2], three[ok3]
    owner[place2], owner[place3] = doc[:-1][ok2], doc[:-2][ok3]
    return owner, code


def pair_cosine(x: sparse.csr_matrix, left: np.ndarray, right: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """Cosine of rows left[k] and right[k] of a row-normalized matrix, computed chunk by chunk."""
    out = np.zeros(len(left), dtype=np.float64)
    for start in range(0, len(left), chunk):
        sl = slice(start, start + chunk)
        out[sl] = np.asarray(x[left[sl]].multiply(x[right[sl]]).sum(axis=1)).ravel()
    return out


def group_pairs(x: sparse.csr_matrix, group: np.ndarray, min_score: float = 0.0,
                chunk: int = CHUNK) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, cosine) of every ordered pair of distinct rows in the same group (group >= 0) with cosine > 0 and
    >= min_score. A batch of whole groups (at most `chunk` rows unless one group is bigger) is one sparse product
    whose columns are shifted by group, so rows of different groups share no column and are never multiplied."""
    rows = np.flatnonzero(group >= 0)
    rows = rows[np.argsort(group[rows], kind="stable")]
    g = group[rows]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])  # first row of each group
    width = max(x.shape[1], 1)
    out: list[tuple[np.ndarray, ...]] = []
    for lo, hi in _batches(starts, len(rows), chunk, max(1, (2**31 - 1) // width - 1)):
        out.append(_batch_pairs(x, rows[lo:hi], g[lo:hi], width, min_score))
    if not out:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.float32)
    return tuple(np.concatenate(parts) for parts in zip(*out, strict=True))  # type: ignore[return-value]


def _batches(starts: np.ndarray, n: int, chunk: int, max_groups: int) -> list[tuple[int, int]]:
    """[lo, hi) row ranges cut at group starts: at most `chunk` rows (or one group) and `max_groups` groups."""
    bounds: list[tuple[int, int]] = []
    lo, count = 0, 0
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), n][: len(starts)], strict=True):
        if count and (end - lo > chunk or count >= max_groups):
            bounds.append((lo, start))
            lo, count = start, 0
        count += 1
    if n > lo:
        bounds.append((lo, n))
    return bounds


def _batch_pairs(x: sparse.csr_matrix, rows: np.ndarray, g: np.ndarray, width: int,
                 min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sub = x[rows]
    local = np.cumsum(np.r_[False, g[1:] != g[:-1]])  # 0, 0, 1, 1, 1, 2 … per row
    shift = np.repeat(local.astype(np.int64) * width, np.diff(sub.indptr))
    shifted = sparse.csr_matrix((sub.data, (sub.indices + shift).astype(np.int32), sub.indptr),
                                shape=(len(rows), width * (int(local[-1]) + 1)))
    block = max(1, PRODUCT_ROWS_X_ROWS // len(rows))  # a district of 10,000 units: 400 rows at a time
    parts = []
    transposed = shifted.T.tocsr()  # once, not once per block
    for lo in range(0, len(rows), block):
        sim = (shifted[lo:lo + block] @ transposed).tocoo()
        row = sim.row + lo
        keep = (row != sim.col) & (sim.data >= min_score) & (sim.data > 0)
        parts.append((rows[row[keep]], rows[sim.col[keep]], sim.data[keep]))
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]


def cosine(a: str, b: str) -> float:
    """Similarity of two texts, 0–1."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    x = vectorize([na, nb])
    return float(pair_cosine(x, np.array([0]), np.array([1]))[0])
