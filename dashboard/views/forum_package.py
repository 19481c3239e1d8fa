"""Forumpakke / Forum package: preview what will leave the library, then download the file.

The preview shows the very tables the file will hold (servicemirror.app.forum.collect, read through
the publication layer), so what the manager sees is what the forum gets. On a forum installation
the page also lists the packages received. The access layer decides whose package may be
downloaded: an admin any library's, a manager the own library's, a forum viewer none.
"""

from __future__ import annotations

import streamlit as st

from servicemirror.dashboard import data, filters, i18n

page = filters.preamble("fp_title")
lang, show_names, t = page.lang, page.names, page.t
st.write(t("fp_intro"))
if not data.may_upload():  # a forum viewer (the navigation hides the page too)
    st.warning(t("fp_not_allowed"))
    st.stop()
if not (keys := filters.guarded(lang, data.package_libraries)):
    st.info(t("fp_no_data"))
    st.stop()

pub = filters.guarded(lang, data.published)
# a forum installation holds other libraries too: label them as this viewer may see them
names = page.label_of
library = st.selectbox(t("fp_library"), keys, format_func=lambda k: names.get(k, k))
available = sorted(pub.cells.loc[pub.cells["library_key"] == library, "period"].unique())
periods = st.multiselect(t("fp_periods"), available, default=available)
if not periods:
    st.stop()

package, file_name = data.forum_package(library, tuple(sorted(periods)), lang, show_names)
manifest = package.manifest
st.caption(t("fp_named_yes") if manifest["library"]["consent_named"] else t("fp_named_no"))
st.caption(t("fp_k", k=manifest["k"]))
cells = package.tables["cells"]
hidden = int(cells["suppressed"].sum())
if hidden:
    st.warning(t("fp_hidden_cells", n=hidden, k=manifest["k"]))

st.subheader(t("fp_contains"))
for name, frame in package.tables.items():
    with st.expander(f"{t(f'fp_table_{name}')} ({t('fp_rows', n=len(frame))})"):
        st.dataframe(i18n.stored_table(frame, lang), hide_index=True, width="stretch")
st.subheader(t("fp_never"))
st.write(t("fp_never_list"))

st.download_button(
    t("fp_download"),
    # signed (and the signing key made) only on download, never to show the preview
    data=data.forum_package_signer(package),
    file_name=file_name,
    mime="application/zip",
    type="primary",
)
st.caption(t("fp_send"))

received = data.packages_received(lang, show_names)
if not received.empty:
    st.subheader(t("fp_received"))
    st.dataframe(
        i18n.stored_table(
            received[["upload_id", "library", "period", "created_at", "loaded_at", "status"]],
            lang,
        ),
        hide_index=True,
        width="stretch",
    )
