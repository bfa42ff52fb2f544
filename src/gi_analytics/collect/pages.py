"""Pure functions on fetched pages: decode, list links, find the year's report on a listing page, find a
wrapper page's attachment, name the file. No network."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..readers.files import sniff
from ..readers.html import codec_of
from ..readers.html import decode as decode_html
from .http import header_param

ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".wps")
OLD_WORD_SUFFIXES = (".doc", ".wps")
# what the body of a report (not of a wrapper page) holds: its section headings and table labels
_REPORT_MARKERS = ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议、行政诉讼情况",
                   "本年新收政府信息公开申请数量", "存在的主要问题")  # fmt: skip
_SUFFIXES = {"pdf": (".pdf",), "docx": (".docx",), "html": (".html", ".htm", ".shtml")}
_DYNAMIC = ("", ".do", ".jsp", ".php", ".asp", ".aspx", ".action", ".cgi")  # a script's name, not the file's
_BAD_NAME = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class Link:
    url: str  # absolute
    text: str  # the anchor text
    title: str = ""  # its title attribute (listings cut long texts short: `平昌关镇2023年…`)


def page_text(data: bytes, content_type: str) -> str:
    """The page as text: the charset the Content-Type header declares when it decodes cleanly, else the
    readers' HTML decoding (BOM, <meta charset>, then detection). GBK/GB2312 are read as GB18030."""
    declared = header_param(content_type, "charset")
    encoding = codec_of(declared) if declared else None
    if encoding and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass  # the header lies: fall back to the page's own declaration
    return decode_html(data)


def _root(text: str) -> etree._Element | None:
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text, count=1)
    try:
        return lxml_html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError):
        return None


def links(text: str, base_url: str) -> list[Link]:
    """Every <a href> of the page, made absolute, with its text (or title) squeezed of spaces."""
    root = _root(text)
    if root is None:
        return []
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        label = re.sub(r"\s+", "", a.text_content() or "")
        out.append(Link(urljoin(base_url, href), label, re.sub(r"\s+", "", a.get("title") or "")))
    return out


def body_text(text: str) -> str:
    root = _root(text)
    if root is None:
        return ""
    for bad in root.iter("script", "style"):
        bad.text = ""
    return re.sub(r"\s+", "", root.text_content() or "")


def title_matches(title: str, year: int) -> bool:
    """A listing link for the report of `year`: `2023年度…政府信息公开工作年度报告`, the year in the title
    (the report's year, not the year it was published: `2024年发布的2023年度报告` names 2023 too)."""
    if "年度报告" not in title and "年报" not in title:
        return False
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2})\s*年", title)]
    return bool(years) and years[0] == year


def find_report_link(text: str, base_url: str, year: int) -> Link | None:
    """The first link of a listing page whose title names the report of `year`."""
    found = (
        link
        for link in links(text, base_url)
        if title_matches(link.text, year) or title_matches(link.title, year)
    )
    return next(found, None)


def looks_like_report(text: str) -> bool:
    """Whether a page's body is a report itself (at least two of its headings or labels)."""
    body = body_text(text)
    return sum(marker in body for marker in _REPORT_MARKERS) >= 2


def suffix_of(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()


def find_attachment(text: str, base_url: str) -> Link | None:
    """A wrapper page's attachment: a link to .pdf/.docx/.doc/.wps, one titled as a report first."""
    found = [link for link in links(text, base_url) if suffix_of(link.url) in ATTACHMENT_SUFFIXES]
    titled = [link for link in found if "报告" in link.text or "报告" in unquote(link.url)]
    return (titled or found or [None])[0]


def file_name(final_url: str, disposition: str, fallback: str, data: bytes) -> str:
    """The document's name: Content-Disposition's filename, else the URL's last segment, else `fallback`;
    with the extension its bytes prove (a PDF served as `view.do` becomes `….pdf`)."""
    name = header_param(disposition, "filename") or unquote(PurePosixPath(urlsplit(final_url).path).name)
    name = _BAD_NAME.sub("_", name).strip("._") or _BAD_NAME.sub("_", fallback).strip("._") or "report"
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix.lower()
    proven = sniff(data) or ""
    if proven in _SUFFIXES and suffix not in _SUFFIXES[proven]:
        name = (stem if suffix in _DYNAMIC else name) + _SUFFIXES[proven][0]
    return name[:120]


def page_title(text: str) -> str:
    root = _root(text)
    title = root.findtext(".//title") if root is not None else None
    return re.sub(r"\s+", "", title or "")
