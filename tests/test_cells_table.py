"""The stored published cells (queries/migrate_10.sql, servicemirror/privacy/cells_table.py).

After every kind of write (load, a re-export that supersedes, undo, purge, restore, a change of k,
forum packages and their supersession) the stored table must equal a FULL rebuild from the rows
(``publish.from_rows``: cells.sql + staff_branch_cells.sql + the suppression), and an upload must
have refreshed only the library-periods it touched.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import copy_database, write_long, write_one_library

from servicemirror import queries
from servicemirror.app import backup, forum, purge
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.privacy import publish


def _normal(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Same rows in the same order with comparable types (the stored table keeps NPS counts as
    doubles; a rebuild gives integers when no count is missing)."""
    out = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    for col in ("n", "mean", "sd", "ss_within", "promoters", "detractors"):
        if col in out.columns:
            out[col] = out[col].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    for col in out.columns:
        if out[col].dtype != "float64" and col != "suppressed":  # text, however pandas holds it
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


CELL_KEYS = ["library_key", "period", "side", "measure", "touchpoint"]
BRANCH_KEYS = ["library_key", "period", "measure", "branch_key"]


def assert_same_as_full_rebuild(path: Path) -> pd.DataFrame:
    """The stored cells are current and equal a full rebuild from the rows; returns them."""
    with db.reading(path) as con:
        k = publish.k_from_settings(dict(queries.run(con, "settings_all").itertuples(index=False)))
        version = int(queries.scalar(con, "meta_get", key="data_version"))
        stored = publish.stored(con, k, version)
        assert stored is not None, "the write left the stored cells behind its data version"
        cells, branches = publish.from_rows(con, k)
    pd.testing.assert_frame_equal(_normal(stored[0], CELL_KEYS), _normal(cells, CELL_KEYS))
    pd.testing.assert_frame_equal(
        _normal(stored[1], BRANCH_KEYS), _normal(branches[stored[1].columns], BRANCH_KEYS)
    )
    return stored[0]


def _branch_staff(folder: Path, library: str, period: str, sizes: dict[str, int], tag: str) -> Path:
    """A staff file of one library with a branch column: branch -> number of staff."""
    rows = []
    for branch, n in sizes.items():
        for s in range(n):
            rid = f"{library}-{branch}-{s}"  # the same people in every period
            for w in range(1, 6):
                rows.append(
                    [library, period, "staff", rid, f"core_w{w}", 2 + (s + w) % 4, branch, ""]
                )
            rows.append([library, period, "staff", rid, "core_enps", 5 + s % 6, branch, ""])
    return write_long(folder / f"{library}_{period}_{tag}.csv", rows, ["branch", "comment"])


def test_load_reexport_undo_k_and_purge_keep_the_table_equal_to_a_full_rebuild(
    small_db_shared, tmp_path, refreshes
):
    path = copy_database(small_db_shared, tmp_path / "db")
    assert_same_as_full_rebuild(path)  # as the shared database's own loads left it
    files = tmp_path / "files"

    # a small upload refreshes only its own library-period
    patron = load.load_file(path, write_one_library(files, "Alfa", "2025"), loaded_by="test")
    assert not refreshes[-1].whole
    assert refreshes[-1].libraries == ("alfa",) and refreshes[-1].periods == ("2025",)
    assert_same_as_full_rebuild(path)

    # branches where complementary suppression applies: 4 staff in one (below k) hide the other
    staff = load.load_file(
        path, _branch_staff(files, "Beta", "2025", {"Nord": 4, "Syd": 6}, "a"), loaded_by="test"
    )
    cells = assert_same_as_full_rebuild(path)
    with db.reading(path) as con:
        version = int(queries.scalar(con, "meta_get", key="data_version"))
        branches = publish.stored(con, 5, version)[1]
    assert set(branches.loc[branches["library_key"] == "beta", "suppressed_rule"]) == {
        "k",
        "complementary",
    }
    # a re-export of the same people moved to the next period supersedes the 2025 rows
    again = load.load_file(
        path, _branch_staff(files, "Beta", "2026", {"Nord": 4, "Syd": 6}, "b"), loaded_by="test"
    )
    assert set(refreshes[-1].periods) == {"2025", "2026"} and not refreshes[-1].whole
    after = assert_same_as_full_rebuild(path)
    beta_2025 = after[(after["library_key"] == "beta") & (after["period"] == "2025")]
    assert not (beta_2025["side"] == "staff").any()
    assert len(cells) != len(after) or not cells.equals(after)

    load.undo(path, again.upload_id)  # the 2025 rows count again
    assert set(refreshes[-1].periods) == {"2025", "2026"} and not refreshes[-1].whole
    assert _normal(assert_same_as_full_rebuild(path), CELL_KEYS).equals(_normal(cells, CELL_KEYS))
    load.undo(path, staff.upload_id)
    assert_same_as_full_rebuild(path)

    # a new k rebuilds whole; other settings only move the record on
    before = len(refreshes)
    load.set_setting(path, "k_staff", "7")
    assert refreshes[-1].whole and len(refreshes) == before + 1
    hidden = assert_same_as_full_rebuild(path)
    assert (
        (hidden.loc[hidden["side"] == "staff", "n"] < 7)
        .eq(hidden.loc[hidden["side"] == "staff", "suppressed_rule"] == "k")
        .all()
    )
    load.set_setting(path, "n_permutations", "999")
    assert len(refreshes) == before + 1
    assert_same_as_full_rebuild(path)

    # a purge of the oldest upload only (its loaded_at moved back, outside Service Mirror)
    con = duckdb.connect(str(path))
    con.execute("update uploads set loaded_at = '2020-01-01' where upload_id = 1")
    con.close()
    purge.purge(path, purge.parse_date("2021-01-01"))
    assert not refreshes[-1].whole
    assert_same_as_full_rebuild(path)
    purge.purge(path, purge.parse_date("2100-01-01"))
    assert assert_same_as_full_rebuild(path).empty
    assert patron.upload_id  # loaded above, purged now


