"""导入: upload report files or zip archives, ingest them with a progress bar, show a result per file."""

import pandas as pd
import streamlit as st

from gi_analytics.app import ui
from gi_analytics.ingest import pipeline as importer
from gi_analytics.labels import OUTCOME_LABELS
from gi_analytics.readers import uploads

ui.route_through_app()

st.title("导入")
st.caption(f"支持 TXT、HTML、DOCX、PDF 及其 zip 压缩包；单个文件不超过 {uploads.MAX_FILE_MB} MB，一次最多 "
           f"{uploads.MAX_FILES} 个文件。导入到当前数据库 `{ui.db_path()}`；同一单位同一年度的新文件会成为新版本，"
           "旧版本保留。")

with st.form("upload", clear_on_submit=True):
    uploads = st.file_uploader("选择报告文件", type=list(uploads.UPLOAD_SUFFIXES), accept_multiple_files=True)
    district = st.text_input("区县（可选，文件名和标题中没有时使用）", max_chars=40)
    submitted = st.form_submit_button("开始导入", type="primary", icon=":material/upload:")

if submitted and not uploads:
    st.warning("请先选择文件。")
if submitted and uploads:
    items, refused = uploads.unpack_uploads([(u.name, u.getvalue()) for u in uploads])
    bar = st.progress(0.0, text="正在读取…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"已解析 {done}/{total}：{name}")

    try:
        result = importer.ingest_bytes(items, ui.db_path(), district=district.strip() or None,
                                       progress=progress) if items else None
    except importer.IngestError as exc:
        st.error(f"导入失败：{ui.md_escape(exc)}\n\n{ui.REBUILD_HINT}", icon=":material/error:")
        st.stop()
    bar.progress(1.0, text="导入完成")
    rows = [{"文件": f.source, "结果": OUTCOME_LABELS.get(f.outcome, str(f.outcome)), "单位": f.unit,
             "年度": f.year, "模板": f.template, "问题": "、".join(f"{k} {v}" for k, v in f.problems.items()),
             "原因": f.reason or ""} for f in (result.files if result else [])]
    rows += [{"文件": name, "结果": "未导入", "原因": reason} for name, reason in refused]
    table = pd.DataFrame(rows)
    ok = int(table["结果"].isin(["已入库", "新版本"]).sum()) if not table.empty else 0
    st.success(f"共 {len(table)} 个文件，入库 {ok} 个。其他页面已显示新数据。", icon=":material/check_circle:")
    ui.table(table, "导入结果", "import_result", width="stretch")
