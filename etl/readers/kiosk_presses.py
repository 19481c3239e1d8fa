"""Smiley kiosks (HappyOrNot-style): one row per button press, or counts per day -> kiosk_counts.

Two exports (docs/formats/kiosk.md names the public documentation imitated):

``kiosk_presses``  one row per press: a timestamp (or a date and a time column), the terminal and
    its location, the question and the button (1-4, 0-3 as in HappyOrNot's API, or the face's
    word: "Meget glad", "Very unhappy", ...). Counted per terminal, date, hour and button by DuckDB
    straight from the file (queries/kiosk_presses_hourly.sql): the presses are streamed through
    the aggregate and never held whole, so 50 million presses stay far below 2 GB. The hourly
    rows leave DuckDB as Arrow; the loader resolves their locations and inserts them in SQL
    (etl/kiosk_names.py), so no step walks them in pandas.
``kiosk_daily``    one row per terminal and day with one count column per button ("Meget
    utilfreds", "Utilfreds", "Tilfreds", "Meget tilfreds", or "Knap 1".."Knap 4"). Stored with
    ``hour = -1``: the hour is not known.

Double counting (the same terminal and day in both exports) is settled where the counts are read:
queries/kiosk_daily.sql lets hour-resolved counts win over daily counts for the same library,
terminal and date, and a newer upload win over an older one of the same kind; hourly views use
only ``hour >= 0``. Loading never deletes, so ``undo`` restores the other source.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from servicemirror import queries
from servicemirror.core import labels
from servicemirror.etl import csvio, tables, values, vocab
from servicemirror.etl.detect import Sniffed, scratch_folder, to_utf8
from servicemirror.etl.readers.base import KIOSK_COLUMNS, Problem, ReadError, ReadResult

# Timestamp shapes seen in kiosk exports: ISO (HappyOrNot's API) and the Danish day-first ones
# Excel writes; the reader keeps the ones that fit the first rows, best first.
TS_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H.%M.%S",
    "%d.%m.%Y %H.%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
]
MAX_REJECT_LINES = 20
DAILY_HOUR = -1  # kiosk_counts.hour of a daily count: the whole day, hour unknown
# DuckDB's own limits for the streamed count: far below the 2 GB budget for the whole process
DUCKDB_CONFIG = {
    "memory_limit": "1GB",
    "preserve_insertion_order": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


# --------------------------------------------------------------------------- detection


def _header(sniffed: Sniffed) -> list[str]:
    if sniffed.kind != "csv" or not sniffed.head or sniffed.delimiter is None:
        return []
    rows = list(csv.reader(io.StringIO(sniffed.head[0]), delimiter=sniffed.delimiter))
    return [h.strip().lstrip("\ufeff") for h in rows[0]] if rows else []


def _fields(headers: list[str]) -> tuple[dict[str, str], dict[int, str]]:
    """(kiosk field -> first header naming it, button -> header of its count column)."""
    fields: dict[str, str] = {}
    buttons: dict[int, str] = {}
    for header in headers:
        button = vocab.kiosk_button(header)
        if button is not None and button not in buttons:
            buttons[button] = header
            continue
        field = vocab.kiosk_header(header)
        if field is not None and field not in fields:
            fields[field] = header
    return fields, buttons


def detect_presses(sniffed: Sniffed, path: Path) -> float:
    """0.8 for a CSV with a timestamp (or date + time) and a button column and no counts."""
    fields, buttons = _fields(_header(sniffed))
    has_time = "timestamp" in fields or {"date", "time"} <= set(fields)
    if has_time and "button" in fields and "count" not in fields and len(buttons) < 4:
        return 0.8
    return 0.0


def detect_daily(sniffed: Sniffed, path: Path) -> float:
    """0.85 for a CSV with a date column and one count column per button (all four)."""
    fields, buttons = _fields(_header(sniffed))
    if ("date" in fields or "timestamp" in fields) and len(buttons) == 4:
        return 0.85
    return 0.0


# --------------------------------------------------------------------------- presses


def read_presses(path: Path, sniffed: Sniffed, options) -> ReadResult:
    """One row per press -> hourly counts per terminal and button (streamed through DuckDB)."""
    path = Path(path)
    with scratch_folder("servicemirror-kiosk-") as workdir:
        if sniffed.utf8_unchecked:
            # the first chunk is UTF-8: DuckDB validates every cell the count reads, so the
            # sniffer's pass over the whole file is made only when DuckDB rejected a line
            utf8 = to_utf8(path, "utf-8", workdir)
            result = _read_presses(path, utf8, sniffed, options, unchecked=True)
            if result is not None:
                return result
        return _read_presses(path, to_utf8(path, sniffed.encoding, workdir), sniffed, options)


def _first(exc: Exception) -> str:
    """The first line of a DuckDB error, clipped for a message."""
    return labels.clip(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _connect(config: dict | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config=config or DUCKDB_CONFIG)
    queries.execute(con, "session_no_progress_bar")
    return con


def _columns(con, utf8: Path, delimiter: str, name: str, sniffed: Sniffed) -> list[str]:
    """The column names DuckDB gives the file: the header line as written when it is plain
    (no quotes, no surrounding spaces, no blank or repeated name: DuckDB keeps such names as
    they are), else DuckDB's own reading of the header (a sniff of the file's first rows)."""
    line = sniffed.head[0].lstrip("\ufeff") if sniffed.head else ""
    names = line.split(delimiter)
    plain = line and '"' not in line and all(n and n == n.strip() for n in names)
    if plain and len(set(names)) == len(names):
        return names
    try:
        cursor = con.execute(
            queries.sql("csv_columns"),
            {"path": str(utf8), "delim": delimiter, "max_line": csvio.MAX_LINE_BYTES},
        )
    except duckdb.Error as exc:
        raise ReadError.of("read_kiosk_not_a_table", file=name, error=_first(exc)) from None
    return [d[0] for d in cursor.description]


def _press_params(
    con, columns: list[str], name: str, sniffed: Sniffed
) -> tuple[dict[str, object], str]:
    """The query parameters naming the file's columns, and the timestamp column's name."""
    fields, _ = _fields(columns)
    ts_col = fields.get("timestamp") or fields.get("date")
    if ts_col is None or "button" not in fields:
        raise ReadError.of(
            "read_kiosk_columns", file=name, columns=labels.clip(", ".join(columns[:12]))
        )
    time_col = fields.get("time") if "timestamp" not in fields else None
    params: dict[str, object] = {
        "ts_col": ts_col,
        "time_col": time_col or ts_col,
        "button_col": fields["button"],
    }
    absent = [] if time_col else ["time"]
    for field in ("terminal", "question", "library", "branch"):
        params[f"{field}_col"] = fields.get(field, ts_col)
        if field not in fields:
            absent.append(field)
    params["absent"] = absent
    params["ts_formats"] = _timestamp_formats(
        con,
        _sample(sniffed, columns.index(ts_col)),
        _sample(sniffed, columns.index(time_col)) if time_col else None,
        name,
        ts_col,
    )
    return params, ts_col


def _sample(sniffed: Sniffed, index: int) -> list[str]:
    """The values of one column in the first lines the sniffer decoded."""
    rows = csv.reader(io.StringIO("\n".join(sniffed.head[1:50])), delimiter=sniffed.delimiter)
    return [row[index].strip() for row in rows if len(row) > index and row[index].strip()]


def _timestamp_formats(
    con, stamps: list[str], times: list[str] | None, name: str, column: str
) -> list[str]:
    """The strptime formats that read the first timestamps, most successful first.

    Mirrors the query's clean-up: date and time joined by a space, 'T' -> ' ', cut after the
    seconds.
    """
    if times is not None:
        stamps = [f"{d} {t}" for d, t in zip(stamps, times, strict=False)]
    cleaned = [s.replace("T", " ")[:19] for s in stamps]
    hits = []
    for fmt in TS_FORMATS if cleaned else []:
        fits = queries.scalar(con, "kiosk_timestamp_formats", stamps=cleaned, format=fmt)
        if fits:
            hits.append((fits, fmt))
    if cleaned and not hits:
        raise ReadError.of(
            "read_kiosk_timestamps",
            file=name,
            column=labels.clip(column),
            value=labels.clip(stamps[0]),
        )
    ordered = [fmt for _, fmt in sorted(hits, key=lambda h: -h[0])]
    # formats that fit no sampled row stay as fall-backs for rows further down the file
    return ordered + [f for f in TS_FORMATS if f not in ordered]


def _typed_format(
    con, sniffed: Sniffed, columns: list[str], params: dict, ts_col: str
) -> str | None:
    """The one format that reads every sampled timestamp as written, or None.

    Only then is the file counted with its timestamp column typed (kiosk_presses_hourly_typed):
    a file whose timestamps need the clean-up ('T', milliseconds, an offset), several formats or
    a separate time column is counted as text straight away rather than read twice.
    """
    if "time" not in params["absent"]:
        return None
    stamps = _sample(sniffed, columns.index(ts_col))
    best = params["ts_formats"][0]
    fits = queries.scalar(con, "kiosk_timestamp_formats", stamps=stamps, format=best)
    return best if stamps and fits == len(stamps) else None


def _has_quote(path: Path) -> bool:
    """Whether the file holds a double quote anywhere (a memchr over the mapped file, a few
    hundredths of a second for 200 MB)."""
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b'"') >= 0


def _quoted(path: Path, utf8: Path, options) -> bool:
    """Whether the file DuckDB counts (``utf8``) holds a double quote: the loader's pass over the
    file's bytes says so when that file is the upload itself (``ReadOptions.scan``), and waiting
    for that pass also keeps its hashing off the CPU while DuckDB counts; else a search of
    ``utf8`` (a converted copy, or a reader called outside the loader)."""
    scan = getattr(options, "scan", None)
    if scan is not None and utf8 == path:
        return scan.result().has_quote
    return _has_quote(utf8)


def _count_typed(
    con, base: dict, params: dict, columns: list[str], ts_col: str, ts_format: str, quoted: bool
) -> pd.DataFrame | None:
    """Count the file with its timestamp column read as TIMESTAMP in ``ts_format`` into the
    table kiosk_raw; returns the lines DuckDB rejected (csv_rejects), or None when a timestamp
    did not read (a CAST reject): the caller then counts the file as text, whose reading of
    such a press (trimmed, cleaned, other formats, else reported) is the product's rule."""
    types = {c: "TIMESTAMP" if c == ts_col else "VARCHAR" for c in columns}
    quote = '"' if quoted else ""
    wanted = base | params | {"header_types": types, "ts_format": ts_format, "quote": quote}
    sql = queries.sql("kiosk_presses_hourly_typed")
    con.sql(sql, params=queries.named_in(sql, wanted)).to_table("kiosk_raw")
    rejects = queries.run(con, "csv_rejects")
    if (rejects["error_type"] == "CAST").any():
        return None
    return rejects


