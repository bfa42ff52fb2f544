"""Web text whose line breaks were lost: one long line -> the lines the form would have printed.

A scraper or a copy from a page joins the whole body into one line (`规章000行政规范性文件77132470`). The form's
own anchors put the breaks back: the six section headings everywhere, and inside the table sections every row,
group and column label of both templates (with its numbering, `2.`, `(三)`, `四、`). A label counts as an anchor
only where a value, white space or another anchor follows it, so that prose naming a label stays whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..form_spec import SECTIONS

MIN_LENGTH = 120  # shorter lines are ordinary lines of a table or a paragraph
_NUMERALS = "一二三四五六"
_HEADING = "|".join(f"{_NUMERALS[s.no - 1]}[、.,]{s.pattern}" for s in SECTIONS)
_TITLE_END = re.compile(r"(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)")
_PREFIX = r"(?:[一二三四五六七八九十]、|\([一二三四五六七八九十]\)|\d[.、])?"
_LABELS = (
    # table 二, both templates: article, column and row labels
    r"第二十条第\([一二三四五六七八九十]+\)项",
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    r"本年收费金额(?:\([^)]{0,20}\))?",
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "处理决定数量",
    "采购项目数量",
    r"采购总金额(?:\([^)]{0,10}\))?",
    "规章",
    "行政规范性文件",
    "规范性文件",
    "行政许可",
    "其他对外管理服务事项",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
    # table 三
    r"\(本列数据的勾稽关系为[^)]{0,40}\)",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "本年度办理结果",
    "予以公开",
    r"部分公开(?:\(区分处理的[^)]{0,20}\))?",
    "不予公开",
    "属于国家秘密",
    "其他法律(?:行政)?法规禁止公开",
    '危及"?三安全一稳定"?',
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
    "无法提供",
    "本机关不掌握相关政府信息",
    "没有现成信息需要另行制作",
    "补正后申请内容仍不明确",
    "不予处理",
    "信访举报投诉类申请",
    "重复申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
    "其他处理",
    "申请人无正当理由逾期不补正、?行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、?行政机关不再处理其政府信息公开申请",
    "结转下年度继续办理",
    # table 四
    "行政复议",
    "行政诉讼",
    "未经复议直接起诉",
    "复议后起诉",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
)
# labels that are only labels with their number: `3.其他`, `(七)总计`; `总计` and `其他` alone are column heads
_NUMBERED_ONLY = r"\d[.、]其[他它]|\(七\)总计|七、总计|总计"
_ANCHOR = re.compile(rf"{_PREFIX}(?:{'|'.join(_LABELS)})|{_NUMBERED_ONLY}")
_HEADING_ANCHOR = re.compile(_HEADING)
_TABLE_HINT = re.compile(r"本年新收|本年制发|本年新制作|勾稽关系|申请人情况|结果维持")
_FOLLOWS = re.compile(r"[\d\s|\-—–/:]|$")


def split_long_line(text: str) -> list[str]:
    """The line cut before every heading and table label it runs together; other lines come back whole."""
    if len(text) < MIN_LENGTH:
        return [text]
    cuts = _cuts(text)
    if len(cuts) < 3:
        return [text]
    bounds = [0, *cuts, len(text)]
    pieces = (text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False))
    return [p for p in pieces if p]


@lru_cache(maxsize=256)
def _cuts(text: str) -> tuple[int, ...]:
    headings = [(m.start(), m.end(), no) for m, no in _heading_matches(text)]
    if not headings and not _TABLE_HINT.search(text):
        return ()  # a paragraph of prose
    cuts = {edge for start, end, _ in headings for edge in (start, end)}
    cuts |= {m.end() for m in _TITLE_END.finditer(text, 0, headings[0][0] if headings else len(text))}
    for start, end in _table_spans(headings, len(text)):
        matches = list(_ANCHOR.finditer(text, start, end))
        starts = {m.start() for m in matches} | {end}
        cuts |= {m.start() for m in matches if m.end() in starts or _FOLLOWS.match(text, m.end())}
    return tuple(sorted(c for c in cuts if 0 < c < len(text)))


def _heading_matches(text: str) -> list[tuple[re.Match[str], int]]:
    found = []
    for match in _HEADING_ANCHOR.finditer(text):
        no = _NUMERALS.index(match.group(0)[0]) + 1
        if not found or no > found[-1][1]:
            found.append((match, no))
    return found


def _table_spans(headings: list[tuple[int, int, int]], length: int) -> list[tuple[int, int]]:
    """Where table labels are looked for: from heading 二 to heading 五; the whole line without headings."""
    starts = {no: start for start, _, no in headings}
    if 2 not in starts and 3 not in starts:
        return [(0, length)]
    begin = starts.get(2, starts.get(3, 0))
    end = min((s for no, s in starts.items() if no >= 5), default=length)
    return [(begin, end)]
