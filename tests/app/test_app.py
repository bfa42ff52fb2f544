"""Every dashboard page through Streamlit's AppTest, on a populated, an empty and a damaged database."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["pages/overview.py", "pages/requests.py", "pages/outcomes.py", "pages/appeals.py", "pages/warnings.py",
         "pages/report.py", "pages/import_reports.py"]
DATA_PAGES = PAGES[:-1]


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation):
    """Every test here runs app.py as the server would, with an empty query cache."""


def open_app(db: Path, monkeypatch, page: str | None = None, **query: str | list[str]) -> AppTest:
    monkeypatch.setenv("GI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def decode(values):
    """A plotly JSON array: a list, or {"dtype", "bdata"} (base64) since plotly 6."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def chart_data(at: AppTest, index: int = 0) -> list[dict]:
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    return [{"name": t.get("name"), "x": decode(t.get("x", [])), "y": decode(t.get("y", []))}
            for t in spec["data"]]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_populated_db(small_db, monkeypatch, page):
    at = open_app(small_db.path, monkeypatch, page)
    assert not at.error
    if page in DATA_PAGES[:4]:
        assert at.get("plotly_chart") or at.metric


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_empty_db(empty_db, monkeypatch, page):
    at = open_app(empty_db, monkeypatch, page)
    assert not at.error
    if page in DATA_PAGES:
        assert any("暂无数据" in i.value for i in at.info)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/warnings.py"])
def test_damaged_db_shows_a_message_not_a_traceback(tmp_path, monkeypatch, page):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"\x00garbage" * 500)
    at = open_app(bad, monkeypatch, page)
    assert at.error and "损坏" in at.error[0].value and "重新构建" in at.error[0].value


def test_unit_filter_changes_chart_data(small_db, monkeypatch):
    at = open_app(small_db.path, monkeypatch, "pages/requests.py")
    assert chart_data(at)[0]["y"] == [sum(n for (_, y), n in small_db.requests.items() if y == year)
                                      for year in small_db.years]
    at.multiselect(key="f_units").select("甲镇").run()
    assert chart_data(at)[0]["y"] == [small_db.requests[("甲镇", y)] for y in small_db.years]
    assert at.query_params["unit"] == "甲镇"
    at.switch_page("pages/overview.py").run()  # the selection follows to the next page
    assert {t["name"]: len(t["x"]) for t in chart_data(at)} == {"正常": 2, "有错误": 1}


def test_year_range_changes_chart(small_db, monkeypatch):
    at = open_app(small_db.path, monkeypatch, "pages/appeals.py")
    at.select_slider(key="f_years").set_range(2022, 2023).run()
    assert chart_data(at)[0]["x"] == ["2022", "2023"]
    assert at.query_params["years"] == "2022-2023"


def test_shared_link_restores_the_selection(small_db, monkeypatch):
    at = open_app(small_db.path, monkeypatch, unit=["乙镇"], years="2021-2022")
    assert at.multiselect(key="f_units").value == ["乙镇"]
    assert at.select_slider(key="f_years").value == (2021, 2022)
    at.switch_page("pages/requests.py").run()
    assert chart_data(at)[0]["x"] == ["2021", "2022"]
    assert chart_data(at)[0]["y"] == [small_db.requests[("乙镇", y)] for y in (2021, 2022)]


def findings_table(at: AppTest):
    """The warnings page's table of findings (the list of missing and blank reports stands above it)."""
    return next(d.value for d in at.dataframe if "title" in d.value.columns)


def test_known_finding_on_warnings_page(small_db, monkeypatch):
    at = open_app(small_db.path, monkeypatch, "pages/warnings.py")
    table = findings_table(at)
    f = small_db.finding
    hit = table[(table["unit"] == f.unit) & (table["year"] == f.year)]
    assert list(hit["title"]) == ["申请数量勾稽关系不平"] and f.message in hit["message"].iloc[0]
    assert "r_unit=%E7%94%B2%E9%95%87" in hit["link"].iloc[0] and "r_year=2022" in hit["link"].iloc[0]
    at.multiselect(key="w_severity").set_value(["warning"]).run()
    assert set(findings_table(at)["title"]) == {"缺少年度报告"}


def test_known_finding_highlighted_on_report_page(small_db, monkeypatch):
    f = small_db.finding
    at = open_app(small_db.path, monkeypatch, None, r_unit=f.unit, r_year=str(f.year))
    at.switch_page("pages/report.py").run()
    assert at.selectbox(key="r_unit").value == f.unit and at.selectbox(key="r_year").value == f.year
    body = at.get("html")[0].proto.body
    assert f'class="error" title="申请数量勾稽关系不平：{f.message}">12</td>' in body
    assert body.count('class="error"') == 1
    assert at.get("download_button")


def test_report_text_is_shown_as_text(small_db, monkeypatch):
    at = open_app(small_db.path, monkeypatch, "pages/report.py")
    assert any("<b>无</b>" in t.value for t in at.text)  # st.text: literal, never rendered as markup
    assert "<b>无</b>" not in at.get("html")[0].proto.body