def _read_presses(
    path: Path, utf8: Path, sniffed: Sniffed, options=None, unchecked: bool = False
) -> ReadResult | None:
    """The press file ``utf8`` counted; ``unchecked``: the file is read as UTF-8 before the
    sniffer's whole-file check, and None is returned (read it again converted) when that check
    could come out otherwise: the file has columns the count does not read (DuckDB validates
    only the cells it reads), or DuckDB rejected a line and the check finds it is not UTF-8."""
    name = path.name
    delimiter = sniffed.delimiter or ","
    con = _connect()
    try:
        columns = _columns(con, utf8, delimiter, name, sniffed)
        params, ts_col = _press_params(con, columns, name, sniffed)
        read = {v for k, v in params.items() if k.endswith("_col")}
        if unchecked and not read.issuperset(columns):
            return None
        base = {"path": str(utf8), "delim": delimiter, "max_line": csvio.MAX_LINE_BYTES}
        try:
            # the file, streamed once through the hourly aggregate into the table kiosk_raw:
            # with its timestamps read typed when the sample allows, else (or when the typed
            # read refused a timestamp) every cell as text
            rejects = None
            typed = _typed_format(con, sniffed, columns, params, ts_col)
            if typed is not None:
                quoted = _quoted(path, utf8, options)
                rejects = _count_typed(con, base, params, columns, ts_col, typed, quoted)
                if rejects is None:
                    # DuckDB keeps the reject tables of every read of a connection: a fresh one,
                    # so the text reading's row problems are its own
                    con.close()
                    con = _connect()
            if rejects is None:
                columns_as_text = {"header_types": dict.fromkeys(columns, "VARCHAR")}
                con.sql(
                    queries.sql("kiosk_presses_hourly"), params=base | params | columns_as_text
                ).to_table("kiosk_raw")
                rejects = queries.run(con, "csv_rejects")
            if unchecked and len(rejects) and sniffed.encoding != "utf-8":
                return None
            # DuckDB lists a line once per surplus cell: one problem per line
            broken = rejects.drop_duplicates("line")
            cells = queries.run(con, "kiosk_presses_buttons")
            buttons = _buttons(cells)
            con.register("kiosk_buttons", buttons)
            # nothing to fold (clean places, one cell per button): the groups go out as counted
            distinct = len(set(buttons.column("button").to_pylist())) == buttons.num_rows
            clean = distinct and queries.scalar(con, "kiosk_presses_cells_clean")
            counts = "kiosk_presses_counts_clean" if clean else "kiosk_presses_counts"
            # Arrow, not a DataFrame: the loader resolves names and inserts these rows in SQL
            hourly = _numbered(con.sql(queries.sql(counts)).to_arrow_table())
        except duckdb.Error as exc:
            raise ReadError.of("read_kiosk_count_failed", file=name, error=_first(exc)) from None
    finally:
        con.close()
    # unchecked and not sent back: the whole file is UTF-8 (the sniffer's check would say so)
    encoding = "utf-8" if unchecked else sniffed.encoding
    result = ReadResult(path=path, format="kiosk_presses", encoding=encoding)
    result.respondent_type = "patron"
    result.rejected = [
        Problem.of(name, int(r.line), None, None, "reason_line_unreadable", error=r.error_type)
        for r in broken.itertuples()
    ]
    # unusable: a blank cell or one that is no button, and unreadable timestamps of the rest
    known = cells["text"].isin(buttons.column("text").to_pylist())
    n_bad = int(cells.loc[~known, "presses"].sum() + cells.loc[known, "unreadable"].sum())
    bad_texts = sorted({t for t in cells.loc[~known, "cell"] if isinstance(t, str)})
    result.records = int(cells["presses"].sum()) + len(broken)
    if n_bad:
        result.rejected += _press_problems(utf8, name, base | params, bad_texts, ts_col, n_bad)
    if hourly.num_rows == 0:
        return result
    result.kiosk = hourly
    if n_bad:
        result.warnings.append(
            labels.Note.of("note_kiosk_unreadable", bad=n_bad, records=result.records)
        )
    return result


