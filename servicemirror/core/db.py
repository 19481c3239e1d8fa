"""The one place that opens database connections (docs/architecture.md, "Infrastructure").

DuckDB allows one read-write process OR many read-only ones on a file, never both, so every
connection here is guarded by a sidecar lock file: shared for reads, exclusive for writes, with a
bounded wait that ends in one clear line. Connections are short-lived, except that the dashboard
process keeps a read connection open between reads until a writer lines up (``keep_reads_open``). Every committed write bumps
``meta.data_version`` and mirrors it to a sidecar ``.version`` file, which caches key on (the main
file's mtime does not change on a write: DuckDB writes the ``.wal``).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    intent, main = _take_locks(db_path, exclusive, wait)
    try:
        if not exclusive:
            os.close(intent)  # a reader lets a waiting writer line up behind it at once
            intent = None
        yield
    finally:
        os.close(main)  # closing the descriptor releases the lock
        if intent is not None:
            os.close(intent)


def _take_locks(db_path: Path, exclusive: bool, wait: float) -> tuple[int, int]:
    """Open and lock ``.intent`` then ``.lock`` (both exclusive for a writer, shared for a
    reader), waiting at most ``wait`` seconds in all; the two descriptors, or nothing left open
    on failure (the caller closes or unlocks them: see :func:`_file_lock` and ``_open_held``)."""
    deadline = time.monotonic() + wait
    what = "writing to" if exclusive else "reading"
    how = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    intent = _open_lock_file(intent_path(db_path))
    main = None
    try:
        _flock(intent, how, deadline, db_path, what, wait)
        main = _open_lock_file(lock_path(db_path))
        _flock(main, how, deadline, db_path, what, wait)
    except BaseException:
        if main is not None:
            os.close(main)
        os.close(intent)
        raise
    return intent, main


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
    """A read-only connection under the shared lock.

    Short-lived by default; in a process that called :func:`keep_reads_open` (the dashboard) a
    cursor on a read connection held open between calls (see ``_Held``).
    """
    require(db_path)
    keep = _KEEP_READS_OPEN or _key(db_path) in _HOLDING
    held = _borrow(Path(db_path), wait) if keep else None
    if held is not None:
        entry, cursor = held
        try:
            yield cursor
        finally:
            _give_back(entry, cursor)
        return
    with _file_lock(db_path, exclusive=False, wait=wait):
        con = _connect(db_path, read_only=True)
        try:
            _check_version(con, db_path)
            yield con
        finally:
            con.close()


# --------------------------------------------------------------------------- held read connections
# Opening a DuckDB file costs 20-50 ms (catalog, schema check), more than most page queries. A
# dashboard process therefore keeps one read-only connection per database open while nobody
# writes, and hands each reading() a cursor on it (0.2 ms; cursors may run in parallel threads).
# The held connection keeps the shared lock, so a write cannot happen under it: a writer lines up
# on the .intent file (``_file_lock``) and a watcher thread, which looks every WATCH_SECONDS,
# closes the connection as soon as the last cursor is given back, so the writer gets in within
# WATCH_SECONDS plus the query that is running. New reads meanwhile take the ordinary path, which
# waits behind the writer; the next read after the write opens a fresh connection on new data.

WATCH_SECONDS = 0.1
IDLE_SECONDS = 60.0  # an unused held connection is closed after this long (frees its memory)
_KEEP_READS_OPEN = False
_HOLDING: dict[str, int] = {}  # databases held for a block (holding_reads): nesting count
_HELD: dict[str, _Held] = {}
_HELD_LOCK = threading.Lock()
_WATCHER: threading.Thread | None = None


@dataclass(eq=False)
class _Held:
    """One held read connection: its DuckDB connection, the shared lock it holds, who uses it."""

    path: Path
    con: duckdb.DuckDBPyConnection
    lock_fd: int  # shared lock on .lock, held as long as the connection is open
    intent_fd: int  # probed (never held) to see whether a writer is waiting
    identity: tuple[int, int]  # (st_dev, st_ino) of the file opened: a replaced file is not it
    version: int
    users: int = 0
    last_used: float = field(default_factory=time.monotonic)
    draining: bool = False  # a writer is waiting or the file changed: no new cursors


def keep_reads_open(keep: bool = True) -> None:
    """Hold read connections open between :func:`reading` calls in this process (the dashboard).

    ``keep=False`` closes the held connections that are not in use and returns to short-lived
    connections.
    """
    global _KEEP_READS_OPEN
    _KEEP_READS_OPEN = keep
    if not keep:
        let_go()


@contextmanager
def holding_reads(db_path: Path) -> Iterator[None]:
    """Within the block, this process's :func:`reading` calls on ``db_path`` share one held read
    connection (as the dashboard's do), closed when the block ends.

    For an upload, whose checks read the database three times before its write (mapping
    profiles, known libraries and items, saved unit mappings): one open instead of three. The
    held connection gives way to a writer as the dashboard's does, and :func:`writing` lets go
    of it first, so nothing waits longer than with short-lived reads.
    """
    key = _key(db_path)
    with _HELD_LOCK:
        _HOLDING[key] = _HOLDING.get(key, 0) + 1
    try:
        yield
    finally:
        with _HELD_LOCK:
            _HOLDING[key] -= 1
            if not _HOLDING[key]:
                del _HOLDING[key]
        if not _KEEP_READS_OPEN and key not in _HOLDING:
            let_go(db_path)


def let_go(db_path: Path | None = None) -> None:
    """Close the held read connection of ``db_path`` (all of them without one) once unused.

    For a write in this process (:func:`writing` calls it) and for tests that open the file
    with DuckDB directly.
    """
    with _HELD_LOCK:
        for key, entry in list(_HELD.items()):
            if db_path is None or key == _key(db_path):
                entry.draining = True
                if entry.users == 0:
                    _close(entry)


def held_count() -> int:
    """How many read connections this process holds open (for tests and benchmarks)."""
    with _HELD_LOCK:
        return len(_HELD)


def _key(db_path: Path) -> str:
    return os.path.abspath(db_path)


def _identity(db_path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(db_path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _writer_waiting(entry: _Held) -> bool:
    """Whether a writer holds the .intent file (it takes it exclusively while it waits)."""
    try:
        fcntl.flock(entry.intent_fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(entry.intent_fd, fcntl.LOCK_UN)
    return False


def _usable(entry: _Held) -> bool:
    return (
        not entry.draining
        and entry.identity == _identity(entry.path)
        and entry.version == data_version(entry.path)
        and not _writer_waiting(entry)
    )


def _borrow(db_path: Path, wait: float) -> tuple[_Held, duckdb.DuckDBPyConnection] | None:
    """A cursor on the held connection of ``db_path``, opening it first if needed; None when a
    writer is waiting (the caller then takes the ordinary path, which queues behind it)."""
    key = _key(db_path)
    with _HELD_LOCK:
        entry = _HELD.get(key)
        if entry is not None:
            if _usable(entry):
                entry.users += 1
                return entry, entry.con.cursor()
            entry.draining = True
            if entry.users == 0:
                _close(entry)
            return None
    entry = _open_held(db_path, wait)
    with _HELD_LOCK:
        if _HELD.get(key) is not None:  # another thread opened one meanwhile: use that one
            _close(entry, registered=False)
            return None
        _HELD[key] = entry
        entry.users += 1
        _start_watcher()
        return entry, entry.con.cursor()


def _open_held(db_path: Path, wait: float) -> _Held:
    """Open a read connection under the shared lock and keep both (schema checked once here)."""
    intent, main = _take_locks(db_path, exclusive=False, wait=wait)
    try:
        fcntl.flock(intent, fcntl.LOCK_UN)  # as in _file_lock: a writer may line up at once
        identity = _identity(db_path)
        version = data_version(db_path)
        con = _connect(db_path, read_only=True)
    except BaseException:
        os.close(main)
        os.close(intent)
        raise
    try:
        _check_version(con, db_path)
    except BaseException:
        con.close()
        os.close(main)
        os.close(intent)
        raise
    return _Held(db_path, con, main, intent, identity, version)  # type: ignore[arg-type]


def _give_back(entry: _Held, cursor: duckdb.DuckDBPyConnection) -> None:
    cursor.close()
    with _HELD_LOCK:
        entry.users -= 1
        entry.last_used = time.monotonic()
        if entry.users == 0 and (entry.draining or _writer_waiting(entry)):
            _close(entry)


def _close(entry: _Held, registered: bool = True) -> None:
    """Close a held connection and release its lock (caller holds _HELD_LOCK, no cursor open)."""
    if registered and _HELD.get(_key(entry.path)) is entry:
        del _HELD[_key(entry.path)]
    entry.con.close()
    os.close(entry.lock_fd)  # closing the descriptor releases the shared lock
    os.close(entry.intent_fd)


def _start_watcher() -> None:
    global _WATCHER
    if _WATCHER is None or not _WATCHER.is_alive():
        _WATCHER = threading.Thread(target=_watch, name="servicemirror-held-reads", daemon=True)
        _WATCHER.start()


def _watch() -> None:
    """Let go of held connections when a writer waits or they sit unused; ends with none left."""
    global _WATCHER
    while True:
        time.sleep(WATCH_SECONDS)
        with _HELD_LOCK:
            now = time.monotonic()
            for entry in list(_HELD.values()):
                if entry.draining or _writer_waiting(entry):
                    entry.draining = True
                elif now - entry.last_used > IDLE_SECONDS:
                    entry.draining = entry.users == 0
                if entry.draining and entry.users == 0:
                    _close(entry)
            if not _HELD:
                _WATCHER = None
                return


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
    let_go(db_path)  # this process's own held read connection would block the write
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
