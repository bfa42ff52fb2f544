"""`gi-analytics fetch --units`: a district served over HTTP on 127.0.0.1 by a real server in a thread —
listing pages, report pages, PDF/DOCX attachments, a GBK page, a redirect, gzip, a 404, a server that never
answers — stored with their URLs, each failure with its reason, and a rerun that fetches nothing new."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb
import pytest
from checks_helpers import make_report
from local_http import serving

from gi_analytics import analytics, store
from gi_analytics.cli.fetch import fetch_main
from gi_analytics.collect import FetchSettings, Job, fetch_all
from gi_analytics.demo.render import render
from gi_analytics.store import fetches as fetch_store

YEAR = 2023
Route = tuple[int, dict[str, str], bytes]


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        status, headers, body = self.routes.get(
            self.path, (404, {"Content-Type": "text/html"}, b"<h1>404</h1>")
        )
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    Handler.routes, Handler.hits = {}, []
    with serving(Handler, monkeypatch) as url:
        yield url


@pytest.fixture
def silent() -> Iterator[str]:
    """A server that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def html(body: str, charset: str = "utf-8", meta: bool = True) -> bytes:
    head = f'<meta charset="{charset}">' if meta else ""
    return f"<!DOCTYPE html><html><head>{head}<title>栏目</title></head><body>{body}</body></html>".encode(
        charset
    )


def listing(*links: tuple[str, str], charset: str = "utf-8", meta: bool = True) -> bytes:
    items = "".join(
        f'<li><a href="{href}" title="{text}">{text}</a><span>2024-01-18</span></li>' for href, text in links
    )
    return html(
        f"<ul>{items}<li><a href='/notice.html'>关于做好政务公开工作的通知</a></li></ul>", charset, meta
    )


def report_page(unit: str, published: str, charset: str = "utf-8") -> bytes:
    """The renderer's HTML report with a 发布时间 line, re-encoded (a GBK page declares it in <meta>)."""
    text = render(make_report(unit, YEAR), "html").decode("utf-8")
    text = text.replace('charset="utf-8"', f'charset="{charset}"').replace(
        "<body>", f"<body><p>发布时间：{published}</p>"
    )
    return text.encode(charset)


def wrapper(attachment: str, name: str) -> bytes:
    return html(
        f"<h1>{name[:-4]}</h1><p>附件：<a href='{attachment}'>{name}</a></p><p>发布时间：2024-01-25</p>"
    )


PAGE = {"Content-Type": "text/html; charset=utf-8"}


def serve_district(base: str, dead: str) -> str:
    """Seven units: three reachable reports (HTML in GBK, PDF behind a wrapper, DOCX behind a GBK listing,
    a redirect and gzip), four failures (404, no answer, no report for the year, an old .doc)."""
    Handler.routes = {
        "/jia/list.html": (200, PAGE, listing(("/jia/2022.html", "2022年度甲镇政府信息公开工作年度报告"),
                                              ("/jia/2023.html", "2023年度甲镇政府信息公开工作年度报告"))),
        "/jia/2023.html": (200, {"Content-Type": "text/html"}, report_page("甲镇", "2024-01-20", "gbk")),
        "/yi/list.html": (200, PAGE, listing(("./art/1.html", "乙镇2023年政府信息公开工作年度报告"))),
        "/yi/art/1.html": (200, PAGE, wrapper("/files/yi-2023.pdf", "乙镇2023年政府信息公开工作年度报告.pdf")),
        "/files/yi-2023.pdf": (200, {"Content-Type": "application/pdf"}, render(make_report("乙镇", YEAR), "pdf")),
        # GBK declared only in the header; the link goes through a redirect to a gzipped wrapper page
        "/bing/list.html": (200, {"Content-Type": "text/html; charset=GBK"},
                            listing(("/bing/old.html", "丙乡2023年度政府信息公开工作年度报告"), charset="gbk", meta=False)),
        "/bing/old.html": (302, {"Location": "/bing/new.html"}, b""),
        "/bing/new.html": (200, {**PAGE, "Content-Encoding": "gzip"},
                           gzip.compress(wrapper("/files/bing.docx", "丙乡2023年度报告.docx"))),
        "/files/bing.docx": (200, {"Content-Type": "application/octet-stream"}, render(make_report("丙乡", YEAR), "docx")),
        "/ji/list.html": (200, PAGE, listing(("/ji/2022.html", "己镇2022年度政府信息公开工作年度报告"))),
        "/geng/list.html": (200, PAGE, listing(("/geng/1.html", "庚镇2023年政府信息公开工作年度报告"))),
        "/geng/1.html": (200, PAGE, wrapper("/files/geng.doc", "庚镇2023年政府信息公开工作年度报告.doc")),
    }  # fmt: skip
    rows = [("甲镇", f"{base}/jia/list.html"), ("乙镇", f"{base}/yi/list.html"), ("丙乡", f"{base}/bing/list.html"),
            ("丁街道", f"{base}/ding/list.html"), ("戊镇", f"{dead}/wu/list.html"), ("己镇", f"{base}/ji/list.html"),
            ("庚镇", f"{base}/geng/list.html")]  # fmt: skip
    return "unit,district,report_list_url\n" + "".join(f"{u},平桥区,{url}\n" for u, url in rows)


