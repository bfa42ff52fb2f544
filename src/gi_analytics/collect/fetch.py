"""A batch of URLs -> one outcome each: a document ready for the importer, 未变化, or a Chinese reason.

A job is a report page (or a PDF/DOCX) or, with a year, a unit's listing page searched for that year's
report. A report page whose body is only a wrapper for an attachment yields the attachment.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import httpx

from ..readers.files import sniff
from . import pages
from .http import FetchError, FetchSettings, Response, get, make_client


@dataclass(frozen=True)
class Job:
    url: str
    year: int | None = None  # set: `url` is a listing page, searched for the report of this year
    unit: str = ""  # the unit the units CSV names, for the summary
    district: str = ""  # its district in the units CSV

    @property
    def key(self) -> str:
        """Where the stored hash of this job's last document is looked up (the store's url column)."""
        return self.url if self.year is None else f"{self.url}#{self.year}"


@dataclass(frozen=True)
class Fetched:
    """A document as the importer takes it (name, data), with where and when it came from."""

    url: str  # the job's key: the URL as given (a listing page: with #year)
    final_url: str  # the document itself, after the listing, redirects and attachment
    fetched_at: str  # ISO time
    content_hash: str  # sha256 of `data`
    name: str
    data: bytes


class Status(StrEnum):
    FETCHED = "fetched"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    NOT_LISTED = "not_listed"  # a listing page was read and holds no report for the year


@dataclass(frozen=True)
class FetchOutcome:
    job: Job
    status: Status
    document: Fetched | None = None  # for FETCHED (and UNCHANGED: what was compared)
    reason: str | None = None  # Chinese, for FAILED and NOT_LISTED
    checked_at: str | None = None  # ISO time the listing page was read, for NOT_LISTED

    @property
    def sentence(self) -> str:
        """One Chinese sentence naming the URL and what happened."""
        if self.status is Status.FAILED:
            return f"{self.job.url} 获取失败：{self.reason}。"
        if self.status is Status.NOT_LISTED:
            return f"{self.job.url} {self.reason}。"
        if self.status is Status.UNCHANGED:
            return f"{self.job.url} 与上次获取的内容相同（未变化）。"
        return f"{self.job.url} 已获取：{self.document.name if self.document else ''}。"


Progress = Callable[[int, int, str], None]  # (done, total, url)


def fetch_all(
    jobs: Sequence[Job],
    known: Mapping[str, str] | None = None,
    settings: FetchSettings | None = None,
    progress: Progress | None = None,
) -> list[FetchOutcome]:
    """Every job's outcome, in order; `known` maps a job's key to the hash stored last time. Never raises."""
    settings = settings or FetchSettings()
    known = known or {}
    with make_client(settings) as client, ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        futures = [pool.submit(fetch_one, client, job, known.get(job.key), settings) for job in jobs]
        outcomes = []
        for n, future in enumerate(futures, start=1):
            outcomes.append(future.result())
            if progress is not None:
                progress(n, len(jobs), jobs[n - 1].url)
    return outcomes


def fetch_one(
    client: httpx.Client, job: Job, known_hash: str | None, settings: FetchSettings
) -> FetchOutcome:
    """One job's outcome; a failure of any kind is a FAILED outcome with its reason."""
    try:
        document = _document(client, job, settings)
    except NotListed as exc:
        return FetchOutcome(job, Status.NOT_LISTED, reason=str(exc), checked_at=_now())
    except FetchError as exc:
        return FetchOutcome(job, Status.FAILED, reason=str(exc))
    except Exception as exc:  # a bug or an unforeseen error must not stop the batch
        return FetchOutcome(job, Status.FAILED, reason=f"获取出错（{type(exc).__name__}: {exc}）")
    status = Status.UNCHANGED if document.content_hash == known_hash else Status.FETCHED
    return FetchOutcome(job, status, document)


def _document(client: httpx.Client, job: Job, settings: FetchSettings) -> Fetched:
    resp = get(client, job.url, settings)
    if job.year is not None:
        text = pages.page_text(resp.data, resp.content_type)
        link = pages.find_report_link(text, resp.final_url, job.year)
        if link is None:
            raise NotListed(f"栏目页中没有标题含“{job.year}年…年度报告”的链接，未找到{job.year}年度报告")
        resp = _follow(client, link, settings)
        return _report(client, job, resp, settings, max(link.text, link.title, key=len))
    return _report(client, job, resp, settings, "")


def _follow(client: httpx.Client, link: pages.Link, settings: FetchSettings) -> Response:
    if pages.suffix_of(link.url) in pages.OLD_WORD_SUFFIXES:
        raise FetchError(_old_word(link.url))
    try:
        return get(client, link.url, settings)
    except FetchError as exc:
        raise FetchError(f"{link.url}（{link.text or '链接'}）{exc}") from None


def _report(client: httpx.Client, job: Job, resp: Response, settings: FetchSettings, title: str) -> Fetched:
    """The report behind a page: the page itself, or the attachment it wraps; PDF and DOCX as they come."""
    if sniff(resp.data) in ("pdf", "docx"):
        return _fetched(job, resp, resp.data, title)
    if sniff(resp.data) == "ole" or pages.suffix_of(resp.final_url) in pages.OLD_WORD_SUFFIXES:
        raise FetchError(_old_word(resp.final_url))
    text = pages.page_text(resp.data, resp.content_type)
    if pages.looks_like_report(text):
        # stored as UTF-8 with a BOM: the reader then decodes it as this page was decoded (header charset)
        data = codecs.BOM_UTF8 + text.encode("utf-8")
        return _fetched(job, resp, data, title or pages.page_title(text), by_title=True)
    attachment = pages.find_attachment(text, resp.final_url)
    if attachment is None:
        raise FetchError("网页中既没有年度报告正文，也没有年度报告附件（.pdf/.docx）")
    inner = _follow(client, attachment, settings)
    if sniff(inner.data) not in ("pdf", "docx"):
        raise FetchError(f"附件 {attachment.url} 不是 PDF 或 DOCX 文件，不支持")
    return _fetched(job, inner, inner.data, attachment.text)


def _old_word(url: str) -> str:
    return f"附件 {url} 是旧版 Word（.doc/.wps）文件，不支持，请另存为 .docx 后导入"


def _fetched(job: Job, resp: Response, data: bytes, title: str, by_title: bool = False) -> Fetched:
    """A page is named by its title (`2023年度甲镇…年度报告.html`), a file by its own name."""
    url = "" if by_title and title else resp.final_url
    name = pages.file_name(url, "" if by_title and title else resp.disposition, title, data)
    return Fetched(job.key, resp.final_url, _now(), hashlib.sha256(data).hexdigest(), name, data)


def _now() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


class NotListed(FetchError):
    """The listing page was read and has no link to the year's report (not a failure to fetch)."""
