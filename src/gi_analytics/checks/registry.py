"""Every consistency check as data: stable id (checks.md), severity, Chinese title/description/example, function.

A function takes the CheckInput and returns a findings frame; the registry stamps the check id and severity.
`scope` says whether a check needs one report ("report", run at ingest) or the whole database ("series").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..model import Severity
from . import report, series, tables, text, timeliness
from .frames import CheckInput

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class CheckSpec:
    id: str
    severity: Severity
    title_zh: str
    description_zh: str
    example_zh: str
    func: Callable[[CheckInput], pd.DataFrame]
    scope: str = "report"  # report | series
    rows: tuple[str, ...] = ()  # the rows a finding that names only a column is about (its identity's terms)


REGISTRY: tuple[CheckSpec, ...] = (
    CheckSpec(
        "requests.balance",
        E,
        "申请数量勾稽关系不平",
        "表三每一申请人列：本年新收 + 上年结转 应等于 办理结果总计 + 结转下年度（表上注明的勾稽关系）。",
        "自然人列：本年新收 3 + 上年结转 0 = 3，但办理结果总计 2 + 结转下年度 0 = 2",
        tables.requests_balance,
        rows=("new_received", "carried_over", "total_processed", "carried_forward"),
    ),
    CheckSpec(
        "requests.outcome_sum",
        E,
        "办理结果合计不符",
        "表三每一列：（七）总计应等于（一）至（六）各项办理结果之和（有几行算几行：2019版一行“其他处理”，2021版三行）。",
        "总计列：各项办理结果相加为 15，但（七）总计填报为 16",
        tables.requests_outcome_sum,
    ),
    CheckSpec(
        "requests.column_sum",
        E,
        "申请人分列合计不符",
        "表三每一行：总计列应等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列之和。",
        "本年新收：各类申请人相加为 12，但总计列填报为 13",
        tables.requests_column_sum,
    ),
    CheckSpec(
        "appeals.sum",
        E,
        "复议诉讼结果合计不符",
        "表四每一类（行政复议、未经复议直接起诉、复议后起诉）：结果维持 + 结果纠正 + 其他结果 + 尚未审结 应等于总计。",
        "行政复议：结果维持、结果纠正、其他结果、尚未审结相加为 2，但总计填报为 3",
        tables.appeals_sum,
    ),
    CheckSpec(
        "cells.invalid",
        E,
        "单元格数值无效",
        "件数出现负数或小数，或单元格内容无法识别为数字（本年增/减可为负，收费金额可为小数）。",
        "本年新收·自然人：填报 -1，件数应为非负整数",
        tables.cells_invalid,
    ),
    CheckSpec(
        "report.blank_tables",
        E,
        "表格未填写",
        "表格栏目齐全但没有填写任何数字，通常是直接发布了空白模板。",
        "收到和处理政府信息公开申请情况表只有栏目、没有填写任何数字（未填写的模板）",
        report.blank_tables,
    ),
    CheckSpec(
        "report.missing_section",
        W,
        "缺少部分或表格",
        "六个部分中的文字部分（一、五、六）或三张表格之一缺失。",
        "缺少第五部分“存在的主要问题及改进情况”",
        report.missing_section,
    ),
    CheckSpec(
        "report.template_mismatch",
        W,
        "模板版本与年份不符",
        "2020年及以前的报告应使用2019版模板，2021年起应使用2021版；表三“其他处理”的行式与表二版本不一致也提示。",
        "2022年度报告应使用2021版模板，但表格为2019版",
        report.template_mismatch,
    ),
    CheckSpec(
        "report.period_mismatch",
        W,
        "年份前后不一致",
        "标题年份、统计期限、正文所述年份互相矛盾（正文只作弱信号：仅当“总体情况”通篇未提标题年份时才提示）。",
        "标题年份为2021年，但统计期限为2020-01-01至2020-12-31",
        report.period_mismatch,
    ),
    CheckSpec(
        "text.table_mismatch",
        W,
        "正文数字与表格不符",
        "正文写明的数量（全年共收到政府信息公开申请N件、行政复议N件、行政诉讼N件、未发生行政复议等）与表格不一致。",
        "正文称收到政府信息公开申请17件，但表格填报为95件",
        text.table_mismatch,
    ),
    CheckSpec(
        "report.late_publication",
        W,
        "报告逾期发布",
        "报告印明的发布日期晚于截止日期：乡镇、街道和部门为次年1月31日，县级以上人民政府本级报告为次年3月31日"
        "（单位表 deadline 列可按区县或单位另定）；报告未印发布日期时记为未能核对。",
        "报告发布于2024-02-15，晚于截止日期2024-01-31（乡镇、街道和部门报告），逾期15天",
        timeliness.late_publication,
    ),
    CheckSpec(
        "text.other_unit",
        W,
        "正文出现其他单位名称",
        "报告正文出现同一区县另一单位的名称，可能照抄了邻近单位的报告。",
        "报告正文出现同区其他单位“明港镇”2次（可能照抄了其他单位的报告）",
        text.other_unit,
    ),
    CheckSpec(
        "report.all_zero",
        N,
        "表三表四全部为0",
        "表三（依申请公开）和表四（复议诉讼）的所有数字都是0，值得核实是否如实填报。",
        "表三（依申请公开）和表四（复议诉讼）所有数字均为0",
        report.all_zero,
    ),
    CheckSpec(
        "cells.blank_in_filled_table",
        N,
        "已填表格中有空白",
        "表格其他单元格已填数字，但仍有单元格空白；空白不等于填报0，需说明是哪几格。",
        "收到和处理政府信息公开申请情况表已填数字，但 本年新收·科研机构 未填写（空白不等于0）",
        tables.blank_in_filled_table,
    ),
    CheckSpec(
        "series.carry_mismatch",
        W,
        "上下年结转不衔接",
        "同一单位：N年“结转下年度继续办理”应等于N+1年“上年结转政府信息公开申请数量”，逐列核对。",
        "自然人列：2021年报告结转下年度 2，但2022年报告上年结转为 0",
        series.carry_mismatch,
        "series",
    ),
    CheckSpec(
        "series.stock_rollover",
        W,
        "现行有效件数不衔接",
        "2021版模板，规章和行政规范性文件：本年现行有效 = 上年现行有效 + 本年制发 − 本年废止。",
        "行政规范性文件：上年现行有效 10 + 本年制发 2 − 本年废止 1 = 11，但本年现行有效为 15",
        series.stock_rollover,
        "series",
    ),
    CheckSpec(
        "series.missing_report",
        W,
        "缺少年度报告",
        "区县内各单位报告覆盖的年份范围内（最早到最晚），某单位缺少某一年的报告。",
        "明港镇缺少2020年度报告",
        series.missing_report,
        "series",
    ),
    CheckSpec(
        "series.identical_numbers",
        W,
        "与上年数字完全相同",
        "表格中的数字（不含现行有效等存量指标）与本单位上一年完全相同且不全为0，可能照搬上年报告。",
        "2022年报告的表格数字与2021年报告完全相同（可能照搬上年）",
        series.identical_numbers,
        "series",
    ),
    CheckSpec(
        "series.zero_streak",
        N,
        "连续多年全为0",
        "同一单位连续三年或以上表三、表四全部为0。",
        "连续3年（2019–2021年）表三、表四全部为0",
        series.zero_streak,
        "series",
    ),
    CheckSpec(
        "text.reused",
        N,
        "文字与往年或他单位雷同",
        "“总体情况”或“存在的主要问题及改进情况”与本单位上一年、或同区其他单位同年报告高度相似（字符n元TF-IDF余弦≥0.9，数字和单位名称不计）。",
        "“总体情况”与本单位2020年报告的相似度为0.97（可能照抄）",
        series.text_reused,
        "series",
    ),
    CheckSpec(
        "series.appeals_without_requests",
        N,
        "有复议诉讼但无申请",
        "复议或诉讼数量大于0，但本单位本年和上年都没有收到政府信息公开申请。",
        "复议诉讼共 1 件，但本年和上年均未收到政府信息公开申请",
        series.appeals_without_requests,
        "series",
    ),
)

BY_ID = {spec.id: spec for spec in REGISTRY}
