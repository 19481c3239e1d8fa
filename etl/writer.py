"""The writer: one upload's frames inserted inside the caller's transaction (responses, answers,
comments, aggregates, kiosk counts, forum packages, the saved unit mapping). Reached only through
``etl.load.load_file``, which holds the lock; the fault-test hook ``_test_pause`` lives here
because its kill points are inside the writer."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time

import pandas as pd
import pyarrow as pa

from servicemirror import queries
from servicemirror.app import comments as comment_store
from servicemirror.app import signing
from servicemirror.core import labels, safety
from servicemirror.etl.known import LoadRefused, _core_items, _Prepared
from servicemirror.etl.readers import forum_package
from servicemirror.etl.readers.base import (
    SEGMENT_COLUMNS,
    ReadError,
)
from servicemirror.etl.readers.forum_package import PackageResult

PAUSE_ENV = "SERVICEMIRROR_TEST_PAUSE"


def _test_pause(stage: str) -> None:
    """Fault-test hook (tests/test_faults.py): inert unless ``$SERVICEMIRROR_TEST_PAUSE == stage``.

    Then the process prints ``PAUSE <stage>`` on stderr and sleeps, so a test can SIGKILL it at
    exactly that point (stages: parsing, locked, mid-insert, before-commit, committed). The one
    environment read in ``etl``, kept here because the kill points are inside the writer.
    """
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"PAUSE {stage}", file=sys.stderr, flush=True)
        time.sleep(120)


def _with_frame(con, name: str, frame: pd.DataFrame, *statements: str, **params) -> None:
    """Run the named ``statements`` with ``frame`` visible to SQL as ``name``: DuckDB reads the
    DataFrame in place, so its rows go in as one set, never one by one."""
    con.register(name, frame)
    for statement in statements:
        queries.execute(con, statement, **params)
    con.unregister(name)


# what insert_responses, count_superseded and supersede_responses read of ``new_responses``
_RESPONSE_COLUMNS = (
    "row",
    "library_key",
    "branch_key",
    "period",
    "respondent_type",
    "submitted_at",
    "touchpoint",
    "respondent_hash",
    *SEGMENT_COLUMNS,
)


# what the writer hands over: the same, with the source id (text) that becomes respondent_hash
_RESPONSE_ROW_COLUMNS = tuple(
    "respondent_id" if c == "respondent_hash" else c for c in _RESPONSE_COLUMNS
)


def _response_table(
    responses: pd.DataFrame, columns: tuple[str, ...] = _RESPONSE_COLUMNS
) -> pa.Table | pd.DataFrame:
    """The columns the response statements read, as Arrow: DuckDB turned the frame's Python
    strings into its own on each of the three scans (0.3 s each for 400,000 respondents), Arrow
    is read in place. Text and numbers mixed in one column (no Arrow type holds both): the frame
    itself, read as before."""
    frame = responses[list(columns)]
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return frame


def _write(con, prepared: _Prepared, loaded_by: str) -> int:
    """Insert everything of one upload inside the caller's transaction; returns the upload id."""
    if prepared.package is not None:
        _check_package_key(con, prepared.package, loaded_by)
    if not queries.scalar(con, "setting_get", key="hash_salt"):
        # the salt is made inside the first write, so every upload of a database hashes alike
        queries.execute(con, "setting_set", key="hash_salt", value=secrets.token_hex(16))
    _seed_core_items(con)
    salt = queries.scalar(con, "setting_get", key="hash_salt")
    upload_id = int(queries.scalar(con, "next_upload_id"))
    report = prepared.report
    if not prepared.new_libraries.empty:
        frame = prepared.new_libraries.assign(
            municipality=None,
            aliases=[[n] for n in prepared.new_libraries["library"]],
            consent_named=False,
        )
        _with_frame(con, "new_libraries", frame, "insert_new_libraries")
    if not prepared.new_branches.empty:
        _with_frame(con, "new_branches", prepared.new_branches, "insert_new_branches")
    if not prepared.new_items.empty:
        _with_frame(con, "new_items", prepared.new_items, "insert_new_items")
    if prepared.unit_map is not None and not prepared.unit_map.empty:
        # kept by undo: the mapping is the user's answer about their units, not this file's data
        _with_frame(con, "new_unit_map", prepared.unit_map, "unit_map_upsert")
    superseded = 0
    if not prepared.responses.empty:
        responses = prepared.responses
        for seg in (*SEGMENT_COLUMNS, "touchpoint", "submitted_at"):
            if seg not in responses.columns:
                responses = responses.assign(**{seg: None})
        # the ids as text, hashed by DuckDB where the rows go in (new_responses_hashed.sql):
        # 400,000 digests never come to pandas and back
        responses = responses.assign(
            submitted_at=pd.to_datetime(responses["submitted_at"], errors="coerce"),
            respondent_id=responses["respondent_id"].astype("string"),
        )
        con.register("new_response_rows", _response_table(responses, _RESPONSE_ROW_COLUMNS))
        queries.execute(con, "new_responses_hashed", salt=salt)
        con.unregister("new_response_rows")
        superseded = int(queries.scalar(con, "count_superseded", upload_id=upload_id) or 0)
        queries.execute(con, "insert_responses", upload_id=upload_id)
        if superseded:
            # counted above on the same rows before they were inserted: none counted, none to
            # mark (the update's pass over every stored respondent is skipped, as on a first upload)
            queries.execute(con, "supersede_responses", upload_id=upload_id)
        # the answers come from DuckDB as (row, map_id) pairs in Arrow, read in place, and the
        # few distinct answers they point to (etl.answers)
        con.register("new_answers", prepared.answers.pairs())
        con.register("new_answer_values", prepared.answers.values())
        _test_pause("mid-insert")  # responses are in, answers not yet
        queries.execute(con, "insert_answers", upload_id=upload_id)
        con.unregister("new_answers")
        con.unregister("new_answer_values")
        if not prepared.comments.empty:
            _with_frame(
                con, "new_comments", prepared.comments, "insert_comments", upload_id=upload_id
            )
        # themes and tone in the same transaction, vectorised over the new comments (and any
        # stored before comment themes existed)
        comment_store.tag_untagged(con)
    if not prepared.aggregates.empty:
        _with_frame(
            con,
            "new_aggregates",
            prepared.aggregates,
            "supersede_aggregates",
            "insert_aggregates",
            upload_id=upload_id,
        )
    if prepared.kiosk_units is not None and not prepared.kiosk_units.empty:
        # the rows and their locations' keys meet in the insert (etl.kiosk_names)
        con.register("new_kiosk_rows", prepared.kiosk)
        _with_frame(
            con,
            "new_kiosk_units",
            prepared.kiosk_units,
            "insert_kiosk_counts",
            upload_id=upload_id,
        )
        con.unregister("new_kiosk_rows")
    if prepared.package is not None:
        replaced = _write_package(con, prepared.package, upload_id)
        if replaced:
            report.warnings.append(labels.Note.of("note_package_parts_replaced", count=replaced))
    report.superseded = superseded
    if superseded:
        report.warnings.append(labels.Note.of("note_superseded", count=superseded))
    report.upload_id = upload_id
    queries.execute(
        con,
        "insert_upload",
        upload_id=upload_id,
        file_name=report.file,
        sha256=prepared.sha256,
        format=report.format,
        encoding=report.encoding,
        instrument_id=prepared.instrument,
        respondent_type=report.respondent_type,
        kind=prepared.kind,
        rows_read=report.records,
        rows_loaded=report.valid_responses,
        rows_rejected=len(report.rejected),
        superseded=superseded,
        loaded_by=loaded_by,
        report_json=json.dumps(report.to_json(), ensure_ascii=False, default=str),
    )
    # the instruments this upload brings, for the comparability rule (migrate_9.sql)
    queries.execute(con, "register_instruments", upload_id=upload_id)
    _test_pause("before-commit")
    return upload_id


