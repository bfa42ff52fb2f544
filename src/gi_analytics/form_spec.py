"""The State Council report format as data: sections, tables, canonical keys and their Chinese labels.

Every module that needs a key or a label takes it from here (parser, renderer, store, checks, charts).
`pattern` strings are regular expressions matched against a label after `normalize_label` (NFKC, no spaces).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    no: int
    title: str  # the usual heading, without its number
    pattern: str  # matches the heading text after the number


SECTIONS = (
    SectionSpec(1, "总体情况", r"(总体情况|工作基本情况|基本情况|工作概述|概述)"),
    SectionSpec(2, "主动公开政府信息情况", r"主动公开政府信息(的)?情况"),
    SectionSpec(3, "收到和处理政府信息公开申请情况", r"收到和处理政府信息公开申请(的)?情况"),
    SectionSpec(4, "政府信息公开行政复议、行政诉讼情况", r"(政府信息公开)?行政复议[、和及]?行政诉讼(的)?情况"),
    SectionSpec(5, "存在的主要问题及改进情况", r"(政府信息公开工作)?存在的?(主要)?问题(及|和|与)?改进(情况|措施)?"),
    SectionSpec(6, "其他需要报告的事项", r"其[他它]需要报告的?事项"),
)
TABLE_SECTIONS = {2: "active", 3: "requests", 4: "appeals"}


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # the label as the 2021 template prints it
    pattern: str
    group: str = ""  # outcome group for charts (requests table)
    columns: tuple[str, ...] = ()  # metric keys (active table)


# ---- table 二 "active" -------------------------------------------------------------------------

ACTIVE_METRIC_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount": "本年收费金额(单位:万元)",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
}

ACTIVE_2021 = (
    RowSpec("regulations", "规章", r"^规章", columns=("issued", "repealed", "in_force")),
    RowSpec("normative_documents", "行政规范性文件", r"^(行政)?规范性文件", columns=("issued", "repealed", "in_force")),
    RowSpec("licensing", "行政许可", r"^行政许可", columns=("decisions",)),
    RowSpec("punishment", "行政处罚", r"^行政处罚", columns=("decisions",)),
    RowSpec("coercion", "行政强制", r"^行政强制", columns=("decisions",)),
    RowSpec("fees", "行政事业性收费", r"^行政事业性收费", columns=("amount",)),
)

ACTIVE_2019 = (
    RowSpec("regulations", "规章", r"^规章", columns=("new_made", "new_published", "total_published")),
    RowSpec("normative_documents", "规范性文件", r"^(行政)?规范性文件",
            columns=("new_made", "new_published", "total_published")),
    RowSpec("licensing", "行政许可", r"^行政许可", columns=("prev_items", "change", "decisions")),
    RowSpec("other_services", "其他对外管理服务事项", r"^其他对外管理服务事项",
            columns=("prev_items", "change", "decisions")),
    RowSpec("punishment", "行政处罚", r"^行政处罚", columns=("prev_items", "change", "decisions")),
    RowSpec("coercion", "行政强制", r"^行政强制", columns=("prev_items", "change", "decisions")),
    RowSpec("fees", "行政事业性收费", r"^行政事业性收费", columns=("prev_items", "change")),
    RowSpec("procurement", "政府集中采购", r"^政府集中采购", columns=("items", "amount")),
)

ACTIVE = {"2021": ACTIVE_2021, "2019": ACTIVE_2019}
# metrics that may legitimately be negative or decimal
SIGNED_METRICS = {"change"}
DECIMAL_METRICS = {"amount"}

# ---- table 三 "requests" -----------------------------------------------------------------------

REQUEST_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
REQUEST_COLUMN_PARTS = REQUEST_COLUMNS[:-1]
REQUEST_COLUMN_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

_R = RowSpec
REQUEST_ROWS = (
    _R("new_received", "一、本年新收政府信息公开申请数量", r"本年新收"),
    _R("carried_over", "二、上年结转政府信息公开申请数量", r"上年结转"),
    _R("granted", "(一)予以公开", r"予以公开$", "granted"),
    _R("partially_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", r"部分公开", "partially_granted"),
    _R("denied_state_secret", "1.属于国家秘密", r"国家秘密", "denied"),
    _R("denied_prohibited", "2.其他法律行政法规禁止公开", r"其他法律.{0,4}法规禁止公开", "denied"),
    _R("denied_security", "3.危及“三安全一稳定”", r"三安全一稳定", "denied"),
    _R("denied_third_party", "4.保护第三方合法权益", r"第三方合法权益", "denied"),
    _R("denied_internal", "5.属于三类内部事务信息", r"内部事务信息", "denied"),
    _R("denied_process", "6.属于四类过程性信息", r"过程性信息", "denied"),
    _R("denied_enforcement_file", "7.属于行政执法案卷", r"行政执法案卷", "denied"),
    _R("denied_query", "8.属于行政查询事项", r"行政查询事项", "denied"),
    _R("unavailable_not_held", "1.本机关不掌握相关政府信息", r"不掌握相关政府信息", "unavailable"),
    _R("unavailable_needs_creation", "2.没有现成信息需要另行制作", r"需要另行制作", "unavailable"),
    _R("unavailable_unclear", "3.补正后申请内容仍不明确", r"补正后申请内容仍不明确", "unavailable"),
    _R("rejected_petition", "1.信访举报投诉类申请", r"信访举报投诉", "rejected"),
    _R("rejected_repeat", "2.重复申请", r"重复申请$", "rejected"),
    _R("rejected_publication", "3.要求提供公开出版物", r"公开出版物", "rejected"),
    _R("rejected_excessive", "4.无正当理由大量反复申请", r"大量反复申请", "rejected"),
    _R("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", r"确认或重新出具", "rejected"),
    _R("other_no_correction",
       "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", r"逾期不补正", "other"),
    _R("other_unpaid_fee",
       "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", r"缴纳费用", "other"),
    _R("other_misc", "3.其他", r"^(\(六\)其他处理)?3\.其[他它]$", "other"),
    _R("other", "(六)其他处理", r"其他处理$", "other"),
    _R("total_processed", "(七)总计", r"^(\(七\))?总计$"),
    _R("carried_forward", "四、结转下年度继续办理", r"结转下年度"),
)
REQUEST_ROW_KEYS = tuple(r.key for r in REQUEST_ROWS)
OTHER_ROWS_2021 = ("other_no_correction", "other_unpaid_fee", "other_misc")
OUTCOME_ROWS_2021 = tuple(r.key for r in REQUEST_ROWS if r.group and r.key != "other")
OUTCOME_ROWS_2019 = tuple(r.key for r in REQUEST_ROWS if r.group and r.key not in OTHER_ROWS_2021)
OUTCOME_GROUPS = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
}
ROW_GROUP = {r.key: r.group for r in REQUEST_ROWS if r.group}
# the form's heading lines of table 三, before the row they stand above (a group heading only where the template
# has sub-rows under it: 2019's (六)其他处理 is one row)
REQUEST_HEADINGS = {
    "granted": "三、本年度办理结果",
    "denied_state_secret": "(三)不予公开",
    "unavailable_not_held": "(四)无法提供",
    "rejected_petition": "(五)不予处理",
    "other_no_correction": "(六)其他处理",
}

# ---- table 四 "appeals" ------------------------------------------------------------------------

APPEAL_PROCEEDINGS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_PROCEEDING_LABELS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
APPEAL_RESULTS = ("upheld", "corrected", "other", "pending", "total")
APPEAL_RESULT_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

TEMPLATES = ("2019", "2021")


def expected_template(year: int) -> str:
    """The template a report for `year` should use."""
    return "2019" if year <= 2020 else "2021"


def row_label(table: str, row: str, template: str = "2021") -> str:
    """The Chinese label of a row key, for display."""
    if table == "requests":
        return next(r.label for r in REQUEST_ROWS if r.key == row)
    if table == "appeals":
        return APPEAL_PROCEEDING_LABELS[row]
    specs = ACTIVE.get(template, ACTIVE_2021) + ACTIVE_2019
    return next(r.label for r in specs if r.key == row)


def column_label(table: str, column: str) -> str:
    if table == "requests":
        return REQUEST_COLUMN_LABELS[column]
    if table == "appeals":
        return APPEAL_RESULT_LABELS[column]
    return ACTIVE_METRIC_LABELS[column]


TABLE_LABELS = {"active": "主动公开政府信息情况", "requests": "收到和处理政府信息公开申请情况",
                "appeals": "行政复议、行政诉讼情况"}
