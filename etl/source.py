"""A table export's cells held in DuckDB, so a big export is read by the engine, not row by row.

A :class:`Source` owns an in-memory DuckDB connection (never the product database) with one table,
``src``: ``_record`` (the data record's number, 1 = first record under the header, for messages)
and one text column per column of the file. The readers look at the header records and a sample
of the data in Python (detection and header interpretation need only that); everything that
touches every record (unpivoting, mapping labels to values, the checks) runs in the SQL of
``queries/source_*.sql`` and ``queries/wide_*.sql``. The file's column names stay in Python
(``names``); the table's columns keep DuckDB's positional names, so headers that differ only in
case, or hold quotes, never meet SQL.

Sources are made from a CSV (:meth:`Source.from_csv`, DuckDB's ``read_csv``: lines it cannot
split become problems with their line), from the rows of an .xlsx sheet or from a reader's own
frame (:meth:`Source.from_rows`, :meth:`Source.from_frame`: the frame registered as a relation).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from servicemirror import queries
from servicemirror.core import labels
from servicemirror.etl import csvio
from servicemirror.etl.readers.base import Problem, ReadError

# how many data records detection and header interpretation see (a small file: all of them)
SAMPLE_ROWS = 5000
# "every record" for source_rows (DuckDB's limit takes a number)
ALL_ROWS = 1 << 62
MAX_LINE_BYTES = 8 * 1024 * 1024  # a 300,000-character comment must still parse


def parsing_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for parsing; never touches the product database."""
    return duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )


