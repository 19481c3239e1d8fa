"""Wide survey exports (one row per respondent, one column per question) -> a ReadResult.

Every survey-tool reader (Qualtrics, SurveyMonkey, LimeSurvey, Google Forms, Microsoft Forms,
SurveyXact, generic wide) does only what is special about its tool: find the header, drop preview
and unfinished rows, name the metadata columns. The shared interpretation lives here:

1. :func:`classify` looks at the headers (da/en synonyms in ``vocab.WIDE_HEADERS``) and the cells
   and returns a :class:`WideSpec`: which column is the library, branch, date, respondent id,
   period, touchpoint or a segment; which columns are questions (:class:`ItemSpec`), free text
   (comments) or not stored at all (identity, staff demographics, tool metadata, categorical
   questions that are not a scale).
2. A reader (or a saved mapping profile, ``etl.mapping``) may correct the spec.
3. :func:`to_result` turns frame + spec into the canonical frames of ``etl.readers.base``;
   :func:`to_aggregates` does the same for one-row-per-unit sheets of means with an n column.

The frame contract: a DataFrame of text cells (``None`` for blank) whose column names are the
final, unique headers, plus ``_record`` (int: the row number to show in messages, 1 = first
data row). Cell interpretation (:func:`interpret_column`) is per column and vectorised: labels are
looked up once per distinct value, so 200,000 respondents x 25 questions stay fast.

Stored values are always "higher = more positive": labels are mapped by their text (the label set
in ``vocab.LIKERT_SETS`` knows its direction), numeric codes are turned when the item says
``reversed`` (e.g. SurveyXact's 1 = "Helt enig") or the header says "1 = Helt enig". "Ved ikke",
N/A and similar become missing (an answer row with value NaN), blanks become no row at all.
NPS questions are 0-10; a 1-11 coding is shifted down by one.

Example (what the SurveyXact reader does with a dataset and its label file)::

    spec = wide.classify(frame, texts=question_texts, format="surveyxact")
    for item in spec.items:
        item.labels = value_labels.get(item.column)   # {"1": "Helt enig", ..., "9": "Ved ikke"}
    result = wide.to_result(frame, spec, path=path, encoding=sniffed.encoding)
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror import labels
from servicemirror.etl import csvio, vocab
from servicemirror.etl.detect import to_utf8
from servicemirror.etl.readers.base import (
    AGGREGATE_COLUMNS,
    ANSWER_COLUMNS,
    COMMENT_COLUMNS,
    ITEM_COLUMNS,
    RESPONSE_COLUMNS,
    SEGMENT_COLUMNS,
    Problem,
    ReadError,
    ReadResult,
    empty,
)

# Standard numeric scales, smallest first: an item's scale is the first that holds its answers.
# 3- and 4-point scales are never guessed: answers 2-4 on a 5-point item are far more common.
STANDARD_SCALES = [(1, 5), (0, 5), (1, 7), (1, 10), (0, 10)]
NPS_SCALE = (0.0, 10.0)
# More than this share of distinct long answers makes a text column free text, not a category.
FREE_TEXT_UNIQUE_SHARE = 0.6
FREE_TEXT_MEAN_LENGTH = 25
MAX_ITEM_CODE = 60
# A column whose cells are at least this share numbers/labels/non-answers is a scale question.
SCALE_SHARE = 0.8
ROLE_FIELDS = ("library", "branch", "date", "respondent_id", "period", "touchpoint", "n")

_PREFIXED_LABEL = re.compile(r"^\s*(\d{1,2})\s*[-.=:)]\s*(.+?)\s*$")
_SUFFIXED_LABEL = re.compile(r"^\s*(.+?)\s*\(\s*(\d{1,2})\s*\)\s*$")
_NUMBER = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*$")
_RANGE_HINT = re.compile(r"(?<![\d.,])([01])\s*[-–]\s*(\d{1,2})(?![\d.,])")
# a variable name that carries its scale: "tilfredshed_1_5", "trivsel_0_10"
_SUFFIX_HINT = re.compile(r"_([01])_(\d{1,2})$")
_EQUALS_HINT = re.compile(r"(\d{1,2})\s*=\s*([^,;)/\]]+)")
_TZ_SUFFIX = re.compile(
    # an offset only after a time ("10:01:13+01:00"): "05-03-2024" must keep its "-2024"
    r"\s*(?:(?:GMT|UTC)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?|[A-Z]{2,5}T|(?<=\d)Z"
    r"|(?<=:\d\d)[+-]\d{2}:?\d{2})\s*$"
)
_HINT_IN_PARENS = re.compile(r"\s*\([^()]*\d[^()]*\)")
_DOTTED_TIME = re.compile(r"(\s\d{1,2})\.(\d{2})(?:\.(\d{2}))?$")


# --------------------------------------------------------------------------- the spec


@dataclass
class ItemSpec:
    """How one question column is read.

    ``item``: the item code (None: derived from the text by :func:`item_code`). ``scale_min``/
    ``scale_max``: None = detect from labels, header or answers. ``reversed``: True when numeric
    codes run from the most positive (1 = "Helt enig"), None = detect from the header. ``labels``:
    code -> answer text for code exports (SurveyXact, LimeSurvey answer codes), so the label text
    decides value and direction. ``nps``: a 0-10 recommend question (None = detect).
    """

    column: str
    item: str | None = None
    text: str | None = None
    construct: str | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    reversed: bool | None = None
    labels: dict[str, str] | None = None
    touchpoint: str | None = None
    nps: bool | None = None


@dataclass
class WideSpec:
    """Which column of a wide table is what (all column names as in the frame).

    ``dropped`` maps a column that is not stored to the reason (identity, demographic, metadata,
    not a scale); ``comments`` are free-text columns. ``respondent_type`` is a guess (None =
    unknown: the loader asks for ``--as``). ``dayfirst``: how to read ambiguous dates like
    03/04/2024 (None = decide from the data, Danish day-first when nothing tells).
    """

    format: str
    library: str | None = None
    branch: str | None = None
    date: str | None = None
    respondent_id: str | None = None
    period: str | None = None
    touchpoint: str | None = None
    n: str | None = None
    segments: dict[str, str] = field(default_factory=dict)
    items: list[ItemSpec] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)
    respondent_type: str | None = None
    instrument: str | None = None
    dayfirst: bool | None = None

    def item(self, column: str) -> ItemSpec | None:
        """The item spec of a column, or None."""
        return next((i for i in self.items if i.column == column), None)

    def roles(self) -> dict[str, str]:
        """column -> role for every non-question column (library, date, segment:age_band, ...)."""
        out = {getattr(self, r): r for r in ROLE_FIELDS if getattr(self, r)}
        out.update({c: f"segment:{s}" for s, c in self.segments.items()})
        out.update({c: "comment" for c in self.comments})
        out.update({c: f"dropped:{why}" for c, why in self.dropped.items()})
        return out


# --------------------------------------------------------------------------- classification


# a reader's fixed role "metadata: <reason>": the tool's own field (an equation, a score), listed
# as metadata with the reason in ``load --dry-run --json`` columns, never an item
METADATA_BECAUSE = "metadata: "


def classify(
    frame: pd.DataFrame,
    *,
    format: str,
    texts: dict[str, str] | None = None,
    fixed: dict[str, str] | None = None,
    respondent_type: str | None = None,
) -> WideSpec:
    """Guess the role of every column of ``frame`` (see the module docstring).

    ``texts``: column -> question text where the export keeps it apart from the header (Qualtrics'
    second header row, LimeSurvey codes vs questions). ``fixed``: column -> role decided by the
    reader (``"metadata"``, ``"identity"``, ``"library"``, ``"date"``, ``"respondent_id"``,
    ``"comment"``, ...); those columns are not guessed. ``respondent_type``: known type, else
    guessed from the question wording (staff words vs patron words).
    """
    texts = texts or {}
    fixed = dict(fixed or {})
    spec = WideSpec(format=format)
    columns = [c for c in frame.columns if c != "_record"]
    question_text = {c: texts.get(c) or str(c) for c in columns}
    spec.respondent_type = respondent_type or guess_respondent_type(
        [question_text[c] for c in columns if c not in fixed]
    )
    for column in columns:
        role = fixed.get(column)
        if role is None:
            role = _header_role(column, texts.get(column), spec)
        _assign(spec, column, role)
    # what the headers did not settle is decided by the cells
    for column in columns:
        if column in spec.roles() or spec.item(column) is not None:
            continue
        text = question_text[column]
        kind = column_kind(frame[column], text)
        if kind == "scale":
            spec.items.append(ItemSpec(column=column, text=text))
        elif kind == "text":
            spec.comments.append(column)
        elif kind == "empty":
            spec.dropped[column] = "no answers"
        elif (
            spec.touchpoint is None
            and spec.respondent_type != "staff"
            and _is_touchpoint_column(frame[column])
        ):
            spec.touchpoint = column
        else:
            spec.dropped[column] = "not a scale question (categories or several choices)"
    return spec


def _header_role(column: str, text: str | None, spec: WideSpec) -> str | None:
    """A role from the header alone (None = look at the cells)."""
    header = str(column)
    # the id may be "Q4" and the text "Køn": either one makes the column private
    private = vocab.private_header(header, spec.respondent_type) or (
        vocab.private_header(text, spec.respondent_type) if text else None
    )
    role = vocab.wide_header(header) or (vocab.wide_header(text) if text else None)
    if private == "identity":
        return "identity"
    if role in SEGMENT_COLUMNS and spec.respondent_type == "patron":
        return role
    if private == "demographic" or role in SEGMENT_COLUMNS:
        # staff demographics are never stored; for an unknown type we stay on the safe side
        return "demographic"
    if role is not None:
        return role
    if vocab.has_word(text or header, vocab.COMMENT_HEADER_WORDS):
        return "comment"
    return None


def _assign(spec: WideSpec, column: str, role: str | None) -> None:
    """Record one column's role in the spec; a second column for a role is not stored."""
    if role is None:
        return
    if role in ROLE_FIELDS:
        if getattr(spec, role) is None:
            setattr(spec, role, column)
        else:
            spec.dropped[column] = f"a second {role} column ('{getattr(spec, role)}' is used)"
    elif role in SEGMENT_COLUMNS:
        spec.segments.setdefault(role, column)
    elif role == "comment":
        spec.comments.append(column)
    elif role == "item":
        spec.items.append(ItemSpec(column=column))
    else:
        spec.dropped[column] = role


