"""Smiley-kiosk counts -> libraries and branches, in SQL over the reader's rows.

A month of kiosk presses is half a million hourly rows but a few hundred library/branch pairs.
The loader therefore never walks the rows in Python: the distinct pairs come out of DuckDB
(``queries/kiosk_locations.sql``), each pair is resolved once against the known names
(``etl.names._LibraryResolver``, the same rules as every other reader), and the rows get their
keys by a join when they are inserted (``queries/insert_kiosk_counts.sql``). A unit mapping
(the mapping step's kiosk locations, remembered in unit_map) is applied to the pairs too and
joined back (``queries/kiosk_locations_mapped.sql``).

The rows may be a ``pyarrow.Table`` (the press reader, straight out of DuckDB) or a DataFrame
(the daily and generic kiosk readers); DuckDB scans either in place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb
import pandas as pd

from servicemirror import queries
from servicemirror.etl.readers.base import Problem

# DuckDB's own settings for these small joins (no extension may load at run time)
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


# one in-memory DuckDB per process for these joins, a cursor (its own connection, with its own
# registered tables) per call: opening a database costs about 20 ms, a cursor well under 1 ms,
# and a loader asks two or three times per upload
_DATABASE: duckdb.DuckDBPyConnection | None = None
_OPENING = threading.Lock()


def _connect(rows) -> duckdb.DuckDBPyConnection:
    global _DATABASE
    with _OPENING:
        if _DATABASE is None:
            _DATABASE = duckdb.connect(config=DUCKDB_CONFIG)
        con = _DATABASE.cursor()
    con.register("kiosk_rows", rows)
    return con


def locations(rows) -> pd.DataFrame:
    """The distinct (library, branch) pairs of kiosk rows: library, branch, row (first), n."""
    con = _connect(rows)
    try:
        return queries.run(con, "kiosk_locations")
    finally:
        con.close()


def library_values(rows) -> set[str]:
    """The library cells of kiosk rows, and the branch (a kiosk's location) where none is named."""
    pairs = locations(rows)
    found: set[str] = set()
    for library, branch in zip(pairs["library"], pairs["branch"], strict=True):
        text = library.strip() if isinstance(library, str) else ""
        if text:
            found.add(text)
        elif isinstance(branch, str) and branch.strip():
            found.add(branch.strip())
    return found


def map_units(rows, lookup: Callable[[object], str | None]):
    """Kiosk rows with the library cell the mapping step gives: ``lookup(cell)`` -> library name
    or None, asked of each distinct library cell and, where a row names no library, its branch.

    Returns rows of the same kind (Arrow in, Arrow out); unchanged when nothing maps.
    """
    pairs = locations(rows)
    mapped = []
    for library, branch in zip(pairs["library"], pairs["branch"], strict=True):
        name = lookup(library) if isinstance(library, str) else None
        blank = library is None or not str(library).strip()
        if name is None and blank and isinstance(branch, str):
            name = lookup(branch)
        mapped.append(name)
    pairs = pairs.assign(mapped=pd.Series(mapped, index=pairs.index, dtype=object))
    pairs = pairs.loc[pairs["mapped"].notna(), ["library", "branch", "mapped"]]
    if pairs.empty:
        return rows
    con = _connect(rows)
    try:
        con.register("kiosk_map", pairs)
        relation = con.sql(queries.sql("kiosk_locations_mapped"))
        if isinstance(rows, pd.DataFrame):
            return relation.df()
        return relation.to_arrow_table()
    finally:
        con.close()


def resolve(rows, resolver, problems: list[Problem]) -> pd.DataFrame:
    """The resolved locations of kiosk rows: library, branch (the cells as read), library_key,
    display_name, branch_key, n (presses); appends a problem for every row that does not resolve.

    ``resolver``: the loader's ``etl.names._LibraryResolver`` (known names, near misses, new
    libraries and branches). It is asked once per pair; only when a pair does not resolve are its
    rows fetched, so that each is reported with its own row exactly as for any other reader.
    """
    con = _connect(rows)
    try:
        pairs = queries.run(con, "kiosk_locations")
        probe: list[Problem] = []
        units = resolver.apply(pairs, probe)
        if probe:
            kept = pairs.merge(units[["library", "branch"]], how="left", indicator=True)
            unresolved = kept.loc[kept["_merge"] == "left_only", ["library", "branch"]]
            con.register("kiosk_unresolved", unresolved.reset_index(drop=True))
            resolver.apply(queries.run(con, "kiosk_location_rows"), problems)
    finally:
        con.close()
    return units[["library", "branch", "library_key", "display_name", "branch_key", "n"]]
