"""textcompare: the diff marks exactly what changed, similarity finds the demo district's injected reuse and
nothing else, report text is always escaped, and the page queries read the cache the ingest writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gi_analytics import store
from gi_analytics.analytics import text as tc
from gi_analytics.demo.generator import generate_district
from gi_analytics.ingest.pipeline import ingest_paths
from gi_analytics.ingest.resolve import normalize_unit
from gi_analytics.store.selection import Filters

# ---------------------------------------------------------------- diff


def _marked(spans: tuple[tc.Span, ...], op: str) -> list[str]:
    return [s.text for s in spans if s.op == op]


@pytest.mark.parametrize(
    ("left", "right", "deleted", "inserted"),
    [
        ("全年主动公开政府信息一百二十条，群众满意。", "全年主动公开政府信息九十条，群众满意。", ["一百二"], ["九"]),
        ("坚持以公开为常态、不公开为例外。", "坚持以公开为常态、以不公开为例外。", [], ["以"]),
        ("依托政府门户网站和政务公开栏发布信息。", "依托政府门户网站发布信息。", ["和政务公开栏"], []),
        ("本年度未收到申请。", "本年度未收到申请。", [], []),
        ("我镇加强培训，提高业务水平和服务质量。", "我镇加强学习培训，提高业务水平和服务质量，效果明显。",
         [], ["学习", "，效果明显"]),
    ],
)
def test_char_diff_marks_exactly_the_changed_characters(left, right, deleted, inserted):
    row = tc.char_diff(left, right)
    assert _marked(row.left, "delete") == deleted
    assert _marked(row.right, "insert") == inserted
    assert "".join(s.text for s in row.left) == left
    assert "".join(s.text for s in row.right) == right


def test_compare_aligns_paragraphs_and_counts_unchanged_text():
    old = "第一段没有任何变化的文字内容。\n第二段介绍公开平台建设情况。\n第三段将被整段删除掉。"
    new = "第一段没有任何变化的文字内容。\n第二段介绍公开平台建设和管理情况。\n全新的一段关于队伍建设的文字。"
    c = tc.compare(old, new)
    kinds = [(tuple(s.op for s in r.left), tuple(s.op for s in r.right)) for r in c.rows]
    assert kinds == [
        (("equal",), ("equal",)),
        (("equal", "equal"), ("equal", "insert", "equal")),
        (("delete",), ()),
        ((), ("insert",)),
    ]
    assert c.unchanged == len("第一段没有任何变化的文字内容。") + len("第二段介绍公开平台建设情况。")
    assert c.right_chars == sum(len(p) for p in new.splitlines())
    assert c.share == pytest.approx(c.unchanged / c.right_chars)


@pytest.mark.parametrize(("old", "new", "share"), [("相同的文字。", "相同的文字。", 1.0), ("", "新写的文字。", 0.0),
                                                 ("旧的文字。", "", 0.0)])
def test_share_edges(old, new, share):
    assert tc.compare(old, new).share == share


paragraph_text = st.lists(st.text(alphabet="甲乙丙丁戊己庚辛壬癸，。\n", max_size=40), max_size=5).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(paragraph_text, paragraph_text)
def test_compare_keeps_every_character_of_both_sides(old, new):
    c = tc.compare(old, new)
    left = [s for r in c.rows for s in r.left]
    right = [s for r in c.rows for s in r.right]
    assert "".join(s.text for s in left) == "".join(tc.paragraphs(old))
    assert "".join(s.text for s in right) == "".join(tc.paragraphs(new))
    assert {s.op for s in left} <= {"equal", "delete"} and {s.op for s in right} <= {"equal", "insert"}
    assert sum(len(s.text) for s in left if s.op == "equal") == c.unchanged <= min(c.left_chars, c.right_chars)


# ---------------------------------------------------------------- escaping


def test_comparison_html_escapes_report_text_and_labels():
    c = tc.compare("<script>alert(1)</script>", "<script>alert(2)</script><b>粗</b>")
    out = tc.comparison_html(c, "<i>甲镇</i>", "乙镇 & 丙镇")
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(<del>1</del>)" in out
    assert "&lt;script&gt;alert(<ins>2</ins>)&lt;/script&gt;<ins>&lt;b&gt;粗&lt;/b&gt;</ins>" in out
    assert "乙镇 &amp; 丙镇" in out


def test_snippets_escape_and_mark_the_phrase():
    text = "开头<script>x</script>" + "很长的上下文" * 10 + "政务公开<b>栏</b>结尾。再次提到政务公开。"
    out = tc.snippets_html(text, "政务公开", limit=5)
    assert len(out) == 2
    assert out[0] == "…" + "很长的上下文" * 5 + "<mark>政务公开</mark>&lt;b&gt;栏&lt;/b&gt;结尾。再次提到政务公开。"
    assert all("<b>" not in s and "<script>" not in s for s in out)
    assert tc.snippets_html(text, "不存在的词") == []


# ---------------------------------------------------------------- distinctive terms (pure)


def test_distinctive_terms_rank_a_new_years_own_words_first():
    counts = pd.DataFrame(
        [(2022, "政务公开", 50, 8), (2023, "政务公开", 52, 8), (2022, "优化营商环境", 2, 2),
         (2023, "数字政府", 12, 5), (2023, "乡村振兴", 6, 3), (2022, "乡村振兴", 6, 3), (2023, "一次", 1, 1)],
        columns=["year", "term", "count", "reports"],
    )
    top = tc.distinctive_terms(counts, 2023)
    assert list(top["term"])[0] == "数字政府"
    assert "政务公开" not in set(top["term"]) and "一次" not in set(top["term"])  # common / single report
    assert tc.distinctive_terms(counts[counts["year"] == 2023], 2023).empty  # no other year to compare with


# ---------------------------------------------------------------- the demo district


SECTION_NO = {"一": 1, "五": 5, "六": 6}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A generated district (8 units, 2020–2023, txt) ingested, then the text cache computed in a store write."""
    root = tmp_path_factory.mktemp("demo")
    generate_district(root / "reports", units=8, years=(2020, 2023), formats=("txt",))
    db = root / "demo.duckdb"
    ingest_paths([root / "reports"], db, workers=1)
    with store.write_connection(db) as txn:
        tc.compute_similarity(txn.con)
        txn.changed = True
    anomalies = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))["anomalies"]
    return db, [a for a in anomalies if a["check"] == "text.reused"]


