"""One GET with httpx: short timeouts, a few retries with backoff, bounded redirects, a size cap.

Every failure becomes a FetchError whose message is a Chinese reason (no URL: the caller names it).
"""

from __future__ import annotations

import email.message
import email.utils
import time
from dataclasses import dataclass

import httpx

from ..readers.files import MAX_BYTES

RETRY_STATUS = frozenset({500, 502, 503, 504})
USER_AGENT = "gi-analytics/0.1 (annual report collector)"


class FetchError(Exception):
    """A URL could not be fetched; str(exc) is the reason in Chinese."""


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0  # seconds to open the connection
    read_timeout: float = 15.0  # seconds of silence while waiting for bytes
    total_timeout: float = 60.0  # seconds for one document, however slowly it drips in
    retries: int = 2  # further attempts after a connection error or a 5xx
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_redirects: int = 5
    max_bytes: int = MAX_BYTES  # the readers' cap: 50 MB
    concurrency: int = 4  # URLs fetched at once in a batch


@dataclass(frozen=True)
class Response:
    url: str  # as requested
    final_url: str  # after redirects
    content_type: str
    disposition: str  # the Content-Disposition header, for the file name
    data: bytes


def make_client(settings: FetchSettings) -> httpx.Client:
    """A client shared by a batch's threads; the proxy comes from the environment (trust_env)."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout, pool=30.0
    )
    limits = httpx.Limits(max_connections=settings.concurrency * 2)
    return httpx.Client(
        timeout=timeout,
        limits=limits,
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        trust_env=True,
        headers={"User-Agent": USER_AGENT},
    )


def get(client: httpx.Client, url: str, settings: FetchSettings) -> Response:
    """The body of `url`, retried on connection errors and 5xx; raises FetchError."""
    delay = settings.backoff
    for attempt in range(settings.retries + 1):
        last = attempt == settings.retries
        try:
            return _get_once(client, url, settings)
        except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
            if last:
                raise FetchError(_connect_reason(exc, settings.retries)) from None
        except _RetryableStatus as exc:
            if last:
                raise FetchError(
                    f"服务器出错（HTTP {exc.status}），重试 {settings.retries} 次后仍失败"
                ) from None
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")  # the loop returns or raises on its last attempt


class _RetryableStatus(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _get_once(client: httpx.Client, url: str, settings: FetchSettings) -> Response:
    try:
        with client.stream("GET", url) as resp:
            if resp.status_code in RETRY_STATUS:
                raise _RetryableStatus(resp.status_code)
            if resp.status_code >= 400:
                raise FetchError(_status_reason(resp.status_code))
            data = _read_capped(resp, settings)
            headers = resp.headers
            return Response(url, str(resp.url), headers.get("content-type", ""),
                            headers.get("content-disposition", ""), data)  # fmt: skip
    except httpx.ConnectTimeout:
        raise FetchError(f"连接超时（{settings.connect_timeout:g} 秒内未连上服务器）") from None
    except httpx.ReadTimeout:
        raise FetchError(f"服务器 {settings.read_timeout:g} 秒内没有响应（读取超时）") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"重定向次数过多（超过 {settings.max_redirects} 次）") from None
    except httpx.UnsupportedProtocol:
        raise FetchError("网址不是 http 或 https 地址") from None
    except httpx.InvalidURL:
        raise FetchError("网址格式不正确") from None
    except httpx.DecodingError:
        raise FetchError("服务器返回的压缩数据已损坏") from None
    except (httpx.ReadError, httpx.WriteError) as exc:
        raise FetchError(f"下载中断（{exc or type(exc).__name__}）") from None


def _read_capped(resp: httpx.Response, settings: FetchSettings) -> bytes:
    """The (decompressed) body, stopping past the size cap or the total time limit."""
    cap, limit = settings.max_bytes, time.monotonic() + settings.total_timeout
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap and "gzip" not in resp.headers.get("content-encoding", ""):
        raise FetchError(_too_big(int(declared), cap))
    chunks, size = [], 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > cap:
            raise FetchError(f"文件过大（超过 {cap / 2**20:.0f} MB），已停止下载")
        if time.monotonic() > limit:
            raise FetchError(f"下载过慢，{settings.total_timeout:g} 秒内未下载完")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(size: int, cap: int) -> str:
    return f"文件过大（{size / 2**20:.1f} MB，上限 {cap / 2**20:.0f} MB），未下载"


def _status_reason(status: int) -> str:
    if status == 404:
        return "网页不存在（HTTP 404）"
    if status == 410:
        return "网页已删除（HTTP 410）"
    if status in (401, 403):
        return f"服务器拒绝访问（HTTP {status}）"
    return f"服务器返回错误（HTTP {status}）"


def _connect_reason(exc: Exception, retries: int) -> str:
    text = str(exc).lower()
    if any(m in text for m in ("name or service", "nodename", "getaddrinfo", "name resolution")):
        return "域名无法解析（DNS 查询失败）"
    if "refused" in text:
        return f"服务器拒绝连接，重试 {retries} 次后仍失败"
    return f"无法连接服务器（{exc or type(exc).__name__}），重试 {retries} 次后仍失败"


def header_param(header: str, key: str) -> str | None:
    """A parameter of a header such as Content-Type (charset) or Content-Disposition (filename)."""
    if not header:
        return None
    msg = email.message.Message()
    msg["x"] = header
    value = msg.get_param(key, header="x")
    if isinstance(value, tuple):  # RFC 2231 (filename*=UTF-8''…)
        value = email.utils.collapse_rfc2231_value(value)
    return str(value) if value else None
