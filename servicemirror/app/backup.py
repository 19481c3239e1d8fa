"""Export every table to a folder and restore it into an empty database (a round trip that loses nothing).

``export`` writes, under the shared read lock (one consistent snapshot, no load can interleave):

    DIR/<table>.parquet      every table, exact types (the restore source)
    DIR/csv/<table>.csv      the same rows for Excel users: UTF-8 with BOM, ``;`` and decimal comma
                             (what Danish Excel opens with a double click), formula-injection protected
    DIR/manifest.json        written last: schema and data version, row counts, sha256 of every file,
                             the next value of every sequence, and whether the hash salt is included

The folder is built next to DIR under a temporary name and renamed into place at the end, so a
crash never leaves a half backup that looks complete. ``restore`` verifies the manifest (format,
schema version, the exact set of tables, every checksum and row count) before it creates anything,
then fills a new or empty database in ONE transaction (``db.writing``): it lands whole or not at
all. Sequences continue after the backup's values, so the next upload gets a fresh id.

A backup made under an older schema version restores too: its tables are checked against the
schema AT THE BACKUP'S VERSION (schema.sql plus migrate_2 .. migrate_<version>, built in memory),
its rows land in the current tables, a column a later migration added is filled NULL, a table a
later migration created stays empty, a table a later migration dropped (``DROPPED``) is left
out, and the later migrate_<n>.sql files then run again over the
restored rows in the same transaction, so the result is what migrating the old database would give.
A backup from a newer Service Mirror is refused.

The backup carries the ``hash_salt`` setting (docs/decisions.md, "Backups carry the hash salt"):
without it, a re-export loaded after a restore would hash its respondent ids differently and no
longer supersede the rows it repeats. So a backup folder is as sensitive as the database itself.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from csv import QUOTE_NONNUMERIC
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from servicemirror import queries
from servicemirror.app import comments
from servicemirror.core import db, safety
from servicemirror.privacy import cells_table

FORMAT = "servicemirror-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CSV_DIALECT = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"}


class BackupError(Exception):
    """An export or restore refused or failed; the message is one line saying what to do."""


@dataclass
class BackupSummary:
    """What export or restore did: the folder, the database, rows per table, data version."""

    folder: Path
    db_path: Path
    rows: dict[str, int]
    data_version: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# --------------------------------------------------------------------------- export


def export(db_path: Path, out: Path) -> BackupSummary:
    """Write every table of ``db_path`` to the new or empty folder ``out``; returns a summary.

    Raises BackupError when ``out`` holds files already (nothing is overwritten) or cannot be written.
    """
    db_path, out = Path(db_path), Path(out)
    db.require(db_path)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(
            f"{out}: the folder is not empty; export into a new or empty folder "
            "(nothing was overwritten)."
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as exc:
        raise BackupError(f"{out}: cannot write there ({exc.strerror}).") from None
    try:
        manifest = _write_tables(db_path, staging)
        _write_json(staging / MANIFEST, manifest)
        if out.exists():
            out.rmdir()  # empty (checked above); rename cannot replace it on every platform
        os.replace(staging, out)
    except OSError as exc:
        raise BackupError(f"{out}: cannot write the backup ({exc.strerror}).") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    rows = {name: t["rows"] for name, t in manifest["tables"].items()}
    return BackupSummary(out, db_path, rows, manifest["data_version"])


def _write_tables(db_path: Path, folder: Path) -> dict:
    (folder / "csv").mkdir()
    tables: dict[str, dict] = {}
    with db.reading(db_path) as con:
        data_version = int(queries.scalar(con, "meta_get", key="data_version") or 0)
        schema_version = int(queries.scalar(con, "meta_get", key="schema_version"))
        salt = queries.scalar(con, "setting_get", key="hash_salt")
        sequences = {
            str(r.sequence_name): int(r.next_value)
            for r in queries.run(con, "backup_sequences").itertuples()
        }
        for name in _tables(con):
            parquet = folder / f"{name}.parquet"
            queries.execute(con, "backup_table_parquet", name=name, path=str(parquet))
            frame = queries.run(con, "backup_table", name=name)
            csv = folder / "csv" / f"{name}.csv"
            # every text field quoted, so a line break inside a comment never ends the row
            _csv_frame(frame).to_csv(csv, index=False, quoting=QUOTE_NONNUMERIC, **CSV_DIALECT)
            tables[name] = {
                "rows": int(queries.scalar(con, "backup_table_count", name=name)),
                "parquet": parquet.name,
                "parquet_sha256": safety.sha256_file(parquet),
                "csv": f"csv/{csv.name}",
                "csv_sha256": safety.sha256_file(csv),
            }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": schema_version,
        "data_version": data_version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": safety.display_name(db_path),
        "contains_hash_salt": bool(salt),
        "csv_dialect": CSV_DIALECT,
        "sequences": sequences,
        "tables": tables,
    }


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists as JSON text (Excel has no list cells), then formula-injection protection."""
    out = frame.copy()
    for column in out.columns:
        if (
            out[column].dtype == object
            and out[column].map(lambda v: isinstance(v, list | tuple) or hasattr(v, "tolist")).any()
        ):
            out[column] = out[column].map(
                lambda v: json.dumps(list(v), ensure_ascii=False) if v is not None else None
            )
    return safety.protect_frame(out)