def _section_of(detail: str) -> int:
    return SECTION_NO[re.search(r"第(.)部分", detail)[1]]


def _explains(a: dict, p) -> bool:
    """Whether injected anomaly `a` accounts for the similar pair `p` (a row of similarity_pairs)."""
    unit, year = normalize_unit(a["unit"]), a["year"]
    if p.section_no != _section_of(a["detail"]) or (unit, year) not in {(p.unit_a, p.year_a), (p.unit_b, p.year_b)}:
        return False
    if a["kind"] == "text_reused_last_year":
        return p.unit_a == p.unit_b and abs(p.year_a - p.year_b) == 1
    return p.unit_a != p.unit_b and p.year_a == p.year_b


def test_similarity_finds_every_injected_reuse(demo):
    db, reused = demo
    pairs = list(tc.similarity_pairs(db, tc.THRESHOLD).itertuples())
    injected = [a for a in reused if not a.get("implied")]
    assert injected, "the demo district should inject text reuse"
    for a in injected:
        assert any(_explains(a, p) for p in pairs), f"not found: {a}"


def test_no_pair_of_different_texts_reaches_the_threshold(demo):
    db, reused = demo
    pairs = tc.similarity_pairs(db)
    assert len(pairs) > 100  # every comparable pair is scored, not only the similar ones
    for p in pairs[pairs["score"] >= tc.THRESHOLD].itertuples():
        assert any(_explains(a, p) for a in reused), p
    assert pairs["score"].between(0, 1).all()


def test_page_queries_agree_with_and_without_the_cache(demo, tmp_path):
    db, _ = demo
    bare = tmp_path / "bare.duckdb"
    ingest_paths([db.parent / "reports"], bare, workers=1)
    with store.write_connection(bare) as txn:  # a database written before the cache tables existed
        for table in ("text_similarity", "text_reuse", "text_lengths"):
            txn.con.execute(f"DROP TABLE {table}")
        txn.changed = True
    cols = ["unit_a", "year_a", "unit_b", "year_b", "section_no", "score"]
    key = cols[:5]
    cached = tc.similarity_pairs(db)[cols].sort_values(key).reset_index(drop=True)
    computed = tc.similarity_pairs(bare)[cols].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(cached, computed, check_dtype=False)
    pd.testing.assert_frame_equal(tc.reuse_shares(db), tc.reuse_shares(bare), check_dtype=False)
    pd.testing.assert_frame_equal(tc.section_lengths(db), tc.section_lengths(bare), check_dtype=False)