def test_overview_metrics(small_db, monkeypatch):
    at = open_app(small_db.path, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["收到报告"] == "2 / 3"
    assert metrics["新收申请"] == f"{sum(n for (_, y), n in small_db.requests.items() if y == 2023)}"
    grid = chart_data(at)
    assert {t["name"] for t in grid} == {"缺失", "全零", "有错误", "正常"}


def test_uploaded_report_is_visible_at_once(tmp_path, monkeypatch):
    """What the import page does (importer.ingest_bytes) into an open app's database; the next run sees it."""
    from gi_analytics.ingest import pipeline as importer

    db = tmp_path / "new.duckdb"
    sample = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"
    importer.ingest_bytes([("other.txt", b"not a report")], db)
    at = open_app(db, monkeypatch, "pages/report.py")
    assert any("暂无数据" in i.value for i in at.info)
    assert importer.ingest_bytes([(sample.name, sample.read_bytes())], db, district="平桥区").files
    at.run()
    assert at.selectbox(key="r_unit").value == "平昌关镇"


def test_unpack_uploads_limits():
    import io
    import zipfile

    from gi_analytics.readers import uploads

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a/甲镇2021.txt", "报告")
        z.writestr("evil.exe", "MZ")
        z.writestr("big.txt", b"0" * (uploads.MAX_FILE_MB * 2**20 + 1))
    items, refused = uploads.unpack_uploads([("x.zip", buf.getvalue()), ("b.pdf", b"%PDF"), ("bad.zip", b"PK")])
    assert [n for n, _ in items] == ["x.zip/a/甲镇2021.txt", "b.pdf"]
    reasons = dict(refused)
    assert "不支持" in reasons["x.zip/evil.exe"] and "MB" in reasons["x.zip/big.txt"]
    assert "损坏" in reasons["bad.zip"]


def _add_unchecked(db: Path) -> None:
    """A check that could not be evaluated (error severity) on 乙镇 2022: not a failure."""
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("""INSERT INTO findings SELECT r.report_id, r.unit_id, r.year, 'requests.balance', 'error',
                   'not_evaluated', 'requests', NULL, NULL, NULL, NULL, NULL, '无法核对：缺少数字'
                   FROM reports r JOIN units u USING (unit_id) WHERE u.name = '乙镇' AND r.year = 2022 AND r.is_current""")
    con.close()


def test_not_evaluated_checks_are_not_counted_as_failures(small_db, monkeypatch):
    _add_unchecked(small_db.path)
    at = open_app(small_db.path, monkeypatch, "pages/warnings.py")
    metrics = {m.label.removeprefix(":gray[").rstrip("]"): m.value for m in at.metric}
    assert metrics["错误"] == "1" and metrics["未能核对"] == "1"
    table = findings_table(at)
    assert "未能核对" not in set(table["result_label"]) and set(table["result_label"]) == {"错误", "警告"}
    known = table[table["unit"] == small_db.finding.unit].iloc[0]
    assert (known["expected_text"], known["actual_text"]) == ("13", "11")  # no spurious ".0"
    missing = table[table["title"] == "缺少年度报告"].iloc[0]
    assert (missing["expected_text"], missing["actual_text"]) == ("", "")  # blank, not "None"
    at.multiselect(key="w_status").set_value(["not_evaluated"]).run()
    shown = findings_table(at)
    assert list(shown["result_label"]) == ["未能核对"] and list(shown["unit"]) == ["乙镇"]
    at.switch_page("pages/overview.py").run()
    at.select_slider(key="f_years").set_range(2021, 2022).run()
    metrics = {m.label.removeprefix(":gray[").rstrip("]"): m.value for m in at.metric}
    assert metrics["错误 / 警告"] == "1 / 0" and metrics["未能核对"] == "1"


@pytest.mark.parametrize("page", DATA_PAGES)
def test_every_chart_and_table_can_be_downloaded(small_db, monkeypatch, page):
    at = open_app(small_db.path, monkeypatch, page)
    labels = [b.proto.label for b in at.get("download_button")]
    charts_shown, tables_shown = len(at.get("plotly_chart")), len(at.dataframe)
    assert labels.count("下载 PNG") == labels.count("下载 SVG") == charts_shown
    assert labels.count("下载 CSV") + labels.count("表三 CSV") >= tables_shown


def test_report_page_shows_the_publication_date_and_the_printed_name(tmp_path, monkeypatch, small_db):
    from gi_analytics.ingest import pipeline as importer

    db = tmp_path / "real.duckdb"
    opening = Path(__file__).resolve().parents[1] / "fixtures" / "real-openings" / "03.txt"
    assert importer.ingest_bytes([(opening.name, opening.read_bytes())], db).ok
    at = open_app(db, monkeypatch, "pages/report.py")
    assert any("发布日期：2020-01-07" in c.value and "武清区泗村店镇" in c.value for c in at.caption)
    at = open_app(small_db.path, monkeypatch, "pages/report.py")  # rows written without the new columns' values
    assert any("发布日期：未写明" in c.value for c in at.caption)
