"""Read delimited text into a DataFrame of strings with DuckDB's native reader (no row loops).

Rows the parser cannot split (a wrong number of fields, a broken quote) are collected as problems
with their line number instead of failing the whole file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from servicemirror import queries
from servicemirror.core import labels
from servicemirror.etl.readers.base import Problem, ReadError

MAX_LINE_BYTES = 8 * 1024 * 1024  # a 300,000-character comment must still parse


def memory_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for parsing; never touches the product database."""
    return duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )


def read_text_table(
    path: Path, delimiter: str, skip: int = 0, header: bool = True, display_name: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """All columns as text (None for empty), plus a ``_record`` column (1 = first data record).

    ``skip`` lines are dropped before the header (title rows). Column names are kept as written;
    duplicates get DuckDB's numeric suffix. Unparseable lines become problems.
    """
    name = display_name or Path(path).name
    con = memory_connection()
    try:
        rel = con.execute(
            queries.sql("read_text_csv"),
            {
                "path": str(path),
                "delim": delimiter,
                "skip": skip,
                "header": header,
                "max_line": MAX_LINE_BYTES,
            },
        )
        frame = rel.df()
        rejects = con.execute(queries.sql("csv_rejects")).df()
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise ReadError.of("read_not_a_table", file=name, error=labels.clip(first)) from None
    finally:
        con.close()
    frame = frame.astype(object).where(frame.notna(), None)
    # concatenated, not inserted: an insert into a wide frame (300 columns) made pandas print a
    # PerformanceWarning to stderr
    record = pd.DataFrame({"_record": range(1, len(frame) + 1)}, index=frame.index)
    frame = pd.concat([record, frame], axis=1)
    return frame, line_problems(name, rejects)


def line_problems(name: str, rejects: pd.DataFrame) -> list[Problem]:
    """One problem per line DuckDB's CSV reader could not split (``csv_rejects.sql`` rows)."""
    return [
        Problem.of(
            name,
            int(r.line),
            None,
            labels.clip(r.message),
            "reason_line_unreadable",
            error=r.error_type,
        )
        for r in rejects.itertuples()
    ]
