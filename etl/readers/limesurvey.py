"""LimeSurvey "Export responses" CSV (docs/formats/limesurvey.md).

One header row, either question codes (``id, submitdate, lastpage, startlanguage, seed,
G01Q01, G01Q02[SQ001], ...``) or full headings ("Response ID", "Date submitted", "Last page",
"Start language", question texts). Answers are codes (``A1``, ``AO01``, ``1``..``5`` for a
5-point array, ``Y`` for a ticked option) or full answer texts. Incomplete responses (empty
submitdate) are listed as rejected. Anonymised surveys without date stamps write the placeholder
1980-01-01 00:00:00 for every date: those are ignored (give --period). A survey without responses
exports only its header: refused with a clear line.
"""

from __future__ import annotations

import re
from pathlib import Path

from servicemirror.etl import mapping, vocab, wide
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import ReadOptions, ReadResult

FORMAT = "limesurvey"
METADATA = {
    "id": "respondent_id",
    "response id": "respondent_id",
    "submitdate": "date",
    "date submitted": "date",
    "lastpage": "metadata",
    "last page": "metadata",
    "startlanguage": "metadata",
    "start language": "metadata",
    "seed": "metadata",
    "startdate": "metadata",
    "date started": "metadata",
    "datestamp": "metadata",
    "date last action": "metadata",
    "ipaddr": "identity",
    "ip address": "identity",
    "refurl": "metadata",
    "referrer url": "metadata",
    "token": "identity",
    "access code": "identity",
    "interviewtime": "metadata",
    "total time": "metadata",
}
SIGNATURES = [
    {"id", "submitdate", "lastpage", "startlanguage"},
    {"response id", "date submitted", "last page", "start language"},
]
# question code, optional [subquestion], then an optional ". text" (the "code and text" heading)
_CODE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:\[[^\]]+\])?)(?:\.?\s+(.+))?$")
_TIMING = re.compile(r"(time$|time\b|grouptime|qtime)", re.IGNORECASE)


def heading_key(header: str) -> str:
    """The metadata key of a heading in any of LimeSurvey's three heading styles.

    "Question code" (``submitdate``), "Full question text" (``Date submitted``) and "Question code
    & question text" (``submitdate. Date submitted``, ``id. Response ID``): the code before ". "
    decides in the last style.
    """
    match = _CODE.match(str(header))
    if match and match.group(2) and str(header)[len(match.group(1)) :].startswith("."):
        return vocab.normalise_label(match.group(1))
    return vocab.normalise_label(header)


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.95 when the header has LimeSurvey's response metadata (any heading style)."""
    head = wide.head_rows(sniffed, path, 1)
    keys = {heading_key(h) for h in head[0]} if head else set()
    return 0.95 if any(sig <= keys for sig in SIGNATURES) else 0.0


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A LimeSurvey export (codes or full answers) -> ReadResult."""
    path = Path(path)
    rows, problems = wide.table_rows(path, sniffed)
    frame = wide.with_header(rows, 1)
    frame = wide.drop_blank_rows(frame)
    wide.require_records(frame, path, "LimeSurvey")
    records = len(frame)
    columns = [c for c in frame.columns if c != "_record"]
    fixed, texts = {}, {}
    for column in columns:
        key = heading_key(column)
        if key in METADATA:
            fixed[column] = METADATA[key]
            continue
        match = _CODE.match(column)
        if match and match.group(2):
            texts[column] = match.group(2)
        code = (match.group(1) if match else column).lower()
        if code.endswith(("[filecount]", "_filecount")) or "filecount" in key:
            fixed[column] = "metadata"  # the number of files uploaded, not an answer
        elif code.endswith(("[other]", "[comment]", "other", "comment")):
            fixed[column] = "comment"
        elif _TIMING.search(column) and column.lower() not in ("timestamp",):
            fixed[column] = "metadata"
    submitted = next((c for c, r in fixed.items() if r == "date"), None)
    if submitted is not None:
        blank = frame[submitted].isna()
        frame, excluded = wide.exclude_rows(
            frame, blank, path, submitted, "incomplete response (no submit date): not counted"
        )
        problems += excluded
    rtype = options.respondent_type if options else None
    spec = wide.classify(frame, format=FORMAT, texts=texts, fixed=fixed, respondent_type=rtype)
    spec.instrument = f"limesurvey:{mapping.signature(FORMAT, columns)}"
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
