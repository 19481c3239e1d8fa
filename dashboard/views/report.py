"""Report / Rapport: download a self-contained HTML report for a forum meeting (da or en)."""

from __future__ import annotations

import logging

import streamlit as st

from servicemirror.dashboard import data, filters, i18n

log = logging.getLogger(__name__)

page = filters.preamble("report_title")
lang, names, t = page.lang, page.names, page.t
st.write(t("report_intro"))

# a busy or unreadable database (e.g. from a newer version): one line, never a traceback
pub = filters.guarded(lang, data.published)
if pub is None or data.summary().empty:
    st.info(t("empty_state"))
    st.stop()

report_lang = st.radio(
    i18n.t("language", lang),
    list(i18n.LANGUAGES),
    index=list(i18n.LANGUAGES).index(lang),
    format_func=i18n.LANGUAGES.get,
    horizontal=True,
    key="report_lang",
)
try:
    result = data.analysis_result()
except data.DatabaseBusy:
    st.warning(t("busy"))
    st.stop()
except Exception as exc:  # noqa: BLE001 - the report is still useful without the statistics
    log.exception("the hypothesis battery failed while building a report")
    st.warning(t("hyp_failed", message=f"{type(exc).__name__}: {exc}"))
    result = None

# the libraries under the same labels (pseudonym letters) this viewer sees on the other pages
html = data.report_html(report_lang, result, names)
st.download_button(
    t("report_download"),
    data=html.encode("utf-8"),
    file_name=f"servicespejlet-rapport-{report_lang}-v{pub.data_version}.html",
    mime="text/html",
    type="primary",
)
st.subheader(t("report_contents"))
for key in ("report_section_verdict", "report_section_trend", "report_section_table"):
    st.markdown(f"- {t(key)}")
st.markdown(f"- {t('report_section_scatter', period='…')}")
st.caption(t("report_k_note", k=pub.k))