def _numbered(hourly: pa.Table) -> pa.Table:
    """The hourly counts with their ``row`` (1.., for messages) in front."""
    rows = pa.array(np.arange(1, hourly.num_rows + 1, dtype=np.int64))
    return hourly.add_column(0, "row", rows)


def _buttons(cells: pd.DataFrame) -> pa.Table:
    """Button 1-4 for each distinct button cell (text as written, button), from its trimmed
    ``cell`` (kiosk_presses_buttons): words via vocab, 1-4 as is, 0-3 (HappyOrNot) + 1; a blank
    cell or one that is no button is left out."""
    trimmed = {
        t: c for t, c in zip(cells["text"], cells["cell"], strict=True) if isinstance(c, str)
    }
    texts = list(trimmed)
    numbers = {t: int(s) for t, s in trimmed.items() if re.fullmatch(r"\d{1,2}", s)}
    # HappyOrNot's API counts from 0 (Very Unhappy) to 3 (Very Happy): a file with a 0 and no 4
    # uses that numbering (other numbers, e.g. a stray 7, are rejected either way)
    used = set(numbers.values())
    shift = 1 if 0 in used and 4 not in used else 0
    mapping: dict[str, int] = {}
    for text in texts:
        if text in numbers:
            value = numbers[text] + shift
            if 1 <= value <= 4:
                mapping[text] = value
        else:
            word = vocab.kiosk_button(trimmed[text])
            if word is not None:
                mapping[text] = int(word)
    return pa.table(
        {
            "text": pa.array(list(mapping), pa.string()),
            "button": pa.array(list(mapping.values()), pa.int32()),
        }
    )


