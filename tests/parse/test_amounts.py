"""Amounts in the unit their canonical key declares: 2021 fees.amount in 万元, 2019 procurement.amount in 元."""

from __future__ import annotations

from pathlib import Path

import pytest

from gi_analytics.model import Severity
from gi_analytics.parse import parse_document
from gi_analytics.parse.amounts import convert
from gi_analytics.readers import Document, TableBlock, TextBlock
from gi_analytics.readers.files import read_path

OPENINGS = Path(__file__).resolve().parents[1] / "fixtures" / "real-openings"
PROCUREMENT = "表二·政府集中采购·采购总金额"
FEES = "表二·行政事业性收费·本年收费金额"

ACTIVE_2019 = """二、主动公开政府信息情况
第二十条第(一)项
信息内容|本年新制作数量|本年新公开数量|对外公开总数量
规章|0|0|0
规范性文件|0|0|0
第二十条第(五)项
信息内容|上一年项目数量|本年增/减|处理决定数量
行政许可|0|0|0
其他对外管理服务事项|0|0|0
行政处罚|0|0|0
行政强制|0|0|0
第二十条第(八)项
信息内容|上一年项目数量|本年增/减
行政事业性收费|0|0
第二十条第(九)项
信息内容|采购项目数量|{header}
政府集中采购|2|{amount}
三、收到和处理政府信息公开申请情况"""

ACTIVE_2021 = """二、主动公开政府信息情况
第二十条第(一)项
信息内容|本年制发件数|本年废止件数|现行有效件数
规章|0|0|0
行政规范性文件|0|0|0
第二十条第(五)项
信息内容|本年处理决定数量
行政许可|0
第二十条第(六)项
信息内容|本年处理决定数量
行政处罚|0
行政强制|0
第二十条第(八)项
信息内容|{header}
行政事业性收费|{amount}
三、收到和处理政府信息公开申请情况"""


def parse_active(template: str, header: str, amount: str):
    text = (ACTIVE_2019 if template == "2019" else ACTIVE_2021).format(header=header, amount=amount)
    return parse_document(Document("t.txt", "txt", [TextBlock(line) for line in text.split("\n")]))


def amount_problems(report) -> list[tuple[str, Severity, str]]:
    return [(p.code, p.severity, p.where) for p in report.problems if p.code.startswith("amount.")]


CONVERTED = "amount.converted"


@pytest.mark.parametrize(
    ("template", "header", "amount", "stored", "problem"),
    [
        # 2019 procurement: stored in 元
        ("2019", "采购总金额", "18.3万元", 183000, (CONVERTED, Severity.INFO, PROCUREMENT)),
        ("2019", "采购总金额", "251000元", 251000, None),
        ("2019", "采购总金额", "1.2亿元", 120000000, (CONVERTED, Severity.INFO, PROCUREMENT)),
        ("2019", "采购总金额(万元)", "18.3", 183000, (CONVERTED, Severity.INFO, PROCUREMENT)),
        ("2019", "采购总金额（单位：万元）", "0.25", 2500, (CONVERTED, Severity.INFO, PROCUREMENT)),
        ("2019", "采购总金额(元)", "251000", 251000, None),
        ("2019", "采购总金额", "25", 25, ("amount.unit_unknown", Severity.WARNING, PROCUREMENT)),
        ("2019", "采购总金额", "0", 0, None),  # zero in any unit
        # 2021 fees: stored in 万元, the template's own unit
        ("2021", "本年收费金额(单位:万元)", "12.3456", 12.3456, None),
        ("2021", "本年收费金额（单位：万元，保留4位小数）", "0.5", 0.5, None),
        ("2021", "本年收费金额", "3", 3, None),  # the template declares 万元
        ("2021", "本年收费金额(单位:万元)", "3940元", 0.394, (CONVERTED, Severity.INFO, FEES)),
        ("2021", "本年收费金额(单位:元)", "3940", 0.394, (CONVERTED, Severity.INFO, FEES)),
        ("2021", "本年收费金额(单位:万元)", "1.5亿元", 15000, (CONVERTED, Severity.INFO, FEES)),
    ],
)
def test_amounts(template: str, header: str, amount: str, stored: float, problem: tuple | None) -> None:
    report = parse_active(template, header, amount)
    assert report.template == template
    row = "procurement" if template == "2019" else "fees"
    assert report.value("active", row, "amount") == stored
    assert amount_problems(report) == ([problem] if problem else [])


def test_the_real_opening_with_18_3_wan_yuan() -> None:
    report = parse_document(read_path(OPENINGS / "03.txt"))
    assert report.value("active", "procurement", "amount") == 183000
    assert report.value("active", "procurement", "items") == 0
    problem = next(p for p in report.problems if p.code == CONVERTED)
    assert "18.3万元" in problem.message and problem.where == PROCUREMENT


def test_a_header_printed_one_character_a_line() -> None:
    report = parse_active("2019", "采\n购\n总\n金\n额\n(万元)", "18.3")
    assert report.value("active", "procurement", "amount") == 183000


def test_a_grid_header_names_the_unit() -> None:
    rows = [["信息内容", "采购项目数量", "采购总金额（万元）"], ["政府集中采购", "1", "2.5"]]
    head = [TextBlock("二、主动公开政府信息情况"), TextBlock("第二十条第(一)项"),
            TableBlock([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "0", "0", "0"]])]  # fmt: skip
    doc = Document(
        "t.html", "html", [*head, TableBlock(rows), TextBlock("三、收到和处理政府信息公开申请情况")]
    )
    report = parse_document(doc)
    assert report.template == "2019"
    assert report.value("active", "procurement", "amount") == 25000


@pytest.mark.parametrize(
    ("value", "unit", "to", "out"),
    [(18.3, "万元", "元", 183000), (3940, "元", "万元", 0.394), (0.1234, "万元", "元", 1234), (7, "元", "元", 7),
     (12345.6, "元", "万元", 1.23456)],
)  # fmt: skip
def test_convert_is_exact(value: float, unit: str, to: str, out: float) -> None:
    assert convert(value, unit, to) == out
    assert isinstance(convert(value, unit, to), type(out))
