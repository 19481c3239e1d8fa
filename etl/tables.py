"""Table I/O for the wide readers, beside ``etl.csvio``: an export's records in DuckDB
(``etl.source``: a CSV through ``read_csv``, an .xlsx sheet through calamine registered as a
relation), its first rows for detection, the header row(s) made final and unique, blank rows
dropped, and rows left out with their reason (``Problem``). ``table_rows`` and ``with_header``
give the same records as a DataFrame, to look at a small file whole (tests, tools); the readers
read through the source."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror.core import labels
from servicemirror.etl import csvio
from servicemirror.etl.detect import scratch_folder, to_utf8
from servicemirror.etl.readers.base import (
    Problem,
    ReadError,
)
from servicemirror.etl.source import Source


def read_csv_rows(path: Path, sniffed) -> tuple[pd.DataFrame, list[Problem]]:
    """Every record of a delimited export as text (None for blank), header rows included.

    cp1252 / UTF-16 / BOM files are converted to UTF-8 first (in chunks, removed afterwards).
    Columns are numbered 0..n-1; ``_record`` counts records from 1 (header records included).
    Lines DuckDB cannot split become problems. An .xlsx renamed .csv never gets here: the
    sniffer decides by content.
    """
    path = Path(path)
    frame, problems = read_text_utf8(path, sniffed, ",", header=False)
    data = [c for c in frame.columns if c != "_record"]
    frame = frame.rename(columns={c: i for i, c in enumerate(data)})
    if len(frame.columns) > 1 and 0 in frame.columns:
        first = frame[0].astype("string").str.lstrip("\ufeff")
        frame[0] = first.astype("object").where(first.notna(), None)
    return frame, problems


def read_text_utf8(
    path: Path, sniffed, default_delimiter: str, **options
) -> tuple[pd.DataFrame, list[Problem]]:
    """:func:`csvio.read_text_table` on a UTF-8 copy of a delimited export (cp1252, UTF-16 and BOM
    files converted in a temporary folder, removed afterwards); ``options`` go to it as they are
    (``header``, ``skip``). The delimiter is the sniffed one, else ``default_delimiter``."""
    path = Path(path)
    with scratch_folder("servicemirror-csv-") as workdir:
        utf8 = to_utf8(path, sniffed.encoding, workdir)
        return csvio.read_text_table(
            utf8, sniffed.delimiter or default_delimiter, display_name=path.name, **options
        )


def read_xlsx_rows(path: Path, sheet: int | str = 0) -> pd.DataFrame:
    """Every row of one sheet of an .xlsx as text cells, like :func:`read_csv_rows`.

    pandas + calamine (DuckDB's excel extension is not reachable). Whole numbers lose Excel's
    ".0", dates become ISO text; cells are converted once per distinct value per column.
    """
    path = Path(path)
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine", dtype=object)
    except (ValueError, OSError, RuntimeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReadError.of(
            "read_excel_unreadable", file=path.name, error=labels.clip(first)
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
    """All records of a CSV or the first sheet of an .xlsx as a DataFrame (see
    :func:`read_csv_rows`), to look at a small file whole; the readers use :func:`table_source`."""
    if sniffed.kind == "xlsx":
        return read_xlsx_rows(path), []
    if sniffed.kind != "csv":
        raise ReadError.of("read_not_csv_or_xlsx", file=Path(path).name)
    return read_csv_rows(path, sniffed)


def table_source(path: Path, sniffed) -> Source:
    """Every record of a CSV or of the first sheet of an .xlsx, header records included, in
    DuckDB (``etl.source``): a CSV read by ``read_csv`` (cp1252 / UTF-16 / BOM files converted to
    UTF-8 first, the copy removed once read), a sheet's cells registered as a relation. Lines
    DuckDB cannot split are ``source.problems``."""
    path = Path(path)
    if sniffed.kind == "xlsx":
        return Source.from_rows(read_xlsx_rows(path), path.name)
    if sniffed.kind != "csv":
        raise ReadError.of("read_not_csv_or_xlsx", file=path.name)
    with scratch_folder("servicemirror-csv-") as workdir:
        utf8 = to_utf8(path, sniffed.encoding, workdir)
        return Source.from_csv(utf8, sniffed.delimiter or ",", display_name=path.name)


def source_records(
    source: Source, header_rows: int, path: Path, tool: str, names: list | None = None
) -> Source:
    """The records under ``header_rows`` header records of a source, named by ``names``
    (default: the last header record) made unique, blank rows dropped; ReadError when none is
    left (:func:`require_source_records`)."""
    if names is None:
        head = source.head(header_rows) if header_rows else []
        names = head[header_rows - 1] if len(head) >= header_rows and header_rows else []
    source.take_header(header_rows, unique_names(names, len(source.sql_names)))
    source.drop_blank_rows()
    require_source_records(source, path, tool)
    return source


def require_source_records(source: Source, path: Path, tool: str) -> None:
    """ReadError (one line) when an export holds only its header: nothing to load. ``tool``: the
    tool's name, or a label key (``read_tool_spreadsheet``) for a name that has a Danish word."""
    if source.count() == 0:
        raise ReadError.of("read_only_header", file=Path(path).name, tool=tool)


def exclude_source_rows(source: Source, column: str, kept: set[str], path: Path, why: str):
    """Drop the records whose ``column`` (stripped, lower case) is not one of ``kept`` (a blank
    cell included); each becomes a Problem naming its row and the reason (``why``: a reason key
    of the label table). Decided once per distinct cell; the records are found in SQL."""
    distinct = source.distinct([column])[column]
    refused = [c for c in distinct["cell"] if str(c).strip().lower() not in kept]
    if not refused and int(distinct["n"].sum()) == source.count():
        # every record holds a kept cell (none is blank): no pass over the records to find none
        return []
    records = source.records_with(column, refused)
    source.drop_records(records)
    return [Problem.of(Path(path).name, int(row), column, None, why) for row in records]


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
