"""The report's title -> the unit's name as printed, its short name and the year. Pure: text in, problems out.

Titles come as a clean line (`XX镇2022年政府信息公开工作年度报告`), behind archive metadata (`标题:`, `名称`, `#`,
`【】`), year first (`2022年度XX镇…`), under a preamble (`关于印发《…》的通知`, `各…：`, `〔2023〕1号`), with the
unit on the line above, broken over two lines, or inside one very long line of page text whose breaks were lost.
Whether the name is a *known* unit is for the importer to say (units CSV, database): see `unitnames`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import Period, Problem, Severity
from .tokens import Line, compact, line_text

# `…政府信息公开工作年度报告` and its variants; the year may stand before or after 政府信息公开.
_REPORT_WORDS = re.compile(
    r"(?:关于)?(?:(?P<year>20\d\d)年度?)?(?:的)?(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?"
    r"(?:(?P<year2>20\d\d)年度?)?(?:的)?(?:年度工作报告|年度报告|工作报告|年报|报告)"
)
# What follows a report title that is only cited inside a sentence (`…年度报告编制发布等工作`, `…报告格式的通知`).
_CITED = re.compile(r"》?(?:格式|编制|模板|样本|的通知|的函|的要求|工作的|有关|相关|等工作|的编制|的发布)")
# compact() has already written `〔2023〕` as `(2023)` and `：` as `:`
_PREAMBLE = re.compile(r"关于印发|的通知|印发给你们|现将|[(\[]20\d\d[)\]]\d+号|^各.{1,30}:$")
_SEPARATORS = set(" \t>＞|:：,，。;；!！?？、/\\")
_OPENERS = {"《": "》", "「": "」", "“": "”", '"': '"', "(": ")", "（": "）", "【": "】", "[": "]"}
_EDGE = "《》「」“”\"'()（）【】[]#*-—_=·•● "
_METADATA = re.compile(r"^(?:文章标题|信息名称|文件名称|标题名称|标题|名称|题名|主题|题目)[:：]?")
_NOISE = re.compile(r"^.*(?:当前页|打印本页|关闭窗口|字体大小|当前位置|您的位置|您现在的位置|首页)")
_YEAR_FIRST = re.compile(r"^(?:关于)?(?P<year>20\d\d)年度?(?:的)?")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff0-9A-Za-z()（）·]{1,39}$")
_NOT_A_NAME = re.compile(
    r"^(?:印发|根据|按照|依据|做好|编制|现将|关于|本报告|我[镇乡局委办区县市]|全[镇乡区县市])"
)
# A unit's name ends like one. Townships and street offices lose their district prefix (`武清区泗村店镇` ->
# `泗村店镇`); governments and departments are kept whole (`淮安市人民政府`, `沭阳县发展和改革局`).
UNIT_SUFFIXES = (
    "街道办事处", "街道", "镇", "乡", "人民政府", "政府", "管理委员会", "管委会", "委员会", "委", "办公室", "办",
    "局", "中心", "区", "县", "市", "旗", "州", "盟", "厅", "院", "所", "站", "署", "处", "会", "社", "队", "馆",
    "部", "组", "公司", "集团", "林场", "农场",
)  # fmt: skip
_UNIT_TAIL = re.compile(r"^(?:.*[省市区县旗])?(?P<unit>[^省市区县旗]{2,12}?(?:街道办事处|街道|镇|乡))$")
_MAX_TITLE_LINE = 80  # the title is never further down than this
_WINDOW = 400  # how far into a line (or into the joined opening text) a title is looked for
_ABOVE = 24  # the longest line above a bare `2024年…报告` taken as the unit
_PROSE_YEAR = re.compile(r"(20\d\d)年度?")
_PROSE_UNIT = re.compile(r"20\d\d年(?:度)?,?(?P<unit>[\u4e00-\u9fff]{2,8}?(?:街道办事处|街道|镇|乡))")
_PROSE_EDITOR = re.compile(
    r"由(?P<unit>[\u4e00-\u9fff]{2,12}?(?:街道办事处|镇|乡))(?:人民政府)?[\u4e00-\u9fff]{0,8}编制"
)


@dataclass(frozen=True)
class Title:
    unit: str | None = None  # the unit as the parser names it (a township without its district)
    printed: str | None = None  # the name as the title prints it, metadata stripped
    year: int | None = None
    line: int | None = None  # index of the title line
    problems: tuple[Problem, ...] = field(default_factory=tuple)


def looks_like_unit(name: str) -> bool:
    return bool(_NAME_CHARS.match(name)) and name.endswith(UNIT_SUFFIXES) and not _NOT_A_NAME.match(name)


def short_name(printed: str) -> str:
    """`武清区泗村店镇` -> `泗村店镇`; `淮安市人民政府` and `沭阳县发展和改革局` stay whole."""
    match = _UNIT_TAIL.match(printed)
    return match["unit"] if match else printed


def clean_name(before: str) -> tuple[str, int | None]:
    """The text before the report words -> (the name as printed, a year printed before it)."""
    text = _NOISE.sub("", before[_last_cut(before) :])
    text = _METADATA.sub("", text.strip(_EDGE)).strip(_EDGE)
    year = None
    match = _YEAR_FIRST.match(text)
    if match:
        year, text = int(match["year"]), text[match.end() :].strip(_EDGE)
    text = re.sub(r"^关于", "", text)
    text = re.sub(r"(?:关于|的|20\d\d年度?)$", "", text).strip(_EDGE)
    return text, year


def _last_cut(text: str) -> int:
    """Where the name starts: after the last separator or the last bracket opened and not closed."""
    cut, depth = 0, {}
    for i, ch in enumerate(text):
        if ch in _SEPARATORS:
            cut = i + 1
        elif ch in _OPENERS:
            depth[_OPENERS[ch]] = depth.get(_OPENERS[ch], []) + [i]
        elif depth.get(ch):
            depth[ch].pop()
    unclosed = [i for stack in depth.values() for i in stack]
    return max([cut] + [i + 1 for i in unclosed])


@dataclass(frozen=True)
class _Candidate:
    printed: str
    year: int | None
    line: int
    preamble: bool


def _candidates(text: str, line: int, preamble: bool) -> list[_Candidate]:
    """Every title in `text` (one line, or the opening of the joined text) with the name before it."""
    out, start = [], 0
    window = text[:_WINDOW]
    for match in _REPORT_WORDS.finditer(window):
        before, start = window[start : match.start()], match.end()
        if not preamble and _CITED.match(text, match.end()):
            continue
        if before.endswith("人民") and match[0].startswith("政府"):  # `XX镇人民政府信息公开年报`
            before += "政府"
        name, first_year = clean_name(before)
        year = int(match["year"] or match["year2"] or 0) or first_year
        out.append(_Candidate(name, year, line, preamble))
    return out


def find_title(lines: list[Line], limit: int) -> Title:
    """The unit and year from the report's title among the first `limit` lines (or the opening text)."""
    texts = [compact(line_text(line)) for line in lines[: min(limit, _MAX_TITLE_LINE)]]
    fallback: list[_Candidate] = []
    for index, text in enumerate(texts):
        preamble = bool(_PREAMBLE.search(text[:_WINDOW]))
        for cand in _candidates(text, index, preamble):
            if not cand.printed and not preamble:
                above = next((t for t in reversed(texts[:index]) if t), "")  # blank lines between are common
                cand = _Candidate(_unit_above(above), cand.year, index, False)
            if cand.printed and looks_like_unit(cand.printed) and not cand.preamble:
                return _title(cand)
            fallback.append(cand)
    joined = _opening(texts, _WINDOW * 2)  # a title broken over lines
    for cand in _candidates(joined, 0, False):
        if cand.printed and looks_like_unit(cand.printed):
            return _title(_Candidate(cand.printed, cand.year, _line_of(texts, cand.printed), False))
    named = [c for c in fallback if c.printed and looks_like_unit(c.printed)]
    if named:  # only a preamble names the report: `关于印发《XX县2022年…报告》的通知`
        return _title(named[0])
    year = next((c.year for c in fallback if c.year), None)
    doubtful = [c.printed for c in fallback if c.printed]
    line = fallback[0].line if fallback else None
    return Title(None, doubtful[0] if doubtful else None, year, line, _doubtful(doubtful))


