"""The migration chain: a database and a backup made by Service Mirror at schema version 6 (commit
d4aa262, before migrations 7-9) still open, migrate and restore.

The fixture (tests/fixtures/schema6/, made by its make_fixture.py from that commit's code) holds
survey rows, a re-export that superseded staff rows, vendor aggregates, kiosk counts, an undone
upload, and forum packages of which one superseded another, plus the table `users` that
migrate_7 drops.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest
from test_backup import _normal, run

from servicemirror import queries
from servicemirror.app import backup
from servicemirror.core import db, upload_tables

FIXTURE = Path(__file__).parent / "fixtures" / "schema6"


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "installation.duckdb"
    with gzip.open(FIXTURE / "installation.duckdb.gz", "rb") as fh:
        path.write_bytes(fh.read())
    return path


def _raw_rows(path: Path, tables) -> dict[str, list[tuple]]:
    """Every row of the named tables, read with plain DuckDB (no migration), sorted."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            name: [
                tuple(_normal(v) for v in row)
                for row in con.execute(queries.sql("backup_table"), {"name": name}).fetchall()
            ]
            for name in tables
        }
    finally:
        con.close()


def _current_counts(path: Path) -> dict[str, int]:
    """Current rows per upload-owned table, counted here with the condition written out (not
    through the views), as an independent check of what the views hold."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for table in upload_tables.TABLES:
            columns = set(con.table(table).columns)
            rows = (
                con.table(table)
                .df()
                .merge(
                    con.table("uploads").df()[["upload_id", "status"]], on="upload_id", how="left"
                )
            )
            keep = (rows["status"] == "active") | rows["upload_id"].isna()
            if "superseded_by" in columns:
                keep &= rows["superseded_by"].isna()
            if table in ("answers", "comments", "comment_tones", "comment_themes"):
                responses = con.table("responses").df()
                current = responses.merge(
                    con.table("uploads").df()[["upload_id", "status"]], on="upload_id"
                )
                current = current[(current["status"] == "active") & current["superseded_by"].isna()]
                keep &= rows["response_id"].isin(current["response_id"])
            out[table] = int(keep.sum())
        return out
    finally:
        con.close()


def test_fixture_is_a_version_6_database_with_rows_everywhere_it_matters(old_db):
    con = duckdb.connect(str(old_db), read_only=True)
    try:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [
            ("6",)
        ]
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert "users" in tables
        counts = {t: con.table(t).count("*").fetchall()[0][0] for t in upload_tables.TABLES}
        superseded = con.execute(
            "select (select count(*) from responses where superseded_by is not null),"
            " (select count(*) from forum_packages where superseded_by is not null),"
            " (select count(*) from uploads where status = 'undone')"
        ).fetchall()[0]
    finally:
        con.close()
    for table in ("responses", "answers", "comments", "aggregates", "kiosk_counts", "forum_cells"):
        assert counts[table] > 0, table
    assert all(n > 0 for n in superseded), superseded


def test_an_old_database_opens_after_one_write_migrates_it(old_db):
    before = _raw_rows(old_db, [t for t in upload_tables.TABLES] + ["uploads", "libraries"])
    with pytest.raises(db.DatabaseError, match="schema version 6"):
        with db.reading(old_db):
            pass
    with db.writing(old_db):
        pass  # any write migrates
    with db.reading(old_db) as con:
        assert queries.scalar(con, "meta_get", key="schema_version") == str(db.SCHEMA_VERSION)
        assert not queries.scalar(con, "table_exists", name="users")
        cells = queries.run(con, "cells")
        views = {
            t: con.execute(queries.sql("backup_table_count"), {"name": f"current_{t}"}).fetchall()[
                0
            ][0]
            for t in upload_tables.TABLES
        }
    # every row is still there, and the views hold exactly the current ones
    assert _raw_rows(old_db, before) == before
    assert views == _current_counts(old_db)
    assert not cells.empty and set(cells["source"]) >= {"rows", "aggregates"}


def test_an_old_database_undoes_and_purges_after_migrating(old_db):
    with db.writing(old_db):
        pass
    con = duckdb.connect(str(old_db), read_only=True)
    newest_package = con.execute(
        "select max(upload_id) from uploads where kind = 'forum_package'"
    ).fetchall()[0][0]
    con.close()
    from servicemirror.etl import load

    load.undo(old_db, newest_package)
    con = duckdb.connect(str(old_db), read_only=True)
    try:
        # the package it had superseded is current again
        assert con.execute(
            "select count(*) from forum_packages where superseded_by is not null"
        ).fetchall() == [(0,)]
    finally:
        con.close()
    done = run("purge", "--db", old_db, "--before", "2100-01-01", "--json")
    assert done.returncode == 0, done.stderr
    for table, rows in _raw_rows(old_db, list(upload_tables.TABLES) + ["uploads"]).items():
        assert rows == [], table


def test_an_old_backup_restores_to_what_migrating_the_old_database_gives(tmp_path, old_db):
    folder = tmp_path / "backup"
    shutil.copytree(FIXTURE / "backup", folder)
    target = tmp_path / "restored.duckdb"
    done = run("restore", folder, "--db", target)
    assert done.returncode == 0, done.stderr
    with db.writing(old_db):
        pass
    with db.reading(target) as con:
        tables = [str(n) for n in queries.run(con, "backup_tables")["table_name"]]
        assert "users" not in tables
    restored = _raw_rows(target, tables)
    migrated = _raw_rows(old_db, tables)
    for name in tables:
        if name == "meta":  # data_version differs by design (a restore is a write)
            continue
        assert restored[name] == migrated[name], name


def test_a_backup_with_users_is_refused_once_the_schema_has_dropped_it(tmp_path, old_db):
    # a version-9 backup never holds users: one that does is not what it claims to be
    with db.writing(old_db):
        pass
    folder = tmp_path / "new-backup"
    backup.export(old_db, folder)
    assert "users" not in {p.stem for p in folder.glob("*.parquet")}
    old = FIXTURE / "backup"
    for name in ("users.parquet", "csv/users.csv"):
        shutil.copy(old / name, folder / name)
    manifest = (folder / backup.MANIFEST).read_text(encoding="utf-8")
    import json

    data = json.loads(manifest)
    data["tables"]["users"] = json.loads((old / backup.MANIFEST).read_text())["tables"]["users"]
    (folder / backup.MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(backup.BackupError, match="unknown: users"):
        backup.restore(folder, tmp_path / "x.duckdb")
