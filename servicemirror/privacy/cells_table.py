"""The stored published cells: refreshed inside every write's transaction, read by every page.

``publish.build`` used to aggregate every row into cells and solve the suppression on the first
read after each write (seconds at national scale). The same result is now stored in the tables
``published_cells`` and ``published_branch_cells`` (queries/migrate_10.sql), and each writer
refreshes it before its transaction commits, so it lands with the write or not at all:

- an upload (survey rows, vendor aggregates, a forum package), its undo and a purge refresh the
  library-periods their rows are in and those of the rows they superseded
  (:func:`refresh_uploads`, :func:`refresh_scope`); every suppression group (a library's branches, a staff measure's
  services) lies inside one library x period x measure, so no other cell's suppression depends on
  them;
- a restore, a change of k, a database migrated to this schema and one whose stored cells are not
  current for any other reason are rebuilt whole (:func:`refresh` without a scope), and so is the
  first upload into a database with no stored cell (its slice is every cell there is);
- every other write (settings other than k, projects, targets, personas, mapping profiles,
  libraries, comment tags, signing keys) changes no cell and only moves the record on
  (:func:`keep_current`; a settings write that changes k rebuilds whole
  there).

The record is the one row of ``published_state``: the data version the stored cells belong to
and the k they were built with. ``db.writing`` bumps the data version when the transaction commits, so a refresh
records the version that commit writes. A reader takes the stored cells only when both keys
match the database (``publish.stored``); a write that skipped the refresh therefore costs one
build from the rows, never a stale figure, and the next refresh rebuilds whole.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from servicemirror import queries
from servicemirror.core.config import SETTING_DEFAULTS
from servicemirror.privacy import publish


@dataclass(frozen=True)
class Refreshed:
    """What one refresh did: ``whole`` (rebuilt every cell) or the libraries and periods it
    rebuilt, the rows stored, and the seconds it took."""

    whole: bool
    libraries: tuple[str, ...]
    periods: tuple[str, ...]
    cells: int
    branch_cells: int
    seconds: float


def _k(con) -> int:
    settings = dict(SETTING_DEFAULTS) | dict(
        queries.run(con, "settings_all").itertuples(index=False)
    )
    return publish.k_from_settings(settings)


def _version(con) -> int:
    return int(queries.scalar(con, "meta_get", key="data_version") or 0)


def _current(con, k: int) -> bool:
    """Whether the stored cells are those of the database as this transaction began."""
    return publish.stored_current(con, k, _version(con))


def _nothing_stored(con) -> bool:
    """No stored cell at all (a new database): every cell there is lies in the slice, and the
    whole rebuild gives the same table without narrowing each row to the slice's lists."""
    return not queries.scalar(con, "published_cells_any")


def _stamp(con, k: int) -> None:
    # db.writing adds one to the data version when this transaction commits
    queries.script(con, "published_state_set", data_version=_version(con) + 1, k=k)


def refresh(con, libraries: list[str] | None = None, periods: list[str] | None = None) -> Refreshed:
    """Store the published cells of ``libraries`` in ``periods`` again, inside the caller's
    write transaction (before it commits; None for both = every cell).

    The slice is rebuilt whole when the stored cells were not current as the transaction began
    (or k changed since they were built): a slice can only be patched into a table that is right
    everywhere else; and when nothing is stored yet (the first upload into a new database), where
    the slice is every cell. Returns what was done.
    """
    started = time.perf_counter()
    k = _k(con)
    whole = (libraries is None and periods is None) or not _current(con, k) or _nothing_stored(con)
    if whole:
        libraries = periods = None
    scope = {"libraries": libraries, "periods": periods}
    cells, branches = publish.from_rows(con, k, **scope)
    queries.execute(con, "published_cells_delete", **scope)
    queries.execute(con, "published_branch_cells_delete", **scope)
    _store(con, cells, branches)
    _stamp(con, k)
    return Refreshed(
        whole=whole,
        libraries=tuple(libraries or ()),
        periods=tuple(periods or ()),
        cells=len(cells),
        branch_cells=len(branches),
        seconds=time.perf_counter() - started,
    )


def _store(con, cells: pd.DataFrame, branches: pd.DataFrame) -> None:
    """Insert the rebuilt cells in one statement per table (never row by row)."""
    for frame, name, statement in (
        (cells, "new_published_cells", "published_cells_insert"),
        (branches, "new_published_branch_cells", "published_branch_cells_insert"),
    ):
        if frame.empty:
            continue
        con.register(name, frame)
        try:
            queries.execute(con, statement)
        finally:
            con.unregister(name)


def scope_of_uploads(con, upload_ids: list[int]) -> tuple[list[str], list[str]]:
    """(libraries, periods) whose cells writing, undoing or purging ``upload_ids`` changes: their
    rows and the rows they superseded. Call it while those rows are still in the database."""
    ids = [int(i) for i in upload_ids]
    pairs = queries.run(con, "published_scope_of_uploads", upload_ids=ids)
    return sorted(set(pairs["library_key"])), sorted(set(pairs["period"]))


def refresh_scope(con, scope: tuple[list[str], list[str]]) -> Refreshed:
    """Refresh the (libraries, periods) of a :func:`scope_of_uploads` taken earlier in the same
    transaction (undo and purge take it before their deletes); nothing to refresh: keep current."""
    libraries, periods = scope
    if not libraries:
        return keep_current(con)
    return refresh(con, list(libraries), list(periods))


def refresh_uploads(con, upload_ids: list[int]) -> Refreshed:
    """Refresh the cells that writing ``upload_ids`` changed (after their rows are inserted)."""
    return refresh_scope(con, scope_of_uploads(con, upload_ids))


def keep_current(con) -> Refreshed:
    """A write that changes no row the cells are built from: move the record on to the version
    this transaction commits. Rebuilds whole when the stored cells were not current or k is not
    the one they were built with (a settings write that changed k lands here)."""
    k = _k(con)
    if not _current(con, k):
        return refresh(con)
    started = time.perf_counter()
    _stamp(con, k)
    return Refreshed(False, (), (), 0, 0, time.perf_counter() - started)
