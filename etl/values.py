"""Turn the text of answer cells into numbers: decimal commas, Likert labels, non-answers; and
build a column of a few distinct texts from their codes (``take_texts``)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from servicemirror.etl import vocab

_NUMBER = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*$")


def parse_numbers(raw: pd.Series) -> pd.Series:
    """Float values of numeric text ("4", "3,5", " 7 "); NaN for anything else (labels, blanks)."""
    text = raw.astype("string").str.strip()
    numeric = text.str.match(_NUMBER.pattern, na=False)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    out[numeric] = text[numeric].str.replace(",", ".", regex=False).astype("float64")
    return out


def parse_answers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(values, unknown): numbers and known Likert labels as floats; non-answers NaN.

    ``unknown`` is True where the text is neither a number, a non-answer nor a label of one
    consistent label set (those are the cells a validator reports).
    """
    values = parse_numbers(raw)
    text = raw.astype("string")
    is_text = values.isna() & text.notna()
    missing = text.map(lambda x: vocab.is_non_answer(x) if x is not pd.NA else True).astype(bool)
    labels = text[is_text & ~missing]
    unknown = pd.Series(False, index=raw.index)
    if len(labels):
        match = vocab.match_scale(list(labels.unique()))
        if match is None:
            # try NPS end labels before giving up
            mapped = labels.map(lambda x: vocab.NPS_END_LABELS.get(vocab.normalise_label(x)))
            values[labels.index] = mapped.astype("float64")
            unknown[labels.index] = mapped.isna()
        else:
            scale, _points = match
            values[labels.index] = labels.map(lambda x: vocab.label_value(x, scale)).astype(
                "float64"
            )
    return values, unknown


def take_texts(texts: list, codes: np.ndarray, dtype: str):
    """``texts[code]`` for each code as a pandas array of ``dtype`` ("string" or "str"), code -1
    taking the last text (by convention None), built by Arrow's take: 400,000 rows of a few
    distinct texts are not turned into Arrow one Python string at a time."""
    at = np.where(codes < 0, len(texts) - 1, codes)
    return pd.array(pa.array(texts, type=pa.large_string()).take(pa.array(at)), dtype=dtype)
