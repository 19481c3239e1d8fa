"""The tables whose rows an upload brings, in ONE list that undo and purge both act on.

Every row of these tables carries the ``upload_id`` of the upload that brought it. Undoing an
upload removes its rows from each table here and makes current again what it had superseded;
a purge does the same for every upload loaded before a date and then drops their ``uploads``
rows too. Each table also has a ``current_<table>`` view (queries/migrate_7.sql), the rows that
count in figures.

A new table that an upload writes to belongs on this list (and gets its view): purge refuses to
run while the database holds a table with an ``upload_id`` column that is not here, and a test
compares the list with DuckDB's catalog.
"""

from __future__ import annotations

from servicemirror import queries

# the order is the order rows are removed; there are no foreign keys, so it is for reading only
TABLES = (
    "responses",
    "answers",
    "comments",
    "comment_tones",
    "comment_themes",
    "aggregates",
    "kiosk_counts",
    "library_facts",
    "forum_packages",
    "forum_cells",
    "forum_items",
    "forum_item_covariances",
    "forum_kiosk_days",
    "forum_comment_themes",
)

# an undone forum package stays in the package list (shown as undone), so undo keeps these rows;
# a purge removes them with the upload
KEPT_ON_UNDO = frozenset({"forum_packages"})


def in_database(con) -> dict[str, bool]:
    """Every table of the open database with an ``upload_id`` column -> whether it can be superseded."""
    frame = queries.run(con, "upload_tables_catalog")
    return {
        str(t): bool(s) for t, s in zip(frame["table_name"], frame["supersedable"], strict=True)
    }


def unknown(con) -> list[str]:
    """Tables of the open database that hold upload rows but are not on the list (sorted)."""
    return sorted(set(in_database(con)) - set(TABLES))


def count(con, upload_ids: list[int], *, undo: bool = False) -> dict[str, int]:
    """Rows per table that removing ``upload_ids`` deletes (``undo``: the rows undo keeps left out)."""
    ids = [int(i) for i in upload_ids]
    return {
        table: int(queries.scalar(con, "upload_rows_count", upload_table=table, upload_ids=ids))
        for table in TABLES
        if not (undo and table in KEPT_ON_UNDO)
    }


def remove(con, upload_ids: list[int], *, undo: bool = False) -> dict[str, int]:
    """Delete every row ``upload_ids`` brought and make current what they superseded.

    Runs inside the caller's transaction; returns the rows deleted per table. ``undo``: the
    rows listed in KEPT_ON_UNDO stay. The ``uploads`` rows themselves are the caller's.
    """
    ids = [int(i) for i in upload_ids]
    removed = count(con, ids, undo=undo)
    supersedable = in_database(con)
    for table in TABLES:
        if not (undo and table in KEPT_ON_UNDO):
            con.execute(queries.on_table("upload_rows_delete", table), {"upload_ids": ids})
        if supersedable.get(table):
            con.execute(queries.on_table("upload_rows_unsupersede", table), {"upload_ids": ids})
    return removed


def undo(con, upload_id: int) -> int:
    """Undo one upload inside the caller's transaction; returns the number of rows removed.

    Its rows go, what it superseded is current again, consent follows the newest remaining
    forum package of each library it named, and the upload is marked undone (queries/undo_upload.sql).
    """
    removed = remove(con, [upload_id], undo=True)
    queries.script(con, "undo_upload", upload_id=int(upload_id))
    return sum(removed.values())
