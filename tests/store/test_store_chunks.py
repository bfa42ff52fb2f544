"""A batch is written a chunk of files at a time inside one transaction: same rows as in one go."""

from __future__ import annotations

from pathlib import Path

import pytest

from gi_analytics import store
from gi_analytics.ingest.pipeline import ingest_paths

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "000_32c9a0a42e9b7f0e.txt"


def write_reports(folder: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    folder.mkdir()
    for unit in ["甲镇", "乙镇", "丙镇", "丁镇"]:
        (folder / f"{unit}_2021.txt").write_text(text.replace("平昌关镇", unit), encoding="utf-8")
    # a second, different file for 甲镇 2021: it lands in a later chunk and must become version 2
    (folder / "甲镇_2021_更正.txt").write_text(text.replace("平昌关镇", "甲镇") + "\n更正版。", encoding="utf-8")


def rows(db: Path) -> dict[str, list[tuple]]:
    with store.read_connection(db) as con:
        return {
            "reports": con.execute("SELECT u.name, r.year, r.version, r.is_current, r.source FROM reports r "
                                   "JOIN units u USING (unit_id) ORDER BY ALL").fetchall(),
            "cells": con.execute("SELECT count(*), count(DISTINCT report_id) FROM cells").fetchall(),
            "units": con.execute("SELECT name, district FROM units ORDER BY ALL").fetchall(),
            "findings": con.execute("SELECT check_id, year FROM findings ORDER BY ALL").fetchall(),
        }


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_chunked_batch_writes_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int):
    write_reports(tmp_path / "in")
    whole = tmp_path / "whole.duckdb"
    assert ingest_paths([tmp_path / "in"], whole, district="测试区", workers=1).ok
    monkeypatch.setattr(store, "CHUNK_FILES", chunk)
    chunked = tmp_path / "chunked.duckdb"
    assert ingest_paths([tmp_path / "in"], chunked, district="测试区", workers=1).ok
    assert rows(chunked) == rows(whole)
    versions = [r for r in rows(chunked)["reports"] if r[0] == "甲镇"]
    assert [(v[2], v[3]) for v in versions] == [(1, False), (2, True)]
