"""The one list of upload-owned tables (servicemirror/core/upload_tables.py) against DuckDB's catalog."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from servicemirror import queries
from servicemirror.core import db, upload_tables


@pytest.fixture
def schema_con():
    """A new database at the current schema version, in memory (schema.sql + every migration)."""
    con = duckdb.connect(":memory:")
    db.migrate(con, Path(":memory:"))
    yield con
    con.close()


def _catalog_tables_with_upload_id(con) -> set[str]:
    # read independently of upload_tables_catalog.sql: information_schema, base tables only
    rows = con.execute(
        "select c.table_name from information_schema.columns c "
        "join information_schema.tables t using (table_schema, table_name) "
        "where c.table_schema = 'main' and c.column_name = 'upload_id' "
        "and t.table_type = 'BASE TABLE'"
    ).fetchall()
    return {r[0] for r in rows} - {"uploads"}


def test_every_table_with_an_upload_id_is_on_the_list(schema_con):
    found = _catalog_tables_with_upload_id(schema_con)
    assert found, "the catalog query found no table: it would prove nothing"
    assert found == set(upload_tables.TABLES)
    assert upload_tables.unknown(schema_con) == []
    assert set(upload_tables.in_database(schema_con)) == found


def test_every_listed_table_has_its_current_view(schema_con):
    views = {
        r[0]
        for r in schema_con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' and table_type = 'VIEW'"
        ).fetchall()
    }
    assert {f"current_{t}" for t in upload_tables.TABLES} <= views


def test_a_table_off_the_list_is_found(schema_con):
    schema_con.execute("create table side_notes (upload_id integer, note varchar)")
    assert upload_tables.unknown(schema_con) == ["side_notes"]


def test_the_table_slot_takes_only_a_plain_name():
    assert "delete from answers " in queries.on_table("upload_rows_delete", "answers")
    for bad in ("answers; drop table uploads", "Answers", "main.answers", ""):
        with pytest.raises(ValueError):
            queries.on_table("upload_rows_delete", bad)
    with pytest.raises(ValueError, match="no {table} slot"):
        queries.on_table("cells", "answers")


# the statements that decide which rows a NEW upload marks superseded (they run before the upload
# is active, so "current" is not their question), and undo's consent rule (the newest active
# package, superseded or not)
CONDITION_ALLOWED = {
    "migrate_7",
    "supersede_responses",
    "supersede_aggregates",
    "supersede_forum_package",
    "count_superseded",
    "count_superseded_packages",
    "undo_upload",
}


def test_queries_read_current_rows_through_the_views():
    repeated = [
        name
        for name in queries.names()
        if name not in CONDITION_ALLOWED
        and (
            "superseded_by is null" in queries.sql(name)
            or re.search(r"\bstatus\s*=\s*'active'", queries.sql(name))
        )
    ]
    # upload_by_sha256 asks about uploads themselves (is this file already active?)
    assert repeated == ["upload_by_sha256"]
