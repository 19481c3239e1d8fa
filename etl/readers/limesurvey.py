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

from servicemirror.etl import tables, vocab, wide, wide_end
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import Problem, ReadOptions, ReadResult

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
_SUBQUESTION = re.compile(r"^([^\[]+)\[([^\]]+)\]$")
# an equation question's text is its Expression Manager expression, e.g. "{sum(G01Q01,G01Q02)}"
_EXPRESSION = re.compile(r"\{[^{}]+\}")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_YES_NO = {"y", "n", "yes", "no", "ja", "nej"}
EQUATION = "equation or numerical input (a computed or typed number, not a rating)"
# an equation question's code as survey authors write it (e.g. "eq1",
# "eqMean"): "eq"/"equation"/"calc" then a digit, "_" or a capital. With code headings the export
# carries neither the type ("*") nor the {expression}, and its value is often a whole 0-10
# number that would pass for an answer.
_EQUATION_CODE = re.compile(r"^(?:[Ee][Qq]|[Ee]quation|[Cc]alc)(?:[0-9_A-Z]|$)")
EQUATION_BY_CODE = "equation question (computed by the survey, its code names it): not an answer"
YES_NO = "yes/no question (not a rating)"
SHORT_TEXTS = "multiple short text (e.g. address parts): not a rating, not stored"


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
    head = tables.head_rows(sniffed, path, 1)
    keys = {heading_key(h) for h in head[0]} if head else set()
    return 0.95 if any(sig <= keys for sig in SIGNATURES) else 0.0


def read(path: Path, sniffed: Sniffed, options: ReadOptions | None) -> ReadResult:
    """A LimeSurvey export (codes or full answers) -> ReadResult."""
    path = Path(path)
    source = tables.table_source(path, sniffed)
    problems = list(source.problems)
    tables.source_records(source, 1, path, "LimeSurvey")
    records = source.count()
    columns = source.columns
    # the question types are told from a sample of the rows (all of them in a small file)
    sample = source.sample()
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
    fixed.update(question_type_roles(sample, [c for c in columns if c not in fixed], texts))
    submitted = next((c for c, r in fixed.items() if r == "date"), None)
    if submitted is not None:
        cells = source.frame([submitted])
        blank = cells.loc[cells[submitted].isna(), "_record"]
        source.drop_records(blank)
        problems += [
            Problem.of(path.name, int(row), submitted, None, "reason_incomplete") for row in blank
        ]
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


def question_type_roles(frame, columns: list[str], texts: dict[str, str]) -> dict[str, str]:
    """column -> reason for the question types that are never ratings, told from the export.

    The CSV does not carry LimeSurvey's question type, so it is read from what it does carry:
    a ranking (``Q5[1]``, ``Q5[2]``: the option at each place, distinct in a row); a multiple
    short text (``Q3[SQ001]``.. holding typed text such as address parts: not stored at all, as
    it may name the respondent); a yes/no question (``Y``/``N``, or "Ja"/"Nej", "Yes"/"No" in a
    full-answer export); an equation (its heading text is an ``{expression}``) or a number that
    no answer scale holds (decimals, values above 10 or below 0 in most cells).
    """
    out: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for column in columns:
        code = _CODE.match(column)
        sub = _SUBQUESTION.match(code.group(1)) if code else None
        if sub:
            groups.setdefault(sub.group(1), []).append(column)
    ranked = {
        base: members
        for base, members in groups.items()
        if all(_SUBQUESTION.match(_CODE.match(c).group(1)).group(2).isdigit() for c in members)
    }
    out.update(wide.ranking_columns(frame, ranked, ranks_held=False))
    for members in groups.values():
        if len(members) < 2 or members[0] in out:
            continue
        # typed text (or typed numbers such as a postcode) in a part; a column of a few repeated
        # words may be an array with labels we do not know, which stays "not a scale question"
        typed = [
            c
            for c in members
            if wide.column_kind(frame[c], texts.get(c)) == "text" or _is_computed(frame[c])
        ]
        if typed:
            out.update(dict.fromkeys(members, SHORT_TEXTS))
    for column in columns:
        if column in out:
            continue
        code = _CODE.match(column)
        if code and "[" not in code.group(1) and _EQUATION_CODE.match(code.group(1)):
            if _all_numbers(frame[column]):
                out[column] = wide.METADATA_BECAUSE + EQUATION_BY_CODE
                continue
        if _EXPRESSION.search(texts.get(column) or ""):
            out[column] = wide.METADATA_BECAUSE + EQUATION
        elif _is_yes_no(frame[column]):
            out[column] = YES_NO
        elif _is_computed(frame[column]):
            out[column] = wide.METADATA_BECAUSE + EQUATION
    return out


def _all_numbers(raw) -> bool:
    answers = _answers(raw)
    return bool(answers) and all(_NUMBER.match(c) for c in answers)


def _answers(raw) -> list[str]:
    cells = raw.dropna().astype(str).str.strip()
    return [c for c in cells if c and not vocab.is_non_answer(c)]


def _is_yes_no(raw) -> bool:
    answers = {vocab.normalise_label(c) for c in _answers(raw)}
    return bool(answers) and answers <= _YES_NO


def _is_computed(raw) -> bool:
    """Most cells are numbers that no answer code is: decimals, above 10 or below 0."""
    answers = _answers(raw)
    numbers = [float(c) for c in answers if _NUMBER.match(c)]
    if not answers or len(numbers) < len(answers):
        return False
    outside = [n for n in numbers if n % 1 or n > 10 or n < 0]
    return len(outside) * 2 >= len(numbers)