# package table -> (registered frame name, insert query)
_PACKAGE_INSERTS = {
    "cells": ("new_forum_cells", "insert_forum_cells"),
    "items": ("new_forum_items", "insert_forum_items"),
    "item_covariances": ("new_forum_covariances", "insert_forum_covariances"),
    "kiosk_days": ("new_forum_kiosk_days", "insert_forum_kiosk_days"),
    "facts": ("new_forum_facts", "insert_forum_facts"),
    "comment_themes": ("new_forum_comment_themes", "insert_forum_comment_themes"),
}


def _check_package_key(con, package: PackageResult, loaded_by: str) -> None:
    """A forum package must be signed with its library's registered key (servicemirror.app.signing)."""
    name = package.path.name
    try:
        public = forum_package.signature_key(package.manifest, name)
        signing.check_package_key(
            con, package.manifest["library"]["library_key"], public, name, loaded_by
        )
    except (ReadError, signing.SigningError) as exc:
        raise LoadRefused.told_as(exc) from None


def _write_package(con, package: PackageResult, upload_id: int) -> int:
    """Store a forum package: its library and consent, then every table, superseding older parts.

    Older packages' rows for the same library x period are marked ``superseded_by`` (undo brings
    them back); the newest package decides the library's consent to be named. Returns how many
    library x period parts of earlier packages were replaced.
    """
    library = package.manifest["library"]
    frame = pd.DataFrame(
        {
            "library_key": [library["library_key"]],
            "display_name": [
                safety.strip_controls(library.get("display_name") or library["library_key"])
            ],
            "municipality": [safety.strip_controls(library.get("municipality"))],
            "aliases": [
                [safety.strip_controls(library.get("display_name") or library["library_key"])]
            ],
            "consent_named": [bool(library.get("consent_named", False))],
        }
    )
    _with_frame(con, "new_libraries", frame, "insert_new_libraries")
    _with_frame(
        con, "new_forum_library", frame[["library_key", "consent_named"]], "update_library_consent"
    )
    con.register("new_forum_packages", package.parts())
    replaced = int(queries.scalar(con, "count_superseded_packages") or 0)
    queries.script(con, "supersede_forum_package", upload_id=upload_id)
    queries.execute(con, "insert_forum_packages", upload_id=upload_id)
    con.unregister("new_forum_packages")
    for table, (frame_name, query) in _PACKAGE_INSERTS.items():
        _with_frame(con, frame_name, package.tables[table], query, upload_id=upload_id)
    return replaced


def _seed_core_items(con) -> None:
    """The forum core items exist in every database (insert only the missing ones)."""
    _with_frame(con, "new_items", _core_items(), "insert_new_items")


# --------------------------------------------------------------------------- projects, targets, personas
# "From paper to action" and "differentiated service": small writers, one transaction each.
