"""Cell values of a wide export: answer labels and codes -> numbers on the item's scale (higher =
more positive), the scale from labels, the header's hint or the answers, dates (day-first or
month-first, time zones dropped) and item codes from question texts. Per column and vectorised:
labels are looked up once per distinct value. Used by ``etl.wide`` and the SurveyXact reader."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from servicemirror.etl import vocab

if TYPE_CHECKING:
    from servicemirror.etl.wide import ItemSpec


# Standard numeric scales, smallest first: an item's scale is the first that holds its answers.
# 3- and 4-point scales are never guessed: answers 2-4 on a 5-point item are far more common.
STANDARD_SCALES = [(1, 5), (0, 5), (1, 7), (1, 10), (0, 10)]

NPS_SCALE = (0.0, 10.0)

MAX_ITEM_CODE = 60

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

_PLAIN_ISO = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"

_DOTTED_TIME = re.compile(r"(\s\d{1,2})\.(\d{2})(?:\.(\d{2}))?$")


# --------------------------------------------------------------------------- the spec


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


@dataclass
class DistinctValues:
    """One question column read from its distinct answered cells (stripped, non-empty), in the
    order given: what each means on the stored scale, and what the column is."""

    cells: pd.Series  # the distinct cells (str)
    values: pd.Series  # float per distinct cell: the stored value; NaN = missing or rejected
    unknown: pd.Series  # bool per distinct cell: neither a number, a label nor a non-answer
    out_of_range: pd.Series  # bool per distinct cell: a number outside the item's scale
    decimal: pd.Series  # bool per distinct cell: a decimal where only whole points are answers
    scale_min: float
    scale_max: float
    reversed: bool
    nps: bool
    how: str  # labels | codes with labels | header | answers | given | recommend


def interpret_column(raw: pd.Series, item: ItemSpec, respondent_type: str | None = None):
    """Read one question column: values turned to higher = better, scale, NPS, problems.

    Returns a :class:`ColumnValues`. Labels decide value and direction; numbers use the given
    scale, else the header hint ("1-7", "1 = Helt enig"), else the smallest standard scale that
    holds the answers (0-10 for recommend questions). NPS coded 1-11 is shifted to 0-10. The
    reading itself is :func:`interpret_distinct` (per distinct cell); this spreads it over the
    column's cells.
    """
    cells = raw.astype("string").str.strip()
    answered = cells.notna() & (cells != "")
    read = interpret_distinct(
        pd.Series(cells[answered].unique(), dtype="object"), item, respondent_type
    )
    key = read.cells.astype(str)

    def spread(per_distinct: pd.Series) -> pd.Series:
        return cells.map(dict(zip(key, per_distinct, strict=True)))

    values = spread(read.values).astype("float64")
    unknown = spread(read.unknown).fillna(False).astype(bool)
    out = spread(read.out_of_range).fillna(False).astype(bool)
    decimal = spread(read.decimal).fillna(False).astype(bool)
    return ColumnValues(
        values=values.where(answered),
        answered=answered.fillna(False).astype(bool),
        unknown=unknown & answered.fillna(False),
        out_of_range=out & answered.fillna(False),
        decimal=decimal & answered.fillna(False),
        scale_min=read.scale_min,
        scale_max=read.scale_max,
        reversed=read.reversed,
        nps=read.nps,
        how=read.how,
    )


def interpret_distinct(
    distinct: pd.Series, item: ItemSpec, respondent_type: str | None = None
) -> DistinctValues:
    """:func:`interpret_column` on a column's distinct answered cells (stripped, non-empty).

    Everything about a column follows from its distinct cells (the label set, the scale, the
    direction), so a large export is read by looking at each distinct cell once; the engine then
    joins the result back to the cells (``etl.wide``).
    """
    text = item.text or item.column
    distinct = pd.Series(list(distinct), dtype="object")
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
    return DistinctValues(
        cells=distinct,
        values=value_of,
        unknown=unknown_distinct.astype(bool),
        out_of_range=out_distinct.astype(bool),
        decimal=decimal_distinct.astype(bool),
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
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    # plain ISO date-times ("2024-03-05 10:22:13", what most tools write) have no time zone and
    # no dotted time to mend: read at once, so a 400,000-row export never meets the suffix
    # rules below (a Python call per cell)
    plain = text.str.fullmatch(_PLAIN_ISO).fillna(False).astype(bool)
    if plain.any():
        out[plain] = _plain_iso(text[plain])
        if plain.all():
            return out.astype("datetime64[ns]")
        text = text.where(~plain, pd.NA)
    text = text.str.replace(_TZ_SUFFIX, "", regex=True)
    text = text.str.replace(_DOTTED_TIME, _colon_time, regex=True)
    text = text.where(text != "", pd.NA)
    # pandas' ISO8601 parser also takes "07.03.2024" (month first): only real ISO text goes there
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
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


def _plain_iso(text: pd.Series) -> pd.Series:
    """Plain ISO date-times as pandas reads them (``format="ISO8601"``, NaT where none can be
    read): Arrow's cast reads 400,000 of them in a tenth of pandas' time, and any text it
    refuses (a 30 February, a year beyond nanoseconds) sends the whole column to pandas."""
    try:
        stamps = pc.cast(pa.array(text.array, type=pa.string()), pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pd.to_datetime(text, errors="coerce", format="ISO8601")
    return pd.Series(stamps.to_numpy(zero_copy_only=False), index=text.index)


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