def column_kind(raw: pd.Series, text: str | None = None) -> str:
    """'scale' (numbers or answer labels), 'text' (free text), 'category' or 'empty'."""
    cells = raw.dropna().astype(str).str.strip()
    cells = cells[cells != ""]
    if cells.empty:
        return "empty"
    distinct = pd.Series(cells.unique())
    substantive = distinct[~distinct.map(vocab.is_non_answer)]
    if substantive.empty:
        return "scale"
    parsed = _label_values(substantive)
    if parsed.notna().all():
        return "scale"
    # a scale column with a few stray texts is still a scale (the strays are rejected cell by cell)
    counts = cells.value_counts()
    readable = counts[parsed.set_axis(substantive.to_numpy()).dropna().index].sum()
    missing = counts[distinct[distinct.map(vocab.is_non_answer)].to_numpy()].sum()
    if readable and (readable + missing) / len(cells) >= SCALE_SHARE:
        return "scale"
    if vocab.has_word(text or "", vocab.COMMENT_HEADER_WORDS):
        return "text"
    share = len(distinct) / len(cells)
    if cells.str.len().mean() >= FREE_TEXT_MEAN_LENGTH or (
        len(cells) >= 5 and share > FREE_TEXT_UNIQUE_SHARE and not _is_multi_select(cells)
    ):
        return "text"
    return "category"


