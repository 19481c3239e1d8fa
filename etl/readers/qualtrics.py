"""Qualtrics "Download data" CSV (docs/formats/qualtrics.md).

Three header rows: question ids (``Q1``, ``Q2_1`` for matrix rows, ``Q5_4_TEXT`` for "other"
text), question texts (matrix rows as "Question - Statement"), and the ImportId JSON row
(``{"ImportId":"QID1"}``). Older exports lack the third row. Answers are "numeric values" (the
recode values) or "choice text" (the labels); both are read. Metadata columns (StartDate, EndDate,
Status, IPAddress, Progress, Duration (in seconds), Finished, RecordedDate, ResponseId, Recipient*,
ExternalReference, Location*, DistributionChannel, UserLanguage) are not questions; survey
previews, tests and spam (Status) and unfinished responses (Finished = 0/False) are not valid
responses and are listed as rejected. Embedded-data fields (e.g. ``Bibliotek``) come after the
questions and are found by their header.
"""

from __future__ import annotations

from pathlib import Path

from servicemirror.etl import mapping, vocab, wide
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import ReadOptions, ReadResult

FORMAT = "qualtrics"
METADATA = {
    "startdate": "metadata",
    "enddate": "metadata",
    "status": "metadata",
    "progress": "metadata",
    "duration (in seconds)": "metadata",
    "finished": "metadata",
    "recordeddate": "date",
    "responseid": "respondent_id",
    "ipaddress": "identity",
    "recipientlastname": "identity",
    "recipientfirstname": "identity",
    "recipientemail": "identity",
    "externalreference": "metadata",
    "externaldatareference": "metadata",
    "locationlatitude": "identity",
    "locationlongitude": "identity",
    "distributionchannel": "metadata",
    "userlanguage": "metadata",
}
_METADATA_KEYS = {k.replace(" ", ""): v for k, v in METADATA.items()}
# Status: 0 / "IP Address" = a real response; 4 Imported and 16 Offline are real too.
VALID_STATUS = {"0", "4", "16", "ip address", "imported", "offline", "anonymous"}
FINISHED = {"1", "true", "yes", "ja"}


def _key(header: str) -> str:
    """'Duration (in seconds)' -> 'duration(inseconds)': Qualtrics spells ids with and without spaces."""
    return vocab.normalise_label(header).replace(" ", "") if header else ""


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.98 for three header rows with ImportId JSON, 0.9 for the metadata columns alone."""
    head = wide.head_rows(sniffed, path, 3)
    if not head:
        return 0.0
    keys = {_key(h) for h in head[0]}
    if not {"startdate", "responseid"} <= keys:
        return 0.0
    if len(head) >= 3 and any(str(c).startswith('{"ImportId"') for c in head[2]):
        return 0.98
    return 0.9


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A Qualtrics CSV (numeric or choice text) -> ReadResult (responses, answers, comments)."""
    path = Path(path)
    rows, problems = wide.table_rows(path, sniffed)
    has_import_row = len(rows) > 2 and rows.iloc[2].astype(str).str.startswith('{"ImportId"').any()
    header_rows = 3 if has_import_row else 2
    ids = [rows.iloc[0].get(c) for c in rows.columns if c != "_record"]
    frame = wide.with_header(rows, header_rows, ids)
    texts_row = rows.iloc[1] if len(rows) > 1 else None
    columns = [c for c in frame.columns if c != "_record"]
    texts = {
        name: str(texts_row.get(i)).strip()
        for i, name in enumerate(columns)
        if texts_row is not None and texts_row.get(i) not in (None, "") and texts_row.get(i) != name
    }
    frame = wide.drop_blank_rows(frame)
    wide.require_records(frame, path, "Qualtrics")
    records = len(frame)
    fixed = {}
    for column in columns:
        key = _key(column)
        if key in _METADATA_KEYS:
            fixed[column] = _METADATA_KEYS[key]
        elif key.endswith("_text") or key.endswith("text"):
            fixed[column] = "comment"
        elif "_do_" in key or key.startswith("q_") or key.endswith("_do"):
            fixed[column] = "metadata"  # display order and Qualtrics' own fields
    status = _column(frame, "status")
    if status is not None:
        bad = ~frame[status].astype("string").str.strip().str.lower().isin(VALID_STATUS)
        bad = bad.fillna(True).astype(bool)
        frame, excluded = wide.exclude_rows(
            frame, bad, path, status, "survey preview, test or spam (Status): not a response"
        )
        problems += excluded
    finished = _column(frame, "finished")
    if finished is not None:
        bad = ~frame[finished].astype("string").str.strip().str.lower().isin(FINISHED)
        bad = bad.fillna(True).astype(bool)
        frame, excluded = wide.exclude_rows(
            frame, bad, path, finished, "unfinished response (Finished = 0): not counted"
        )
        problems += excluded
    rtype = options.respondent_type if options else None
    spec = wide.classify(frame, format=FORMAT, texts=texts, fixed=fixed, respondent_type=rtype)
    spec.instrument = f"qualtrics:{mapping.signature(FORMAT, columns)}"
    spec, note = mapping.resolve(spec, columns, options)
    return wide.to_result(
        frame,
        spec,
        path=path,
        encoding=sniffed.encoding,
        problems=problems,
        warnings=[note] if note else [],
        records=records,
    )


def _column(frame, key: str) -> str | None:
    return next((c for c in frame.columns if _key(c) == key), None)