# --------------------------------------------------------------------------- restore


# tables a backup may lack because it was made before they existed (same schema version while
# the reserved migrations fill in): the audit log of the access layer; restored empty
STARTS_EMPTY = frozenset({"audit"})

# tables a migration dropped -> the schema version that dropped them: a backup made before that
# version holds the table; it is accepted and its rows are left out, as migrating the old
# database drops them (`users` was never written: server-mode users live in the user file)
DROPPED = {"users": 7}


def restore(folder: Path, db_path: Path) -> BackupSummary:
    """Restore the backup in ``folder`` into ``db_path``, which must be new or empty.

    Every check (manifest, schema version, tables, checksums, row counts) runs before anything is
    created; the rows then land in one transaction. Raises BackupError with one line.
    """
    folder, db_path = Path(folder), Path(db_path)
    manifest = verify(folder)
    created = not db.exists(db_path)
    if not created:
        with db.reading(db_path):
            pass  # refuses, in one line, a file that is not a Service Mirror database
    try:
        with db.writing(db_path, create=True) as con:
            present = _tables(con)
            version = int(manifest["schema_version"])
            # the tables and columns the backup must have: those of ITS schema version
            shape = _schema_shape(version) if version < db.SCHEMA_VERSION else None
            expected = list(shape) if shape is not None else present
            # a log that starts empty may be missing from a backup made before it existed
            expected = [n for n in expected if n in manifest["tables"] or n not in STARTS_EMPTY]
            backed_up = set(manifest["tables"]) - {
                name for name, dropped_at in DROPPED.items() if version < dropped_at
            }
            if set(expected) != backed_up:
                missing = sorted(set(expected) - backed_up)
                extra = sorted(backed_up - set(expected))
                raise BackupError(
                    f"{folder}: the backup's tables do not match schema version {version} "
                    f"(missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'})."
                )
            _require_empty(con, db_path, present)
            for name in expected:
                if name != "meta":
                    # columns a later migration added are not in an older backup: NULL
                    added = set(con.table(name).columns) - set(shape[name]) if shape else set()
                    _insert_parquet(con, name, folder / f"{name}.parquet", added)
            for later in range(version + 1, db.SCHEMA_VERSION + 1):
                # the migrations are idempotent; run again, any step that fills or converts
                # existing rows now applies to the restored ones, as on an upgraded database
                con.execute(queries.sql(f"migrate_{later}"))
            # comment themes and tone (schema 5) are computed, not migrated: a backup from
            # before them gets them here, as an upgraded database does on its next load
            comments.tag_untagged(con)
            for key, value in con.read_parquet(str(folder / "meta.parquet")).fetchall():
                if key not in ("schema_version", "data_version"):
                    queries.execute(con, "meta_set", key=key, value=value)
            # meta: migrate() wrote schema_version (checked equal) and data_version; the restored
            # version never goes below one this path has had, so version-keyed caches cannot
            # mistake the restored data for an older state they cached
            version = max(int(manifest["data_version"]), db.data_version(db_path))
            queries.execute(con, "meta_set", key="data_version", value=str(version))
            for sequence, next_value in manifest["sequences"].items():
                # a fresh sequence hands out 1 next; draw next_value - 1 values to continue
                queries.scalar(
                    con, "restore_sequence", sequence=sequence, steps=max(int(next_value) - 1, 0)
                )
            # the published cells are not in a backup (they are built from its rows): build
            # them whole, after the meta rows above so the backup's record of them is replaced
            cells_table.refresh(con)
    except BaseException:
        if created:
            # a failed restore into a new path leaves no empty database file behind
            for suffix in ("", ".wal", ".version"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        raise
    rows = {name: t["rows"] for name, t in manifest["tables"].items()}
    return BackupSummary(folder, db_path, rows, db.data_version(db_path))


def verify(folder: Path) -> dict:
    """The backup's manifest after checking format, schema version, checksums and row counts.

    Table names come from the manifest but only ever name files WE derive (``<table>.parquet``)
    after they matched ``[a-z_]+``; a manifest cannot point restore at another path.
    """
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder}: no {MANIFEST} here; this is not a Service Mirror backup folder."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path}: the manifest is damaged ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not a Service Mirror backup manifest.")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError(f"{path}: the manifest has no valid schema version ({version!r}).")
    if version > db.SCHEMA_VERSION:
        raise BackupError(
            f"{folder}: the backup has schema version {version}, newer than this Service Mirror "
            f"({db.SCHEMA_VERSION}); update Service Mirror to restore it."
        )
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise BackupError(f"{path}: the manifest lists no tables.")
    for name, entry in tables.items():
        if not (isinstance(name, str) and name.replace("_", "").isalpha() and name.islower()):
            raise BackupError(f"{path}: the manifest names an invalid table {name!r}.")
        for kind, relative in (("parquet", f"{name}.parquet"), ("csv", f"csv/{name}.csv")):
            file = folder / relative
            if not file.is_file():
                raise BackupError(f"{folder}: {relative} is missing; the backup is incomplete.")
            if safety.sha256_file(file) != entry.get(f"{kind}_sha256"):
                raise BackupError(
                    f"{folder}: {relative} does not match its checksum in the manifest "
                    "(changed or damaged after the export); nothing was restored."
                )
        rows = _parquet_rows(folder / f"{name}.parquet")
        if rows != entry.get("rows"):
            raise BackupError(
                f"{folder}: {name}.parquet holds {rows} rows, the manifest says {entry.get('rows')}."
            )
    if not isinstance(manifest.get("sequences"), dict):
        raise BackupError(f"{path}: the manifest lists no sequences.")
    return manifest


