"""Log over ændringer / Audit log: every write the access layer let through (admins only).

Who, when, what and for which library, newest first, read through the access layer, which
refuses anyone but an admin (the navigation shows the page only to admins, too).
"""

from __future__ import annotations

import streamlit as st

from servicemirror.dashboard import data, filters

page = filters.preamble("audit_title")
lang, t = page.lang, page.t
st.caption(t("audit_intro"))
if not data.may_administer():
    st.warning(t("audit_not_allowed"))
    st.stop()
if filters.guarded(lang, data.published) is None:
    st.info(t("audit_empty"))
    st.stop()
log = filters.guarded(lang, data.audit_log)
if log.empty:
    st.info(t("audit_empty"))
    st.stop()
st.dataframe(
    log.assign(done_at=log["done_at"].dt.strftime("%Y-%m-%d %H:%M:%S")),
    hide_index=True,
    width="stretch",
)
