"""The product's own generic formats (docs/formats/generic.md): long responses, unit aggregates, kiosk counts.

Long:       library, period, respondent_type, respondent_id, item, value
            [branch, touchpoint, submitted_at, scale_min, scale_max, construct, comment]
Aggregates: library, period, respondent_type, item, n, mean [sd, scale_min, scale_max, construct,
            branch, response_rate, touchpoint]
Kiosk:      library, branch, terminal, date, hour, question, button, n
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servicemirror.etl import tables, values, vocab
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import (
    AGGREGATE_COLUMNS,
    KIOSK_COLUMNS,
    SEGMENT_COLUMNS,
    Problem,
    ReadResult,
)

LONG_REQUIRED = ["library", "period", "respondent_type", "respondent_id", "item", "value"]
AGG_REQUIRED = ["library", "period", "respondent_type", "item", "n", "mean"]
KIOSK_REQUIRED = ["library", "branch", "terminal", "date", "hour", "question", "button", "n"]


def _header(sniffed: Sniffed) -> set[str]:
    if not sniffed.head or sniffed.delimiter is None:
        return set()
    return {h.strip().strip('"').lower() for h in sniffed.head[0].split(sniffed.delimiter)}


def detect_long(sniffed: Sniffed, path: Path) -> float:
    return 1.0 if sniffed.kind == "csv" and set(LONG_REQUIRED) <= _header(sniffed) else 0.0


def detect_aggregates(sniffed: Sniffed, path: Path) -> float:
    header = _header(sniffed)
    return (
        0.9
        if sniffed.kind == "csv" and set(AGG_REQUIRED) <= header and "respondent_id" not in header
        else 0.0
    )


def detect_kiosk(sniffed: Sniffed, path: Path) -> float:
    return 0.9 if sniffed.kind == "csv" and set(KIOSK_REQUIRED) <= _header(sniffed) else 0.0


def _table(path: Path, sniffed: Sniffed, fmt: str) -> tuple[pd.DataFrame, ReadResult]:
    """The template's rows (lower-case column names) and the result they start, with the
    records counted and the lines that could not be split already rejected."""
    frame, problems = tables.read_text_utf8(path, sniffed, ",")
    frame.columns = [c if c == "_record" else str(c).strip().lower() for c in frame.columns]
    result = ReadResult(path=path, format=fmt, encoding=sniffed.encoding, rejected=problems)
    result.records = len(frame) + len(problems)
    return frame, result


def _opt(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column].where(frame[column].notna(), None)
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def read_long(path: Path, sniffed: Sniffed, options) -> ReadResult:
    """Generic long CSV: one row per respondent x item."""
    frame, result = _table(path, sniffed, "generic_long")
    if frame.empty:
        return result
    frame["respondent_type"] = frame["respondent_type"].str.strip().str.lower()
    key = ["respondent_type", "library", "respondent_id"]
    for col in key:
        frame[col] = frame[col].fillna("")
    # one response per (type, library, source id); its row is the first record that names it
    first = frame.groupby(key, sort=False)["_record"].transform("min")
    frame["_response_row"] = first
    respondents = frame.drop_duplicates("_response_row")
    submitted = pd.to_datetime(_opt(respondents, "submitted_at"), errors="coerce", dayfirst=False)
    result.responses = pd.DataFrame(
        {
            "row": respondents["_response_row"].to_numpy(),
            "respondent_id": respondents["respondent_id"].replace("", None).to_numpy(),
            "library": respondents["library"].replace("", None).to_numpy(),
            "branch": _opt(respondents, "branch").to_numpy(),
            "period": _opt(respondents, "period").to_numpy(),
            "submitted_at": submitted.to_numpy(),
            "touchpoint": canonical_touchpoints(_opt(respondents, "touchpoint")).to_numpy(),
            "respondent_type": respondents["respondent_type"].replace("", None).to_numpy(),
        }
    )
    for seg in SEGMENT_COLUMNS:
        if seg in frame.columns:
            result.responses[seg] = respondents[seg].to_numpy()

    construct = constructs(frame)
    is_comment = construct.eq("comment") | frame["item"].str.strip().str.lower().eq("comment")
    # a comment on a rating row is that respondent's comment too (it was dropped without a word)
    comments = frame[_opt(frame, "comment").notna()]
    result.comments = pd.DataFrame(
        {
            "row": comments["_response_row"].to_numpy(),
            "column": "comment",
            "item": comments["item"].to_numpy(),
            "text": _opt(comments, "comment").to_numpy(),
        }
    )
    data = frame[~is_comment]
    parsed, unknown = values.parse_answers(data["value"])
    for rec, raw in zip(data.loc[unknown, "_record"], data.loc[unknown, "value"], strict=True):
        result.rejected.append(
            Problem.of(path.name, int(rec), "value", raw, "reason_not_a_label_value")
        )
    keep = ~unknown
    result.answers = pd.DataFrame(
        {
            "row": data.loc[keep, "_response_row"].to_numpy(),
            "column": "value",
            "item": data.loc[keep, "item"].str.strip().to_numpy(),
            "value": parsed[keep].to_numpy(),
            "raw_value": data.loc[keep, "value"].to_numpy(),
        }
    )
    items = data.assign(
        scale_min=values.parse_numbers(_opt(data, "scale_min")),
        scale_max=values.parse_numbers(_opt(data, "scale_max")),
        construct=construct[~is_comment],
        touchpoint=_opt(data, "touchpoint"),
        item=data["item"].str.strip(),
    ).groupby("item", sort=False)
    return _with_items(result, "value", items, "scale_min", "scale_max", result.responses)


def constructs(frame: pd.DataFrame) -> pd.Series:
    """Each row's construct through the vocabulary (``trivsel`` -> wellbeing), Danish or English.

    A blank construct is taken from the item's own name when that is a construct name (an item
    called ``tilfredshed``); a name the vocabulary does not know stays as written (the loader
    then keeps it as ``other`` and warns).
    """
    given = _opt(frame, "construct")
    named = given.map(vocab.construct_of)
    from_item = frame["item"].map(vocab.construct_of)
    written = given.str.strip().str.lower()
    return named.fillna(from_item.where(given.isna())).fillna(written)


def canonical_touchpoints(raw: pd.Series) -> pd.Series:
    """ "Bogen Kommer" -> home_delivery, as ``project add`` stores it; unknown names stay."""
    return raw.map(lambda t: vocab.touchpoint_of(t) or t if isinstance(t, str) else t)


def read_aggregates(path: Path, sniffed: Sniffed, options) -> ReadResult:
    """Generic unit-level results: one row per unit x period x item with n and mean."""
    frame, result = _table(path, sniffed, "generic_aggregates")
    if frame.empty:
        return result
    n = values.parse_numbers(frame["n"])
    mean = values.parse_numbers(frame["mean"])
    bad = n.isna() | mean.isna() | (n <= 0)
    for rec in frame.loc[bad, "_record"]:
        result.rejected.append(Problem.of(path.name, int(rec), "n/mean", None, "reason_n_and_mean"))
    good = frame[~bad]
    out = pd.DataFrame(
        {
            "row": good["_record"].to_numpy(),
            "library": good["library"].to_numpy(),
            "branch": _opt(good, "branch").to_numpy(),
            "period": good["period"].to_numpy(),
            "respondent_type": good["respondent_type"].str.strip().str.lower().to_numpy(),
            "item": good["item"].str.strip().to_numpy(),
            "n": n[~bad].round().astype("int64").to_numpy(),
            "mean": mean[~bad].to_numpy(),
            "sd": values.parse_numbers(_opt(good, "sd")).to_numpy(),
            "response_rate": values.parse_numbers(_opt(good, "response_rate")).to_numpy(),
            "distribution": None,
            "scale_min": values.parse_numbers(_opt(good, "scale_min")).to_numpy(),
            "scale_max": values.parse_numbers(_opt(good, "scale_max")).to_numpy(),
        }
    )
    result.aggregates = out[AGGREGATE_COLUMNS]
    constructs = _opt(good, "construct").str.strip().str.lower()
    items = pd.DataFrame(
        {
            "item": out["item"],
            "construct": constructs.to_numpy(),
            "smin": out["scale_min"],
            "smax": out["scale_max"],
        }
    )
    grouped = items.groupby("item", sort=False)
    return _with_items(result, "mean", grouped, "smin", "smax", out)


def _with_items(result: ReadResult, column: str, grouped, smin: str, smax: str, rows) -> ReadResult:
    """``result`` with its items (one per item of ``grouped``: its first construct and the widest
    scale over ``smin``/``smax``, read from ``column``) and the respondent type, when ``rows``
    hold exactly one."""
    result.items = pd.DataFrame(
        {
            "column": column,
            "item": list(grouped.groups),
            "construct": grouped["construct"].first().to_numpy(),
            "text": None,
            "scale_min": grouped[smin].min().to_numpy(),
            "scale_max": grouped[smax].max().to_numpy(),
            "touchpoint": None,
            "reversed": False,
        }
    )
    types = set(rows["respondent_type"].dropna())
    result.respondent_type = types.pop() if len(types) == 1 else None
    return result


def read_kiosk_counts(path: Path, sniffed: Sniffed, options) -> ReadResult:
    """Generic smiley-kiosk counts per terminal, date and hour."""
    frame, result = _table(path, sniffed, "generic_kiosk")
    if frame.empty:
        return result
    # ISO dates (2025-01-06) first; only what is not ISO is read day-first, the Danish habit
    iso = pd.to_datetime(frame["date"], errors="coerce", format="ISO8601")
    danish = pd.to_datetime(frame["date"], errors="coerce", format="mixed", dayfirst=True)
    date = iso.fillna(danish)
    hour = values.parse_numbers(frame["hour"])
    button = values.parse_numbers(frame["button"])
    n = values.parse_numbers(frame["n"])
    bad = date.isna() | ~hour.between(0, 23) | ~button.isin([1, 2, 3, 4]) | n.isna() | (n < 0)
    for rec in frame.loc[bad, "_record"]:
        result.rejected.append(Problem.of(path.name, int(rec), None, None, "reason_kiosk_row"))
    good = ~bad
    result.kiosk = pd.DataFrame(
        {
            "row": frame.loc[good, "_record"].to_numpy(),
            "library": frame.loc[good, "library"].to_numpy(),
            "branch": frame.loc[good, "branch"].to_numpy(),
            "terminal": frame.loc[good, "terminal"].to_numpy(),
            "date": date[good].dt.date.to_numpy(),
            "hour": hour[good].astype("int64").to_numpy(),
            "question": frame.loc[good, "question"].to_numpy(),
            "button": button[good].astype("int64").to_numpy(),
            "n": n[good].astype("int64").to_numpy(),
        }
    )[KIOSK_COLUMNS]
    result.respondent_type = "patron"
    return result