def run_fetch(tmp_path: Path, units: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, float]:
    csv = tmp_path / "units.csv"
    csv.write_text(units, encoding="utf-8")
    start = time.monotonic()
    code = fetch_main(["--units", str(csv), "--year", str(YEAR), "--db", str(tmp_path / "gi.duckdb"),
                       "--timeout", "1", "--retries", "1"])  # fmt: skip
    return code, capsys.readouterr().out, time.monotonic() - start


def failure_lines(out: str) -> dict[str, str]:
    return {line.split("/")[3]: line for line in out.splitlines() if line.startswith("失败")}


def test_fetch_units_stores_every_reachable_report_and_names_each_failure(tmp_path, server, silent, capsys):
    code, out, seconds = run_fetch(tmp_path, serve_district(server, silent), capsys)
    assert code == 1  # some URLs failed, the batch went on
    assert seconds < 20, f"the batch took {seconds:.1f} s"
    db = tmp_path / "gi.duckdb"
    with store.read_connection(db) as con:
        sources = fetch_store.load_sources(con)
        reports = store.load_reports(con)
    assert sorted(reports["unit"]) == ["丙乡", "乙镇", "甲镇"]
    assert set(reports["district"]) == {"平桥区"} and set(reports["year"]) == {YEAR}
    by_unit = sources.set_index("unit")
    assert by_unit.loc["甲镇", "url"] == f"{server}/jia/list.html#{YEAR}"
    assert by_unit.loc["甲镇", "final_url"] == f"{server}/jia/2023.html"
    assert by_unit.loc["乙镇", "final_url"] == f"{server}/files/yi-2023.pdf"
    assert by_unit.loc["丙乡", "final_url"] == f"{server}/files/bing.docx"
    formats = dict(zip(reports["unit"], reports["format"], strict=True))
    assert formats == {"甲镇": "html", "乙镇": "pdf", "丙乡": "docx"}
    # the GBK page was decoded right: its unit, its numbers' totals and its printed date
    published = dict(zip(reports["unit"], reports["published"].astype(str), strict=True))
    assert published["甲镇"] == "2024-01-20"
    assert "/bing/old.html" in Handler.hits and "/bing/new.html" in Handler.hits  # the redirect was followed
    failed = failure_lines(out)
    assert set(failed) == {"ding", "wu", "geng"}
    assert "HTTP 404" in failed["ding"]
    assert "没有响应" in failed["wu"]
    assert ".doc" in failed["geng"] and "不支持" in failed["geng"]
    # 己镇's listing page holds no 2023 report, checked today, long after its deadline: missing as of today
    (missing,) = [line for line in out.splitlines() if line.startswith("缺失")]
    today = date.today().isoformat()
    assert missing.startswith(f"缺失：己镇 {YEAR}年度：{server}/ji/list.html 于{today}检查")
    assert f"截止日期{YEAR + 1}-01-31" in missing and f"检查日期{today}" in missing
    assert sum(line.startswith("已入库") for line in out.splitlines()) == 3


def test_a_second_run_fetches_nothing_new(tmp_path, server, silent, capsys):
    units = serve_district(server, silent)
    run_fetch(tmp_path, units, capsys)
    db = tmp_path / "gi.duckdb"
    before = db.stat().st_mtime_ns
    code, out, _ = run_fetch(tmp_path, units, capsys)
    assert code == 1
    assert sum(line.startswith("未变化") for line in out.splitlines()) == 3
    assert not any(line.startswith("已入库") for line in out.splitlines())
    assert db.stat().st_mtime_ns == before  # nothing written: the database file was not even swapped
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchall() == [(3,)]
        assert con.execute("SELECT count(*) FROM fetches").fetchall() == [(3,)]
        assert con.execute("SELECT unit, year FROM listing_checks").fetchall() == [("己镇", YEAR)]
    assert sum(line.startswith("缺失") for line in out.splitlines()) == 1  # said again, stored once a day


