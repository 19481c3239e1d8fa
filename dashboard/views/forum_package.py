"""Forumpakke / Forum package: preview what will leave the library, then download the file.

The preview shows the very tables the file will hold (servicemirror.forum.collect, read through
the publication layer), so what the manager sees is what the forum gets. On a forum installation
the page also lists the packages received.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from servicemirror import db, forum
from servicemirror.dashboard import data, i18n

lang = st.session_state.get("language", i18n.DEFAULT_LANGUAGE)
path = data.db_path()


def t(key: str, **values) -> str:
    """Shorthand for the page's language."""
    return i18n.t(key, lang, **values)


@st.cache_data(max_entries=8, show_spinner=False)
def package_for(db_file: str, version: int, library: str, periods: tuple[str, ...]):
    """The package content and file bytes, rebuilt only when the data or the choice changes."""
    package = forum.collect(Path(db_file), library=library, periods=list(periods))
    return package, forum.to_bytes(package)


st.title(t("fp_title"))
st.write(t("fp_intro"))
if not db.exists(path) or not (keys := forum.libraries_with_data(path)):
    st.info(t("fp_no_data"))
    st.stop()

pub = data.published()
# a forum installation holds other libraries too: label them as this viewer may see them
labels = data.library_labels(lang, bool(st.session_state.get("show_names", False)))
names = dict(zip(labels["library_key"], labels["label"], strict=True))
library = st.selectbox(t("fp_library"), keys, format_func=lambda k: names.get(k, k))
available = sorted(pub.cells.loc[pub.cells["library_key"] == library, "period"].unique())
periods = st.multiselect(t("fp_periods"), available, default=available)
if not periods:
    st.stop()

package, payload = package_for(str(path), db.data_version(path), library, tuple(sorted(periods)))
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
    data=payload,
    file_name=f"forumpakke-{library}-{'-'.join(sorted(periods))}.zip",
    mime="application/zip",
    type="primary",
)
st.caption(t("fp_send"))

received = forum.received(path)
if not received.empty:
    st.subheader(t("fp_received"))
    received = received.assign(library=received["library_key"].map(names))
    st.dataframe(
        i18n.stored_table(
            received[["upload_id", "library", "period", "created_at", "loaded_at", "status"]],
            lang,
        ),
        hide_index=True,
        width="stretch",
    )