def _opening(texts: list[str], size: int) -> str:
    parts, length = [], 0
    for text in texts:
        if length >= size:
            break
        parts.append(text)
        length += len(text)
    return "".join(parts)[:size]


def _unit_above(text: str) -> str:
    """The unit printed alone on the line above the title: `淮安市人民政府` / `2024年…报告`."""
    text = _METADATA.sub("", text.strip(_EDGE)).strip(_EDGE)
    return text if len(text) <= _ABOVE and looks_like_unit(text) and not _PREAMBLE.search(text) else ""


def _line_of(texts: list[str], name: str) -> int | None:
    return next((i for i, t in enumerate(texts) if name in t), None)


def _title(cand: _Candidate) -> Title:
    return Title(short_name(cand.printed), cand.printed, cand.year, cand.line)


def _doubtful(names: list[str]) -> tuple[Problem, ...]:
    if not names:
        return ()
    listed = "、".join(f"“{n[:30]}”" for n in dict.fromkeys(names))
    message = f"标题中单位名称处的文字不像单位名称（{listed}），未采用"
    return (Problem("unit.doubtful", Severity.WARNING, message, "标题"),)


# ---- when the title does not say ------------------------------------------------------------------


def fill_from_prose(
    title: Title, text: str, period: Period | None
) -> tuple[str | None, int | None, list[Problem]]:
    """The unit and year where the title gave none: the statistics period, the prose, else a warning."""
    problems = list(title.problems)
    flat = re.sub(r"\s+", "", text) if title.year is None or title.unit is None else ""
    year = title.year
    if year is None:
        year, source = _prose_year(flat, period)
        if year is not None:
            problems.append(
                Problem("year.inferred", Severity.INFO, f"标题中没有年份，按{source}取 {year} 年", "标题")
            )
        else:
            problems.append(Problem("year.missing", Severity.WARNING, "无法确定报告年度", "标题"))
    unit = title.unit
    if unit is None:
        match = _PROSE_UNIT.search(flat) or _PROSE_EDITOR.search(flat)
        if match:
            unit = match["unit"]
            problems.append(
                Problem("unit.inferred", Severity.INFO, f"没有标题，按正文取单位名称“{unit}”", "正文")
            )
        else:
            problems.append(Problem("unit.missing", Severity.WARNING, "无法确定报告单位", "标题"))
    return unit, year, problems


def _prose_year(flat: str, period: Period | None) -> tuple[int | None, str]:
    if period:
        return int(period.start[:4]), "统计期限"
    years = Counter(int(y) for y in _PROSE_YEAR.findall(flat) if 2000 < int(y) < 2100)
    if years:
        return years.most_common(1)[0][0], "正文中出现最多的年份"
    return None, ""
