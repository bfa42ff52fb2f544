"""The vectorized text similarity and the shared check frames: the same numbers as scikit-learn, the same pairs
as per-group products, and text.reused on the demo district finding exactly the injected reuse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from checks_helpers import SENTENCES
from sklearn.feature_extraction.text import TfidfVectorizer

from gi_analytics.checks import similarity
from gi_analytics.checks.frames import CheckInput, from_reports
from gi_analytics.checks.runner import run_checks
from gi_analytics.checks.series import REUSE_THRESHOLD, _documents
from gi_analytics.checks.similarity import (
    group_pairs,
    mask,
    mask_many,
    normalize,
    plain,
    plain_many,
    vectorize,
)
from gi_analytics.demo.generator import plan_district

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EDGE_TEXTS = ["", "a", "ab", "abc", "aab", "ab\U0001f600c", "ÿĀ", "某单位某单位"]


def real_texts() -> list[str]:
    files = [FIXTURES / "000_32c9a0a42e9b7f0e.txt", *sorted((FIXTURES / "real-openings").glob("*.txt"))]
    return [normalize(f.read_text(encoding="utf-8")) for f in files] + [normalize(s) for s in SENTENCES]


@pytest.mark.parametrize("block", [1, 3, 5_000])
def test_vectorize_equals_scikit_learn_bit_for_bit(monkeypatch, block) -> None:
    monkeypatch.setattr(similarity, "BLOCK", block)
    texts = real_texts() + EDGE_TEXTS
    ref = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, lowercase=False,
                          dtype=np.float32).fit_transform(texts).tocsr()
    x = vectorize(texts)
    assert x.shape == ref.shape and x.dtype == ref.dtype
    for part in ("indptr", "indices", "data"):  # same entries in the same order, so every product is identical
        assert np.array_equal(getattr(x, part), getattr(ref, part)), part


def test_vectorize_of_nothing_is_empty() -> None:
    assert vectorize([]).shape[0] == 0
    assert vectorize(["", "a"]).nnz == 0


def reference_pairs(x, group: np.ndarray, min_score: float) -> dict[tuple[int, int], float]:
    out = {}
    for g in np.unique(group[group >= 0]):
        rows = np.flatnonzero(group == g)
        sim = (x[rows] @ x[rows].T).toarray()
        for a, b in zip(*np.nonzero((sim > 0) & (sim >= min_score)), strict=True):
            if a != b:
                out[(int(rows[a]), int(rows[b]))] = float(sim[a, b])
    return out


@pytest.mark.parametrize("chunk", [1, 4, 20_000])
@pytest.mark.parametrize("min_score", [0.0, 0.5])
def test_group_pairs_are_the_per_group_products(chunk, min_score) -> None:
    rng = np.random.default_rng(3)
    texts = ["".join(rng.choice(SENTENCES, k)) for k in rng.integers(1, 4, 60)] + ["ab"] * 3 + [""]
    x = vectorize([normalize(t) for t in texts])
    group = rng.integers(-1, 9, len(texts))
    i, j, sim = group_pairs(x, group, min_score, chunk=chunk)
    got = {(int(a), int(b)): float(s) for a, b, s in zip(i, j, sim, strict=True)}
    assert len(got) == len(i)  # no pair twice
    assert got == reference_pairs(x, group, min_score)


def test_group_pairs_without_groups() -> None:
    x = vectorize(["甲乙丙丁", "甲乙丙丁"])
    assert [len(a) for a in group_pairs(x, np.array([-1, -1]))] == [0, 0, 0]
    assert [len(a) for a in group_pairs(x, np.array([0, 1]))] == [0, 0, 0]


@pytest.mark.parametrize("text, names, expected", [
    ("２０２１年　平昌关镇共收到申请 12 件。\n", ("平昌关镇",), "0年某单位共收到申请0件。"),
    ("第1镇收到3.5件", ("第1镇",), "某单位收到0件"),
    ("（一）总体情况 ", (), "(一)总体情况"),
])
def test_normalize_is_plain_then_mask(text, names, expected) -> None:
    assert normalize(text, names) == mask(plain(text), names) == expected


def test_report_plain_texts_are_the_plain_report_texts() -> None:
    sections = pd.DataFrame({"report_id": [7, 7, 7, 9, 7], "no": [1, 2, 5, 6, 6], "title": "",
                             "text": ["全年共收到申请\n3件", "表格", " 未发生行政复议。 ", "无", "ＡＢ　c"]})
    reports = pd.DataFrame({"report_id": [7, 9]})
    inp = CheckInput(reports, pd.DataFrame(), sections, pd.DataFrame(), pd.DataFrame())
    assert inp.report_texts == {7: "全年共收到申请\n3件\n 未发生行政复议。 \nＡＢ　c", 9: "无"}
    assert inp.report_plain_texts == {k: plain(t) for k, t in inp.report_texts.items()}
    assert list(inp.plain_texts) == ["全年共收到申请3件", None, "未发生行政复议。", "无", "ABc"]


@pytest.mark.parametrize("ids", [[3, 4, 5, 9], [10, 10**9, 5]])
def test_positions_of_dense_and_sparse_ids(ids) -> None:
    inp = CheckInput(pd.DataFrame({"report_id": ids}), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                     pd.DataFrame())
    want = np.array([ids[0], ids[-1], -7, 123_456_789, ids[1]])
    assert inp.positions(want).tolist() == [0, len(ids) - 1, -1, -1, 1]


@pytest.fixture(scope="module")
def demo() -> tuple[dict, CheckInput]:
    manifest, planned = plan_district()  # the bundled demo district (data/reports) as the generator made it
    names = [u["name"] for u in manifest.to_dict()["units"]]
    return manifest.to_dict(), from_reports([p.report for p in planned], names)


def test_text_reused_finds_exactly_the_demo_districts_injected_reuse(demo) -> None:
    manifest, inp = demo
    findings = run_checks(inp, ("series",))
    found = findings[findings["check_id"] == "text.reused"]
    names = dict(zip(inp.units["unit_id"], inp.units["name"], strict=True))
    got = sorted((names[int(u)], int(y)) for u, y in zip(found["unit_id"], found["year"], strict=True))
    want = sorted((a["unit"], a["year"]) for a in manifest["anomalies"] if a["check"] == "text.reused")
    assert got == want


def test_demo_texts_are_far_apart_unless_reused(demo) -> None:
    """Over every pair of the same section (not only the candidates the check compares): copies score ≥ 0.9,
    everything else stays well below."""
    manifest, inp = demo
    reused = {(a["unit"], a["year"]) for a in manifest["anomalies"] if a["check"] == "text.reused"}
    docs = _documents(inp)
    x = vectorize(docs["norm"].tolist())
    i, j, sim = group_pairs(x, docs["no"].to_numpy(dtype=np.int64), 0.0)
    keys = list(zip(docs["unit"], docs["year"].astype(int), strict=True))

    def injected(a: tuple[str, int], b: tuple[str, int]) -> bool:  # a copy of last year's or a neighbour's text
        last_year = a[0] == b[0] and abs(a[1] - b[1]) == 1 and (a in reused or b in reused)
        return last_year or (a[1] == b[1] and a in reused and b in reused)

    copied = np.array([injected(keys[a], keys[b]) for a, b in zip(i, j, strict=True)])
    assert (sim[copied] >= REUSE_THRESHOLD).sum() == 2 * 4  # 4 copies (both directions), 2 of each kind
    assert sim[~copied].max() < 0.8  # 0.76 at most on the bundled district


@pytest.mark.parametrize("extra", [
    [],
    ["a\u0301", "\u0301x", "㈠①ｍ２０２１％ ﾊﾟ", "ＡＢ　c", "\ufb01", "가\u11a8", "\u1100", "\u1161", " \u3000 ", ""],
    ["有\x00分隔符", "（一）"],  # a text holding the separator: normalized one by one
])
def test_plain_many_is_plain_of_each(extra) -> None:
    texts = [f.read_text(encoding="utf-8") for f in sorted(FIXTURES.glob("**/*.txt"))] + extra
    assert plain_many(texts) == [plain(t) for t in texts]
    assert plain_many([]) == []


def test_mask_many_is_mask_of_each() -> None:
    texts = ["第1镇收到3.5件，第1镇", "第12镇与第1镇2021年", "", "平昌关镇 12", "有\x00分隔符第2镇"]
    names = ["第1镇", "第1镇", None, "", "第2镇"]
    want = [mask(t, (n,) if isinstance(n, str) else ()) for t, n in zip(texts, names, strict=True)]
    assert mask_many(texts, names) == want
    assert mask_many(texts[:4], names[:4]) == want[:4]
    assert mask_many([], []) == []
