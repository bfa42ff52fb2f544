"""导入: upload report files or zip archives, ingest them with a progress bar, show a result per file."""

from pathlib import Path

import pandas as pd
import streamlit as st

from gi_analytics.app import auth, databases, fetch_box, ui
from gi_analytics.ingest import pipeline as importer
from gi_analytics.labels import OUTCOME_LABELS, SEVERITY_LABELS
from gi_analytics.readers import uploads

ui.route_through_app()
auth.require(auth.IMPORT)

st.title("导入")
kinds = "、".join(s.upper() for s in uploads.UPLOAD_SUFFIXES if s not in ("zip", "htm")).replace("MD", "Markdown（.md）")
st.caption(f"支持 {kinds} 及其 ZIP 压缩包；单个文件不超过 {uploads.MAX_FILE_MB} MB，一次最多 "
           f"{uploads.MAX_FILES} 个文件。同一单位同一年度的新文件会成为新版本，旧版本保留。")
on_demo = ui.showing_demo()
target = st.radio("导入到", ["新建自己的数据库", f"当前数据库（{st.session_state.get('f_db')}）"], index=0 if on_demo else 1,
                  key="i_target", horizontal=True, help="示例数据保持不变：自己的报告请导入新建的数据库")
creating = target == "新建自己的数据库"
name = st.text_input("新数据库的名称", key="i_name", max_chars=40, placeholder="例如：本区2024年报") if creating else ""

with st.form("upload", clear_on_submit=True):
    files = st.file_uploader("选择报告文件", type=list(uploads.UPLOAD_SUFFIXES), accept_multiple_files=True)
    district = st.text_input("区县（可选，文件名和标题中没有时使用）", max_chars=40)
    submitted = st.form_submit_button("开始导入", type="primary", icon=":material/upload:")

problem = databases.name_problem(name.strip()) if creating else None
if submitted and not files:
    st.warning("请先选择文件。")
elif submitted and problem:
    st.warning(f"{problem}。", icon=":material/edit:")
if submitted and files and not problem:
    path = str(databases.new_path(name.strip())) if creating else ui.db_path()
    items, refused = uploads.unpack_uploads([(u.name, u.getvalue()) for u in files])
    bar = st.progress(0.0, text="正在读取…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"已解析 {done}/{total}：{name}")

    try:
        result = importer.ingest_bytes(items, path, district=district.strip() or None,
                                       progress=progress) if items else None
    except importer.IngestError as exc:
        st.error(f"导入失败：{ui.md_escape(exc)}\n\n{ui.hints.for_error(str(exc), path)}", icon=":material/error:")
        st.stop()
    bar.progress(1.0, text="导入完成")
    rows = [{"文件": f.source, "结果": OUTCOME_LABELS.get(f.outcome, str(f.outcome)), "单位": f.unit or "",
             "年度": f.year or "", "模板": f"{f.template}年版" if f.template else "",
             "问题": "、".join(f"{SEVERITY_LABELS.get(k, k)}{v}条" for k, v in f.problems.items() if v) or "无",
             "原因": f.reason or ""} for f in (result.files if result else [])]
    rows += [{"文件": name, "结果": "未导入", "原因": reason} for name, reason in refused]
    table = pd.DataFrame(rows)
    ok = int(table["结果"].isin(["已入库", "新版本"]).sum()) if not table.empty else 0
    opened = creating and Path(path).exists()
    if opened:
        databases.switch_to(name.strip())  # own reports in their own database; the demo stays as it was
    st.session_state["i_result"] = (f"共 {len(table)} 个文件，入库 {ok} 个。" + (
        f"已新建并打开数据库“{name.strip()}”，其他页面显示它的数据。" if opened else "其他页面已显示新数据。"), table)
    st.switch_page("pages/import_reports.py")  # run again on this page, with the new database open

if "i_result" in st.session_state:  # the last import's result, kept across the rerun that opens its database
    summary, table = st.session_state["i_result"]
    st.success(summary, icon=":material/check_circle:")
    ui.table(table.fillna("").astype(str), "导入结果", "import_result", width="stretch")

fetch_box.show(creating, name)  # 从网址导入: the same choice of database as the upload above
