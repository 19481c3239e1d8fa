"""The one place that opens database connections (docs/architecture.md, "Infrastructure").

DuckDB allows one read-write process OR many read-only ones on a file, never both, so every
connection here is short-lived and guarded by a sidecar lock file: shared for reads, exclusive
for writes, with a bounded wait that ends in one clear line. Every committed write bumps
``meta.data_version`` and mirrors it to a sidecar ``.version`` file, which caches key on (the main
file's mtime does not change on a write: DuckDB writes the ``.wal``).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from servicemirror import queries

SCHEMA_VERSION = 10
LOCK_WAIT_SECONDS = 30.0
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class DatabaseError(Exception):
    """A database problem explained in one line (missing file, busy, locked, too new)."""


class DatabaseBusy(DatabaseError):
    """Another process holds the database longer than we are willing to wait."""


def lock_path(db_path: Path) -> Path:
    return Path(f"{db_path}.lock")


def version_path(db_path: Path) -> Path:
    return Path(f"{db_path}.version")


def intent_path(db_path: Path) -> Path:
    return Path(f"{db_path}.intent")


def _flock(fd: int, mode: int, deadline: float, db_path: Path, what: str, wait: float) -> None:
    """flock with a bounded wait; DatabaseBusy with one line when the wait runs out."""
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{db_path}: another Service Mirror process is using the database; "
                    f"gave up {what} it after {wait:.0f} s. Try again when the other load has finished."
                ) from None
            time.sleep(0.02)


def _open_lock_file(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def _file_lock(db_path: Path, exclusive: bool, wait: float) -> Iterator[None]:
    """Readers share, a writer is alone; a waiting writer goes before new readers.

    Two sidecar files: ``.intent`` (a writer holds it exclusively while it waits and writes;
    a reader passes through it shared) and ``.lock`` (shared for reads, exclusive for the write).
    Without the intent file a steady stream of short reads (a busy dashboard) could keep the
    shared lock taken forever and starve an upload. flock locks belong to the open file and die
    with the process, so a killed process never leaves a stale lock behind.
    """
    deadline = time.monotonic() + wait
    what = "writing to" if exclusive else "reading"
    intent = _open_lock_file(intent_path(db_path))
    main = None
    try:
        _flock(intent, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, deadline, db_path, what, wait)
        main = _open_lock_file(lock_path(db_path))
        _flock(main, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, deadline, db_path, what, wait)
        if not exclusive:
            os.close(intent)  # a reader lets a waiting writer line up behind it at once
            intent = None
        yield
    finally:
        if main is not None:
            os.close(main)  # closing the descriptor releases the lock
        if intent is not None:
            os.close(intent)


def _connect(db_path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(db_path), read_only=read_only, config=_CONFIG)
    except duckdb.IOException as exc:
        raise DatabaseError(
            f"{db_path}: cannot open the database ({str(exc).splitlines()[0]}). "
            "Is another program (not Service Mirror) holding it open? Close it and try again."
        ) from None
    # DuckDB draws a progress bar on stdout for a query over two seconds (a busy machine, a
    # national database): it broke `--json` output and the CLI's own progress lines
    queries.execute(con, "session_no_progress_bar")
    return con


def exists(db_path: Path) -> bool:
    return Path(db_path).is_file()


def require(db_path: Path) -> None:
    """Raise a one-line DatabaseError when the database does not exist yet."""
    if not exists(db_path):
        raise DatabaseError(
            f"{db_path}: no database here. Create one with `servicemirror demo --db {db_path}` "
            f"or `servicemirror load FILE --db {db_path}`."
        )


@contextmanager
def reading(db_path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection under the shared lock."""
    require(db_path)
    with _file_lock(db_path, exclusive=False, wait=wait):
        con = _connect(db_path, read_only=True)
        try:
            _check_version(con, db_path)
            yield con
        finally:
            con.close()


@contextmanager
def writing(
    db_path: Path, create: bool = False, wait: float = LOCK_WAIT_SECONDS, bump: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection in one transaction under the exclusive lock.

    The transaction commits when the block ends normally (bumping the data version) and rolls
    back on any exception, so a write lands whole or not at all. Only ``create=True`` may make a
    new database file. ``bump=False`` is for rows no cached result depends on (the audit log):
    the data version, and with it every cache, stays as it is.
    """
    db_path = Path(db_path)
    if not create:
        require(db_path)
    with _file_lock(db_path, exclusive=True, wait=wait):
        con = _connect(db_path, read_only=False)
        try:
            migrate(con, db_path)
            con.execute("begin transaction")
            try:
                yield con
                version = _bump_version(con) if bump else None
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
            con.execute("checkpoint")
            if version is not None:
                _write_version_file(db_path, version)
        finally:
            con.close()


def migrate(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Create the schema, or bring an older database up to SCHEMA_VERSION (idempotent)."""
    current = _schema_version(con)
    if current is not None and current > SCHEMA_VERSION:
        raise DatabaseError(
            f"{db_path}: the database has schema version {current}, newer than this Service Mirror "
            f"({SCHEMA_VERSION}). Update Service Mirror."
        )
    con.execute(queries.sql("schema"))
    for version in range((current or 1) + 1, SCHEMA_VERSION + 1):
        con.execute(queries.sql(f"migrate_{version}"))
    queries.execute(con, "meta_set", key="schema_version", value=str(SCHEMA_VERSION))
    if queries.scalar(con, "meta_get", key="data_version") is None:
        queries.execute(con, "meta_set", key="data_version", value="0")


def _schema_version(con) -> int | None:
    has_meta = queries.scalar(con, "table_exists", name="meta")
    if not has_meta:
        return None
    value = queries.scalar(con, "meta_get", key="schema_version")
    return int(value) if value is not None else None


def _check_version(con, db_path: Path) -> None:
    current = _schema_version(con)
    if current is None:
        raise DatabaseError(f"{db_path}: this file is not a Service Mirror database.")
    if current != SCHEMA_VERSION:
        raise DatabaseError(
            f"{db_path}: schema version {current}, this Service Mirror expects {SCHEMA_VERSION}. "
            "Run any `servicemirror load` or `servicemirror demo` once to migrate it."
        )


def _bump_version(con) -> int:
    version = int(queries.scalar(con, "meta_get", key="data_version") or 0) + 1
    queries.execute(con, "meta_set", key="data_version", value=str(version))
    return version


def _write_version_file(db_path: Path, version: int) -> None:
    target = version_path(db_path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(str(version))
    os.replace(tmp, target)


def data_version(db_path: Path) -> int:
    """The current data version, from the sidecar file (no connection needed); 0 if none."""
    path = version_path(db_path)
    if not path.is_file():
        return 0
    text = path.read_text().strip()
    return int(text) if text.isdigit() else 0


def upgrade(db_path: Path, wait: float = LOCK_WAIT_SECONDS) -> None:
    """Migrate a database an older Service Mirror made, changing no data (no version bump).

    The load path reads the database (mapping profiles, known libraries) before its write, and a
    read refuses an older schema; a load therefore upgrades first. Nothing happens to a missing
    or current database.
    """
    db_path = Path(db_path)
    if not exists(db_path):
        return
    with _file_lock(db_path, exclusive=False, wait=wait):
        con = _connect(db_path, read_only=True)
        try:
            current = _schema_version(con)
        finally:
            con.close()
    if current is not None and current < SCHEMA_VERSION:
        with writing(db_path, wait=wait, bump=False):
            pass
