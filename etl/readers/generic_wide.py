"""Generic wide CSV/Excel: any tool we do not know, and hand-made sheets (docs/formats/generic.md).

One row per respondent, one column per question, plus library / branch / date / period /
respondent-id columns found by their header (da/en synonyms) or named with --library/--period or
a mapping. Hand-made sheets are tolerated: title rows above the header, blank rows, a totals row
("I alt", "Total", "Gennemsnit"), trailing empty columns, mixed date formats.

A sheet with one row per library, an n column ("n", "Antal svar") and means in the question
columns ("4,2") is read as unit-level results (aggregates), not as respondents.
"""

from __future__ import annotations

from pathlib import Path

from servicemirror.core import labels
from servicemirror.etl import tables, vocab, wide, wide_end
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import ReadOptions, ReadResult
from servicemirror.etl.source import Source

FORMAT = "generic_wide"
HEADER_SEARCH_ROWS = 15
KEY_ROLES = {"library", "branch", "date", "respondent_id", "period", "n"}


def _header_index(head: list[list[str]]) -> int | None:
    """The first row that names a library/date/id column and holds most of the sheet's columns."""
    width = max((sum(1 for c in row if str(c).strip()) for row in head), default=0)
    for index, row in enumerate(head):
        filled = [c for c in row if str(c).strip()]
        if len(filled) < max(2, width // 2):
            continue
        if any(vocab.wide_header(c) in KEY_ROLES for c in filled):
            return index
    return None


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.3 (a fallback below every named format) for a table with a library/date/id column."""
    head = tables.head_rows(sniffed, path, HEADER_SEARCH_ROWS)
    return 0.3 if head and _header_index(head) is not None else 0.0


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A wide sheet -> responses (one row per respondent) or aggregates (one row per library)."""
    path = Path(path)
    source = tables.table_source(path, sniffed)
    problems = list(source.problems)
    head = [[str(c) if c is not None else "" for c in r] for r in source.head(HEADER_SEARCH_ROWS)]
    index = _header_index(head)
    if index is None:
        index = 0  # --format generic_wide on a sheet without known headers: the first row
    frame = tables.source_records(source, index + 1, path, "read_tool_spreadsheet")
    records = frame.count()
    return wide_end.finish(
        frame,
        path,
        sniffed,
        options,
        FORMAT,
        problems=problems,
        records=records,
        after=_drop_totals,
        aggregates=True,
    )


def _drop_totals(source: Source, spec: wide.WideSpec) -> list[str]:
    """Rows whose library (else first) cell says "I alt"/"Total"/"Gennemsnit" are sums, not data:
    they leave the source."""
    column = spec.library or spec.branch or source.columns[0]
    words = {vocab.normalise_label(w) for w in vocab.TOTAL_ROW_WORDS}
    frame = source.frame([column])
    label = (
        frame[column]
        .astype("string")
        .map(lambda t: vocab.normalise_label(t) if isinstance(t, str) else "")
    )
    total = label.isin(words).fillna(False).astype(bool)
    dropped = int(total.sum())
    source.drop_records(frame.loc[total, "_record"])
    note = labels.Note.of("note_totals_rows", count=dropped)
    return [note] if dropped else []
