"""Data quality / Datakvalitet: which library sent what for which period (with counts; staff
groups below k are marked "< k", never with a figure), how reliable the staff scale is (α per
period, ICC of the library means), and the upload history.
"""

from __future__ import annotations

import logging

import streamlit as st

from servicemirror.dashboard import charts, data, filters, i18n

log = logging.getLogger(__name__)
page = filters.preamble("quality_title")
lang, names, t = page.lang, page.names, page.t

periods = filters.periods_or_stop(lang)
pub = filters.guarded(lang, data.published)

col_period, col_lib = st.columns(2)
with col_period:
    period = filters.choose(
        t("period"),
        ["", *periods],
        "period",
        default="",
        format_func=lambda p: p or t("all_periods"),
    )
with col_lib:
    token = page.library_picker(everyone=True)

# ---- the coverage matrix
st.header(t("coverage_title"))
st.caption(t("coverage_note", k=pub.k))
cov = data.coverage(lang, names, pub.k)
if token:
    cov = cov[cov["label"] == page.label_of_token(token)]
if period:
    cov = cov[cov["period"] == period]
statuses = {s: t(f"status_{s}") for s in ("ok", "aggregates", "suppressed", "none")}
for side in ("staff", "patron"):
    st.subheader(t(f"side_{side}"))
    part = cov[cov["side"] == side]
    st.altair_chart(
        charts.localized(
            charts.coverage_matrix(part, t("period"), t("library"), t("status"), statuses), lang
        ),
        width="stretch",
    )
    with st.expander(t("table_of_numbers")):
        st.dataframe(
            data.coverage_wide(cov, side).rename(columns={"label": t("library")}),
            hide_index=True,
        )
n_hidden = int((cov["status"] == "suppressed").sum())
if n_hidden:
    st.caption(t("coverage_hidden", n=n_hidden, k=pub.k))

# ---- reliability of the staff scale
st.header(t("reliability_title"))
try:
    rel = data.reliability()
except data.DatabaseBusy:
    st.warning(t("busy"))
    rel = {}
except Exception as exc:  # noqa: BLE001 - coverage and history are still useful without it
    log.exception("the hypothesis battery failed on the Data quality page")
    st.warning(t("hyp_failed", message=f"{type(exc).__name__}: {exc}"))
    rel = {}
cols = st.columns(3)
cols[0].metric("ICC(1)", i18n.number(rel.get("icc1"), lang, 2), help=t("icc1_help"))
cols[1].metric("ICC(2)", i18n.number(rel.get("icc2"), lang, 2), help=t("icc2_help"))
cols[2].metric(t("alpha_min"), i18n.number(rel.get("alpha_min"), lang, 2), help=t("alpha_help"))
if rel.get("reason"):
    st.caption(str(rel["reason"]))
alpha = data.alpha_table(rel)
if not alpha.empty:
    st.dataframe(
        i18n.table(
            alpha,
            lang,
            {
                "period": t("period"),
                "n": t("n_staff"),
                "alpha": "α",
                "ci_low": t("ci_low"),
                "ci_high": t("ci_high"),
            },
            digits={"n": 0, "alpha": 2, "ci_low": 2, "ci_high": 2},
        ),
        hide_index=True,
    )
st.caption(t("reliability_note"))

# ---- upload history (the uploads this viewer may see: none for a forum viewer)
if not data.may_upload():
    st.stop()
st.header(t("upload_history"))
history = data.upload_history()
if history.empty:
    st.info(t("upload_history_empty"))
else:
    if not names:
        # file names often carry a library's name, so they stay hidden under pseudonyms
        history = history.drop(columns="file_name")
        st.caption(t("history_names_hidden"))
    st.dataframe(
        i18n.table(
            i18n.coded(history, lang, format="format", status="status"),
            lang,
            {
                "upload_id": t("col_upload_id"),
                "file_name": t("col_file"),
                "format": t("upload_format"),
                "respondent_type": t("respondent_type"),
                "rows_loaded": t("col_loaded"),
                "rows_rejected": t("preview_rejected"),
                "responses_superseded": t("col_superseded"),
                "loaded_at": t("col_when"),
                "status": t("col_status"),
            },
            digits={
                "upload_id": 0,
                "rows_loaded": 0,
                "rows_rejected": 0,
                "responses_superseded": 0,
            },
        ),
        hide_index=True,
    )