def _press_problems(
    utf8: Path, name: str, params: dict, bad_texts: list[str], ts_col: str, n_bad: int
) -> list[Problem]:
    """One problem per unusable press for the first 20 (record numbers), then a summary line."""
    # a default connection: row numbers need the file order kept
    con = _connect({"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        sql = queries.sql("kiosk_presses_rejects")
        wanted = params | {"bad_buttons": bad_texts or [""]}
        rows = con.execute(sql, queries.named_in(sql, wanted)).df()
    except duckdb.Error as exc:
        raise ReadError.of("read_kiosk_list_failed", file=name, error=_first(exc)) from None
    finally:
        con.close()
    formats = params["ts_formats"][:1]
    problems = []
    for row in rows.itertuples():
        if row.button is None or row.button in bad_texts:
            problems.append(
                Problem.of(
                    name,
                    int(row.record),
                    str(params["button_col"]),
                    row.button,
                    "reason_not_a_button",
                )
            )
        else:
            problems.append(
                Problem.of(
                    name,
                    int(row.record),
                    ts_col,
                    row.timestamp,
                    "reason_bad_timestamp",
                    example=datetime(2025, 1, 6, 10, 15).strftime(formats[0]),
                )
            )
    if n_bad > len(problems):
        problems.append(
            Problem.of(name, None, None, None, "reason_more_presses", n=n_bad - len(problems))
        )
    return problems


# --------------------------------------------------------------------------- daily counts


def read_daily(path: Path, sniffed: Sniffed, options) -> ReadResult:
    """One row per terminal and day with a count per button -> kiosk_counts with hour = -1."""
    path = Path(path)
    name = path.name
    frame, problems = tables.read_text_utf8(path, sniffed, ",")
    result = ReadResult(
        path=path, format="kiosk_daily", encoding=sniffed.encoding, rejected=problems
    )
    result.respondent_type = "patron"
    result.records = len(frame) + len(problems)
    fields, buttons = _fields([c for c in frame.columns if c != "_record"])
    date_col = fields.get("date") or fields.get("timestamp")
    if date_col is None or len(buttons) != 4:
        raise ReadError.of("read_kiosk_daily_columns", file=name)
    if frame.empty:
        return result
    text = frame[date_col].astype("string").str.strip().str.slice(0, 10)
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601")
    danish = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=True)
    date = iso.fillna(danish)
    # the lenient "mixed" parser reads scraps such as "/1" as year 1 (which has no Python date):
    # no kiosk counted presses before 1990, so such a "date" is not one
    date = date.where(date.dt.year.between(1990, 2100))
    counts = {b: _count(frame[col]) for b, col in buttons.items()}
    bad_count = pd.DataFrame({b: c.isna() & frame[buttons[b]].notna() for b, c in counts.items()})
    bad = date.isna() | bad_count.any(axis=1)
    for rec, raw in zip(
        frame.loc[date.isna(), "_record"], frame.loc[date.isna(), date_col], strict=True
    ):
        result.rejected.append(Problem.of(name, int(rec), date_col, raw, "reason_not_a_date"))
    for b, col in buttons.items():
        wrong = bad_count[b] & date.notna()
        for rec, raw in zip(frame.loc[wrong, "_record"], frame.loc[wrong, col], strict=True):
            result.rejected.append(Problem.of(name, int(rec), col, raw, "reason_not_a_count"))
    keep = ~bad

    def opt(field: str) -> pd.Series:
        column = fields.get(field)
        if column is None:
            return pd.Series([None] * len(frame), index=frame.index, dtype=object)
        return frame[column].str.strip().replace("", None)

    wide = pd.DataFrame(
        {
            "row": frame["_record"],
            "library": opt("library"),
            "branch": opt("branch"),
            "terminal": opt("terminal"),
            "question": opt("question"),
            "date": date.dt.date,
            **{str(b): counts[b].fillna(0) for b in buttons},
        }
    )[keep]
    long = wide.melt(
        id_vars=["row", "library", "branch", "terminal", "question", "date"],
        var_name="button",
        value_name="n",
    )
    long = long[long["n"] > 0]
    long = long.assign(
        button=long["button"].astype("int64"), n=long["n"].astype("int64"), hour=DAILY_HOUR
    ).sort_values(["row", "button"])
    result.kiosk = long[KIOSK_COLUMNS].reset_index(drop=True)
    return result


_THOUSANDS = re.compile(r"^\d{1,3}(?:[.\s]\d{3})+$")


def _count(raw: pd.Series) -> pd.Series:
    """Whole, non-negative counts; Danish thousands separators ("1.234") allowed; NaN if not."""
    text = raw.astype("string").str.strip()
    text = text.where(
        ~text.str.match(_THOUSANDS.pattern, na=False), text.str.replace(r"[.\s]", "", regex=True)
    )
    number = values.parse_numbers(text)
    whole = number.notna() & (number >= 0) & (number == number.round())
    return number.where(whole)
