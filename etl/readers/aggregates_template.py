"""The product's Danish results template (etl/templates/resultater_skabelon.xlsx) -> aggregates.

Vendors often give a library manager only unit-level results (a PDF or Excel report with n, mean
and response rate per question). The template has one row per unit x period x question:

    enhed | periode | spørgsmål | skala | n | gennemsnit | spredning | fordeling | svarprocent
    [| respondenttype]

read from the .xlsx (pandas + calamine) or from the same sheet re-saved as CSV by Danish Excel
(semicolon, cp1252 or UTF-8 with BOM, decimal commas, "78 %"). Either gennemsnit or fordeling
("1:0; 2:1; 3:4; 4:9; 5:6", or just the counts "0;1;4;9;6" from the lowest step) is needed; with a
distribution, n, mean and sd are computed from it. Rows without any figure (the pre-filled core
question rows, blank lines) are skipped. A scale written "1-5 (1 = bedst)" is turned so stored
means are higher = better. Questions are matched to the forum core items by code or by their
Danish/English text; other questions become items of their own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror.core import labels
from servicemirror.etl import tables, values, vocab
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import AGGREGATE_COLUMNS, Problem, ReadError, ReadResult

FORMAT = "aggregates_template"
SHEET = "Resultater"
HEADER_SEARCH_ROWS = 10  # title lines a user may have typed above the header
REQUIRED = {"unit", "item"}
FIGURES = {"mean", "distribution"}
STAFF_WORDS = {"medarbejder", "medarbejdere", "staff", "ansatte", "employees"}
PATRON_WORDS = {"borger", "borgere", "bruger", "brugere", "patron", "patrons", "lånere"}
REVERSED = re.compile(r"1\s*=\s*(bedst|best|mest positiv)|omvendt|reversed", re.IGNORECASE)
CORE_CONSTRUCT = {code: construct for code, construct, *_ in vocab.CORE_ITEMS}
STAFF_CONSTRUCTS = {"wellbeing", "engagement", "enps"}


# --------------------------------------------------------------------------- detection


def _header_row(rows: list[list]) -> int | None:
    """Index of the first row that names the unit, the question and a figure column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {vocab.template_header(c) for c in row if c is not None and str(c).strip()}
        if REQUIRED <= fields and fields & FIGURES:
            return index
    return None


def _csv_rows(sniffed: Sniffed) -> list[list[str]]:
    import csv
    import io

    delim = sniffed.delimiter or ";"
    return list(
        csv.reader(io.StringIO("\n".join(sniffed.head[:HEADER_SEARCH_ROWS])), delimiter=delim)
    )


def _xlsx_rows(path: Path) -> tuple[str, list[list]] | None:
    """(sheet name, first rows) of the sheet holding the template's header, or None."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    names = workbook.sheet_names
    ordered = [n for n in names if n.strip().lower() == SHEET.lower()] + [
        n for n in names if n.strip().lower() != SHEET.lower()
    ]
    for name in ordered[:5]:
        rows = workbook.get_sheet_by_name(name).to_python(nrows=HEADER_SEARCH_ROWS)
        if _header_row(rows) is not None:
            return name, rows
    return None


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.9 for the template (.xlsx), 0.85 for it saved as CSV; 0 otherwise."""
    if sniffed.kind == "xlsx":
        try:
            return 0.9 if _xlsx_rows(path) is not None else 0.0
        except (OSError, ValueError, RuntimeError):
            # a workbook calamine cannot open is not ours; the xlsx readers word the error
            return 0.0
    if sniffed.kind == "csv" and _header_row(_csv_rows(sniffed)) is not None:
        return 0.85
    return 0.0


# --------------------------------------------------------------------------- reading


