"""Upload / Indlæs: drop files -> preview -> mapping editor -> confirm -> progress -> history.

Nothing is written before the confirm button; each file then loads in one transaction or not at
all (the access layer -> servicemirror.app.uploading -> etl.load), for the libraries this viewer may
write for. Bad input gives one message per file, never a traceback. The history lists only the
uploads this viewer may see (a manager: the own library's).
"""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from servicemirror.dashboard import data, filters, i18n

# the title comes below the helpers
page = filters.preamble()
lang, names, t = page.lang, page.names, page.t
# the navigation hides this page from forum viewers; this check also holds for a direct link
if not data.may_upload():
    st.warning(t("upload_not_allowed"))
    st.stop()


TYPE_LABELS = {
    None: "upload_auto",
    "staff": "respondent_staff",
    "patron": "respondent_patron",
    "mixed": "respondent_mixed",
}


@st.cache_data(max_entries=32, show_spinner=False)
def preview(file_id: str, name: str, _content: bytes, options: tuple, version: int):
    """The dry-run interpretation of one uploaded file, recomputed only when something changed.

    Keyed on the uploader's file id (not the bytes, which may be tens of MB), the override
    choices and the data version (a new library in the database changes how names resolve).
    """
    return data.preview_upload(name, _content, data.UploadOptions(*options))


def current_options(file_id: str):
    """The override choices for one file as the widgets last left them."""
    state = st.session_state
    return data.UploadOptions(
        respondent_type=state.get(f"as_{file_id}"),
        library=state.get(f"library_{file_id}"),
        period=state.get(f"period_{file_id}"),
        format=state.get(f"format_{file_id}"),
        mapping=state.get(f"mapping_{file_id}"),
        lang=lang,
    )


