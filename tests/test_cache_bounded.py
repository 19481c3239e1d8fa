"""The one bounded memo (servicemirror/core/cache.py ``Bounded``) behind the shared cache and the
dashboard's per-labelling caches: least recently used out first, older data versions dropped."""

from __future__ import annotations

from servicemirror.core import cache


def test_least_recently_used_goes_first_and_a_result_is_built_once():
    memo = cache.Bounded(2)
    built: list[str] = []

    def build(name):
        return lambda: built.append(name) or name.upper()

    assert memo.get(("a",), build("a")) == "A"
    assert memo.get(("b",), build("b")) == "B"
    assert memo.get(("a",), build("a")) == "A"  # kept, and now the most recently used
    memo.get(("c",), build("c"))  # over the bound: "b" (least recently used) goes
    assert memo.get(("a",), build("a")) == "A"
    memo.get(("b",), build("b"))
    assert built == ["a", "b", "c", "b"]


def test_stale_entries_go_when_a_newer_result_is_stored():
    memo = cache.Bounded(10)
    memo.get(("db", 1, "x"), lambda: 1)
    memo.get(("other", 1, "x"), lambda: 2)
    memo.get(("db", 2, "x"), lambda: 3, lambda k: k[0] == "db" and k[1] != 2)
    rebuilt = []
    memo.get(("db", 1, "x"), lambda: rebuilt.append(1) or 1)
    memo.get(("other", 1, "x"), lambda: rebuilt.append(2) or 2)
    assert rebuilt == [1]  # the older version of "db" was dropped, the other database kept


def test_cached_is_per_version_and_clear_forgets_by_name(tmp_path):
    calls: list[int] = []
    db_path = tmp_path / "x.duckdb"
    for version in (1, 1, 2):
        cache.cached(db_path, "test.name", lambda v=version: calls.append(v) or v, version=version)
    assert calls == [1, 2]
    cache.clear("test.")
    cache.cached(db_path, "test.name", lambda: calls.append(3) or 3, version=2)
    assert calls == [1, 2, 3]
