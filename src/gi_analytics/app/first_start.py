"""First start: build the bundled demo, visibly — only at the demo's own path (app.py calls it via ui)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from ..ingest import pipeline as importer
from . import databases


def ensure_demo_db() -> None:
    """On first start, build the demo from the bundled sample reports, visibly — only at the demo's own path:
    a configured database (GI_DB) that is missing is reported as missing, never replaced by the demo."""
    path = Path(databases.default_path())
    chosen = st.session_state.get("f_db") or st.query_params.get("db")
    if path.exists() or not databases.is_demo(path) or chosen not in (None, databases.DEMO_NAME):
        return
    if not importer.DEMO_REPORTS.is_dir():
        return
    files = importer.expand_paths([importer.DEMO_REPORTS])
    if not files:
        return
    with st.status("正在导入示例数据…", expanded=True) as status:
        bar = st.progress(0.0, text=f"共 {len(files)} 个文件")

        def progress(done: int, total: int, *_: Any) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"已处理 {done}/{total} 个文件")

        # in this process (workers=1): forking a busy Streamlit server for 174 files is not worth its risks
        importer.ingest_paths(
            [importer.DEMO_REPORTS], path, units_csv=importer.DEMO_UNITS, progress=progress, workers=1
        )
        status.update(label="示例数据已导入", state="complete", expanded=False)