class Source:
    """The cells of one export in DuckDB: the table ``raw`` (every record), and once the header is
    known (:meth:`take_header`) the view ``src`` of the data records.

    ``names``: the column names (headers) in file order; ``sql_names``: the table's own name of
    each. ``problems``: lines the CSV parser could not split.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, sql_names: list[str], name: str):
        self.con = con
        self.sql_names = list(sql_names)
        self.names: list[str] = [str(i) for i in range(len(sql_names))]
        self.file = name
        self.problems: list[Problem] = []
        self._changes = 0  # bumped by every change of the records (the sample is then stale)
        self._sample: tuple | None = None
        self._view = False  # src is the view over raw (take_header), else a table (from_frame)

    # ----------------------------------------------------------------- making one

    @classmethod
    def from_csv(cls, path: Path, delimiter: str, display_name: str | None = None) -> Source:
        """Every record of a UTF-8 delimited file (header records included) in table ``raw``."""
        name = display_name or Path(path).name
        con = parsing_connection()
        try:
            con.execute(
                queries.sql("source_csv"),
                {"path": str(path), "delim": delimiter, "max_line": MAX_LINE_BYTES},
            )
            rejects = con.execute(queries.sql("csv_rejects")).df()
        except duckdb.Error as exc:
            con.close()
            first = str(exc).splitlines()[0]
            raise ReadError.of("read_not_a_table", file=name, error=labels.clip(first)) from None
        source = cls(con, _table_columns(con, "raw"), name)
        source.problems = csvio.line_problems(name, rejects)
        return source

    @classmethod
    def from_rows(cls, rows: pd.DataFrame, name: str) -> Source:
        """The records of a sheet (text cells, columns in order, an optional ``_record``) in
        table ``raw``, like :meth:`from_csv`."""
        con = parsing_connection()
        cells = rows.drop(columns=["_record"], errors="ignore")
        cells = cells.set_axis([f"column{i}" for i in range(cells.shape[1])], axis=1)
        con.register("source_frame", cells)
        queries.execute(con, "source_raw_frame")
        con.unregister("source_frame")
        return cls(con, list(cells.columns), name)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, name: str) -> Source:
        """A reader's frame of text cells (final headers, ``_record``) as table ``src``."""
        con = parsing_connection()
        names = [c for c in frame.columns if c != "_record"]
        sql_names = [f"column{i}" for i in range(len(names))]
        cells = frame[names].set_axis(sql_names, axis=1).astype(object)
        cells = pd.concat([frame["_record"].astype("int64"), cells], axis=1)
        con.register("source_frame", cells)
        queries.execute(con, "source_frame")
        con.unregister("source_frame")
        source = cls(con, sql_names, name)
        source.names = list(names)
        return source

    # ----------------------------------------------------------------- the header

    def head(self, rows: int) -> list[list[str | None]]:
        """The first ``rows`` records of ``raw`` (header records first), cells as text or None."""
        frame = self.con.execute(queries.sql("source_head"), {"rows": rows}).df()
        frame = frame.astype(object).where(frame.notna(), None)
        out = [list(r) for r in frame.itertuples(index=False)]
        if out and out[0] and isinstance(out[0][0], str):
            out[0][0] = out[0][0].lstrip("\ufeff")
        return out

    def take_header(self, header_rows: int, names: list[str]) -> None:
        """The records under ``header_rows`` header records become the data (the view ``src``),
        their columns named ``names`` (unique, as ``tables.unique_names`` made them). Completely
        empty trailing columns without a header (Excel's leftovers) are dropped."""
        queries.execute(self.con, "source_header", header_rows=header_rows)
        queries.execute(self.con, "source_excluded")
        queries.execute(self.con, "source_view")
        self._view = True
        self._changes += 1
        self.names = list(names)
        counts = self.con.execute(queries.sql("source_counts")).fetchall()[0]
        while (
            self.names and self.names[-1].startswith("column ") and not counts[len(self.names) - 1]
        ):
            self.names.pop()
            self.sql_names.pop()

    # ----------------------------------------------------------------- reading

    @property
    def columns(self) -> list[str]:
        """The column names, in file order (``_record`` not included)."""
        return list(self.names)

    def sql_name(self, column: str) -> str:
        """The table's name of one column."""
        return self.sql_names[self.names.index(column)]

    def count(self) -> int:
        """How many data records there are."""
        return int(queries.scalar(self.con, "source_count"))

    def frame(
        self, columns: list[str] | None = None, limit: int = ALL_ROWS, *, cells: bool = True
    ) -> pd.DataFrame:
        """``_record`` and some columns (default: all) as a frame of text cells (None for blank),
        in record order; ``limit`` records at most. ``cells=False``: the columns stay pandas
        strings (NA for blank), straight from Arrow, which is all a step that trims and parses
        them needs: no Python object per cell for a 400,000-row column."""
        wanted = self.columns if columns is None else [c for c in columns if c in self.names]
        inner = [self.sql_name(c) for c in wanted]
        # a COLUMNS() that selects nothing is an error in DuckDB: the record numbers alone
        query = "source_rows" if inner else "source_records"
        params = {"columns": inner, "limit": limit} if inner else {"limit": limit}
        if not cells:
            arrow = self.con.sql(queries.sql(query), params=params).to_arrow_table()
            by_sql = dict(zip(self.sql_names, self.names, strict=True))
            return arrow.to_pandas().rename(columns=by_sql)[["_record", *wanted]]
        frame = self.con.execute(queries.sql(query), params).df()
        if not inner:  # the record numbers alone (pandas cannot concatenate a frame of no column)
            return frame[["_record"]].astype("int64")
        # the table's order, renamed to the file's names (a column asked for twice comes once)
        by_sql = dict(zip(self.sql_names, self.names, strict=True))
        frame = frame.rename(columns=by_sql)
        cells = frame.drop(columns=["_record"]).astype(object)
        cells = cells.where(cells.notna(), None)
        # concatenated, not inserted: an insert into a wide frame (110 columns) made pandas warn
        # about a fragmented frame (PerformanceWarning on stderr)
        cells = pd.concat([frame["_record"].astype("int64"), cells], axis=1)
        return cells[["_record", *wanted]]

    def sample(self) -> pd.DataFrame:
        """The first :data:`SAMPLE_ROWS` records, every column (what detection looks at); kept
        until the records or columns change, as the reader and the shared ending both look."""
        key = (self._changes, tuple(self.names))
        if self._sample is None or self._sample[0] != key:
            self._sample = (key, self.frame(limit=SAMPLE_ROWS))
        return self._sample[1]

    def column(self, column: str) -> pd.Series:
        """One column's cells in record order (index = position), None for blank."""
        return self.frame([column])[column]

    def records(self) -> pd.Series:
        """The data records' numbers in order."""
        return self.frame([])["_record"]

    def distinct(self, columns: list[str]) -> dict[str, pd.DataFrame]:
        """column -> its distinct non-blank cells as written (``cell``) and how often (``n``)."""
        inner = {self.sql_name(c): c for c in columns}
        out = {c: pd.DataFrame({"cell": pd.Series(dtype=object), "n": 0}) for c in columns}
        if not inner:
            return out
        found = self.con.execute(queries.sql("source_distinct"), {"columns": list(inner)}).df()
        for col, group in found.groupby("col", sort=False):
            out[inner[col]] = group[["cell", "n"]].reset_index(drop=True)
        return out

    def cells(self, columns: list[str]) -> pd.DataFrame:
        """Every non-blank cell of some columns: _record, column (file name), cell; by column
        in the order given, then by record."""
        inner = {self.sql_name(c): c for c in columns}
        if not inner:
            return pd.DataFrame({"_record": [], "column": [], "cell": []})
        found = self.con.execute(queries.sql("source_cells"), {"columns": list(inner)}).df()
        found["column"] = found["col"].map(inner)
        order = {c: i for i, c in enumerate(columns)}
        found["_order"] = found["column"].map(order)
        found = found.sort_values(["_order", "_record"], kind="stable")
        return found[["_record", "column", "cell"]].reset_index(drop=True)

    def records_with(self, column: str, cells) -> pd.Series:
        """The records whose ``column`` is blank or one of ``cells`` (as written), in order."""
        found = self.con.execute(
            queries.sql("source_records_with"),
            # chr(0) stands for a blank cell (never in a file: NUL characters are dropped)
            {"columns": [self.sql_name(column)], "cells": [*map(str, cells), "\x00"]},
        ).df()
        return found["_record"].astype("int64")

    def all_different(self, column: str) -> bool:
        """True when no two non-blank cells of ``column`` are alike, even once trimmed."""
        cells, distinct, edged = self.con.execute(
            queries.sql("source_unique_cells"), {"columns": [self.sql_name(column)]}
        ).fetchall()[0]
        return cells == distinct and not edged

    # ----------------------------------------------------------------- changing

    def drop_records(self, records) -> None:
        """Remove these data records (each already told as a problem by the caller)."""
        drop = pd.DataFrame({"_record": pd.Series(list(records), dtype="int64")})
        if drop.empty:
            return
        self.con.register("source_drop", drop)
        # the view over the file's records leaves them out; a reader's own frame is a table
        queries.execute(self.con, "source_exclude_rows" if self._view else "source_delete_rows")
        self.con.unregister("source_drop")
        self._changes += 1

    def drop_blank_rows(self) -> None:
        """Records with no cell at all (blank lines in hand-made sheets) are not records."""
        inner = [self.sql_name(c) for c in self.names]
        if not inner:
            self.drop_records(self.records())  # no column at all: no record either
            return
        blank = self.con.execute(queries.sql("source_blank_rows"), {"columns": inner}).df()
        self.drop_records(blank["_record"])

    def close(self) -> None:
        """Let the parsing connection go (its tables go with it)."""
        self.con.close()


def _table_columns(con, table: str) -> list[str]:
    """The column names of a table of the parsing connection, in order."""
    return list(con.table(table).columns)