def _is_multi_select(cells: pd.Series) -> bool:
    """Checkbox answers joined by ';' or ',' that repeat the same few options."""
    for sep in (";", ","):
        joined = cells.str.contains(sep, regex=False)
        if joined.mean() >= 0.2:
            options = cells.str.split(sep).explode().str.strip()
            if options.nunique() <= max(3, len(options) // 3):
                return True
    return False


def _is_touchpoint_column(raw: pd.Series) -> bool:
    cells = pd.Series(raw.dropna().astype(str).unique())
    if cells.str.contains(";", regex=False).any():
        return False  # several choices in one cell: not the one service this response is about
    return bool(len(cells)) and cells.map(vocab.touchpoint_of).notna().mean() >= 0.8


RANKING_REASON = "ranking question (the order of options, not a rating)"
# a ranking is told from a battery by its rows: every answered row ranks distinct options; a few
# rows are needed before that is evidence rather than chance
MIN_RANKING_ROWS = 3


def ranking_columns(
    frame: pd.DataFrame, groups: dict[str, list[str]], *, ranks_held: bool
) -> dict[str, str]:
    """column -> :data:`RANKING_REASON` for every group of columns that is a ranking question.

    ``groups``: question -> its sub-columns, as the reader knows them (LimeSurvey ``Q5[1]``,
    ``Q5[2]``; Qualtrics ``Q7_1``..``Q7_n``; SurveyMonkey's option sub-row). ``ranks_held``: the
    cells hold rank numbers (Qualtrics, SurveyMonkey: each answered row is a permutation of 1..n
    over the options) rather than the option ranked at each place (LimeSurvey: the options of a
    row are distinct). Kept out of the items: a rank is not a score.
    """
    out: dict[str, str] = {}
    for columns in groups.values():
        if len(columns) >= 2 and _is_ranking(frame[columns], ranks_held):
            out.update(dict.fromkeys(columns, RANKING_REASON))
    return out


def _is_ranking(block: pd.DataFrame, ranks_held: bool) -> bool:
    cells = block.apply(lambda s: s.astype("string").str.strip()).replace("", pd.NA)
    rows = cells[cells.notna().sum(axis=1) >= 2]
    if len(rows) < MIN_RANKING_ROWS:
        return False
    # column pairs rather than a row-by-row loop: a battery shows a tie in some row at once
    width = rows.shape[1]
    for i in range(width):
        for j in range(i + 1, width):
            if (rows.iloc[:, i] == rows.iloc[:, j]).fillna(False).any():
                return False
    if not ranks_held:
        return True
    ranks = rows.apply(pd.to_numeric, errors="coerce")
    given = rows.notna()
    whole = ranks.notna() == given
    in_range = ((ranks % 1 == 0) & (ranks >= 1) & (ranks <= block.shape[1])) | ~given
    return bool(whole.all().all() and in_range.all().all())


def guess_respondent_type(texts: list[str]) -> str | None:
    """'staff' or 'patron' when the question wording clearly says so, else None."""
    staff = sum(vocab.has_word(t, vocab.STAFF_WORDS) for t in texts)
    patron = sum(vocab.has_word(t, vocab.PATRON_WORDS) for t in texts)
    if staff and not patron:
        return "staff"
    if patron and not staff:
        return "patron"
    if staff >= 3 * patron and staff:
        return "staff"
    if patron >= 3 * staff and patron:
        return "patron"
    return None


# --------------------------------------------------------------------------- cell values


def _canonical_label(text: str) -> str:
    """'5 - Helt enig' / 'Helt enig (5)' -> 'Helt enig' when the rest is a known label."""
    for pattern, group in ((_PREFIXED_LABEL, 2), (_SUFFIXED_LABEL, 1)):
        match = pattern.match(text)
        if match:
            rest = match.group(group)
            number = match.group(1 if group == 2 else 2)
            if number in ("0", "10") and vocab.normalise_label(rest) in vocab.NPS_END_LABELS:
                # "10 - Meget sandsynligt" is the end of a 0-10 question: the number is the answer
                return text
            if vocab.is_non_answer(rest) or vocab.match_scale([rest]) is not None:
                return rest
            if vocab.normalise_label(rest) in vocab.NPS_END_LABELS:
                return text
    return text


def _label_values(distinct: pd.Series, scale_name: str | None = None) -> pd.Series:
    """Value (1 = most negative) of each distinct label of one label set; NaN where unknown.

    Numbers keep their number; a number with an unknown label ("10 - Extremely likely") keeps the
    number. Labels are matched to the one set that holds them all, so "Enig" is point 4 of the
    5-point set in a 5-point column and point 6 of the 7-point set in a 7-point column.
    """
    labels = distinct.astype(str).map(_canonical_label)
    numeric = labels.str.match(_NUMBER.pattern)
    out = pd.Series(np.nan, index=distinct.index, dtype="float64")
    out[numeric] = labels[numeric].str.strip().str.replace(",", ".").astype("float64")
    words = labels[~numeric]
    if words.empty:
        return out
    name = scale_name
    if name is None:
        match = vocab.match_scale([w for w in words if vocab.match_scale([w]) is not None])
        name = match[0] if match else None
    if name is not None:
        out[words.index] = words.map(lambda w: vocab.label_value(w, name)).astype("float64")
    nps = words.map(lambda w: vocab.NPS_END_LABELS.get(vocab.normalise_label(w)))
    out = out.fillna(nps.astype("float64"))
    # "10 - Extremely likely": the number before an unknown label is the answer
    prefixed = words.str.extract(_PREFIXED_LABEL)[0].astype("float64")
    return out.fillna(prefixed)


@dataclass
class ColumnValues:
    """One question column read: values on the stored scale (NaN = missing) and what was found."""

    values: pd.Series  # float, index as the frame; NaN for blank, non-answer or unknown
    answered: pd.Series  # bool: a cell with anything in it (non-answers included)
    unknown: pd.Series  # bool: text that is neither a number, a label nor a non-answer
    out_of_range: pd.Series  # bool: a number outside the item's scale
    decimal: pd.Series  # bool: a decimal ("4,5") where only whole points are answers
    scale_min: float
    scale_max: float
    reversed: bool
    nps: bool
    how: str  # labels | codes with labels | header | answers | given


def interpret_column(raw: pd.Series, item: ItemSpec, respondent_type: str | None = None):
    """Read one question column: values turned to higher = better, scale, NPS, problems.

    Returns a :class:`ColumnValues`. Labels decide value and direction; numbers use the given
    scale, else the header hint ("1-7", "1 = Helt enig"), else the smallest standard scale that
    holds the answers (0-10 for recommend questions). NPS coded 1-11 is shifted to 0-10.
    """
    text = item.text or item.column
    cells = raw.astype("string").str.strip()
    answered = cells.notna() & (cells != "")
    distinct = pd.Series(cells[answered].unique(), dtype="object")
    if item.labels:
        # code exports: the label file names each code, so its text decides the value
        lookup = {str(k).strip(): v for k, v in item.labels.items()}
        as_label = distinct.map(lambda c: lookup.get(_code_key(c), c))
    else:
        as_label = distinct
    non_answer = as_label.map(vocab.is_non_answer).astype(bool)
    substantive = as_label[~non_answer]
    label_set = _single_label_set(substantive)
    parsed = _label_values(substantive, label_set)
    numeric_only = substantive.astype(str).map(_canonical_label).str.match(_NUMBER.pattern)
    how = "given"
    hint_lo, hint_hi, hint_reversed = header_hint(text)
    is_nps = item.nps if item.nps is not None else vocab.has_word(text, vocab.RECOMMEND_WORDS)
    if item.nps is None and not is_nps:
        # a column whose ends read "10 - Meget sandsynligt" is a 0-10 likelihood (NPS) question
        is_nps = bool(substantive.map(_is_nps_end).any())
    numbers = parsed[numeric_only].dropna()
    reversed_codes = bool(item.reversed) if item.reversed is not None else bool(hint_reversed)
    if item.scale_min is not None and item.scale_max is not None:
        lo, hi = float(item.scale_min), float(item.scale_max)
    elif label_set is not None and numbers.empty:
        lo, hi = 1.0, float(len(vocab.LIKERT_SETS[label_set]))
        how = "codes with labels" if item.labels else "labels"
        reversed_codes = False  # label text already runs most negative -> most positive
    elif hint_lo is not None:
        lo, hi, how = hint_lo, hint_hi, "header"
    else:
        lo, hi = _scale_from_answers(numbers, is_nps, label_set)
        # a recommend question is 0-10 by definition (NPS), not a guess
        how = "recommend" if is_nps else "answers"
    nps_shift = False
    coded_1_to_11 = not numbers.empty and numbers.min() >= 1 and numbers.max() == 11
    if is_nps and ((lo, hi) == (1.0, 11.0) or coded_1_to_11):
        lo, hi, nps_shift = 0.0, 10.0, True
    is_nps = bool(is_nps and (lo, hi) == NPS_SCALE)
    value_of = pd.Series(np.nan, index=distinct.index, dtype="float64")
    value_of[substantive.index] = parsed
    if nps_shift:
        value_of[substantive.index[numeric_only.to_numpy()]] -= 1
    out_distinct = value_of.notna() & ((value_of < lo) | (value_of > hi))
    if reversed_codes:
        # only numeric codes are turned; a label already says where it stands
        turn = pd.Series(False, index=distinct.index)
        turn[substantive.index] = numeric_only.to_numpy()
        value_of[turn] = lo + hi - value_of[turn]
    value_of[out_distinct] = np.nan
    decimal_distinct = decimal_answers(value_of)
    value_of[decimal_distinct] = np.nan
    unknown_distinct = ~non_answer & value_of.isna() & ~out_distinct & ~decimal_distinct
    key = distinct.astype(str)
    values = cells.map(dict(zip(key, value_of, strict=True))).astype("float64")
    unknown = cells.map(dict(zip(key, unknown_distinct, strict=True))).fillna(False).astype(bool)
    out = cells.map(dict(zip(key, out_distinct, strict=True))).fillna(False).astype(bool)
    decimal = cells.map(dict(zip(key, decimal_distinct, strict=True))).fillna(False).astype(bool)
    return ColumnValues(
        values=values.where(answered),
        answered=answered.fillna(False).astype(bool),
        unknown=unknown & answered.fillna(False),
        out_of_range=out & answered.fillna(False),
        decimal=decimal & answered.fillna(False),
        scale_min=float(lo),
        scale_max=float(hi),
        reversed=reversed_codes,
        nps=is_nps,
        how=how,
    )


def decimal_answers(values: pd.Series) -> pd.Series:
    """True where a value is not a whole point: "4,5" on a Likert item is no answer, not 4.5."""
    return (values.notna() & (values != values.round())).astype(bool)


def _is_nps_end(label) -> bool:
    """True for "10 - Meget sandsynligt", "0 - Not at all likely" and the bare end labels."""
    norm = vocab.normalise_label(label)
    return norm in vocab.NPS_END_LABELS and vocab.LABEL_INDEX["likely5"].get(norm) is None


def _code_key(code) -> str:
    """'3.0' (a whole float from Excel) -> '3'; other codes unchanged."""
    text = str(code).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _single_label_set(labels: pd.Series) -> str | None:
    words = [
        _canonical_label(str(x))
        for x in labels
        if not _NUMBER.match(_canonical_label(str(x)))
        and vocab.normalise_label(x) not in vocab.NPS_END_LABELS
    ]
    match = vocab.match_scale(words) if words else None
    return match[0] if match else None


def _scale_from_answers(numbers: pd.Series, is_nps: bool, label_set: str | None):
    if label_set is not None:
        return 1.0, float(len(vocab.LIKERT_SETS[label_set]))
    if is_nps:
        return NPS_SCALE
    if numbers.empty:
        return 1.0, 5.0
    # values that no standard scale could hold (55, -3, 2.5 typos) are left out of the guess
    plausible = numbers[(numbers >= 0) & (numbers <= 10) & (numbers == numbers.round())]
    if plausible.empty:
        return 1.0, 5.0
    lo, hi = plausible.min(), plausible.max()
    for a, b in STANDARD_SCALES:
        if lo >= a and hi <= b:
            return float(a), float(b)
    return 0.0, 10.0


def header_hint(text: str | None) -> tuple[float | None, float | None, bool | None]:
    """(scale_min, scale_max, reversed) from a header such as "(1-5, 1 = Helt enig)".

    ``reversed`` is True when the lowest number is named by the most positive label.
    """
    if not text:
        return None, None, None
    lo = hi = None
    match = _RANGE_HINT.search(text) or _SUFFIX_HINT.search(text.strip())
    if match and int(match.group(2)) in (3, 4, 5, 6, 7, 10, 11):
        lo, hi = float(match.group(1)), float(match.group(2))
    rev = None
    for number, label in _EQUALS_HINT.findall(text):
        label = label.strip()
        found = vocab.match_scale([label])
        if found is None:
            continue
        position = vocab.label_value(label, found[0])
        points = found[1]
        if lo is not None and float(number) != lo:
            continue
        if lo is None:
            lo, hi = (0.0, float(points - 1)) if number == "0" else (1.0, float(points))
        if position == points:
            rev = True
        elif position == 1:
            rev = False
        break
    return lo, hi, rev


# --------------------------------------------------------------------------- dates


def parse_dates(raw: pd.Series, dayfirst: bool | None = None) -> pd.Series:
    """Timestamps from mixed export formats, vectorised; NaT where none can be read.

    Time-zone suffixes ("GMT+1", "CET", "+01:00", "Z") are dropped (the local time is kept),
    "10.22.13" times get colons, ISO dates are read first. Ambiguous day/month (03/04/2024) is
    read day-first unless ``dayfirst`` is False or some date shows month-first (a 13-31 second
    number). Returns naive datetime64.
    """
    text = raw.astype("string").str.strip()
    text = text.str.replace(_TZ_SUFFIX, "", regex=True)
    text = text.str.replace(_DOTTED_TIME, _colon_time, regex=True)
    text = text.where(text != "", pd.NA)
    # pandas' ISO8601 parser also takes "07.03.2024" (month first): only real ISO text goes there
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    if iso.any():
        parsed = pd.to_datetime(text[iso], errors="coerce", format="ISO8601", utc=True)
        out[iso] = parsed.dt.tz_localize(None).astype("datetime64[ns]")
    rest = out.isna() & text.notna()
    if rest.any():
        if dayfirst is None:
            dayfirst = _looks_dayfirst(text[rest])
        order = "%d/%m/%Y" if dayfirst else "%m/%d/%Y"
        candidates = [
            order.replace("/", sep) + tail
            for sep in ("/", "-", ".")
            for tail in (" %H:%M:%S", " %H:%M", "", " %I:%M:%S %p", " %I:%M %p")
        ] + ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d", "%d-%m-%y", "%d.%m.%y"]
        for fmt in candidates:
            rest = out.isna() & text.notna()
            if not rest.any():
                break
            out[rest] = pd.to_datetime(text[rest], errors="coerce", format=fmt)
    return out.astype("datetime64[ns]")


def _colon_time(match: re.Match) -> str:
    return f"{match.group(1)}:{match.group(2)}" + (f":{match.group(3)}" if match.group(3) else "")


def _looks_dayfirst(text: pd.Series) -> bool:
    parts = text.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}").astype("float64")
    if (parts[1] > 12).any() and not (parts[0] > 12).any():
        return False
    return True


