"""The one cache of role-independent results, keyed on the database and its data version.

Everything cached here holds library keys, never names, and is the same for every viewer: the
published cells (``publish.published``), the hypothesis battery (``hypothesis.analyze``), the
project/target/segment results (``service_projects``). Who may see what, and under which name,
is decided after the cache by the access layer (``servicemirror.service``). Every write bumps the
data version, so a result is never served for data that has changed; results of older versions
of the same database are dropped when a newer one is built.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from servicemirror.core import db

T = TypeVar("T")


class Bounded:
    """A bounded memo of results named fully by their key, least recently used out first.

    The one mechanism behind this module's cache and the dashboard's per-labelling ones
    (``dashboard/data.py``, ``dashboard/filters.py``), which are kept apart from it so that
    many viewers' entries cannot push the shared results out. Two threads asking at once may
    both build; the result is the same, one of them is kept. Callers read the results and never
    change them.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, full: tuple, build: Callable[[], T], stale: Callable[[tuple], bool] | None = None
    ) -> T:
        """The result kept for ``full``, else ``build()`` kept for it; when storing, entries for
        which ``stale(key)`` holds go first (results of an older data version)."""
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]  # type: ignore[return-value]
        result = build()
        with self._lock:
            if stale is not None:
                self._drop(stale)
            self._entries[full] = result
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return result

    def drop(self, which: Callable[[tuple], bool]) -> None:
        """Forget the entries whose key ``which`` accepts."""
        with self._lock:
            self._drop(which)

    def _drop(self, which: Callable[[tuple], bool]) -> None:
        for key in [k for k in self._entries if which(k)]:
            del self._entries[key]


MAX_ENTRIES = 64  # a bound for processes that open many databases (tests, a forum server)
_CACHE = Bounded(MAX_ENTRIES)


def cached(
    db_path: Path, name: str, build: Callable[[], T], *key: Hashable, version: int | None = None
) -> T:
    """``build()`` once per database, data version, ``name`` and extra ``key``.

    ``version`` defaults to the database's current data version (read from its sidecar file).
    Two threads asking at once may both build; the result is the same, one of them is kept.
    """
    where = str(Path(db_path).resolve())
    version = db.data_version(Path(db_path)) if version is None else version
    return _CACHE.get(
        (where, version, name, key), build, lambda k: k[0] == where and k[1] != version
    )


def clear(*names: str) -> None:
    """Forget cached results: those whose name starts with one of ``names``, or all without any.

    For tests and benchmarks that measure a cold build.
    """
    _CACHE.drop(lambda k: not names or str(k[2]).startswith(names))
