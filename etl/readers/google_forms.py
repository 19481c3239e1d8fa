"""Google Forms responses, downloaded as CSV or from the linked Sheet (docs/formats/google_forms.md).

The first column is ``Timestamp`` (``Tidsstempel`` in Danish), then one column per question with
the question text as header; grid questions give one column per row, ``Question [Row]``; checkbox
answers are joined in one cell (", " or ";"); dates may carry a time-zone suffix
("2024/03/05 10:22:13 AM GMT+1"). When the form collects e-mail addresses ("Email Address",
"E-mailadresse"), the address is only used to keep a respondent's latest submission (and is
stored as a salted hash, like any respondent id); earlier submissions are listed as rejected.
"""

from __future__ import annotations

from pathlib import Path

from servicemirror.etl import tables, vocab, wide_end
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import ReadOptions, ReadResult

FORMAT = "google_forms"
TIMESTAMP = {"timestamp", "tidsstempel", "tidsstempel (utc)", "marca temporal", "zeitstempel"}
EMAIL = {"email address", "e mailadresse", "e mail adresse", "email", "e mail"}


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.9 when the first column is Timestamp/Tidsstempel (0.7 if it also looks like a kiosk file)."""
    head = tables.head_rows(sniffed, path, 1)
    if not head or not head[0] or vocab.normalise_label(head[0][0]) not in TIMESTAMP:
        return 0.0
    kiosk = {vocab.kiosk_header(h) for h in head[0][1:]}
    # a smiley-kiosk press file also starts with a timestamp: leave it to the kiosk readers
    return 0.7 if {"terminal", "button"} & kiosk else 0.9


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A Google Forms export -> ReadResult; the latest submission per e-mail address counts."""
    path = Path(path)
    source = tables.table_source(path, sniffed)
    problems = list(source.problems)
    frame = tables.source_records(source, 1, path, "Google Forms")
    columns = frame.columns
    fixed = {columns[0]: "date"}
    for column in columns[1:]:
        if vocab.normalise_label(column) in EMAIL:
            fixed[column] = "respondent_id"
        elif vocab.normalise_label(column) == "score":
            fixed[column] = "metadata"  # quiz score
    return wide_end.finish(frame, path, sniffed, options, FORMAT, fixed=fixed, problems=problems)
