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
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from servicemirror.core import db

T = TypeVar("T")

MAX_ENTRIES = 64  # a bound for processes that open many databases (tests, a forum server)
_CACHE: dict[tuple, object] = {}
_LOCK = threading.Lock()


def cached(
    db_path: Path, name: str, build: Callable[[], T], *key: Hashable, version: int | None = None
) -> T:
    """``build()`` once per database, data version, ``name`` and extra ``key``.

    ``version`` defaults to the database's current data version (read from its sidecar file).
    Two threads asking at once may both build; the result is the same, one of them is kept.
    """
    where = str(Path(db_path).resolve())
    version = db.data_version(Path(db_path)) if version is None else version
    full = (where, version, name, key)
    with _LOCK:
        if full in _CACHE:
            return _CACHE[full]  # type: ignore[return-value]
    result = build()
    with _LOCK:
        for old in [k for k in _CACHE if k[0] == where and k[1] != version]:
            del _CACHE[old]
        _CACHE[full] = result
        while len(_CACHE) > MAX_ENTRIES:
            del _CACHE[next(iter(_CACHE))]  # the oldest entry first (dicts keep insertion order)
    return result


def clear(*names: str) -> None:
    """Forget cached results: those whose name starts with one of ``names``, or all without any.

    For tests and benchmarks that measure a cold build.
    """
    with _LOCK:
        for full in [k for k in _CACHE if not names or str(k[2]).startswith(names)]:
            del _CACHE[full]