def test_restore_and_a_migrated_database_get_the_table_whole(small_db_shared, tmp_path, refreshes):
    path = copy_database(small_db_shared, tmp_path / "db")
    load.set_setting(path, "k_staff", "6")
    folder = tmp_path / "backup"
    backup.export(path, folder)
    assert not list(folder.glob("published_*"))  # built from the rows, not backed up
    target = tmp_path / "restored.duckdb"
    backup.restore(folder, target)
    assert refreshes[-1].whole
    restored = assert_same_as_full_rebuild(target)
    pd.testing.assert_frame_equal(
        _normal(restored, CELL_KEYS), _normal(assert_same_as_full_rebuild(path), CELL_KEYS)
    )

    # a write outside the refresh (here: a bare transaction) leaves the record behind: readers
    # build from the rows, and the next write through Service Mirror rebuilds the table whole
    with db.writing(path):
        pass
    with db.reading(path) as con:
        version = int(queries.scalar(con, "meta_get", key="data_version"))
        assert publish.stored(con, 6, version) is None
    assert not publish.published(path).cells.empty
    load.load_file(path, write_one_library(tmp_path / "files", "Gamma"), loaded_by="test")
    assert refreshes[-1].whole
    assert_same_as_full_rebuild(path)


def test_forum_packages_and_their_supersession_keep_the_table_equal(
    small_db_shared, tmp_path, refreshes
):
    library = copy_database(small_db_shared, tmp_path / "library")
    forum_db = tmp_path / "forum.duckdb"
    first = tmp_path / "alfa-1.zip"
    forum.build_package(library, first, library="alfa", now=datetime(2029, 1, 1, tzinfo=UTC))
    load.load_file(forum_db, first, loaded_by="test")
    cells = assert_same_as_full_rebuild(forum_db)
    assert set(cells["library_key"]) == {"alfa"} and len(cells)
    newer = tmp_path / "alfa-2.zip"
    forum.build_package(
        library, newer, library="alfa", periods=["2024"], now=datetime(2030, 1, 1, tzinfo=UTC)
    )
    report = load.load_file(forum_db, newer, loaded_by="test")
    assert refreshes[-1].periods == ("2024",) and not refreshes[-1].whole
    pd.testing.assert_frame_equal(
        _normal(assert_same_as_full_rebuild(forum_db), CELL_KEYS), _normal(cells, CELL_KEYS)
    )
    load.undo(forum_db, report.upload_id)
    assert refreshes[-1].periods == ("2024",)
    assert_same_as_full_rebuild(forum_db)


def test_a_database_of_schema_9_migrates_on_its_first_load_and_gets_the_table_whole(
    small_db_shared, tmp_path, refreshes
):
    path = copy_database(small_db_shared, tmp_path / "db")
    con = duckdb.connect(str(path))
    for table in ("published_cells", "published_branch_cells", "published_state"):
        con.execute(f"drop table {table}")
    con.execute("update meta set value = '9' where key = 'schema_version'")
    con.close()
    with pytest.raises(db.DatabaseError, match="schema version 9"):
        publish.published(path)
    report = load.load_file(path, write_one_library(tmp_path / "files", "Delta"), loaded_by="t")
    assert report.status == "loaded"
    assert refreshes[-1].whole  # not a slice of a table that was never filled
    assert_same_as_full_rebuild(path)
