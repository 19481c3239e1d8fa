"""Export/restore round trip, its refusals, formula-injection protection, and purge."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import run_cli as run

from servicemirror import queries
from servicemirror.app import backup, purge
from servicemirror.core import db, safety
from servicemirror.etl import load


def one_line_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def _normal(value):
    """Comparable cell: NaN as a marker (NaN != NaN), arrays and lists as tuples."""
    if isinstance(value, float) and math.isnan(value):
        return "<NaN>"
    if isinstance(value, list | tuple):
        return tuple(_normal(v) for v in value)
    return value


def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, as plain tuples."""
    out = {}
    with db.reading(path) as con:
        for name in queries.run(con, "backup_tables")["table_name"]:
            rows = con.execute(queries.sql("backup_table"), {"name": name}).fetchall()
            out[name] = [tuple(_normal(v) for v in row) for row in rows]
    return out


@pytest.mark.slow
def test_round_trip_loses_nothing_and_ids_continue(tmp_path, demo_db, small_forum_files):
    out = tmp_path / "backup"
    started = time.monotonic()
    summary = backup.export(demo_db, out)
    export_seconds = time.monotonic() - started
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["contains_hash_salt"] is True
    assert set(manifest["tables"]) == set(table_rows(demo_db))
    assert summary.total_rows > 100_000  # the demo: answers, comments, kiosk counts, aggregates
    target = tmp_path / "restored.duckdb"
    restored = backup.restore(out, target)
    assert restored.rows == summary.rows
    assert export_seconds < 30

    before, after = table_rows(demo_db), table_rows(target)
    for name in before:
        if name == "meta":
            continue
        assert after[name] == before[name], f"table {name} differs after the round trip"
    meta_before, meta_after = dict(before["meta"]), dict(after["meta"])
    assert meta_after.pop("data_version") == str(int(meta_before.pop("data_version")) + 1)
    assert meta_after == meta_before
    assert db.data_version(target) == manifest["data_version"] + 1

    # sequences continue: the next upload and the next project get fresh ids
    report = load.load_file(target, small_forum_files[0], loaded_by="test")
    assert report.upload_id == manifest["sequences"]["upload_ids"]
    assert report.upload_id > max(r[0] for r in before["uploads"])
    con = duckdb.connect(str(target))
    try:
        next_project = con.execute("select nextval('project_ids')").fetchall()[0][0]
    finally:
        con.close()
    assert next_project == manifest["sequences"]["project_ids"]
    assert next_project > max((r[0] for r in before["projects"]), default=0)


