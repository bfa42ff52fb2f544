"""文本对比: side-by-side diff, similarity heatmaps and pairs, length and reuse, keywords and distinctive terms."""

import streamlit as st

from gi_analytics.analytics import text as tc
from gi_analytics.app import compare, ui

ui.route_through_app()

st.title("文本对比")
if not ui.unit_views("文本对比"):
    st.stop()
reports = ui.text_query(tc.text_reports, ui.filters())
if ui.empty(reports):
    st.stop()
compare.show(reports)
