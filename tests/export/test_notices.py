"""Correction notices for the demo district: one DOCX per unit with its confirmed findings, and the ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl

from gi_analytics.export.notices import write_notices
from gi_analytics.store import reviews
from gi_analytics.store.connection import read_connection


def test_notices_hold_every_confirmed_finding_and_the_ledger_every_state(
    demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)  # the session's demo database stays read-only
    with read_connection(db) as con:
        found = reviews.reviewed_findings(con)
    failed = found[(found.status == "failed") & (found.severity != "info")]
    confirmed = failed.groupby("unit").head(2).head(6)
    assert confirmed.unit.nunique() >= 2
    reviews.set_reviews(db, list(confirmed.finding_id), "已确认", "已与单位核对", "张三")
    ignored = failed[~failed.finding_id.isin(confirmed.finding_id)].head(1)
    reviews.set_reviews(db, list(ignored.finding_id), "已忽略", "口径不同", "张三")

    files = write_notices(db, tmp_path / "通知")
    notices = [f for f in files if f.suffix == ".docx"]
    assert sorted(f.name for f in notices) == sorted(f"整改通知_{u}.docx" for u in confirmed.unit.unique())
    for unit, group in confirmed.groupby("unit"):
        text = "\n".join(
            p.text for p in docx.Document(tmp_path / "通知" / f"整改通知_{unit}.docx").paragraphs
        )
        assert (
            f"关于{unit}政府信息公开工作年度报告有关问题的整改通知" in text
            and "＿＿＿＿年＿＿月＿＿日前" in text
        )
        for message in group.message:
            assert message in text
        assert ignored.message.iloc[0] not in text or ignored.unit.iloc[0] != unit

    sheet = openpyxl.load_workbook(tmp_path / "通知" / "问题台账.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("编号", "区县", "单位", "年度") and "核实状态" in header
    states = {r[0]: r[header.index("核实状态")] for r in rows[1:]}
    assert len(states) == len(found[found.status == "failed"])
    assert {states[i] for i in confirmed.finding_id} == {"已确认"} and states[
        ignored.finding_id.iloc[0]
    ] == "已忽略"
