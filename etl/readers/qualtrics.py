"""Qualtrics "Download data" CSV (docs/formats/qualtrics.md).

Three header rows: question ids (``Q1``, ``Q2_1`` for matrix rows, ``Q5_4_TEXT`` for "other"
text), question texts (matrix rows as "Question - Statement"), and the ImportId row
(``{"ImportId":"QID1"}``, or ``{'ImportId': 'QID1'}`` with single quotes from API exports).
Older exports lack the third row. The legacy export (before 2017) has ``V1,V2,...`` over the
metadata in row 1 and the metadata names and question texts in row 2 (``ResponseID, ResponseSet,
Name, ExternalDataReference, EmailAddress, IPAddress, Status, StartDate, EndDate, Finished``).
The date is RecordedDate, else EndDate, else StartDate. Any column whose ImportId is not a
question (``QID...``) and whose header names no role (library, branch, ...) is metadata, so a field
Qualtrics adds later (``SolutionRevision``) is never read as a question. Answers are "numeric values" (the
recode values) or "choice text" (the labels); both are read. Metadata columns (StartDate, EndDate,
Status, IPAddress, Progress, Duration (in seconds), Finished, RecordedDate, ResponseId, Recipient*,
ExternalReference, Location*, DistributionChannel, UserLanguage) are not questions; survey
previews, tests and spam (Status) and unfinished responses (Finished = 0/False) are not valid
responses and are listed as rejected. Embedded-data fields (e.g. ``Bibliotek``) come after the
questions and are found by their header.
"""

from __future__ import annotations

import re
from pathlib import Path

from servicemirror.etl import tables, vocab, wide, wide_end
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import ReadOptions, ReadResult

FORMAT = "qualtrics"
_CHOICE_SUFFIX = re.compile(r"^(.+)_(\d+)$")
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
    "solutionrevision": "metadata",
    "flowid": "metadata",
    "locationaccuracy": "metadata",
    "responseset": "metadata",
    "name": "identity",
    "emailaddress": "identity",
}
# the date a response counts for, in order of preference
DATE_PREFERENCE = ("recordeddate", "enddate", "startdate")
_METADATA_KEYS = {k.replace(" ", ""): v for k, v in METADATA.items()}
# Status: 0 / "IP Address" = a real response; 4 Imported and 16 Offline are real too.
VALID_STATUS = {"0", "4", "16", "ip address", "imported", "offline", "anonymous"}
FINISHED = {"1", "true", "yes", "ja"}
_LEGACY_V = re.compile(r"^V\d+$")