def overrides(file_id: str, expanded: bool) -> None:
    """Widgets for what detection could not settle: the CLI's --as, --library, --period, --format.

    The column-by-column part is :func:`mapping_editor`; both set fields of ``uploading.Options``
    under keys ending in ``_{file_id}``, read by current_options.
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
            [None, *data.upload_formats()],
            format_func=lambda v: (
                t("upload_auto") if v is None else i18n.labels.label("format", v, lang)
            ),
            key=f"format_{file_id}",
        )


def mapping_editor(file_id: str, outcome, options, gaps: list) -> None:
    """The column roles as an editable table; "preview" re-reads the file with the edited mapping.

    The applied mapping (JSON text) lives in ``mapping_{file_id}``; on confirm it is loaded with
    and saved as a profile under the name typed here.
    """
    table = data.editor_table(outcome)
    if table is None:
        return
    for problem, column in gaps:
        st.warning(t(f"map_gap_{problem}", column=column))
    with st.expander(t("map_title"), expanded=bool(gaps) or bool(options.mapping)):
        st.caption(t("map_help"))
        # a new key per applied mapping: the editor starts from the new interpretation
        version = zlib.crc32((options.mapping or "").encode())
        edited = st.data_editor(
            table,
            key=f"editor_{file_id}_{version}",
            hide_index=True,
            num_rows="fixed",
            disabled=["column", "note"],
            column_config={
                "column": st.column_config.TextColumn(t("col_column")),
                "role": st.column_config.SelectboxColumn(
                    t("map_col_role"), options=data.editor_roles(outcome), required=True
                ),
                "item": st.column_config.TextColumn(t("col_item")),
                "construct": st.column_config.TextColumn(t("col_construct")),
                "scale_min": st.column_config.NumberColumn(t("map_col_scale_min")),
                "scale_max": st.column_config.NumberColumn(t("map_col_scale_max")),
                "reversed": st.column_config.CheckboxColumn(t("map_col_reversed")),
                "note": st.column_config.TextColumn(t("map_col_note")),
            },
        )
        cols = st.columns([2, 2, 1], vertical_alignment="bottom")
        cols[0].text_input(
            t("map_profile_name"),
            value=outcome.name.rsplit(".", 1)[0],
            key=f"profile_{file_id}",
        )
        if cols[1].button(t("map_apply"), key=f"map_apply_{file_id}"):
            try:
                st.session_state[f"mapping_{file_id}"] = data.edited_mapping(
                    outcome, edited, options.respondent_type, options.mapping
                )
            except ValueError as exc:
                st.error(t("map_invalid", message=i18n.labels.say(exc, lang)))
            else:
                st.rerun()
        if options.mapping:
            if cols[2].button(t("map_reset"), key=f"map_reset_{file_id}"):
                st.session_state.pop(f"mapping_{file_id}", None)
                st.rerun()
            st.info(t("map_in_use"))


def library_editor(file_id: str, outcome: data.UploadOutcome, options) -> None:
    """Codes and kiosk locations in the file -> libraries (the mapping's ``libraries``)."""
    table = data.library_map_table(outcome, options.mapping)
    if table is None:
        return
    with st.expander(t("map_libraries_title")):
        st.caption(t("map_libraries_help"))
        edited = st.data_editor(
            table,
            key=f"libraries_{file_id}_{zlib.crc32((options.mapping or '').encode())}",
            hide_index=True,
            num_rows="fixed",
            disabled=["value"],
            column_config={
                "value": st.column_config.TextColumn(t("col_value")),
                "library": st.column_config.TextColumn(t("library")),
            },
        )
        if st.button(t("map_apply"), key=f"libraries_apply_{file_id}"):
            st.session_state[f"mapping_{file_id}"] = data.with_library_map(options.mapping, edited)
            st.rerun()


def profile_for(file_id: str, outcome: data.UploadOutcome, options) -> tuple | None:
    """(name, headers) to save the file's applied mapping under; None without one."""
    name = (st.session_state.get(f"profile_{file_id}") or "").strip()
    if not options.mapping or not name:
        return None
    return name, data.profile_headers(outcome)


def show_preview(report: dict) -> None:
    """The detected interpretation: format, type, counts, libraries, items, rejected rows."""
    st.markdown(i18n.preview_sentence(report, lang))
    cols = st.columns(5)
    cols[0].metric(t("preview_format"), i18n.labels.label("format", report.get("format"), lang))
    cols[1].metric(
        t("respondent_type"), t(TYPE_LABELS.get(report.get("respondent_type"), "upload_auto"))
    )
    cols[2].metric(t("preview_records"), i18n.number(report.get("records", 0), lang, 0))
    cols[3].metric(t("preview_valid"), i18n.number(report.get("valid_responses", 0), lang, 0))
    cols[4].metric(t("preview_rejected"), i18n.number(len(report.get("rejected", [])), lang, 0))
    encoding = i18n.labels.encoding_label(report.get("encoding"), lang)
    st.caption(f"{t('preview_encoding')}: {encoding}")
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
        items = data.items_table(report)
        # codes in words: the construct as the label table names it
        items["construct"] = items["construct"].map(
            lambda c: i18n.labels.label("construct", c, lang)
        )
        st.dataframe(items.rename(columns=item_columns()), hide_index=True)
    columns = data.columns_table(report)
    if not columns.empty:
        columns["role"] = columns["role"].map(lambda r: i18n.labels.role_label(r, lang))
        columns["construct"] = columns["construct"].map(
            lambda c: None if c is None else i18n.labels.label("construct", c, lang)
        )
        columns["scale_source"] = columns["scale_source"].map(
            lambda s: None if s is None else i18n.labels.scale_source_label(s, lang)
        )
        with st.expander(t("preview_columns")):
            labels = item_columns() | reject_columns()
            labels |= {"role": t("col_role"), "scale_source": t("col_scale_source")}
            st.dataframe(columns.rename(columns=labels), hide_index=True)
    rejected = data.rejected_table(report)
    if not rejected.empty:
        st.markdown(f"**{t('preview_rejected_rows')}**")
        st.dataframe(
            rejected.head(data.REJECTED_SHOWN).rename(columns=reject_columns()),
            hide_index=True,
        )
        if len(rejected) > data.REJECTED_SHOWN:
            st.caption(t("preview_more_rejected", n=len(rejected) - data.REJECTED_SHOWN))
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
    links: set[str] = set()
    for number, (upload, options, profile) in enumerate(ready, start=1):
        name = data.safe_name(upload.name)
        bar.progress(
            (number - 1) / len(ready),
            text=t("upload_progress", name=name, i=number, n=len(ready)),
        )

        def show(stage: str, number=number, name=name) -> None:
            # the same stages as the CLI's bar: reading, checking, writing, done
            bar.progress(
                data.stage_fraction(number, len(ready), stage),
                text=t(
                    "upload_stage", name=name, i=number, n=len(ready), stage=t(f"stage_{stage}")
                ),
            )

        outcome = data.upload_file(
            upload.name, upload.getvalue(), options, progress=show, profile=profile
        )
        if outcome.status == "loaded":
            text = t(
                "upload_loaded",
                name=outcome.name,
                id=outcome.report["upload_id"],
                n=i18n.number(outcome.report["valid_responses"], lang, 0),
            )
            messages.append(("success", text))
            # where to see the result: the period the answers landed in
            for when in sorted(outcome.report.get("periods") or {}):
                links.add(when)
        elif outcome.status == "duplicate":
            messages.append(("info", t("upload_duplicate", name=outcome.name)))
        else:
            messages.append(
                ("error", t("upload_failed", name=outcome.name, message=outcome.message))
            )
    bar.progress(1.0)
    st.session_state["upload_messages"] = messages
    st.session_state["upload_links"] = sorted(links)
    # a new uploader key empties the drop zone, so the same files are not offered twice
    st.session_state["upload_generation"] = st.session_state.get("upload_generation", 0) + 1
    st.rerun()


st.title(t("upload_title"))
st.caption(t("upload_intro"))
for kind, text in st.session_state.pop("upload_messages", []):
    getattr(st, kind)(text)
for when in st.session_state.pop("upload_links", []):
    st.page_link(
        "views/overview.py",
        label=t("upload_see_result", period=when),
        icon=":material/arrow_forward:",
        query_params={"period": when, "lang": lang},
    )
    st.page_link(
        "views/library.py",
        label=t("upload_see_library", period=when),
        icon=":material/arrow_forward:",
        query_params={"period": when, "lang": lang},
    )

generation = st.session_state.get("upload_generation", 0)
files = st.file_uploader(
    t("upload_files"),
    type=list(data.ACCEPTED_SUFFIXES),
    accept_multiple_files=True,
    key=f"upload_files_{generation}",
)
version = data.data_version()
ready = []
for upload in files or []:
    options = current_options(upload.file_id)
    outcome = preview(
        upload.file_id,
        upload.name,
        upload.getvalue(),
        (
            options.respondent_type,
            options.library,
            options.period,
            options.format,
            options.mapping,
            options.lang,
        ),
        version,
    )
    with st.container(border=True):
        st.subheader(outcome.name)
        if outcome.ok:
            show_preview(outcome.report)
            ready.append((upload, options, profile_for(upload.file_id, outcome, options)))
        else:
            st.error(t("upload_refused", message=outcome.message))
        overrides(upload.file_id, expanded=not outcome.ok)
        mapping_editor(upload.file_id, outcome, options, data.mapping_gaps(outcome, options))
        library_editor(upload.file_id, outcome, options)
if files:
    if ready:
        if st.button(t("upload_confirm", n=len(ready)), type="primary"):
            load_files(ready)
    else:
        st.warning(t("upload_none_ready"))

st.header(t("upload_history"))
# a manager: only the own library's uploads; an admin with names off: no file names
history = filters.guarded(lang, lambda: data.upload_history(lang, names))
if history.empty:
    st.info(t("upload_history_empty"))
    st.stop()
st.dataframe(
    i18n.coded(history, lang, format="format", status="status")
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
if not active.empty and data.may_administer():
    labels = dict(zip(active["upload_id"], active["file_name"], strict=True))
    cols = st.columns([3, 1], vertical_alignment="bottom")
    chosen = cols[0].selectbox(
        t("undo_choose"),
        list(labels),
        format_func=lambda i: f"{i} · {labels[i]}",
        # keyed on the data version: after any load or undo the box starts at the newest upload
        key=f"undo_id_{version}",
    )
    # two steps: the button asks, naming the file and what goes; only "yes" removes anything
    if cols[1].button(t("undo_button")):
        st.session_state["undo_pending"] = int(chosen)
    pending = st.session_state.get("undo_pending")
    if pending is not None and pending in labels:
        row = active[active["upload_id"] == pending].iloc[0]
        responses = i18n.number(row["rows_loaded"], lang, 0)
        who = "who_" + str(row["respondent_type"])
        st.warning(
            t(
                "undo_confirm",
                id=pending,
                name=row["file_name"],
                n=responses,
                who=t(who) if who in i18n.TEXT else t("who_any"),
                when=str(row["loaded_at"])[:16],
            )
        )
        yes, no = st.columns(2)
        if yes.button(t("undo_yes", name=row["file_name"]), type="primary"):
            st.session_state.pop("undo_pending", None)
            outcome = data.undo_upload(pending)
            if outcome.status == "undone":
                text = t("undo_done", id=pending, name=outcome.name, n=responses)
                st.session_state["upload_messages"] = [("success", text)]
            else:
                st.session_state["upload_messages"] = [
                    ("error", t("undo_failed", message=outcome.message))
                ]
            st.rerun()
        if no.button(t("undo_no")):
            st.session_state.pop("undo_pending", None)
            st.rerun()
