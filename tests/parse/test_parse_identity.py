"""The unit's true name and the year from the title: a table of title shapes, the real titles, and the
importer's check against the names already known (units CSV aliases, look-alike characters, file names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gi_analytics.ingest.resolve import normalize_unit
from gi_analytics.model import Severity
from gi_analytics.parse import parse_document
from gi_analytics.parse.identity import clean_name, looks_like_unit
from gi_analytics.readers import Document, TextBlock
from gi_analytics.readers.files import read_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OPENINGS = FIXTURES / "real-openings"
BODY = "\n一、总体情况\n本年度政府信息公开工作有序开展。"
LONG_BODY = (
    "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000" * 200
)


def parse_text(text: str):
    return parse_document(Document("t.txt", "txt", [TextBlock(line) for line in text.split("\n")]))


def unit_warnings(report) -> list[str]:
    return [p.code for p in report.problems if p.code.startswith("unit.") and p.severity is Severity.WARNING]


# (the opening lines of a report, the unit, the name as printed, the year); unit None: the title does not
# say, and a warning must say so.
TITLES = [
    # the shapes met in real files
    ("标题:平潭综合实验区2022年政府信息公开工作年度报告", "平潭综合实验区", "平潭综合实验区", 2022),
    ("标题：平潭综合实验区管委会2022年度政府信息公开工作年度报告", "平潭综合实验区管委会", None, 2022),
    ("名称沭阳县发展和改革局2022年政府信息公开工作年度报告", "沭阳县发展和改革局", None, 2022),
    ("#沐阳县人民政府\n## 2022年政府信息公开工作年度报告", "沐阳县人民政府", None, 2022),
    ("# 沐阳县人民政府2022年政府信息公开工作年度报告", "沐阳县人民政府", None, 2022),
    ("2022年度螅镇政府信息公开工作年度报告", "螅镇", None, 2022),
    ("2021年度清湾街道政府信息公开工作年度报告", "清湾街道", None, 2021),
    ("2023年丰桥镇政府信息公开工作年度报告", "丰桥镇", None, 2023),
    ("关于2022年度政府信息公开工作年度报告", None, None, 2022),
    ("定》)和《关于印发中华人民共和国政府信息公开工作年度报告", None, None, None),
    (
        "根据《中华人民共和国政府信息公开条例》和《关于印发中华人民共和国政府信息公开工作年度报告\n"
        "格式的通知》要求编制本报告。",
        None,
        None,
        None,
    ),  # fmt: skip
    ("2022年政府信息公开工作年度报告", None, None, 2022),
    ("我镇2022年政府信息公开工作年度报告如下", None, None, 2022),
    # preambles above the title
    (
        "关于印发《沭阳县2022年政府信息公开工作年度报告》的通知\n沭政办发〔2023〕1号\n各乡镇人民政府，县各部门：\n"
        "沭阳县2022年政府信息公开工作年度报告",
        "沭阳县",
        None,
        2022,
    ),  # fmt: skip
    (
        "关于印发《沭阳县2022年政府信息公开工作年度报告》的通知\n各乡镇人民政府，县各部门：\n"
        "现将《沭阳县2022年政府信息公开工作年度报告》印发给你们，请认真贯彻落实。",
        "沭阳县",
        None,
        2022,
    ),  # fmt: skip
    ("沭政办发〔2023〕1号\n2022年政府信息公开工作年度报告", None, None, 2022),
    # the real titles (real-openings, the real PDFs, the sample)
    (
        "天津市武清区人民政府 2019年12月3日星期二\n\n武清区泗村店镇2019年政府信息公开年度报告",
        "泗村店镇",
        "武清区泗村店镇",
        2019,
    ),
    ("扫一扫在手机打开当前页海城市八里镇2023年政府信息公开工作年度报告", "八里镇", "海城市八里镇", 2023),
    ("驼峰路街道办事处政府信息公开工作年度报告", "驼峰路街道办事处", None, None),
    (
        "首页 > 政务公开 > 区属街道信息公开目录 > 桂花坪街道 > 信息公开年报\n\n桂花坪街道2020年政府信息公开工作年度报告",
        "桂花坪街道",
        None,
        2020,
    ),  # fmt: skip
    ("淮安市人民政府\n2024 年政府信息公开工作年度报告", "淮安市人民政府", None, 2024),
    ("淮安市洪泽区人民政府\n2024 年政府信息公开工作年度报告", "淮安市洪泽区人民政府", None, 2024),
    ("某某县人民政府办公室\n\n\n2023年政府信息公开工作年度报告", "某某县人民政府办公室", None, 2023),
    ("平昌关镇2021年政府信息公开工作年度报告", "平昌关镇", None, 2021),
    # variants: report words, brackets, markdown, order
    ("【红洲镇】2024年政府信息公开工作年度报告", "红洲镇", "红洲镇", 2024),
    ("[北集镇]2022年政府信息公开工作年度报告", "北集镇", None, 2022),
    ("《红洲镇2024年政府信息公开工作年度报告》", "红洲镇", None, 2024),
    ("**鹤峰镇2023年政府信息公开工作年度报告**", "鹤峰镇", None, 2023),
    ("## 新溪镇2022年政府信息公开工作年度报告", "新溪镇", None, 2022),
    ("新溪镇2022年度政府信息公开工作年度报告（全文）", "新溪镇", None, 2022),
    ("上海市科委2022年政府信息公开工作年度报告", "上海市科委", None, 2022),
    ("鹤溪乡2022年政务公开工作年度报告", "鹤溪乡", None, 2022),
    ("南坝镇2022年政府信息公开年报", "南坝镇", None, 2022),
    ("明堡镇2021年度政府信息公开年度报告", "明堡镇", None, 2021),
    ("清山街道办事处2021年政府信息公开工作报告", "清山街道办事处", None, 2021),
    ("龙岗镇政府信息公开2021年度报告", "龙岗镇", None, 2021),
    ("高园镇人民政府信息公开2019年度报告", "高园镇人民政府", None, 2019),
    ("银坪镇人民政府2020年度政府信息公开工作年度报告", "银坪镇人民政府", None, 2020),
    ("鹤峰镇关于2023年政府信息公开工作年度报告", "鹤峰镇", None, 2023),
    ("信阳市平桥区平昌关镇2021年政府信息公开工作年度报告", "平昌关镇", "信阳市平桥区平昌关镇", 2021),
    (
        "中国（上海）自由贸易试验区管理委员会2022年政府信息公开工作年度报告",
        "中国(上海)自由贸易试验区管理委员会",
        None,
        2022,
    ),  # fmt: skip
    ("沭阳县发展和改革局2022年政府信息公开工作年度\n报告", "沭阳县发展和改革局", None, 2022),
    # one long line of page text whose breaks were lost
    (
        "标题:丰桥镇2022年政府信息公开工作年度报告发布时间:2023-01-20来源:丰桥镇人民政府" + LONG_BODY,
        "丰桥镇",
        None,
        2022,
    ),  # fmt: skip
    (
        "首页 > 政务公开 > 桂花坪街道 > 信息公开年报 桂花坪街道2020年政府信息公开工作年度报告 发布时间 : 2021-01-25"
        + LONG_BODY,
        "桂花坪街道",
        None,
        2020,
    ),  # fmt: skip
    (
        "您的位置：首页>信息公开>年报名称：北坪镇2019年政府信息公开工作年度报告索引号：11410" + LONG_BODY,
        "北坪镇",
        None,
        2019,
    ),  # fmt: skip
]


@pytest.mark.parametrize(("text", "unit", "printed", "year"), TITLES, ids=[t[0][:24] for t in TITLES])
def test_title_table(text: str, unit: str | None, printed: str | None, year: int | None) -> None:
    report = parse_text(text + BODY)
    assert (report.unit, report.year) == (unit, year)
    if unit is None:
        assert unit_warnings(report), "a title that does not name the unit must give a warning"
    else:
        assert report.unit_printed == (printed or unit)
        assert not unit_warnings(report)


def test_the_title_table_is_large_enough() -> None:
    assert len(TITLES) >= 30


def test_a_doubtful_name_is_named_in_the_warning() -> None:
    report = parse_text("定》)和《关于印发中华人民共和国政府信息公开工作年度报告" + BODY)
    doubtful = next(p for p in report.problems if p.code == "unit.doubtful")
    assert "印发中华人民共和国" in doubtful.message and doubtful.where == "标题"
    assert report.unit_printed == "印发中华人民共和国"  # kept, for the importer to look up


@pytest.mark.parametrize(
    ("before", "name", "year"),
    [("标题:平潭综合实验区", "平潭综合实验区", None), ("2022年度螅镇", "螅镇", 2022), ("名称沭阳县发展和改革局", "沭阳县发展和改革局", None),
     ("现编制形成了《海城市八里镇", "海城市八里镇", None), ("【红洲镇】", "红洲镇", None), ("关于", "", None)],
)  # fmt: skip
def test_clean_name(before: str, name: str, year: int | None) -> None:
    assert clean_name(before) == (name, year)


@pytest.mark.parametrize(
    ("name", "unit"),
    [("泗村店镇", True), ("驼峰路街道办事处", True), ("上海市科委", True), ("沭阳县发展和改革局", True), ("关于", False),
     ("印发中华人民共和国", False), ("我镇", False), ("2022年", False)],
)  # fmt: skip
def test_looks_like_unit(name: str, unit: bool) -> None:
    assert looks_like_unit(name) is unit


# ---- the real openings: every file that names its unit gives it; the others say they cannot ---------

INDEX = [json.loads(line) for line in (OPENINGS / "index.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_real_openings_unit(entry: dict) -> None:
    report = parse_document(read_path(OPENINGS / entry["file"]))
    if entry["unit"] is not None:  # 09's title prints 桂花坪街道, its signature 桂花坪街道办事处: one unit
        assert normalize_unit(report.unit) == normalize_unit(entry["unit"])
    else:
        assert report.unit is None
        assert "unit.missing" in unit_warnings(report)


@pytest.mark.parametrize(
    ("name", "unit"),
    [("huaian-city-2024.pdf", "淮安市人民政府"), ("hongze-district-2024.pdf", "淮安市洪泽区人民政府")],
)
def test_real_pdf_unit(name: str, unit: str) -> None:
    report = parse_document(read_path(FIXTURES / "real-pdf" / name))
    assert (report.unit, report.year) == (unit, 2024)