def _require_empty(con, db_path: Path, tables: list[str]) -> None:
    filled = [
        name
        for name in tables
        if name != "meta" and int(queries.scalar(con, "backup_table_count", name=name))
    ]
    if filled:
        raise BackupError(
            f"{db_path}: the database is not empty ({', '.join(filled[:4])}"
            f"{' ...' if len(filled) > 4 else ''} hold rows); restore only into a new database, "
            "e.g. --db data/restored.duckdb. Nothing was changed."
        )


def _insert_parquet(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    added: set[str] | frozenset = frozenset(),
) -> None:
    """Insert a Parquet file into ``table`` column by column name, inside the open transaction.

    ``added``: columns a migration newer than the backup created; they are NULL in the restored
    rows. Any other column the file lacks means an incomplete backup.
    """
    # the relation API names the table and columns as values: no SQL is built from strings
    columns = con.table(table).columns
    source = con.read_parquet(str(path))
    missing = [c for c in columns if c not in source.columns and c not in added]
    if missing:
        raise BackupError(f"{path.name}: columns {', '.join(missing)} are missing in the backup.")
    source.select(
        *[
            duckdb.ColumnExpression(c)
            if c in source.columns
            else duckdb.ConstantExpression(None).alias(c)
            for c in columns
        ]
    ).insert_into(table)


def _schema_shape(version: int) -> dict[str, list[str]]:
    """Table -> columns of a database at schema ``version``: schema.sql, then migrate_2 ..
    migrate_<version>, built in an in-memory database (the same files that built the real one)."""
    scratch = duckdb.connect(":memory:")
    try:
        scratch.execute(queries.sql("schema"))
        for step in range(2, version + 1):
            scratch.execute(queries.sql(f"migrate_{step}"))
        return {name: scratch.table(name).columns for name in _tables(scratch)}
    finally:
        scratch.close()


# --------------------------------------------------------------------------- helpers


def _tables(con) -> list[str]:
    return [str(n) for n in queries.run(con, "backup_tables")["table_name"]]


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: not a readable Parquet file ({exc}).") from None


def _write_json(path: Path, value: dict) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
