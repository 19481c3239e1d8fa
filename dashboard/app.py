"""Service Mirror dashboard: the router and the shared frame (sidebar, language)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from servicemirror.dashboard import i18n

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Servicespejlet / Service Mirror", layout="wide")

lang = st.query_params.get("lang", i18n.DEFAULT_LANGUAGE)
if lang not in i18n.LANGUAGES:
    lang = i18n.DEFAULT_LANGUAGE
chosen = st.sidebar.radio(
    i18n.t("language", lang),
    list(i18n.LANGUAGES),
    index=list(i18n.LANGUAGES).index(lang),
    format_func=i18n.LANGUAGES.get,
    horizontal=True,
    key="lang",
)
st.query_params["lang"] = chosen
st.session_state["language"] = chosen
st.sidebar.caption(i18n.t("local_mode", chosen))

pages = [
    st.Page(str(HERE / "pages" / "overview.py"), title=i18n.t("page_overview", chosen), icon="🪞", default=True),
    st.Page(
        str(HERE / "pages" / "hypothesis.py"),
        title=i18n.t("page_hypothesis", chosen),
        icon="⚖️",
        url_path="hypothesis",
    ),
    st.Page(
        str(HERE / "pages" / "upload.py"),
        title=i18n.t("page_upload", chosen),
        icon="📥",
        url_path="upload",
    ),
    st.Page(
        str(HERE / "pages" / "report.py"),
        title=i18n.t("page_report", chosen),
        icon="📄",
        url_path="report",
    ),
]
st.navigation(pages).run()
