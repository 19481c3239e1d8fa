"""SurveyMonkey "All responses data" CSV/XLSX export (docs/formats/surveymonkey.md).

Two header rows: the question (written once above all its columns, blank above the rest), then
the sub-answer: "Response" / "Open-Ended Response" for a single answer, the row text for each
matrix row, an option text for each checkbox option, "Other (please specify)" for the other box.
Metadata: Respondent ID, Collector ID, Start Date, End Date, IP Address, Email Address, First Name,
Last Name, Custom Data 1. Dates are US month-first ("03/05/2024 10:22:13 AM"). Respondents who
answered nothing stay rows of blanks: the loader does not count them (and says so).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servicemirror.etl import tables, vocab, wide, wide_end
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import ReadOptions, ReadResult

FORMAT = "surveymonkey"
METADATA = {
    "respondent id": "respondent_id",
    "respondentid": "respondent_id",  # a panel (Audience) export writes it as one word
    "collector id": "metadata",
    "start date": "metadata",
    "end date": "date",
    "ip address": "identity",
    "email address": "identity",
    "first name": "identity",
    "last name": "identity",
    "custom data 1": "metadata",
}
SINGLE = {"response", "open ended response", "svar", "åbent svar"}
OTHER = {"other (please specify)", "andet (angiv venligst)", "other", "andet"}


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.98 when the first header row has Respondent ID and Collector ID."""
    head = tables.head_rows(sniffed, path, 2)
    keys = {vocab.normalise_label(h) for h in head[0]} if head else set()
    if {"respondent id", "collector id"} <= keys:
        return 0.98
    # a panel (Audience) collector's export: "RespondentID", the "Response" sub-row under the
    # questions and the panel's profile columns, without Collector ID or dates (the FiveThirtyEight
    # star-wars-survey file is one)
    subs = {vocab.normalise_label(h) for h in head[1]} if len(head) > 1 else set()
    if keys & {"respondent id", "respondentid"} and subs & SINGLE:
        return 0.95
    return 0.0


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A SurveyMonkey export -> ReadResult; matrix rows become items "Question [Row]"."""
    path = Path(path)
    source = tables.table_source(path, sniffed)
    problems = list(source.problems)
    head = source.head(2)
    width = len(source.sql_names)
    top = pd.Series(head[0] if head else [None] * width, dtype="object")
    questions = top.where(top.notna() & (top.astype(str).str.strip() != "")).ffill()
    subs = head[1] if len(head) > 1 else [None] * width
    names, roles = [], []
    for question, sub in zip(questions, subs, strict=True):
        q = str(question).strip() if isinstance(question, str) else ""
        s = str(sub).strip() if sub is not None else ""
        key = vocab.normalise_label(q)
        if key in METADATA and not s:
            names.append(q)
            roles.append(METADATA[key])
        elif not s or vocab.normalise_label(s) in SINGLE:
            names.append(q)
            roles.append(None)
        else:
            names.append(f"{q} [{s}]")
            other = vocab.normalise_label(s) in {vocab.normalise_label(o) for o in OTHER}
            roles.append(
                "comment" if other or vocab.has_word(s, vocab.COMMENT_HEADER_WORDS) else None
            )
    names = tables.unique_names(names, len(names))
    fixed = {name: role for name, role in zip(names, roles, strict=True) if role}
    source.take_header(2, names)
    source.drop_blank_rows()
    frame = source.sample()
    # a ranking question writes one column per option, each holding the rank given to it
    options_of: dict[str, list[str]] = {}
    for question, sub, name in zip(questions, subs, names, strict=True):
        if name not in fixed and sub is not None and str(sub).strip() and name != question:
            options_of.setdefault(str(question), []).append(name)
    fixed.update(wide.ranking_columns(frame, options_of, ranks_held=True))
    tables.require_source_records(source, path, "SurveyMonkey")
    header = source.columns
    # SurveyMonkey writes US dates
    return wide_end.finish(
        source,
        path,
        sniffed,
        options,
        FORMAT,
        columns=header,
        fixed=fixed,
        problems=problems,
        dayfirst=False,
    )
