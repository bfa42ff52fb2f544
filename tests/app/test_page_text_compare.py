"""The 文本对比 page through AppTest (from app.py), on `small_db` with real paragraphs written into its sections."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/text_compare.py"

PARAGRAPHS = {
    "甲镇": ["我镇坚持以公开为常态、不公开为例外，围绕乡村振兴和民生实事推进政务公开。",
             "依托政府门户网站和村务公开栏发布惠农补贴、低保救助等信息，方便群众查阅监督。"],
    "乙镇": ["乙镇把政务公开作为优化营商环境的重要抓手，聚焦招商引资和重点项目建设，及时发布进展。",
             "组织机关干部参加业务培训，规范依申请公开的受理、审核和答复流程。"],
    "丙街道": ["街道围绕老旧小区改造、社区养老服务和就业创业政策，通过社区公告栏和微信群公开信息。",
               "建立公开台账，逐件确定公文公开属性，定期清理过时失效的信息。"],
}
YEARS = {2021: "本年度重点推进财政预决算公开，细化到功能分类的项级科目，并同步公开政府采购和资产管理情况说明。",
         2022: "本年度集中清理历年规范性文件，废止不再适用的文件，现行有效文件目录在门户网站专栏集中发布。",
         2023: "本年度试点数字政府建设，上线政务服务移动端，群众可在手机上查询办事指南和办理进度并留言评价。"}
COPIED = "存在的问题是公开内容不够全面，部分栏目更新不及时；下一步将加强培训，完善制度，提升公开质量和效果。"
SCRIPT = "<script>alert('x')</script><b>加粗</b>"


def _text(unit: str, year: int) -> str:
    first, second = PARAGRAPHS[unit]
    if (unit, year) == ("乙镇", 2022):
        second = f"{second}{SCRIPT}"
    return f"{year}年，{first}\n{YEARS[year]}\n{second}"


@pytest.fixture
def text_db(small_db) -> tuple[Path, dict[tuple[str, int], int]]:
    """small_db with paragraphs in sections 1 and 5; 甲镇 2022 section 5 copies 甲镇 2021's word for word;
    乙镇 2022 section 1 contains markup. Returns the path and (unit, year) -> current report id."""
    con = duckdb.connect(str(small_db.path))
    rows = con.execute("""SELECT r.report_id, u.name, r.year FROM reports r JOIN units u USING (unit_id)
                          WHERE r.is_current""").fetchall()
    ids = {(u, y): rid for rid, u, y in rows}
    for rid, unit, year in rows:
        con.execute("UPDATE sections SET text = ? WHERE report_id = ? AND no = 1", [_text(unit, year), rid])
        five = COPIED if unit == "甲镇" and year in (2021, 2022) else "无"
        con.execute("UPDATE sections SET text = ? WHERE report_id = ? AND no = 5", [five, rid])
    con.close()
    return small_db.path, ids


def open_page(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("GI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_renders_the_side_by_side_view(text_db, monkeypatch, clear_streamlit_cache):
    db, ids = text_db
    at = open_page(db, monkeypatch)
    assert at.radio(key="tc_view").value == "并排对比" and not at.error
    assert at.html and 'class="tc-diff"' in at.html[0].proto.body
    right = at.selectbox(key="tc_right").value
    left = at.selectbox(key="tc_left").value
    unit = next(u for (u, y), rid in ids.items() if rid == right)
    assert left == ids[(unit, next(y for (u, y), rid in ids.items() if rid == right) - 1)]  # default: last year


def test_side_by_side_updates_when_the_selection_changes(text_db, monkeypatch, clear_streamlit_cache):
    db, ids = text_db
    at = open_page(db, monkeypatch)
    at.selectbox(key="tc_left").set_value(ids[("甲镇", 2021)])
    at.selectbox(key="tc_right").set_value(ids[("甲镇", 2022)]).run()
    before = at.html[0].proto.body
    assert "202<del>1</del>年" in before and "202<ins>2</ins>年" in before
    at.selectbox(key="tc_right").set_value(ids[("丙街道", 2022)]).run()
    after = at.html[0].proto.body
    assert after != before and "老旧小区改造" in after and "丙街道 · 2022年" in after
    assert float(at.metric[2].value.rstrip("%")) < 20


def test_report_markup_is_displayed_as_text(text_db, monkeypatch, clear_streamlit_cache):
    db, ids = text_db
    at = open_page(db, monkeypatch)
    at.selectbox(key="tc_right").set_value(ids[("乙镇", 2022)])
    at.selectbox(key="tc_section").set_value(1).run()
    body = at.html[0].proto.body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;加粗&lt;/b&gt;" in body
    assert "<script>" not in body and "<b>加粗" not in body
    at.radio(key="tc_view").set_value("关键词").run()
    at.text_input(key="tc_keyword").input("alert").run()
    snippets = at.html[0].proto.body
    assert "&lt;script&gt;<mark>alert</mark>" in snippets and "<script>" not in snippets


def test_similar_pair_opens_the_side_by_side_view(text_db, monkeypatch, clear_streamlit_cache):
    db, ids = text_db
    at = open_page(db, monkeypatch)
    at.radio(key="tc_view").set_value("相似度").run()
    assert len(at.get("plotly_chart")) == 2 and not at.exception
    assert [b.label for b in at.button] == ["并排查看"]  # only the copied section reaches 0.9
    at.button[0].click().run()
    assert at.radio(key="tc_view").value == "并排对比"
    assert {at.selectbox(key="tc_left").value, at.selectbox(key="tc_right").value} == {
        ids[("甲镇", 2021)], ids[("甲镇", 2022)]}
    assert at.selectbox(key="tc_section").value == 5 and at.metric[2].value == "100%"


def test_length_reuse_and_terms_views_render(text_db, monkeypatch, clear_streamlit_cache):
    db, _ = text_db
    at = open_page(db, monkeypatch)
    at.radio(key="tc_view").set_value("篇幅与沿用").run()
    assert len(at.get("plotly_chart")) == 2 and not at.exception
    at.radio(key="tc_view").set_value("关键词").run()
    assert not at.exception and at.dataframe  # the distinctive terms of the latest year
    at.text_input(key="tc_keyword").input("并不存在的说法").run()
    assert any("没有报告提到" in i.value for i in at.info)


def test_distinctive_terms_ask_for_a_smaller_selection_past_their_limit(text_db, monkeypatch,
                                                                         clear_streamlit_cache):
    from gi_analytics.analytics import text as tc

    monkeypatch.setattr(tc, "TERM_REPORTS_MAX", 3)  # small_db has more reports than this
    at = open_page(text_db[0], monkeypatch)
    at.radio(key="tc_view").set_value("关键词").run()
    assert not at.exception and not at.dataframe
    assert any("年度特色词最多比较 3 份" in i.value and "请在侧栏选择区县" in i.value for i in at.info)


def test_empty_database_says_so(empty_db, monkeypatch, clear_streamlit_cache):
    at = open_page(empty_db, monkeypatch)
    assert any("暂无数据" in i.value for i in at.info)


def test_the_side_by_side_selection_is_in_the_url_and_a_link_opens_it(text_db, monkeypatch, clear_streamlit_cache):
    db, ids = text_db
    at = open_page(db, monkeypatch)
    at.selectbox(key="tc_left").set_value(ids[("甲镇", 2021)])
    at.selectbox(key="tc_right").set_value(ids[("丙街道", 2022)])
    at.selectbox(key="tc_section").set_value(5).run()
    link = {k: at.query_params[k] for k in ("view", "a", "a_year", "b", "b_year", "part")}
    assert link == {"view": "side", "a": "甲镇", "a_year": "2021", "b": "丙街道", "b_year": "2022", "part": "5"}

    shared = AppTest.from_file(APP, default_timeout=60)  # someone else opens the link
    shared.run()
    shared.query_params.update(link)
    shared.switch_page(PAGE).run()
    assert not shared.exception
    assert shared.selectbox(key="tc_left").value == ids[("甲镇", 2021)]
    assert shared.selectbox(key="tc_right").value == ids[("丙街道", 2022)]
    assert shared.selectbox(key="tc_section").value == 5
    shared.radio(key="tc_view").set_value("关键词").run()
    assert shared.query_params["view"] == "keywords" and "a" not in shared.query_params
