"""gi-analytics dashboard: `streamlit run app.py`. Navigation, the shared sidebar, then the chosen page."""

from pathlib import Path

import streamlit as st

from gi_analytics.app import auth, ui

st.set_page_config(page_title="政府信息公开年报分析", page_icon=":material/analytics:", layout="wide")

HERE = Path(__file__).parent
PAGES = {
    "分析": [
        ("pages/overview.py", "总览", ":material/dashboard:", "overview"),
        ("pages/requests.py", "申请量", ":material/trending_up:", "requests"),
        ("pages/outcomes.py", "办理结果", ":material/fact_check:", "outcomes"),
        ("pages/appeals.py", "复议诉讼", ":material/gavel:", "appeals"),
    ],
    "核查": [
        ("pages/warnings.py", "一致性警告", ":material/warning:", "warnings"),
        ("pages/report.py", "报告详情", ":material/description:", "report"),
        ("pages/text_compare.py", "文本对比", ":material/difference:", "compare"),  # issue 6
    ],
    "数据": [
        ("pages/import_reports.py", "导入", ":material/upload_file:", "import"),
        ("pages/export.py", "导出", ":material/download:", "export"),  # issue 7, when it exists
    ],
}

ui.builtin_text_in_chinese()
auth.gate()  # a roles file (data/roles.toml, docs/deploy.md) turns on logins; without one, as before
ui.ensure_demo_db()
nav = st.navigation({
    section: [st.Page(path, title=title, icon=icon, url_path=url, default=url == "overview")
              for path, title, icon, url in pages if (HERE / path).exists() and auth.page_allowed(url)]
    for section, pages in PAGES.items()
})
with ui.one_version():  # every query of this run reads the same version of the database
    ui.sidebar()
    ui.demo_notice()
    nav.run()