# --------------------------------------------------------------------------- item codes


def item_code(text: str, respondent_type: str | None = None) -> str:
    """The item code of a question: a forum core item when the wording is one, else a slug.

    Core items match on their Danish or English text (contained in the header, so "Q3. Jeg trives
    på min arbejdsplads" is core_w1). Long slugs are cut with a short hash so they stay unique.
    """
    norm = vocab.normalise_label(text)
    for code, _construct, _lo, _hi, _tp, da, en in vocab.CORE_ITEMS:
        if vocab.normalise_label(da) in norm or vocab.normalise_label(en) in norm:
            return code
    # a scale hint in the header ("(1-5)", "(1 = Helt enig)") is not part of the question
    slug = vocab.slug(_HINT_IN_PARENS.sub(" ", text)) if _HINT_IN_PARENS.search(text) else None
    slug = slug if slug and slug != "unknown" else vocab.slug(text)
    if len(slug) > MAX_ITEM_CODE:
        digest = hashlib.sha256(slug.encode()).hexdigest()[:8]
        slug = f"{slug[: MAX_ITEM_CODE - 9].rstrip('-')}-{digest}"
    return slug


def guess_construct(text: str, nps: bool, respondent_type: str | None) -> str:
    """enps/nps for recommend questions, touchpoint, satisfaction or wellbeing by wording."""
    if nps:
        staff = respondent_type == "staff" or vocab.has_word(text, vocab.WORKPLACE_WORDS)
        return "enps" if staff else "nps"
    if respondent_type == "staff":
        return "wellbeing"
    if vocab.touchpoint_of(text) is not None and respondent_type == "patron":
        return "touchpoint"
    if respondent_type == "patron" or vocab.has_word(text, vocab.SATISFACTION_WORDS):
        return "satisfaction"
    return "other"