def read(path: Path, sniffed: Sniffed, options) -> ReadResult:
    """The template (xlsx or CSV) -> ReadResult.aggregates, one row per unit x period x item."""
    path = Path(path)
    name = path.name
    problems: list[Problem] = []
    if sniffed.kind == "xlsx":
        frame = _read_xlsx(path)
    else:
        frame, problems = _read_csv(path, sniffed)
    result = ReadResult(path=path, format=FORMAT, encoding=sniffed.encoding, rejected=problems)
    columns = {}
    for column in frame.columns:
        field = vocab.template_header(column) if column != "_record" else None
        if field is not None and field not in columns:
            columns[field] = column
    frame = frame.rename(columns={v: k for k, v in columns.items()})
    for field in vocab.TEMPLATE_HEADERS:
        if field not in frame.columns:
            frame[field] = None
    text = frame.drop(columns="_record").map(_text).astype(object)
    # pandas 3 stores the blanks as NaN in text columns; the parsers below want None
    text = text.where(text.notna(), None)
    figures = text[["n", "mean", "distribution"]].notna().any(axis=1)
    blank = ~figures
    skipped_prefilled = int((blank & text[["unit", "period", "item"]].notna().any(axis=1)).sum())
    frame, text = frame[figures], text[figures]
    result.records = int(figures.sum()) + len(problems)
    if skipped_prefilled:
        result.warnings.append(labels.Note.of("note_template_skipped", count=skipped_prefilled))
    if frame.empty:
        return result
    rows = _interpret(frame["_record"], text, name, result.rejected)
    if rows.empty:
        return result
    result.aggregates = rows[AGGREGATE_COLUMNS].reset_index(drop=True)
    result.items = _items(rows)
    types = set(rows["respondent_type"].dropna())
    result.respondent_type = types.pop() if len(types) == 1 else None
    return result


