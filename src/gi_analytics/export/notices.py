"""Correction notices (整改通知): one Word document per unit listing its findings in a review state (已确认 by
default) with their evidence, and one ledger (问题台账) of every finding with its review state, as XLSX."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from .. import form_spec as form
from ..checks.registry import BY_ID
from ..store.connection import read_connection
from ..store.reviews import corrected_gone, reviewed_findings
from .tables import table_xlsx

TABLE_NAMES = {"active": "表二（主动公开政府信息情况）", "requests": "表三（收到和处理政府信息公开申请情况）",
               "appeals": "表四（政府信息公开行政复议、行政诉讼情况）"}  # fmt: skip
LEDGER_LABELS = {
    "finding_id": "编号", "district": "区县", "unit": "单位", "year": "年度", "check_title": "问题类别",
    "severity_label": "严重程度", "place": "位置", "expected": "应为", "actual": "实为", "message": "说明",
    "review_status": "核实状态", "review_note": "核实说明", "reviewer": "核实人", "reviewed_at": "核实时间",
}  # fmt: skip
_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def notice_findings(db: str | os.PathLike[str], status: str = "已确认") -> pd.DataFrame:
    """The failed findings in `status`, with the Chinese names of their check and place."""
    with read_connection(db) as con:
        frame = reviewed_findings(con, status)
    return _described(frame[frame["status"] == "failed"])


def ledger_findings(db: str | os.PathLike[str]) -> pd.DataFrame:
    """Every failed finding with its review state, and every corrected one that the current version of its
    report no longer has: the ledger a supervisor keeps through the year."""
    with read_connection(db) as con:
        frame = reviewed_findings(con)
        gone = corrected_gone(con)
    gone = gone.assign(status="failed", message="当前版本的报告已无此问题",
                       severity=[BY_ID[c].severity if c in BY_ID else "warning" for c in gone["check_id"]])
    frame = frame[frame["status"] == "failed"]
    return _described(pd.concat([frame, gone], ignore_index=True) if len(gone) else frame)


def _described(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["check_title"] = [BY_ID[c].title_zh if c in BY_ID else c for c in out["check_id"]]
    out["severity_label"] = [_SEVERITY.get(s, s) for s in out["severity"]]
    out["place"] = [place(r.tbl, r.row_key, r.col_key, r.section_no) for r in out.itertuples()]
    return out


def place(tbl: object, row: object, column: object, section: object) -> str:
    """Where a finding stands, as a reader finds it in the report: 表三·一、本年新收…·总计, 第五部分."""
    if isinstance(tbl, str) and tbl in TABLE_NAMES:
        parts = [TABLE_NAMES[tbl]]
        if isinstance(row, str):
            parts.append(_label(form.row_label, tbl, row))
        if isinstance(column, str):
            parts.append(_label(form.column_label, tbl, column))
        return "·".join(parts)
    if section is not None and not pd.isna(section):
        return f"第{'一二三四五六'[int(section) - 1]}部分（{form.SECTIONS[int(section) - 1].title}）"
    return "整份报告"


def _label(lookup, tbl: str, key: str) -> str:
    try:
        return lookup(tbl, key)
    except (KeyError, StopIteration):
        return key


LEDGER_NAME = "问题台账.xlsx"


def notice_files(db: str | os.PathLike[str], status: str = "已确认") -> dict[str, bytes]:
    """File name -> bytes: one DOCX per unit with findings in `status` (整改通知_单位.docx), then the ledger."""
    files = {}
    for (district, unit), group in notice_findings(db, status).groupby(["district", "unit"], sort=True):
        files[f"整改通知_{_UNSAFE.sub('_', unit)}.docx"] = notice_docx(unit, district, group)
    files[LEDGER_NAME] = ledger_xlsx(ledger_findings(db))
    return files


def write_notices(
    db: str | os.PathLike[str], out_dir: str | os.PathLike[str], status: str = "已确认"
) -> list[Path]:
    """One DOCX per unit with findings in `status`, and 问题台账.xlsx of every finding; returns the files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in notice_files(db, status).items():
        (out / name).write_bytes(data)
        paths.append(out / name)
    return paths


def files_zip(files: dict[str, bytes]) -> bytes:
    """The files as one ZIP archive (names in UTF-8, as Windows' and macOS' archivers read them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ledger_xlsx(frame: pd.DataFrame) -> bytes:
    columns = [c for c in LEDGER_LABELS if c in frame]
    return table_xlsx(frame[columns], LEDGER_LABELS, sheet="问题台账")


def notice_docx(unit: str, district: str, findings: pd.DataFrame) -> bytes:
    """整改通知 to one unit: the years, each finding with its evidence and place, a blank for the deadline."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    years = "、".join(str(int(y)) for y in sorted(findings["year"].unique()))
    document.add_heading(f"关于{unit}政府信息公开工作年度报告有关问题的整改通知", level=1)
    document.add_paragraph(f"{unit}：")
    document.add_paragraph(
        f"经核查，你单位{years}年度政府信息公开工作年度报告存在以下{len(findings)}个问题。请逐项核对、更正，"
        "于＿＿＿＿年＿＿月＿＿日前重新发布更正后的年度报告，并将整改情况报送。"
    )
    for n, r in enumerate(findings.sort_values(["year", "check_id"]).itertuples(), start=1):
        document.add_heading(f"{n}．{int(r.year)}年度报告：{r.check_title}", level=2)
        document.add_paragraph(f"位置：{r.place}")
        if not pd.isna(r.expected):  # the number the form's identities call for, beside the printed one
            document.add_paragraph(f"应为：{_number(r.expected)}；报告中为：{_number(r.actual)}")
        document.add_paragraph(f"说明：{r.message}")
        if r.review_note:
            document.add_paragraph(f"核实意见：{r.review_note}")
    today = date.today()
    signed = document.add_paragraph(
        f"{district or ''}政府信息公开工作主管部门\n{today.year}年{today.month}月{today.day}日"
    )
    signed.alignment = 2  # right
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _number(value: object) -> str:
    if value is None or pd.isna(value):
        return "—"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