# --------------------------------------------------------------------------- frame -> result


def to_result(
    frame: pd.DataFrame,
    spec: WideSpec,
    *,
    path: Path,
    encoding: str = "utf-8",
    problems: list[Problem] | None = None,
    warnings: list[str] | None = None,
    records: int | None = None,
) -> ReadResult:
    """The canonical ReadResult of a wide table (see the module docstring for the contract).

    Respondents whose row has no answer at all are left to the loader (it warns and does not
    count them). Repeated submissions (the same respondent id twice) keep the latest (by date,
    else the lower row) and list the others as rejected. Unknown answer texts and numbers outside
    the scale are rejected cell by cell; the rest of the respondent's answers load.
    """
    path = Path(path)
    name = path.name
    result = ReadResult(
        path=path,
        format=spec.format,
        encoding=encoding,
        respondent_type=spec.respondent_type,
        instrument=spec.instrument,
        records=records if records is not None else len(frame) + len(problems or []),
        rejected=list(problems or []),
        warnings=list(warnings or []),
    )
    if frame.empty:
        return result
    frame = _drop_repeats(frame, spec, result)
    rows = frame["_record"].astype("int64")
    responses = pd.DataFrame({"row": rows.to_numpy()}, index=frame.index)
    responses["respondent_id"] = _text_column(frame, spec.respondent_id)
    responses["library"] = _text_column(frame, spec.library)
    other = library_other_column(spec)
    if other is not None:
        # "Other (please specify)" under the library question: the typed name goes through the
        # same name matching as a chosen one (it used to drop the whole response)
        typed = _text_column(frame, other)
        chosen = responses["library"]
        use_typed = typed.notna() & (chosen.isna() | chosen.map(_is_other_option))
        responses["library"] = chosen.where(~use_typed, typed)
        spec.comments = [c for c in spec.comments if c != other]
    responses["branch"] = _text_column(frame, spec.branch)
    responses["period"] = _text_column(frame, spec.period)
    if spec.date:
        submitted = parse_dates(frame[spec.date], spec.dayfirst)
        _placeholder_dates(submitted, frame[spec.date], spec.date, result)
        responses["submitted_at"] = submitted
    else:
        responses["submitted_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    touch = _text_column(frame, spec.touchpoint)
    responses["touchpoint"] = touch.map(lambda t: vocab.touchpoint_of(t) if t else None)
    for segment, column in spec.segments.items():
        responses[segment] = _text_column(frame, column)
    result.responses = responses[RESPONSE_COLUMNS + list(spec.segments)].reset_index(drop=True)
    answers, items = [], []
    codes: set[str] = set()
    scale_sources: dict[str, str] = {}
    for item in spec.items:
        if item.column not in frame.columns:
            result.warnings.append(f"column '{item.column}' of the mapping is not in the file")
            continue
        read = interpret_column(frame[item.column], item, spec.respondent_type)
        text = item.text or item.column
        code = item.item or item_code(text, spec.respondent_type)
        code = _unique(code, codes)
        construct = item.construct or guess_construct(text, read.nps, spec.respondent_type)
        touchpoint = item.touchpoint or (
            vocab.touchpoint_of(text) if construct == "touchpoint" else None
        )
        if read.how == "answers" and item.scale_min is None:
            result.warnings.append(
                f"column '{item.column}': scale {read.scale_min:g}-{read.scale_max:g} guessed "
                "from the answers; give the scale in a mapping if it is wrong"
            )
        scale_sources[item.column] = SCALE_SOURCES.get(read.how, read.how)
        _cell_problems(name, rows, item.column, frame[item.column], read, result)
        keep = read.answered & ~read.unknown & ~read.out_of_range & ~read.decimal
        answers.append(
            pd.DataFrame(
                {
                    "row": rows[keep].to_numpy(),
                    "column": item.column,
                    "item": code,
                    "value": read.values[keep].to_numpy(),
                    "raw_value": frame.loc[keep, item.column].astype(str).to_numpy(),
                }
            )
        )
        items.append(
            {
                "column": item.column,
                "item": code,
                "construct": construct,
                "text": text,
                "scale_min": read.scale_min,
                "scale_max": read.scale_max,
                "touchpoint": touchpoint,
                "reversed": read.reversed,
            }
        )
    if answers:
        result.answers = pd.concat(answers, ignore_index=True)[ANSWER_COLUMNS]
    if items:
        result.items = pd.DataFrame(items, columns=ITEM_COLUMNS)
    result.comments = _comments(frame, spec, rows)
    result.columns = column_table(frame, spec, result.items, scale_sources)
    _drop_unanswered(result)
    for column, why in spec.dropped.items():
        if why.startswith("not a scale"):
            result.warnings.append(f"column '{column}' not imported: {why}")
    return result


SCALE_SOURCES = {
    "labels": "labels",
    "codes with labels": "labels",
    "header": "header",
    "answers": "guess",
    "recommend": "recommend question (0-10)",
    "given": "given",
}
# what the dry-run table calls each spec role
_ROLE_OF = {
    "library": "library",
    "branch": "library",
    "date": "date",
    "period": "date",
    "respondent_id": "metadata",
    "touchpoint": "segment",
    "n": "metadata",
}


def column_table(
    frame: pd.DataFrame, spec: WideSpec, items: pd.DataFrame, scale_sources: dict[str, str]
) -> list[dict]:
    """One row per column of the file: what it was read as and why (``load --dry-run --json``).

    ``role`` is item, metadata, comment, segment, library, date or ignored; an item carries its
    code, construct, scale and where the scale came from (labels, header, guess, given).
    """
    by_column = {r.column: r for r in items.itertuples()} if not items.empty else {}
    roles = spec.roles()
    out = []
    for column in (c for c in frame.columns if c != "_record"):
        row = {
            "column": column,
            "role": "ignored",
            "item": None,
            "construct": None,
            "scale": None,
            "scale_source": None,
            "reason": None,
        }
        if column in by_column:
            item = by_column[column]
            row.update(
                role="item",
                item=item.item,
                construct=item.construct,
                scale=f"{item.scale_min:g}-{item.scale_max:g}",
                scale_source=scale_sources.get(column),
            )
        elif column in roles:
            role = roles[column]
            if role.startswith("segment:"):
                row.update(role="segment", reason=role.split(":", 1)[1])
            elif role.startswith("dropped:"):
                why = role.split(":", 1)[1]
                if why.startswith(METADATA_BECAUSE):  # metadata with the reader's reason
                    row.update(role="metadata", reason=why[len(METADATA_BECAUSE) :])
                else:
                    row.update(role="metadata" if why == "metadata" else "ignored", reason=why)
            elif role == "comment":
                row["role"] = "comment"
            else:
                row.update(role=_ROLE_OF.get(role, "metadata"), reason=role)
        else:
            row["reason"] = "not read"
        out.append(row)
    return out


_OTHER_OPTIONS = {
    "other",
    "andet",
    "other (please specify)",
    "other, please specify",
    "andet (angiv venligst)",
    "andet (angiv)",
    "andet, angiv",
    "andet, nemlig",
}


def _is_other_option(text) -> bool:
    return isinstance(text, str) and vocab.normalise_label(text) in {
        vocab.normalise_label(o) for o in _OTHER_OPTIONS
    }


def library_other_column(spec: WideSpec) -> str | None:
    """The "Other (please specify)" text column of the library question, if the export has one.

    SurveyMonkey names it "<question> [Other (please specify)]"; Qualtrics "<id>_<n>_TEXT" beside
    the library question's id.
    """
    if spec.library is None:
        return None
    for column in spec.comments:
        if column.startswith(f"{spec.library} [") and _is_other_option(
            column[len(spec.library) + 2 :].rstrip("]")
        ):
            return column
        if re.fullmatch(rf"{re.escape(spec.library)}_\d+_TEXT", column, flags=re.IGNORECASE):
            return column
    return None


def _drop_unanswered(result: ReadResult) -> None:
    """Respondents without one valid rating are not responses (docs/formats/README.md).

    A comment alone or categorical answers alone do not make a response (SurveyMonkey also keeps
    respondents who answered nothing as rows of blanks).
    """
    answered = set(result.answers.loc[result.answers["value"].notna(), "row"])
    nothing = ~result.responses["row"].isin(answered)
    if nothing.any():
        result.responses = result.responses[~nothing].reset_index(drop=True)
        result.warnings.append(
            f"{int(nothing.sum())} respondents answered no question and are not counted"
        )


def _text_column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None or column not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    text = frame[column].astype("string").str.strip()
    keep = (text.notna() & (text != "")).fillna(False).astype(bool)
    return text.astype("object").where(keep, None)


def _unique(code: str, taken: set[str]) -> str:
    candidate, n = code, 2
    while candidate in taken:
        candidate, n = f"{code}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _cell_problems(name, rows, column, raw, read: ColumnValues, result: ReadResult) -> None:
    for row, value in zip(rows[read.unknown], raw[read.unknown], strict=True):
        result.rejected.append(
            Problem.of(name, int(row), column, labels.clip(value), "reason_not_a_label_cell")
        )
    for row, value in zip(rows[read.decimal], raw[read.decimal], strict=True):
        result.rejected.append(
            Problem.of(name, int(row), column, labels.clip(value), "reason_decimal_answer")
        )
    for row, value in zip(rows[read.out_of_range], raw[read.out_of_range], strict=True):
        result.rejected.append(
            Problem.of(
                name,
                int(row),
                column,
                labels.clip(value),
                "reason_outside_scale",
                lo=f"{read.scale_min:g}",
                hi=f"{read.scale_max:g}",
            )
        )


def _placeholder_dates(submitted: pd.Series, raw: pd.Series, column: str, result) -> None:
    """Anonymised surveys write 1980-01-01 (LimeSurvey) for every date: not a real date."""
    placeholder = submitted.dt.year.lt(1990) & submitted.notna()
    if placeholder.any():
        submitted[placeholder] = pd.NaT
        result.warnings.append(
            f"column '{column}': {int(placeholder.sum())} placeholder dates (before 1990, an "
            "anonymised survey) ignored; give the period with --period"
        )
    unread = submitted.isna() & raw.notna() & ~placeholder
    if unread.any():
        result.warnings.append(
            f"column '{column}': {int(unread.sum())} dates could not be read "
            f"(e.g. {raw[unread].iloc[0]!r}); give the period with --period"
        )


def _drop_repeats(frame: pd.DataFrame, spec: WideSpec, result: ReadResult) -> pd.DataFrame:
    if spec.respondent_id is None:
        return frame
    ids = _text_column(frame, spec.respondent_id)
    if ids.notna().sum() == ids.dropna().nunique():
        return frame
    order = frame[["_record"]].assign(_id=ids)
    if spec.date:
        order["_date"] = parse_dates(frame[spec.date], spec.dayfirst)
        order = order.sort_values(["_date", "_record"], na_position="first")
    else:
        order = order.sort_values("_record")
    last = order.dropna(subset=["_id"]).groupby("_id")["_record"].transform("last")
    repeated = order.dropna(subset=["_id"])
    repeated = repeated[repeated["_record"] != last[repeated.index]]
    for rec, keep in zip(repeated["_record"], last[repeated.index], strict=True):
        result.rejected.append(
            Problem.of(
                result.path.name,
                int(rec),
                spec.respondent_id,
                None,
                "reason_repeated_submission",
                later=int(keep),
            )
        )
    return frame.drop(index=repeated.index)


def _comments(frame: pd.DataFrame, spec: WideSpec, rows: pd.Series) -> pd.DataFrame:
    parts = []
    for column in spec.comments:
        text = _text_column(frame, column)
        keep = text.notna() & ~text.map(lambda t: vocab.is_non_answer(t) if t else True)
        parts.append(
            pd.DataFrame(
                {
                    "row": rows[keep].to_numpy(),
                    "column": column,
                    "item": item_code(column),
                    "text": text[keep].to_numpy(),
                }
            )
        )
    if not parts:
        return empty(COMMENT_COLUMNS)
    return pd.concat(parts, ignore_index=True)[COMMENT_COLUMNS]


# --------------------------------------------------------------------------- aggregates


def to_aggregates(
    frame: pd.DataFrame,
    spec: WideSpec,
    *,
    path: Path,
    encoding: str = "utf-8",
    problems: list[Problem] | None = None,
    warnings: list[str] | None = None,
    records: int | None = None,
) -> ReadResult:
    """One row per library (hand-made sheets): item columns hold means, ``spec.n`` the n.

    Returns a ReadResult with ``aggregates`` (one row per library x item with a mean) and
    ``items``. A mean outside the item's scale or a missing n rejects that cell with its row.
    """
    path = Path(path)
    result = ReadResult(
        path=path,
        format=spec.format,
        encoding=encoding,
        respondent_type=spec.respondent_type,
        instrument=spec.instrument,
        records=records if records is not None else len(frame),
        rejected=list(problems or []),
        warnings=list(warnings or []),
    )
    if frame.empty or spec.n is None:
        return result
    rows = frame["_record"].astype("int64")
    n = _numbers(frame[spec.n])
    bad_n = n.isna() | (n <= 0)
    for row in rows[bad_n]:
        result.rejected.append(Problem.of(path.name, int(row), spec.n, None, "reason_n_positive"))
    parts, items, codes = [], [], set()
    for item in spec.items:
        means = _numbers(frame[item.column])
        text = item.text or item.column
        lo, hi, hint_reversed = header_hint(text)
        if item.scale_min is not None and item.scale_max is not None:
            lo, hi = float(item.scale_min), float(item.scale_max)
        elif lo is None:
            top = means.max()
            lo, hi = (1.0, 5.0) if top <= 5 else (1.0, 7.0) if top <= 7 else NPS_SCALE
            result.warnings.append(
                f"column '{item.column}': scale {lo:g}-{hi:g} guessed from the means; give the "
                "scale in a mapping if it is wrong"
            )
        reversed_codes = bool(item.reversed if item.reversed is not None else hint_reversed)
        outside = means.notna() & ((means < lo) | (means > hi))
        for row, value in zip(rows[outside], frame.loc[outside, item.column], strict=True):
            result.rejected.append(
                Problem.of(
                    path.name,
                    int(row),
                    item.column,
                    str(value),
                    "reason_mean_outside_scale",
                    lo=f"{lo:g}",
                    hi=f"{hi:g}",
                )
            )
        keep = means.notna() & ~outside & ~bad_n
        value = lo + hi - means if reversed_codes else means
        code = _unique(item.item or item_code(text, spec.respondent_type), codes)
        nps = bool(vocab.has_word(text, vocab.RECOMMEND_WORDS) and (lo, hi) == NPS_SCALE)
        parts.append(
            pd.DataFrame(
                {
                    "row": rows[keep].to_numpy(),
                    "library": _text_column(frame, spec.library)[keep].to_numpy(),
                    "branch": _text_column(frame, spec.branch)[keep].to_numpy(),
                    "period": _text_column(frame, spec.period)[keep].to_numpy(),
                    "respondent_type": spec.respondent_type,
                    "item": code,
                    "n": n[keep].round().astype("int64").to_numpy(),
                    "mean": value[keep].to_numpy(),
                    "sd": np.nan,
                    "response_rate": np.nan,
                    "distribution": None,
                    "scale_min": lo,
                    "scale_max": hi,
                }
            )
        )
        items.append(
            {
                "column": item.column,
                "item": code,
                "construct": item.construct or guess_construct(text, nps, spec.respondent_type),
                "text": text,
                "scale_min": lo,
                "scale_max": hi,
                "touchpoint": item.touchpoint,
                "reversed": reversed_codes,
            }
        )
    if parts:
        result.aggregates = pd.concat(parts, ignore_index=True)[AGGREGATE_COLUMNS]
        result.items = pd.DataFrame(items, columns=ITEM_COLUMNS)
    return result


def _numbers(raw: pd.Series) -> pd.Series:
    """Numbers with a decimal comma or point ("3,8", "4.25", " 12 "); NaN otherwise."""
    text = raw.astype("string").str.strip().str.replace(r"\s", "", regex=True)
    numeric = text.str.match(r"^[-+]?\d+(?:[.,]\d+)?$").fillna(False).astype(bool)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    out[numeric] = text[numeric].str.replace(",", ".", regex=False).astype("float64")
    return out


# --------------------------------------------------------------------------- reading tables
# Readers share these: header rows are read as data (header=False) so each tool can take as many
# header rows as it has (Qualtrics 3, SurveyMonkey 2) and name the columns itself.


def read_csv_rows(path: Path, sniffed) -> tuple[pd.DataFrame, list[Problem]]:
    """Every record of a delimited export as text (None for blank), header rows included.

    cp1252 / UTF-16 / BOM files are converted to UTF-8 first (in chunks, removed afterwards).
    Columns are numbered 0..n-1; ``_record`` counts records from 1 (header records included).
    Lines DuckDB cannot split become problems. An .xlsx renamed .csv never gets here: the
    sniffer decides by content.
    """
    path = Path(path)
    workdir = Path(tempfile.mkdtemp(prefix="servicemirror-wide-"))
    try:
        utf8 = to_utf8(path, sniffed.encoding, workdir)
        frame, problems = csvio.read_text_table(
            utf8, sniffed.delimiter or ",", header=False, display_name=path.name
        )
    finally:
        # the converted copy holds the whole export: never leave it behind
        shutil.rmtree(workdir, ignore_errors=True)
    data = [c for c in frame.columns if c != "_record"]
    frame = frame.rename(columns={c: i for i, c in enumerate(data)})
    if len(frame.columns) > 1 and 0 in frame.columns:
        first = frame[0].astype("string").str.lstrip("\ufeff")
        frame[0] = first.astype("object").where(first.notna(), None)
    return frame, problems


def read_xlsx_rows(path: Path, sheet: int | str = 0) -> pd.DataFrame:
    """Every row of one sheet of an .xlsx as text cells, like :func:`read_csv_rows`.

    pandas + calamine (DuckDB's excel extension is not reachable). Whole numbers lose Excel's
    ".0", dates become ISO text; cells are converted once per distinct value per column.
    """
    path = Path(path)
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine", dtype=object)
    except (ValueError, OSError, RuntimeError) as exc:
        raise ReadError(
            f"{path.name}: the Excel file could not be read ({str(exc).splitlines()[0]}). "
            "Open it in Excel, save it again as .xlsx and upload that."
        ) from None
    # built as one dict, not column by column: a 300-column sheet made pandas warn about a
    # fragmented frame (PerformanceWarning on stderr)
    converted = {"_record": np.arange(1, len(raw) + 1)}
    for i, column in enumerate(raw.columns):
        cells = raw[column]
        distinct = pd.unique(cells[cells.notna()])
        lookup = {v: _cell_text(v) for v in distinct}
        converted[i] = cells.map(lookup).astype("object").where(cells.notna(), None).to_numpy()
    return pd.DataFrame(converted)


def _cell_text(value) -> str | None:
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, pd.Timestamp | datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def xlsx_head(path: Path, rows: int = 6) -> list[list[str]]:
    """The first rows of the first sheet as text (for detection); [] when it cannot be read."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        head = sheet.to_python(nrows=rows)
    except (ValueError, OSError, RuntimeError, IndexError):
        # not a workbook calamine can open: no reader of ours claims it
        return []
    return [[_cell_text(c) or "" for c in row] for row in head]


def csv_head(sniffed, rows: int = 6) -> list[list[str]]:
    """The first records of a sniffed text file, split on its delimiter (quotes respected)."""
    if sniffed.kind != "csv" or not sniffed.head:
        return []
    reader = csv.reader(io.StringIO("\n".join(sniffed.head)), delimiter=sniffed.delimiter or ",")
    out = []
    for record in reader:
        out.append([c.strip().lstrip("\ufeff") for c in record])
        if len(out) >= rows:
            break
    return out


def head_rows(sniffed, path: Path, rows: int = 6) -> list[list[str]]:
    """First records of a CSV or the first sheet of an .xlsx, as text."""
    if sniffed.kind == "xlsx":
        return xlsx_head(path, rows)
    return csv_head(sniffed, rows)


def table_rows(path: Path, sniffed) -> tuple[pd.DataFrame, list[Problem]]:
    """All records of a CSV or the first sheet of an .xlsx (see :func:`read_csv_rows`)."""
    if sniffed.kind == "xlsx":
        return read_xlsx_rows(path), []
    if sniffed.kind != "csv":
        raise ReadError(f"{Path(path).name}: not a CSV or .xlsx file.")
    return read_csv_rows(path, sniffed)


def with_header(
    rows: pd.DataFrame, header_rows: int, names: list[str] | None = None
) -> pd.DataFrame:
    """Data records under ``header_rows`` header records, columns named (unique), ``_record`` 1..n.

    ``names`` default to the last header record; blank names become "column N"; repeats get
    " (2)", " (3)". Completely empty trailing columns (Excel's leftovers) are dropped.
    """
    data = rows.iloc[header_rows:].copy()
    columns = [c for c in rows.columns if c != "_record"]
    if names is None:
        last = rows.iloc[header_rows - 1] if header_rows else pd.Series(dtype=object)
        names = [last.get(c) for c in columns]
    named = unique_names(names, len(columns))
    data = data[columns]
    data.columns = named
    # trailing columns with neither a header nor a value: Excel's leftovers, not questions
    while len(data.columns) and named[len(data.columns) - 1].startswith("column "):
        last = data.columns[-1]
        if data[last].notna().any():
            break
        data = data.drop(columns=[last])
    data.insert(0, "_record", np.arange(1, len(data) + 1))
    return data.reset_index(drop=True)


def unique_names(names: list, count: int) -> list[str]:
    """Header texts made unique and non-empty ("column 7", "Q1 (2)")."""
    out, seen = [], {}
    for i in range(count):
        name = names[i] if i < len(names) else None
        text = "" if name is None else str(name).strip().lstrip("\ufeff")
        text = text or f"column {i + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        out.append(text)
    return out


def drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with no cell at all (blank lines in hand-made sheets) are not records."""
    cells = frame.drop(columns=["_record"])
    return frame[cells.notna().any(axis=1)]


def require_records(frame: pd.DataFrame, path: Path, tool: str) -> None:
    """ReadError (one line) when an export holds only its header: nothing to load."""
    if frame.empty:
        raise ReadError(
            f"{Path(path).name}: the {tool} export holds no responses (only the header). Export "
            "again once responses have come in, or check the export's response filter."
        )


def exclude_rows(frame: pd.DataFrame, mask: pd.Series, path: Path, column: str | None, why: str):
    """Drop the rows in ``mask``; each becomes a Problem naming its row and the reason (``why``:
    a reason key of the label table)."""
    problems = [
        Problem.of(Path(path).name, int(row), column, None, why)
        for row in frame.loc[mask, "_record"]
    ]
    return frame[~mask], problems
