"""What to fetch: URLs given, a file of URLs (one a line, # comments), or a units CSV's listing pages."""

from __future__ import annotations

import csv
from pathlib import Path

from .fetch import Job

LIST_URL_COLUMNS = ("report_list_url", "list_url", "年报栏目", "年报栏目网址", "栏目网址")
URL_COLUMNS = ("report_url", "url", "报告网址")
UNIT_COLUMNS = ("unit", "name", "单位", "单位名称")
DISTRICT_COLUMNS = ("district", "区县", "辖区", "区")


class JobsError(Exception):
    """The list of URLs cannot be read; the message says why, in Chinese."""


def jobs_from_urls(urls: list[str], year: int | None = None) -> list[Job]:
    """Report pages (or, with a year, listing pages searched for that year's report), duplicates dropped."""
    return [Job(u, year) for u in dict.fromkeys(u.strip() for u in urls if u.strip())]


def read_url_file(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise JobsError(f"无法读取网址列表 {path}：{exc}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def jobs_from_units(path: Path, year: int) -> list[Job]:
    """One job per unit row: its listing page (report_list_url) searched for `year`, or its report_url.
    A row with a `year` column other than `year` is skipped."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise JobsError(f"无法读取单位表 {path}：{exc}") from None
    jobs = []
    for row in rows:
        row_year = _get(row, ("year", "年度", "年份"))
        if row_year and row_year != str(year):
            continue
        unit, district = _get(row, UNIT_COLUMNS), _get(row, DISTRICT_COLUMNS)
        if listing := _get(row, LIST_URL_COLUMNS):
            jobs.append(Job(listing, year, unit, district))
        elif url := _get(row, URL_COLUMNS):
            jobs.append(Job(url, None, unit, district))
    if not jobs:
        raise JobsError(f"单位表 {path} 中没有网址（列名 report_list_url 或 report_url）")
    return list(dict.fromkeys(jobs))


def _get(row: dict[str, str | None], names: tuple[str, ...]) -> str:
    return next(((row.get(n) or "").strip() for n in names if (row.get(n) or "").strip()), "")
