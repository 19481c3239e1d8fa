"""The canonical shape every reader returns (the narrow waist of the import path).

A reader turns one file (a path) into a :class:`ReadResult`. It maps and interprets only; it never
writes to the database. ``etl.load`` validates, scrubs and writes the result.

Column contracts (pandas DataFrames; large readers may return a ``pyarrow.Table`` with the same
columns for ``answers``, ``responses`` and ``kiosk``):

``responses``  one row per respondent
    row (int, 1-based data row in the source file, for messages), respondent_id (str or None: the
    source's own id, hashed at load), library (str or None: the raw name as in the file),
    branch (str or None), period (str or None), submitted_at (datetime64 or NaT),
    touchpoint (str or None), plus optional segment columns age_band, visit_frequency, user_type,
    channel (str or None).
``answers``    one row per respondent x item with a value
    row (int, joins ``responses.row``), column (source header), item (item code), value (float on
    the item's own scale, already turned so that higher = more positive; NaN = missing, e.g.
    "Ved ikke"), raw_value (str as in the file).
``items``      one row per item the file carries
    column, item, construct (wellbeing | engagement | enps | satisfaction | nps | touchpoint |
    other), text, scale_min, scale_max (floats), touchpoint (str or None), reversed (bool: the
    source scale had 1 = best and was turned).
``comments``   row, column, item, text (raw free text; ``etl.load`` scrubs it before storing).
``aggregates`` unit-level results: row, library, branch, period, respondent_type, item, n, mean,
    sd, response_rate, distribution (JSON text of {value: count} or None), scale_min, scale_max.
``kiosk``      smiley-kiosk counts per hour: row, library, branch, terminal, date (date), hour
    (0-23), question, button (1-4, 4 = happiest), n.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from servicemirror.core import labels

RESPONSE_COLUMNS = [
    "row",
    "respondent_id",
    "library",
    "branch",
    "period",
    "submitted_at",
    "touchpoint",
]
# the patron segment dimensions: the one list is the label table's
SEGMENT_COLUMNS = list(labels.SEGMENT_DIMENSIONS)
ANSWER_COLUMNS = ["row", "column", "item", "value", "raw_value"]
ITEM_COLUMNS = [
    "column",
    "item",
    "construct",
    "text",
    "scale_min",
    "scale_max",
    "touchpoint",
    "reversed",
]
COMMENT_COLUMNS = ["row", "column", "item", "text"]
AGGREGATE_COLUMNS = [
    "row",
    "library",
    "branch",
    "period",
    "respondent_type",
    "item",
    "n",
    "mean",
    "sd",
    "response_rate",
    "distribution",
    "scale_min",
    "scale_max",
]
KIOSK_COLUMNS = ["row", "library", "branch", "terminal", "date", "hour", "question", "button", "n"]


def empty(columns: list[str]) -> pd.DataFrame:
    """An empty frame with the given columns (object dtype)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    ``reason`` is the English line (the ``load --json`` field); ``key`` and ``fields`` name it in
    the label table (``servicemirror.core.labels``), so the same reason can be told in Danish. Build
    one with :meth:`of`.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    key: str | None = None
    fields: dict = field(default_factory=dict)

    @classmethod
    def of(cls, file: str, row, column, value, key: str, **fields) -> Problem:
        """The problem whose reason is the label ``key`` filled in with ``fields``; a field that
        is itself a key of ``labels.LOAD_MESSAGES`` (the ``why`` of an implausible library) is
        told in the same language as the reason."""
        return cls(file, row, column, value, _told(key, "en", fields), key, fields)

    def text(self, lang: str = "en") -> str:
        """The reason in ``lang`` ("da" or "en")."""
        return _told(self.key, lang, self.fields) if self.key else self.reason

    def line(self, lang: str = "en") -> str:
        """One human line: file, row, column: reason (in ``lang``)."""
        where = [self.file]
        if self.row is not None:
            where.append(labels.t("load_where_row", lang, row=self.row))
        if self.column:
            where.append(labels.t("load_where_column", lang, column=labels.clip(self.column)))
        # never more than 80 characters of a cell in a message (a 6 KB cell stays in the file)
        shown = labels.clip(self.value) if self.value not in (None, "") else ""
        value = f" ({labels.t('load_where_value', lang, value=shown)})" if shown else ""
        return f"{', '.join(where)}: {self.text(lang)}{value}"


def _told(key: str, lang: str, fields: dict) -> str:
    return labels.told(key, lang, fields)


@dataclass
class ReadOptions:
    """What the user told the loader (CLI flags, upload page), passed to every reader.

    Readers may use it to interpret better (a known respondent type decides whether an "Alder"
    column is a patron segment or a staff demographic); the loader still applies library, period
    and type itself. ``mapping``: a column mapping confirmed for this file (``etl.mapping``);
    ``profiles``: saved mappings by header signature, so the next export of a survey loads in one
    step. ``seen``: filled by ``etl.mapping.resolve`` with what a wide reader understood (format,
    headers, column roles), so the upload page's mapping editor can show it; readers never read it.
    ``scan``: the loader's one pass over the file's bytes (a Future of ``safety.FileScan``: its
    SHA-256 and whether it holds a double quote), so a reader that needs to know the latter waits
    for that pass instead of reading the file again; None outside the loader.
    """

    respondent_type: str | None = None
    library: str | None = None
    period: str | None = None
    mapping: dict | None = None
    profiles: dict[str, dict] = field(default_factory=dict)
    seen: dict = field(default_factory=dict)
    scan: Future | None = None


class ReadError(labels.Refusal):
    """The whole file cannot be read: one clear line saying what and what to do.

    Raise it with ``ReadError.of(key, **fields)`` (a ``read_*`` key of the label table), so the
    loader can tell the line in the user's language (``exc.text("da")``)."""


@dataclass
class ReadResult:
    """What a reader found in one file; see the module docstring for the column contracts."""

    path: Path
    format: str
    encoding: str = "utf-8"
    respondent_type: str | None = None
    instrument: str | None = None
    records: int = 0
    responses: pd.DataFrame = field(default_factory=lambda: empty(RESPONSE_COLUMNS))
    answers: pd.DataFrame = field(default_factory=lambda: empty(ANSWER_COLUMNS))
    items: pd.DataFrame = field(default_factory=lambda: empty(ITEM_COLUMNS))
    comments: pd.DataFrame = field(default_factory=lambda: empty(COMMENT_COLUMNS))
    aggregates: pd.DataFrame = field(default_factory=lambda: empty(AGGREGATE_COLUMNS))
    kiosk: pd.DataFrame = field(default_factory=lambda: empty(KIOSK_COLUMNS))
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # what every column of the file was read as (wide readers): column, role (item | metadata |
    # comment | segment | library | date | ignored), item, construct, scale, scale_source, reason
    columns: list[dict] = field(default_factory=list)
