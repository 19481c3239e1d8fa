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
# Real names of libraries that did not consent: only on the viewer's request, only in local
# single-user mode, never from the URL (a shared or bookmarked link opens with pseudonyms).
st.sidebar.toggle(
    i18n.t("show_names", chosen), key="show_names", help=i18n.t("show_names_help", chosen)
)

pages = [
    st.Page(
        str(HERE / "pages" / "overview.py"),
        title=i18n.t("page_overview", chosen),
        icon="🪞",
        default=True,
    ),
    st.Page(
        str(HERE / "pages" / "library.py"),
        title=i18n.t("page_library", chosen),
        icon=":material/local_library:",
        url_path="library",
    ),
    st.Page(
        str(HERE / "pages" / "services.py"),
        title=i18n.t("page_services", chosen),
        icon=":material/room_service:",
        url_path="services",
    ),
    st.Page(
        str(HERE / "pages" / "data_quality.py"),
        title=i18n.t("page_quality", chosen),
        icon=":material/fact_check:",
        url_path="data-quality",
    ),
    st.Page(
        str(HERE / "pages" / "hypothesis.py"),
        title=i18n.t("page_hypothesis", chosen),
        icon=":material/balance:",
        url_path="hypothesis",
    ),
    st.Page(
        str(HERE / "pages" / "upload.py"),
        title=i18n.t("page_upload", chosen),
        icon=":material/upload_file:",
        url_path="upload",
    ),
    st.Page(
        str(HERE / "pages" / "report.py"),
        title=i18n.t("page_report", chosen),
        icon=":material/description:",
        url_path="report",
    ),
    st.Page(
        str(HERE / "pages" / "forum_package.py"),
        title=i18n.t("page_forum_package", chosen),
        icon=":material/outbox:",
        url_path="forum-package",
    ),
]
st.navigation(pages).run()