def _read_xlsx(path: Path) -> pd.DataFrame:
    found = _xlsx_rows(path)
    if found is None:
        raise ReadError.of("read_template_no_sheet", file=path.name)
    sheet, head = found
    header = _header_row(head)
    raw = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine", dtype=object)
    names = [
        str(c).strip() if c is not None and str(c) != "nan" else f"_{i}"
        for i, c in enumerate(raw.iloc[header])
    ]
    frame = raw.iloc[header + 1 :].copy()
    frame.columns = names
    # data-record numbers (1 = first row under the header), as for every CSV reader
    frame.insert(0, "_record", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def _read_csv(path: Path, sniffed: Sniffed) -> tuple[pd.DataFrame, list[Problem]]:
    header = _header_row(_csv_rows(sniffed))
    if header is None:
        raise ReadError.of("read_template_no_header", file=path.name)
    frame, problems = tables.read_text_utf8(path, sniffed, ";", skip=header)
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame, problems


def _text(value) -> str | None:
    """Cell -> trimmed text; None for blanks. Whole floats from Excel lose their '.0'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


_SCALE = re.compile(r"(-?\d+)\s*(?:-|–|til|to)\s*(-?\d+)")


def _interpret(
    records: pd.Series, text: pd.DataFrame, name: str, problems: list[Problem]
) -> pd.DataFrame:
    """Parse the figures of every row with figures; bad rows become problems (row = sheet row)."""
    out = []
    for record, row in zip(records, text.itertuples(index=False), strict=True):
        # template sheets are hand-typed: dozens of rows, so a plain loop keeps messages precise
        record = int(record)
        item_text = row.item
        if item_text is None:
            problems.append(Problem.of(name, record, "spørgsmål", None, "reason_question_missing"))
            continue
        code, construct, core_scale, item_label = _item(item_text)
        scale = _scale(row.scale) or core_scale
        if scale is None:
            problems.append(Problem.of(name, record, "skala", row.scale, "reason_scale_missing"))
            continue
        lo, hi = scale
        reverse = bool(row.scale and REVERSED.search(row.scale))
        dist = None
        if row.distribution is not None:
            dist = _distribution(row.distribution, lo, hi)
            if dist is None:
                problems.append(
                    Problem.of(
                        name,
                        record,
                        "fordeling",
                        row.distribution,
                        "reason_bad_distribution",
                        lo=lo,
                        next=lo + 1,
                        hi=hi,
                    )
                )
                continue
        n = _number(row.n)
        mean = _number(row.mean)
        sd = _number(row.sd)
        if dist is not None:
            total = sum(dist.values())
            if n is not None and round(n) != total:
                problems.append(
                    Problem.of(name, record, "n", row.n, "reason_n_differs", total=total)
                )
                continue
            points = np.array(list(dist), dtype=float)
            counts = np.array(list(dist.values()), dtype=float)
            n = float(total)
            if n > 0:
                dist_mean = float((points * counts).sum() / n)
                if mean is not None and abs(mean - dist_mean) > 0.05:
                    problems.append(
                        Problem.of(
                            name,
                            record,
                            "gennemsnit",
                            row.mean,
                            "reason_mean_differs",
                            mean=f"{dist_mean:.2f}",
                        )
                    )
                    continue
                mean = dist_mean
                if n > 1:
                    sd = float(np.sqrt((counts * (points - dist_mean) ** 2).sum() / (n - 1)))
        if n is None or n <= 0 or n != round(n):
            problems.append(Problem.of(name, record, "n", row.n, "reason_n_whole"))
            continue
        if mean is None:
            problems.append(Problem.of(name, record, "gennemsnit", row.mean, "reason_mean_missing"))
            continue
        if not lo <= mean <= hi:
            problems.append(
                Problem.of(
                    name, record, "gennemsnit", row.mean, "reason_mean_outside_scale", lo=lo, hi=hi
                )
            )
            continue
        rate = _rate(row.response_rate)
        if row.response_rate is not None and rate is None:
            problems.append(
                Problem.of(name, record, "svarprocent", row.response_rate, "reason_bad_rate")
            )
            continue
        rtype = _respondent_type(row.respondent_type, construct)
        if rtype is None:
            problems.append(
                Problem.of(
                    name,
                    record,
                    "respondenttype",
                    row.respondent_type,
                    "reason_write_respondent_type",
                )
            )
            continue
        if reverse:
            # 1 = best in the source: turn so that higher = better
            mean = lo + hi - mean
            if dist is not None:
                dist = {lo + hi - k: v for k, v in dist.items()}
        out.append(
            {
                "row": record,
                "library": row.unit,
                "branch": None,
                "period": row.period,
                "respondent_type": rtype,
                "item": code,
                "n": int(round(n)),
                "mean": float(mean),
                "sd": sd,
                "response_rate": rate,
                "distribution": json.dumps({f"{k:g}": v for k, v in sorted(dist.items())})
                if dist is not None
                else None,
                "scale_min": float(lo),
                "scale_max": float(hi),
                "_construct": construct,
                "_text": item_label,
                "_reversed": reverse,
            }
        )
    return pd.DataFrame(out)


def _item(text: str) -> tuple[str, str | None, tuple[float, float] | None, str]:
    """(item code, construct or None, core scale or None, question text) of a question cell."""
    norm = vocab.normalise_label(text)
    for code, construct, lo, hi, _tp, text_da, text_en in vocab.CORE_ITEMS:
        if norm in (
            vocab.normalise_label(code),
            vocab.normalise_label(text_da),
            vocab.normalise_label(text_en),
        ):
            return code, construct, (float(lo), float(hi)), text_da
    return vocab.slug(text)[:60], None, None, text


def _scale(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    match = _SCALE.search(text)
    if not match:
        return None
    a, b = float(match.group(1)), float(match.group(2))
    return (min(a, b), max(a, b)) if a != b else None


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    value = values.parse_numbers(pd.Series([text])).iloc[0]
    return None if np.isnan(value) else float(value)


def _rate(text: str | None) -> float | None:
    """A response rate as a fraction 0-1: "78 %", "78", "0,78" all give 0.78."""
    if text is None:
        return None
    has_percent = "%" in text
    value = _number(text.replace("%", "").strip())
    if value is None:
        return None
    if has_percent or value > 1:
        value /= 100
    return value if 0 <= value <= 1 else None


def _distribution(text: str, lo: float, hi: float) -> dict[float, int] | None:
    """{answer: count} from "1:2; 2:5" / "1=2, 2=5" or plain counts per step from ``lo``."""
    pairs = re.findall(r"(-?\d+)\s*[:=]\s*(\d+)", text)
    if pairs:
        dist = {float(k): int(v) for k, v in pairs}
    else:
        counts = re.findall(r"\d+", text)
        if len(counts) != int(hi - lo) + 1:
            return None
        dist = {lo + i: int(c) for i, c in enumerate(counts)}
    if not dist or any(k < lo or k > hi for k in dist) or sum(dist.values()) <= 0:
        return None
    return dist


def _respondent_type(text: str | None, construct: str | None) -> str | None:
    if text is not None:
        norm = vocab.normalise_label(text)
        if norm in STAFF_WORDS:
            return "staff"
        if norm in PATRON_WORDS:
            return "patron"
        return None
    if construct is not None and construct not in STAFF_CONSTRUCTS:
        return "patron"
    # unit-level results are what vendors deliver for staff surveys
    return "staff"


def _items(rows: pd.DataFrame) -> pd.DataFrame:
    grouped = rows.groupby("item", sort=False)
    return pd.DataFrame(
        {
            "column": "spørgsmål",
            "item": list(grouped.groups),
            "construct": grouped["_construct"].first().to_numpy(),
            "text": grouped["_text"].first().to_numpy(),
            "scale_min": grouped["scale_min"].min().to_numpy(),
            "scale_max": grouped["scale_max"].max().to_numpy(),
            "touchpoint": None,
            "reversed": grouped["_reversed"].any().to_numpy(),
        }
    )
