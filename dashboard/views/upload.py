"""Upload / Indlæs: drop files -> preview of how each is read -> confirm -> progress -> history.

Nothing is written before the confirm button; each file then loads in one transaction or not at
all (servicemirror.uploading -> etl.load). Bad input gives one message per file, never a traceback.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from servicemirror import access, db, uploading
from servicemirror.dashboard import data, i18n

lang = st.session_state.get("language", i18n.DEFAULT_LANGUAGE)
path = data.db_path()
viewer = data.principal()
# the navigation hides this page from forum viewers; this check also holds for a direct link
if not access.may_upload(viewer):
    st.warning(i18n.t("upload_not_allowed", lang))
    st.stop()
# an admin (and the single user of local mode) may load for any library, a manager only their own
allowed = None if viewer.is_admin else {viewer.library_key}


def t(key: str, **values) -> str:
    """Shorthand for the page's language."""
    return i18n.t(key, lang, **values)


TYPE_LABELS = {
    None: "upload_auto",
    "staff": "respondent_staff",
    "patron": "respondent_patron",
    "mixed": "respondent_mixed",
}


@st.cache_data(max_entries=32, show_spinner=False)
def preview(
    file_id: str, name: str, _content: bytes, options: tuple, version: int
) -> uploading.Outcome:
    """The dry-run interpretation of one uploaded file, recomputed only when something changed.

    Keyed on the uploader's file id (not the bytes, which may be tens of MB), the override
    choices and the data version (a new library in the database changes how names resolve).
    """
    return uploading.preview(path, name, _content, uploading.Options(*options))


def current_options(file_id: str) -> uploading.Options:
    """The override choices for one file as the widgets last left them."""
    state = st.session_state
    return uploading.Options(
        respondent_type=state.get(f"as_{file_id}"),
        library=state.get(f"library_{file_id}"),
        period=state.get(f"period_{file_id}"),
        format=state.get(f"format_{file_id}"),
    )


def overrides(file_id: str, expanded: bool) -> None:
    """HOOK for the mapping editor: widgets for what detection could not settle.

    Today these are the CLI's --as, --library, --period and --format. A column-by-column mapping
    editor (and saved mapping profiles) from the import engineers belongs here: it sets more
    fields of ``uploading.Options`` under keys ending in ``_{file_id}``, read by current_options.
    """
    with st.expander(t("upload_overrides"), expanded=expanded):
        st.caption(t("upload_overrides_help"))
        cols = st.columns(4)
        cols[0].selectbox(
            t("respondent_type"),
            [None, "staff", "patron"],
            format_func=lambda v: t(TYPE_LABELS[v]),
            key=f"as_{file_id}",
        )
        cols[1].text_input(t("upload_library"), key=f"library_{file_id}")
        cols[2].text_input(t("upload_period"), key=f"period_{file_id}")
        cols[3].selectbox(
            t("upload_format"),
            [None, *uploading.formats()],
            format_func=lambda v: t("upload_auto") if v is None else v,
            key=f"format_{file_id}",
        )
        st.caption(t("upload_mapping_later"))


def show_preview(report: dict) -> None:
    """The detected interpretation: format, type, counts, libraries, items, rejected rows."""
    cols = st.columns(5)
    cols[0].metric(t("preview_format"), report.get("format") or "—")
    cols[1].metric(
        t("respondent_type"), t(TYPE_LABELS.get(report.get("respondent_type"), "upload_auto"))
    )
    cols[2].metric(t("preview_records"), i18n.number(report.get("records", 0), lang, 0))
    cols[3].metric(t("preview_valid"), i18n.number(report.get("valid_responses", 0), lang, 0))
    cols[4].metric(t("preview_rejected"), i18n.number(len(report.get("rejected", [])), lang, 0))
    st.caption(f"{t('preview_encoding')}: {report.get('encoding') or '—'}")
    left, right = st.columns([1, 2])
    with left:
        st.markdown(f"**{t('preview_libraries')}**")
        libraries = pd.DataFrame(
            list((report.get("libraries") or {}).items()),
            columns=[t("library"), t("col_responses")],
        )
        st.dataframe(libraries, hide_index=True)
    with right:
        st.markdown(f"**{t('preview_items')}**")
        st.dataframe(uploading.items_table(report).rename(columns=item_columns()), hide_index=True)
    rejected = uploading.rejected_table(report)
    if not rejected.empty:
        st.markdown(f"**{t('preview_rejected_rows')}**")
        st.dataframe(
            rejected.head(uploading.REJECTED_SHOWN).rename(columns=reject_columns()),
            hide_index=True,
        )
        if len(rejected) > uploading.REJECTED_SHOWN:
            st.caption(t("preview_more_rejected", n=len(rejected) - uploading.REJECTED_SHOWN))
    for warning in report.get("warnings") or []:
        st.caption(f"{t('preview_warnings')}: {warning}")