def _key(header: str) -> str:
    """'Duration (in seconds)' -> 'duration(inseconds)': Qualtrics spells ids with and without spaces."""
    return vocab.normalise_label(header).replace(" ", "") if header else ""


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.98 for three header rows with ImportId JSON, 0.9 for the metadata columns alone."""
    head = tables.head_rows(sniffed, path, 3)
    if not head:
        return 0.0
    if is_legacy(head):
        return 0.95
    keys = {_key(h) for h in head[0]}
    if not {"startdate", "responseid"} <= keys:
        return 0.0
    if len(head) >= 3 and any(is_import_id(c) for c in head[2]):
        return 0.98
    return 0.9


def is_import_id(cell) -> bool:
    """A cell of the ImportId row: ``{"ImportId":"QID1"}`` or the single-quoted API form."""
    text = str(cell).strip() if cell is not None else ""
    return text.startswith(('{"ImportId"', "{'ImportId'"))


def _import_id(cell) -> str | None:
    """'QID1' from either form of the ImportId cell; None when the cell is not one."""
    if not is_import_id(cell):
        return None
    match = re.search(r"""ImportId['"]\s*:\s*['"]([^'"]*)['"]""", str(cell))
    return match.group(1) if match else None


def is_legacy(head: list[list[str]]) -> bool:
    """The legacy layout: row 1 starts V1, V2, ...; row 2 names ResponseID and StartDate."""
    if len(head) < 2 or len(head[0]) < 3:
        return False
    if not all(_LEGACY_V.match(str(c).strip()) for c in head[0][:3]):
        return False
    return {"responseid", "startdate"} <= {_key(c) for c in head[1]}


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A Qualtrics CSV (numeric or choice text) -> ReadResult (responses, answers, comments).

    The export stays in DuckDB (``tables.table_source``): the header rows, the exclusions and
    a sample for the roles come to Python, the answers never do.
    """
    path = Path(path)
    source = tables.table_source(path, sniffed)
    problems = list(source.problems)
    head = source.head(3)
    legacy = is_legacy([["" if c is None else str(c) for c in row] for row in head])
    import_ids = [_import_id(c) for c in head[2]] if len(head) > 2 else []
    has_import_row = any(i is not None for i in import_ids)
    header_rows = 3 if has_import_row else 2
    if not head:
        ids = []
    elif legacy:
        # V1..V10 say nothing; the metadata names are in row 2 (questions keep their Q id)
        ids = [
            second if first is None or _LEGACY_V.match(str(first).strip()) else first
            for first, second in zip(head[0], head[1], strict=True)
        ]
    else:
        ids = head[0]
    source.take_header(header_rows, tables.unique_names(ids, len(source.sql_names)))
    texts_row = head[1] if len(head) > 1 else None
    columns = source.columns
    texts = {
        name: str(texts_row[i]).strip()
        for i, name in enumerate(columns)
        if texts_row is not None and texts_row[i] not in (None, "") and texts_row[i] != name
    }
    source.drop_blank_rows()
    tables.require_source_records(source, path, "Qualtrics")
    records = source.count()
    fixed = metadata_roles(columns, import_ids if has_import_row else [])
    for column in columns:
        key = _key(column)
        if column in fixed:
            continue
        elif key.endswith("_text") or key.endswith("text"):
            fixed[column] = "comment"
        elif "_do_" in key or key.startswith("q_") or key.endswith("_do"):
            fixed[column] = "metadata"  # display order and Qualtrics' own fields
    # previews, tests and unfinished responses are not answers: each such row is told, then dropped
    for name, kept, why in (
        ("status", VALID_STATUS, "reason_preview_or_test"),
        ("finished", FINISHED, "reason_unfinished"),
    ):
        column = _column(columns, name)
        if column is not None:
            problems += tables.exclude_source_rows(source, column, kept, path, why)
    sample = source.sample()
    fixed.update(rank_order_roles(sample, [c for c in columns if c not in fixed]))
    return wide_end.finish(
        source,
        path,
        sniffed,
        options,
        FORMAT,
        fixed=fixed,
        texts=texts,
        problems=problems,
        records=records,
    )


def metadata_roles(columns: list[str], import_ids: list[str | None]) -> dict[str, str]:
    """column -> role for Qualtrics' own fields (by name, then by ImportId), the date preferred.

    The date is the first of RecordedDate, EndDate, StartDate that the export has; the others are
    metadata. With an ImportId row, a column that is not a question (``QID...``) and whose header
    names no role of ours (library, branch, ...) is metadata: Qualtrics adds such fields over time.
    """
    roles: dict[str, str] = {}
    keys = {_key(c): c for c in columns}
    for column in columns:
        key = _key(column)
        if key in _METADATA_KEYS:
            roles[column] = _METADATA_KEYS[key]
    date = next((keys[k] for k in DATE_PREFERENCE if k in keys), None)
    for k in DATE_PREFERENCE:
        if k in keys:
            roles[keys[k]] = "date" if keys[k] == date else "metadata"
    for column, import_id in zip(columns, import_ids, strict=False):
        if column in roles or import_id is None or import_id.upper().startswith("QID"):
            continue
        if vocab.wide_header(column) is None:
            # embedded data named like a role (Bibliotek, Enhed) stays; the rest is Qualtrics'
            roles[column] = "metadata"
    return roles


def rank_order_roles(frame, columns: list[str]) -> dict[str, str]:
    """column -> reason for a Rank Order question: ``Q7_1``..``Q7_n`` holding the ranks 1..n.

    Each answered row of a rank order question is a permutation of 1..n over its options, which a
    rating battery (``Q5_1``..``Q5_n`` on one scale, ties allowed) is not row after row.
    """
    groups: dict[str, list[str]] = {}
    for column in columns:
        match = _CHOICE_SUFFIX.match(str(column))
        if match:
            groups.setdefault(match.group(1), []).append(column)
    return wide.ranking_columns(frame, groups, ranks_held=True)


def _column(columns: list[str], key: str) -> str | None:
    return next((c for c in columns if _key(c) == key), None)
