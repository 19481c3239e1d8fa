"""Service Mirror dashboard: the router and the shared frame (sidebar, language)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from servicemirror.dashboard import browser, i18n, signin
from servicemirror.privacy import access

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Servicespejlet / Service Mirror", layout="wide")

# the URL wins (a shared link opens in its language), then this session's choice, then Danish
lang = st.query_params.get("lang") or st.session_state.get("language") or i18n.DEFAULT_LANGUAGE
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
# <html lang>, and Danish for the few texts Streamlit draws itself (file picker, chart menu)
st.html(
    browser.language_script(chosen, i18n.STREAMLIT_WORDS if chosen == "da" else {}),
    unsafe_allow_javascript=True,
)
# server mode: nobody gets past this line without a role (local mode: the local admin)
principal = signin.gate(chosen)
st.sidebar.caption(signin.describe(principal, chosen, None))
if not principal.local:
    st.sidebar.button(i18n.t("sign_out", chosen), on_click=signin.sign_out)
# Real names of libraries that did not consent: only on an admin's request, never from the URL
# (a shared or bookmarked link opens with pseudonyms). data.py enforces it again per viewer.
if principal.is_admin:
    st.sidebar.toggle(
        i18n.t("show_names", chosen), key="show_names", help=i18n.t("show_names_help", chosen)
    )
else:
    st.session_state["show_names"] = False

pages = [
    st.Page(
        str(HERE / "views" / "overview.py"),
        title=i18n.t("page_overview", chosen),
        icon=":material/scatter_plot:",
        default=True,
    ),
    st.Page(
        str(HERE / "views" / "library.py"),
        title=i18n.t("page_library", chosen),
        icon=":material/local_library:",
        url_path="library",
    ),
    st.Page(
        str(HERE / "views" / "services.py"),
        title=i18n.t("page_services", chosen),
        icon=":material/room_service:",
        url_path="services",
    ),
    st.Page(
        str(HERE / "views" / "data_quality.py"),
        title=i18n.t("page_quality", chosen),
        icon=":material/fact_check:",
        url_path="data_quality",
    ),
    st.Page(
        str(HERE / "views" / "hypothesis.py"),
        title=i18n.t("page_hypothesis", chosen),
        icon=":material/balance:",
        url_path="hypothesis",
    ),
    st.Page(
        str(HERE / "views" / "comments.py"),
        title=i18n.t("page_comments", chosen),
        icon=":material/forum:",
        url_path="comments",
    ),
    st.Page(
        str(HERE / "views" / "projects.py"),
        title=i18n.t("page_projects", chosen),
        icon=":material/flag:",
        url_path="projects",
    ),
    # only admins and managers may upload; a page left out of the navigation cannot be opened
    *(
        [
            st.Page(
                str(HERE / "views" / "upload.py"),
                title=i18n.t("page_upload", chosen),
                icon=":material/upload_file:",
                url_path="upload",
            )
        ]
        if access.may_upload(principal)
        else []
    ),
    st.Page(
        str(HERE / "views" / "report.py"),
        title=i18n.t("page_report", chosen),
        icon=":material/description:",
        url_path="report",
    ),
    # a forum viewer downloads no package: the page is for admins and the own library's manager
    *(
        [
            st.Page(
                str(HERE / "views" / "forum_package.py"),
                title=i18n.t("page_forum_package", chosen),
                icon=":material/outbox:",
                url_path="forum_package",
            )
        ]
        if access.may_upload(principal)
        else []
    ),
    *(
        [
            st.Page(
                str(HERE / "views" / "audit.py"),
                title=i18n.t("page_audit", chosen),
                icon=":material/history:",
                url_path="audit",
            )
        ]
        if access.may_administer(principal)
        else []
    ),
]
st.navigation(pages).run()