def item_columns() -> dict:
    """Column labels of the items table in the page's language."""
    return {
        "column": t("col_column"),
        "item": t("col_item"),
        "construct": t("col_construct"),
        "scale": t("col_scale"),
        "n": t("col_n"),
        "mean": t("col_mean"),
        "nps": t("col_nps"),
    }


def reject_columns() -> dict:
    """Column labels of the rejected-rows table in the page's language."""
    return {
        "row": t("col_row"),
        "column": t("col_column"),
        "value": t("col_value"),
        "reason": t("col_reason"),
    }


def load_files(ready: list) -> None:
    """Load the confirmed files one by one with a progress bar; messages survive the rerun."""
    bar = st.progress(0.0)
    messages = []
    for number, (upload, options) in enumerate(ready, start=1):
        bar.progress(
            (number - 1) / len(ready),
            text=t(
                "upload_progress", name=uploading.safe_name(upload.name), i=number, n=len(ready)
            ),
        )
        outcome = uploading.commit(
            path,
            upload.name,
            upload.getvalue(),
            options,
            loaded_by=viewer.name if viewer else "dashboard",
            allowed_libraries=allowed,
        )
        if outcome.status == "loaded":
            text = t(
                "upload_loaded",
                name=outcome.name,
                id=outcome.report["upload_id"],
                n=i18n.number(outcome.report["valid_responses"], lang, 0),
            )
            messages.append(("success", text))
        elif outcome.status == "duplicate":
            messages.append(("info", t("upload_duplicate", name=outcome.name)))
        else:
            messages.append(
                ("error", t("upload_failed", name=outcome.name, message=outcome.message))
            )
    bar.progress(1.0)
    st.session_state["upload_messages"] = messages
    # a new uploader key empties the drop zone, so the same files are not offered twice
    st.session_state["upload_generation"] = st.session_state.get("upload_generation", 0) + 1
    st.rerun()


st.title(t("upload_title"))
st.caption(t("upload_intro"))
for kind, text in st.session_state.pop("upload_messages", []):
    getattr(st, kind)(text)

generation = st.session_state.get("upload_generation", 0)
files = st.file_uploader(
    t("upload_files"),
    type=list(uploading.ACCEPTED_SUFFIXES),
    accept_multiple_files=True,
    key=f"upload_files_{generation}",
)
version = db.data_version(path) if db.exists(path) else 0
ready = []
for upload in files or []:
    options = current_options(upload.file_id)
    outcome = preview(
        upload.file_id,
        upload.name,
        upload.getvalue(),
        (options.respondent_type, options.library, options.period, options.format),
        version,
    )
    with st.container(border=True):
        st.subheader(outcome.name)
        if outcome.ok:
            show_preview(outcome.report)
            ready.append((upload, options))
        else:
            st.error(t("upload_refused", message=outcome.message))
        overrides(upload.file_id, expanded=not outcome.ok)
if files:
    if ready:
        if st.button(t("upload_confirm", n=len(ready)), type="primary"):
            load_files(ready)
    else:
        st.warning(t("upload_none_ready"))

st.header(t("upload_history"))
try:
    history = uploading.history(path)
except db.DatabaseBusy:
    st.warning(t("busy"))
    st.stop()
if history.empty:
    st.info(t("upload_history_empty"))
    st.stop()
st.dataframe(
    uploading.history_table(history)
    .assign(
        respondent_type=lambda f: f["respondent_type"].map(
            lambda v: t(TYPE_LABELS[v]) if v in TYPE_LABELS else v
        )
    )
    .rename(
        columns={
            "upload_id": t("col_upload_id"),
            "file_name": t("col_file"),
            "format": t("preview_format"),
            "respondent_type": t("respondent_type"),
            "rows_loaded": t("col_loaded"),
            "rows_rejected": t("preview_rejected"),
            "responses_superseded": t("col_superseded"),
            "loaded_at": t("col_when"),
            "status": t("col_status"),
        }
    ),
    hide_index=True,
)
active = history[history["status"] == "active"]
if not active.empty and access.may_administer(viewer):
    labels = dict(zip(active["upload_id"], active["file_name"], strict=True))
    cols = st.columns([3, 1], vertical_alignment="bottom")
    chosen = cols[0].selectbox(
        t("undo_choose"),
        list(labels),
        format_func=lambda i: f"{i} · {labels[i]}",
        # keyed on the data version: after any load or undo the box starts at the newest upload
        key=f"undo_id_{version}",
    )
    if cols[1].button(t("undo_button")):
        outcome = uploading.undo(path, chosen)
        if outcome.status == "undone":
            text = t(
                "undo_done", id=chosen, name=outcome.name, n=outcome.report.get("rows_removed", 0)
            )
            st.session_state["upload_messages"] = [("success", text)]
        else:
            st.session_state["upload_messages"] = [
                ("error", t("undo_failed", message=outcome.message))
            ]
        st.rerun()
