"""Microsoft Forms "Open results in Excel" (.xlsx) and the same sheet saved as CSV by Danish Excel.

Columns: ID, Start time, Completion time, Email, Name (Danish: Id, Starttidspunkt,
Fuldførelsestidspunkt, Mail, Navn), sometimes Last modified time, then one column per question
(a Likert question: one column per statement; choice questions: the option text; multi-select:
options joined by ";" with a trailing ";"; Net Promoter Score: 0-10). Danish Excel writes the CSV
with a BOM, semicolons and day-first dates ("05-03-2024 10:22"). Email and Name ("anonymous" when
the form does not record names) are never stored; ID is the respondent id (docs/formats/ms_forms.md).
"""

from __future__ import annotations

from pathlib import Path

from servicemirror.etl import tables, vocab, wide_end
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import ReadOptions, ReadResult

FORMAT = "ms_forms"
METADATA = {
    "id": "respondent_id",
    "start time": "metadata",
    "starttidspunkt": "metadata",
    "completion time": "date",
    "fuldførelsestidspunkt": "date",
    "afslutningstidspunkt": "date",
    "klokkeslæt for fuldførelse": "date",
    "email": "identity",
    "mail": "identity",
    "e mail": "identity",
    "name": "identity",
    "navn": "identity",
    "last modified time": "metadata",
    "tidspunkt for seneste ændring": "metadata",
    "total points": "metadata",
    "point i alt": "metadata",
    "quiz feedback": "metadata",
}
START = {"start time", "starttidspunkt"}
END = {
    "completion time",
    "fuldførelsestidspunkt",
    "afslutningstidspunkt",
    "klokkeslæt for fuldførelse",
}


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.95 when the header starts like Forms' (ID, Start time, Completion time)."""
    head = tables.head_rows(sniffed, path, 1)
    keys = {vocab.normalise_label(h) for h in head[0]} if head else set()
    return 0.95 if "id" in keys and keys & START and keys & END else 0.0


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A Microsoft Forms workbook or its Danish-Excel CSV -> ReadResult."""
    path = Path(path)
    source = tables.table_source(path, sniffed)
    problems = list(source.problems)
    frame = tables.source_records(source, 1, path, "Microsoft Forms")
    columns = frame.columns
    fixed = {
        c: METADATA[vocab.normalise_label(c)]
        for c in columns
        if vocab.normalise_label(c) in METADATA
    }
    return wide_end.finish(frame, path, sniffed, options, FORMAT, fixed=fixed, problems=problems)
