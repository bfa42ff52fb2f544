"""The date a report was published, where the page or the report prints it. Pure: lines and metadata in.

In order: a labelled date above the first section (`发布时间:2020-01-07`, `发布日期：`, `日期:`), the page's own
metadata (`<meta name="PubDate">`, `article:published_time`, …), the date line that closes the report
(`2024年1月20日`, `二〇二四年一月二十日`), and last the PDF's creation date, said so. A date that is not labelled
(a site banner `2019年12月3日星期二`) is not a publication date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from ..model import Problem, Severity
from .identity import looks_like_unit
from .tokens import Line, compact, line_text

_DATE = r"(?P<y>20\d\d)(?:[-./年](?P<m>\d{1,2})[-./月](?P<d>\d{1,2})|(?P<m2>\d\d)(?P<d2>\d\d)(?!\d))"
_LABELLED = re.compile(
    rf"(?<![统计生成更新打印访问当前])(?:发布|发文|成文|印发|公开|发表)?(?:时间|日期)[:]?{_DATE}"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "o": 0, "0": 0}
_CN_YEAR, _CN_DAY = "[〇○零Oo0一二三四五六七八九]{4}", "[一二三四五六七八九十]{1,3}"
_CN_DATE = re.compile(rf"(?P<y>{_CN_YEAR})年(?P<m>{_CN_DAY})月(?P<d>{_CN_DAY})日")
_CLOSING = re.compile(rf"(?P<date>{_DATE}日?|(?P<cn>{_CN_YEAR}年{_CN_DAY}月{_CN_DAY}日))$")
_CLOSING_MAX = 40  # the longest signing unit before a closing date
_CLOSING_LINES = 6  # the last non-empty lines searched for it
_HEADER_LINES = 80  # a labelled date sits above the first section, near the title
_HEADER_CHARS = 1000  # how far into a header line (a one-line page) a label is looked for
META_KEYS = (
    "pubdate", "publishdate", "publish_date", "publishtime", "firstpublishedtime", "article:published_time",
    "og:published_time", "og:release_date", "datepublished", "dcterms.issued", "dc.date.issued", "dc.date",
    "dcterms.created", "dc.date.created", "releasedate", "date",
)  # fmt: skip
_PDF_KEYS = ("CreationDate", "ModDate")
_PDF_DATE = re.compile(r"^(?:D:)?(?P<y>20\d\d)(?P<m>\d\d)(?P<d>\d\d)")
_LATEST_YEARS = 3  # a report is published within a few years of the year it reports on


def find_published(
    lines: list[Line], first_heading: int, year: int | None, metadata: Mapping[str, str]
) -> tuple[str | None, list[Problem]]:
    """(ISO date or None, problems) for the report whose lines are given."""
    header = (
        compact(line_text(line))[:_HEADER_CHARS]
        for line in lines[: min(max(first_heading, 1), _HEADER_LINES)]
    )
    found = _first(_labelled(header), year) or _first(_from_meta(metadata), year)
    found = found or _first(_closing(lines), year)
    if found:
        return found, []
    found = _first(_from_pdf(metadata), year)
    if found:
        message = f"报告中没有印出发布日期，按 PDF 文件属性中的创建时间取 {found}，可能不是实际发布日期"
        return found, [Problem("published.from_file", Severity.INFO, message, "文件属性")]
    return None, []


def _first(dates: Iterable[date | None], year: int | None) -> str | None:
    for day in dates:
        if day is not None and (year is None or year <= day.year <= year + _LATEST_YEARS):
            return day.isoformat()
    return None


def _labelled(texts: Iterable[str]) -> Iterable[date | None]:
    for text in texts:
        for match in _LABELLED.finditer(text):
            yield _date(match)


def _from_meta(metadata: Mapping[str, str]) -> Iterable[date | None]:
    if not metadata:
        return
    lowered = {k.lower(): v for k, v in metadata.items()}
    for key in META_KEYS:
        match = re.search(_DATE, compact(lowered.get(key, "")))
        if match:
            yield _date(match)


def _from_pdf(metadata: Mapping[str, str]) -> Iterable[date | None]:
    for key in _PDF_KEYS:
        match = _PDF_DATE.match(metadata.get(key, "").strip())
        if match:
            yield _valid(int(match["y"]), int(match["m"]), int(match["d"]))


def _closing(lines: list[Line]) -> Iterable[date | None]:
    """The date that ends the report: alone on one of its last lines, or after the signing unit (on the
    same line, or at the end of a one-line page after the last sentence)."""
    texts = [t for t in (compact(line_text(line)) for line in lines[-4 * _CLOSING_LINES :]) if t]
    for text in reversed(texts[-_CLOSING_LINES:]):
        match = _CLOSING.search(text)
        if match is None:
            continue
        signer = text[: match.end() - len(match["date"])].rsplit("。", 1)[-1]
        if not signer or (len(signer) <= _CLOSING_MAX and looks_like_unit(signer)):
            yield _cn_date(_CN_DATE.search(match["cn"])) if match["cn"] else _date(match)


def signature_lines(lines: list[Line]) -> set[int]:
    """The lines that sign the report off at its end: the closing date alone on its line and the signing unit on
    the line above it (`平昌关镇人民政府` / `2022年1月20日`); they belong to no section."""
    filled = [i for i in range(max(0, len(lines) - 4 * _CLOSING_LINES), len(lines)) if line_text(lines[i]).strip()]
    if not filled or not _CLOSING.fullmatch(compact(line_text(lines[filled[-1]]))):
        return set()
    out = {filled[-1]}
    if len(filled) > 1:
        above = compact(line_text(lines[filled[-2]]))
        if len(above) <= _CLOSING_MAX and "。" not in above and looks_like_unit(above):
            out.add(filled[-2])
    return out


def _date(match: re.Match[str]) -> date | None:
    month, day = match["m"] or match["m2"], match["d"] or match["d2"]
    return _valid(int(match["y"]), int(month), int(day))


def _cn_date(match: re.Match[str] | None) -> date | None:
    if match is None:
        return None
    year = int("".join(str(_CN_DIGITS[c]) for c in match["y"]))
    return _valid(year, _cn_number(match["m"]), _cn_number(match["d"]))


def _cn_number(text: str) -> int:
    """一 .. 三十一: `十` is ten, `二十` twenty, `十二` twelve, `二十一` twenty-one."""
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