def test_a_listing_without_the_report_after_the_deadline_is_missing_in_the_grid(tmp_path, server, silent, capsys):
    """The unit had no report in the database before: the check adds it, and its cell says when it was seen."""
    run_fetch(tmp_path, serve_district(server, silent), capsys)
    grid = analytics.coverage(str(tmp_path / "gi.duckdb"), analytics.Filters())
    cell = grid[(grid["unit"] == "己镇") & (grid["year"] == YEAR)].iloc[0]
    assert cell["state"] == "missing" and cell["checked_at"].date() == date.today()
    assert cell["checked_text"] == f"年报栏目于{date.today().isoformat()}检查，未见本年度报告（截止日期{YEAR + 1}-01-31）"
    stored = grid[grid["unit"].isin(["甲镇", "乙镇", "丙乡"])]
    assert (stored["checked_text"] == "").all() and stored["report_id"].notna().all()
    # units the fetch could not reach are not said to be missing: nobody looked at their listing
    assert set(grid["unit"]) == {"甲镇", "乙镇", "丙乡", "己镇"}


def test_before_the_deadline_a_report_not_yet_listed_is_not_missing(tmp_path, server, capsys):
    Handler.routes = {"/ji/list.html": (200, PAGE, listing(("/ji/2022.html", "己镇2022年度政府信息公开工作年度报告")))}
    csv = tmp_path / "units.csv"
    later = date.today().replace(year=date.today().year + 2).isoformat()  # a deadline still ahead
    csv.write_text(f"unit,district,deadline,report_list_url\n己镇,平桥区,{later},{server}/ji/list.html\n", encoding="utf-8")
    db = tmp_path / "gi.duckdb"
    code = fetch_main(["--units", str(csv), "--year", str(YEAR), "--db", str(db), "--retries", "0"])
    out = capsys.readouterr().out
    assert code == 1 and out.splitlines()[0].startswith("未发布：己镇")
    assert f"截止日期{later}未到" in out
    assert not db.exists() or analytics.coverage(str(db), analytics.Filters()).empty


def test_a_changed_report_is_fetched_again_as_a_new_version(tmp_path, server, silent, capsys):
    units = serve_district(server, silent)
    run_fetch(tmp_path, units, capsys)
    Handler.routes["/jia/2023.html"] = (200, PAGE, report_page("甲镇", "2024-01-22"))
    _, out, _ = run_fetch(tmp_path, units, capsys)
    assert [line.split()[0] for line in out.splitlines() if "/jia/" in line] == ["新版本"]


def test_fetch_one_url_direct_and_the_size_cap(server):
    pdf = render(make_report("乙镇", YEAR), "pdf")
    Handler.routes = {"/r.pdf": (200, {"Content-Type": "application/pdf"}, pdf),
                      "/big.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-" + b"0" * 5000)}  # fmt: skip
    settings = FetchSettings(read_timeout=2, retries=0, max_bytes=4096)
    big, small = fetch_all(
        [Job(f"{server}/big.pdf"), Job(f"{server}/r.pdf")],
        settings=FetchSettings(read_timeout=2, retries=0, max_bytes=len(pdf) + 10),
    )
    assert small.document is not None and small.document.data == pdf and small.document.name == "r.pdf"
    assert big.status == "fetched"  # under its own cap
    (capped,) = fetch_all([Job(f"{server}/r.pdf")], settings=settings)
    assert capped.status == "failed" and "文件过大" in capped.reason
    (known,) = fetch_all([Job(f"{server}/r.pdf")], {f"{server}/r.pdf": small.document.content_hash})
    assert known.status == "unchanged"


def test_retries_a_5xx_then_gives_up_with_its_status(server):
    Handler.routes = {"/down": (503, {"Content-Type": "text/plain"}, b"busy")}
    (outcome,) = fetch_all([Job(f"{server}/down")], settings=FetchSettings(retries=2, backoff=0.01))
    assert outcome.status == "failed" and "HTTP 503" in outcome.reason
    assert Handler.hits.count("/down") == 3
    assert outcome.sentence.startswith(f"{server}/down 获取失败：")


def test_a_refused_connection_and_a_bad_address_are_reasons_not_crashes():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused, bad = fetch_all([Job(f"http://127.0.0.1:{port}/x"), Job("ftp://127.0.0.1/x")],
                             settings=FetchSettings(retries=1, backoff=0.01, connect_timeout=1))  # fmt: skip
    assert refused.status == "failed" and "连接" in refused.reason
    assert bad.status == "failed" and "http" in bad.reason


def test_the_command_is_registered_and_says_what_is_missing(tmp_path, capsys):
    from gi_analytics.cli.main import main

    assert main(["fetch", "--db", str(tmp_path / "gi.duckdb")]) == 3
    assert "请给出网址" in capsys.readouterr().err
    units = tmp_path / "units.csv"
    units.write_text("unit,report_list_url\n甲镇,http://127.0.0.1:9/list\n", encoding="utf-8")
    assert main(["fetch", "--units", str(units), "--db", str(tmp_path / "gi.duckdb")]) == 3
    assert "--year" in capsys.readouterr().err
    assert not (tmp_path / "gi.duckdb").exists()