def test_matrices_are_symmetric_with_a_unit_diagonal(demo):
    db, _ = demo
    pairs, reports = tc.similarity_pairs(db), tc.text_reports(db)
    units = sorted(reports[reports["year"] == 2022]["unit"])
    m = tc.unit_matrix(pairs, 1, 2022, units)
    assert list(m.index) == units and (m.values == m.values.T).all()
    assert (m.values.diagonal() == 1).all() and m.notna().all().all()
    y = tc.year_matrix(pairs, units[0], 1, sorted(reports[reports["unit"] == units[0]]["year"]))
    assert (y.values.diagonal() == 1).all() and ((y.values >= 0) & (y.values <= 1)).all()


def test_reuse_of_a_section_copied_from_last_year_is_complete(demo):
    db, reused = demo
    a = next(a for a in reused if a["kind"] == "text_reused_last_year" and not a.get("implied"))
    unit, year, no = normalize_unit(a["unit"]), a["year"], _section_of(a["detail"])
    with store.read_connection(db) as con:
        chars, kept = con.execute(
            """SELECT t.chars, t.reused FROM text_reuse t JOIN reports r USING (report_id)
               JOIN units u USING (unit_id) WHERE u.name = ? AND r.year = ? AND t.section_no = ?""",
            [unit, year, no]).fetchone()
    assert chars > 0 and kept == chars
    shares = tc.reuse_shares(db)
    assert shares["share"].between(0, 1).all()
    assert set(shares["year"]) <= {2021, 2022, 2023}


def test_section_lengths_and_keyword_counts_match_the_text(demo):
    db, _ = demo
    with store.read_connection(db) as con:
        docs = store.load_docs(con)
    lengths = tc.section_lengths(db)
    first = docs.iloc[0]
    got = lengths[(lengths["unit"] == first["unit"]) & (lengths["year"] == first["year"])
                  & (lengths["section_no"] == first["section_no"])]["length"].item()
    assert got == len(re.sub(r"\s", "", first["text"]))
    hits = tc.keyword_hits(db, "政府信息")
    assert hits["count"].sum() == sum(t.count("政府信息") for t in docs["text"])
    assert tc.keyword_hits(db, "并不存在的说法").empty and tc.keyword_hits(db, "  ").empty


def test_term_counts_leave_unit_names_out(demo):
    db, _ = demo
    counts = tc.term_counts(db)
    names = set(tc.text_reports(db)["unit"])
    assert not counts.empty and not names & set(counts["term"])
    assert counts["term"].str.fullmatch(r"[\u4e00-\u9fff]{2,}").all()


def test_text_queries_select_in_sql_what_the_page_used_to_filter(demo):
    """Each text query given the sidebar's selection returns exactly the unselected result's rows of the selected
    units and years (a pair: both of its reports), so the page no longer reads a nation's texts to show one
    district's."""
    db, _ = demo
    units = tuple(sorted(set(tc.text_reports(db)["unit"]))[:3])
    f = Filters(units=units, year_from=2022)

    def chosen(df: pd.DataFrame, unit: str = "unit", year: str = "year") -> pd.DataFrame:
        return df[df[unit].isin(units) & (df[year] >= 2022)].reset_index(drop=True)

    pairs = tc.similarity_pairs(db, 0.0, None, None, None, f)
    expected = chosen(chosen(tc.similarity_pairs(db), "unit_a", "year_a"), "unit_b", "year_b")
    assert len(pairs) > 0
    pd.testing.assert_frame_equal(pairs, expected)
    for query in (tc.section_lengths, tc.reuse_shares):
        got = query(db, f)
        assert len(got) > 0 and set(got["unit"]) <= set(units)
        pd.testing.assert_frame_equal(got, chosen(query(db)))
    first = tc.section_lengths(db, f, 1)
    assert len(first) > 0
    pd.testing.assert_frame_equal(first, chosen(tc.section_lengths(db).query("section_no == 1")))
    hits = tc.keyword_hits(db, "政府信息", f)
    assert len(hits) > 0
    pd.testing.assert_frame_equal(hits, chosen(tc.keyword_hits(db, "政府信息")))
    counts, every = tc.term_counts(db, f), tc.term_counts(db)
    assert set(counts["year"]) <= {2022, 2023, 2024, 2025} and counts["count"].sum() < every["count"].sum()
    assert not set(tc.text_reports(db)["unit"]) & set(counts["term"])  # the district's unit names left out