def _changed_copy(source: Path, target: Path) -> Path:
    """The same respondents with one answer changed: a re-export, not the same file."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    first = frame.index[frame["item"] == "core_w1"][0]
    frame.loc[first, "value"] = "1" if frame.loc[first, "value"] != "1" else "2"
    frame.to_csv(target, index=False)
    return target


def test_reexport_after_restore_still_supersedes(tmp_path, small_db, small_forum_files):
    """The backup carries the hash salt, so respondents still match after a restore."""
    backup.export(small_db, tmp_path / "b")
    target = tmp_path / "r.duckdb"
    backup.restore(tmp_path / "b", target)
    staff = next(f for f in small_forum_files if "staff" in f.name)
    report = load.load_file(target, _changed_copy(staff, tmp_path / "staff_v2.csv"))
    assert report.status == "loaded"
    assert report.superseded == 94  # every staff respondent recognised and replaced


def test_export_csv_is_formula_protected(tmp_path):
    # a formula in the library column is refused at load (not a plausible name), so the hostile
    # cells here are the file name and the comments
    path = tmp_path / "f.duckdb"
    hostile = tmp_path / "=HYPERLINK(evil).csv"
    rows = ["library,period,respondent_type,respondent_id,item,value,construct,comment"]
    for i in range(6):
        rows.append(f"Plus Bibliotek,2024,patron,p{i},core_sat,4,,")
    rows.append('Plus Bibliotek,2024,patron,p0,comment,,comment,"@SUM(A1:A9)"')
    rows.append('Plus Bibliotek,2024,patron,p1,comment,,comment,"-2+3"')
    rows.append("Plus Bibliotek,2024,patron,p2,comment,,comment,\"=cmd|' /C calc'!A0\"")
    hostile.write_text("\n".join(rows) + "\n")
    assert load.load_file(path, hostile).status == "loaded"
    backup.export(path, tmp_path / "out")
    cells = []
    for csv in (tmp_path / "out" / "csv").glob("*.csv"):
        frame = pd.read_csv(csv, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
        cells += list(frame.columns) + [v for col in frame.columns for v in frame[col]]
    assert not [c for c in cells if c.startswith(safety.FORMULA_STARTS)]
    for protected in (
        "'@SUM(A1:A9)",
        "'-2+3",
        "'=cmd|' /C calc'!A0",
        "'=HYPERLINK(evil).csv",
    ):
        assert protected in cells, protected
    # the Parquet files (the restore source) keep the text exactly as loaded
    target = tmp_path / "back.duckdb"
    backup.restore(tmp_path / "out", target)
    texts = {r[-1] for r in table_rows(target)["comments"]}
    assert {"@SUM(A1:A9)", "-2+3"} <= texts


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+45", "'+45"),
        ("-x", "'-x"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("ok", "ok"),
        ("", ""),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_protect_cell(value, expected):
    assert safety.protect_cell(value) == expected


@pytest.fixture(scope="module")
def small_backup(tmp_path_factory) -> Path:
    """One export of the small forum, copied by each refusal test."""
    from conftest import write_small_forum

    root = tmp_path_factory.mktemp("small_backup")
    path = root / "s.duckdb"
    for file in write_small_forum(root / "files"):
        load.load_file(path, file, loaded_by="test")
    backup.export(path, root / "backup")
    return root / "backup"


def _tampered(small_backup: Path, tmp_path: Path, how: str) -> Path:
    folder = tmp_path / how
    shutil.copytree(small_backup, folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if how == "csv-changed":
        with (folder / "csv" / "answers.csv").open("ab") as fh:
            fh.write(b"1;2;x;4;5\n")
    elif how == "parquet-changed":
        data = bytearray((folder / "answers.parquet").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (folder / "answers.parquet").write_bytes(bytes(data))
    elif how == "no-manifest":
        manifest_path.unlink()
    elif how == "old-schema":
        manifest["schema_version"] = db.SCHEMA_VERSION + 1
        manifest_path.write_text(json.dumps(manifest))
    elif how == "path-in-table-name":
        manifest["tables"]["../../etc/passwd"] = manifest["tables"].pop("answers")
        manifest_path.write_text(json.dumps(manifest))
    elif how == "row-count":
        manifest["tables"]["answers"]["rows"] += 1
        manifest_path.write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize(
    "how, message",
    [
        ("csv-changed", "does not match its checksum"),
        ("parquet-changed", "does not match its checksum"),
        ("no-manifest", "not a Service Mirror backup folder"),
        ("old-schema", "schema version"),
        ("path-in-table-name", "invalid table"),
        ("row-count", "the manifest says"),
    ],
)
def test_restore_refuses_a_damaged_backup_in_one_line(small_backup, tmp_path, how, message):
    folder = _tampered(small_backup, tmp_path, how)
    target = tmp_path / "new.duckdb"
    one_line_error(run("restore", folder, "--db", target), message)
    assert not target.exists()  # nothing created


def test_restore_refuses_a_non_empty_database(small_backup, tmp_path):
    target = tmp_path / "t.duckdb"
    done = run("restore", small_backup, "--db", target)
    assert done.returncode == 0, done.stderr
    version = db.data_version(target)
    one_line_error(run("restore", small_backup, "--db", target), "not empty", "Nothing was changed")
    assert db.data_version(target) == version


def test_export_refuses_a_non_empty_folder_and_leaves_no_partial(small_db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    one_line_error(run("export", "--db", small_db, "--out", out), "not empty")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    done = run("export", "--db", small_db, "--out", tmp_path / "fresh")
    assert done.returncode == 0 and "19 tables" not in done.stderr
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


# --------------------------------------------------------------------------- purge


def _age_upload(path: Path, upload_id: int, when: str) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "update uploads set loaded_at = cast($when as timestamp) where upload_id = $id",
            {"when": when, "id": upload_id},
        )
    finally:
        con.close()


def test_purge_removes_old_uploads_everywhere(small_db, tmp_path):
    with db.reading(small_db) as con:
        uploads = queries.run(con, "uploads_list")
    patron_id = int(uploads.loc[uploads["respondent_type"] == "patron", "upload_id"].iloc[0])
    _age_upload(small_db, patron_id, "2020-06-01 10:00:00")
    before_rows = table_rows(small_db)
    version = db.data_version(small_db)

    dry = run("purge", "--db", small_db, "--before", "2021-01-01", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert table_rows(small_db) == before_rows  # a dry run deletes nothing

    done = run("purge", "--db", small_db, "--before", "2021-01-01", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["removed"] == json.loads(dry.stdout)["removed"]
    assert result["removed"] == {
        "uploads": 1,
        "responses": 240,  # 6 libraries x 2 periods x 20 patrons
        "answers": 720,
        "comments": 12,
        "comment_tones": 12,  # every stored comment has its tone
        "comment_themes": 0,  # "Skriv til mig: <e-mail>" carries no theme
        "aggregates": 0,
        "kiosk_counts": 0,
        "library_facts": 0,
        "forum_packages": 0,
        "forum_cells": 0,
        "forum_items": 0,
        "forum_item_covariances": 0,
        "forum_kiosk_days": 0,
        "forum_comment_themes": 0,
    }
    assert result["data_version"] == version + 1 == db.data_version(small_db)
    after = table_rows(small_db)
    for name in ("responses", "answers", "comments"):
        assert len(after[name]) == len(before_rows[name]) - result["removed"][name]
    assert [r[0] for r in after["uploads"]] == [
        r[0] for r in before_rows["uploads"] if r[0] != patron_id
    ]
    with db.reading(small_db) as con:
        left = con.execute(
            "select count(*) from responses where upload_id = $id", {"id": patron_id}
        )
        assert left.fetchall()[0][0] == 0
        assert (
            con.execute(
                "select count(*) from responses where respondent_type = 'patron'"
            ).fetchall()[0][0]
            == 0
        )


def test_purge_removes_forum_packages_too(small_db, tmp_path):
    from servicemirror.app import forum

    package = tmp_path / "alfa.zip"
    forum.build_package(small_db, package, library="Alfa")
    hub = tmp_path / "forum.duckdb"
    assert load.load_file(hub, package).status == "loaded"
    _age_upload(hub, 1, "2020-06-01 10:00:00")
    result = purge.purge(hub, purge.parse_date("2021-01-01"))
    assert result.removed["uploads"] == 1
    assert result.removed["forum_packages"] >= 1 and result.removed["forum_cells"] > 0
    for name, rows in table_rows(hub).items():
        if name.startswith("forum_") or name == "uploads":
            assert rows == [], name


def test_purge_refuses_a_bad_date_and_an_unknown_table(small_db, tmp_path):
    one_line_error(run("purge", "--db", small_db, "--before", "last year"), "YYYY-MM-DD")
    copy = tmp_path / "copy.duckdb"
    shutil.copy(small_db, copy)
    con = duckdb.connect(str(copy))
    con.execute("create table side_notes (upload_id integer, note varchar)")
    con.close()
    one_line_error(
        run("purge", "--db", copy, "--before", "2100-01-01"),
        "does not know the table(s) side_notes",
    )
    with db.reading(copy) as con:
        assert con.execute("select count(*) from uploads").fetchall()[0][0] == 2


def test_purge_sweeps_old_temporary_copies_only(tmp_path):
    old = tmp_path / "servicemirror-abc"
    fresh = tmp_path / "servicemirror-upload-xyz"
    other = tmp_path / "someone-else"
    for folder in (old, fresh, other):
        folder.mkdir()
        (folder / "export.csv").write_text("staff answers")
    long_ago = time.time() - 2 * purge.TEMP_MIN_AGE_SECONDS
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    assert purge.sweep_temp_copies(tmp_path) == 1
    assert not old.exists() and fresh.exists() and other.exists()


def test_rebuild_after_purge_leaves_no_trace_in_the_file(small_db, tmp_path):
    """docs/privacy.md: purge frees rows; export + restore into a new file drops their bytes too."""
    with db.reading(small_db) as con:
        secret = con.execute(
            "select respondent_hash from responses where respondent_type = 'patron' limit 1"
        ).fetchall()[0][0]
        patron_id = con.execute(
            "select upload_id from uploads where respondent_type = 'patron'"
        ).fetchall()[0][0]
    # positive control: a rebuild of the un-purged data holds the hash verbatim, so its
    # absence below means the bytes are gone, not merely compressed out of sight
    backup.export(small_db, tmp_path / "control")
    backup.restore(tmp_path / "control", tmp_path / "control.duckdb")
    assert secret.encode() in (tmp_path / "control.duckdb").read_bytes()

    _age_upload(small_db, patron_id, "2020-06-01 10:00:00")
    purge.purge(small_db, purge.parse_date("2021-01-01"))
    backup.export(small_db, tmp_path / "b")
    rebuilt = tmp_path / "rebuilt.duckdb"
    backup.restore(tmp_path / "b", rebuilt)
    assert secret.encode() not in rebuilt.read_bytes()
    for file in (tmp_path / "b").rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes(), file.name
