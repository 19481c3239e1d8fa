"""`servicemirror restore` accepts a backup made under an older schema version.

The version-1 backup is made the way an old Service Mirror would have made it: a real export of
the small forum, cut to the version-1 shape (the tables and columns that queries/schema.sql alone
creates), with a manifest that says schema 1 and checksums and row counts to match. Restoring it
must give a database at the current schema version holding every row, with the tables that
migrate_2 added present and empty, and one that later loads and supersedes as usual.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from test_backup import _changed_copy, one_line_error, run, table_rows

from servicemirror import queries
from servicemirror.app import backup
from servicemirror.core import db, safety
from servicemirror.etl import load


def _v1_shape() -> dict[str, list[str]]:
    """Table -> columns of a version-1 database: schema.sql alone, in memory."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(queries.sql("schema"))
        names = con.execute(queries.sql("backup_tables")).fetchdf()["table_name"]
        return {str(n): con.table(str(n)).columns for n in names}
    finally:
        con.close()


def _as_version_1(folder: Path, keep_tables: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Rewrite the export in ``folder`` to the version-1 shape in place; returns what was cut
    (table -> dropped columns, or ["*"] for a dropped table). ``keep_tables``: v2-only tables
    left in (to make a backup that does not match its declared version)."""
    shape = _v1_shape()
    manifest_path = folder / backup.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    cut: dict[str, list[str]] = {}
    con = duckdb.connect(":memory:")
    try:
        for name in list(manifest["tables"]):
            parquet = folder / f"{name}.parquet"
            csv = folder / "csv" / f"{name}.csv"
            if name not in shape:
                if name in keep_tables:
                    continue
                del manifest["tables"][name]
                parquet.unlink()
                csv.unlink()
                cut[name] = ["*"]
                continue
            frame = con.read_parquet(str(parquet)).fetchdf()
            extra = [c for c in frame.columns if c not in shape[name]]
            if not extra:
                continue
            cut[name] = extra
            relation = con.read_parquet(str(parquet)).select(
                *[duckdb.ColumnExpression(c) for c in shape[name]]
            )
            staged = folder / f"{name}.v1.parquet"
            relation.write_parquet(str(staged))
            staged.replace(parquet)
            backup._csv_frame(frame[shape[name]]).to_csv(csv, index=False, **backup.CSV_DIALECT)
            manifest["tables"][name]["parquet_sha256"] = safety.sha256_file(parquet)
            manifest["tables"][name]["csv_sha256"] = safety.sha256_file(csv)
    finally:
        con.close()
    manifest["schema_version"] = 1
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return cut


@pytest.fixture
def source_and_backup(tmp_path, small_db) -> tuple[Path, Path, dict[str, list[str]]]:
    """The small forum's database and its export rewritten to schema version 1."""
    folder = tmp_path / "backup-v1"
    backup.export(small_db, folder)
    return small_db, folder, _as_version_1(folder)


def test_restore_accepts_a_version_1_backup(tmp_path, source_and_backup, small_forum_files):
    source, folder, cut = source_and_backup
    # the fixture really made an old backup: migrate_2's tables and column are gone
    assert "forum_packages" in cut and "forum_cells" in cut
    assert cut.get("library_facts") == ["superseded_by"]
    assert json.loads((folder / "manifest.json").read_text())["schema_version"] == 1

    target = tmp_path / "restored.duckdb"
    done = run("restore", folder, "--db", target)
    assert done.returncode == 0, done.stderr
    with db.reading(target) as con:  # refuses any schema version but the current one
        assert queries.scalar(con, "meta_get", key="schema_version") == str(db.SCHEMA_VERSION)
    before, after = table_rows(source), table_rows(target)
    # every table of the current schema exists; the ones migrate_2 created are empty, as they are
    # in the source (it holds no forum package); every other table holds the same rows, and the
    # column migrate_2 added (library_facts.superseded_by) is NULL, as in the source
    assert set(after) == set(before)
    for name in before:
        if name == "meta":  # the restore itself is a write: data_version moves on, by design
            after[name] = [r for r in after[name] if r[0] != "data_version"]
            before[name] = [r for r in before[name] if r[0] != "data_version"]
        assert after[name] == before[name], name

    # the restored database is a working one: a changed re-export of the staff survey is
    # recognised respondent by respondent (the hash salt came along) and supersedes every one
    staff = next(f for f in small_forum_files if "staff" in f.name)
    report = load.load_file(target, _changed_copy(staff, tmp_path / "staff_v2.csv"))
    assert report.status == "loaded"
    assert report.superseded == 94


def test_restore_refuses_a_backup_whose_tables_do_not_fit_its_version(tmp_path, small_db):
    folder = tmp_path / "backup-bad"
    backup.export(small_db, folder)
    _as_version_1(folder, keep_tables=("forum_cells",))
    target = tmp_path / "bad.duckdb"
    one_line_error(
        run("restore", folder, "--db", target), "schema version 1", "unknown: forum_cells"
    )
    assert not target.exists()


def test_restore_refuses_a_newer_backup(tmp_path, small_db):
    folder = tmp_path / "backup-new"
    backup.export(small_db, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = db.SCHEMA_VERSION + 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    one_line_error(run("restore", folder, "--db", tmp_path / "n.duckdb"), "newer", "update")
