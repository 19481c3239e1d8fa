"""The command line: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli as run

from servicemirror import cli


def test_missing_database_is_one_line_exit_1(tmp_path):
    done = run("summary", "--db", tmp_path / "none.duckdb")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no database here" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_usage_error_exits_2(tmp_path):
    done = run("load", "--as", "robot", "x.csv")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_load_json_and_refusal(tmp_path, small_forum_files):
    dbp = tmp_path / "c.duckdb"
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    done = run("load", *small_forum_files, bad, "--db", dbp, "--json")
    assert done.returncode == 1  # one file refused
    reports = json.loads(done.stdout)
    assert [r["status"] for r in reports] == ["loaded", "loaded", "refused"]
    assert reports[2]["upload_id"] is None and "empty" in reports[2]["message"]
    for key in (
        "file",
        "format",
        "encoding",
        "respondent_type",
        "upload_id",
        "records",
        "valid_responses",
        "rejected",
        "libraries",
        "items",
        "warnings",
    ):
        assert key in reports[0]
    assert "empty" in done.stderr and "Traceback" not in done.stderr


def test_summary_json_shape(small_db):
    done = run("summary", "--db", small_db, "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    # the columns written out, not taken from publish.py: the documented output is the contract
    documented = (
        "library period n_staff staff_index enps n_patron patron_index nps suppressed_reason"
    )
    assert {tuple(sorted(r)) for r in rows} == {tuple(sorted(documented.split()))}
    zeta = next(r for r in rows if r["library"] == "Zeta" and r["period"] == "2023")
    assert zeta["staff_index"] is None and zeta["enps"] is None and zeta["n_staff"] == 3


def test_uploads_and_undo(small_db):
    listed = json.loads(run("uploads", "--db", small_db, "--json").stdout)
    assert [u["status"] for u in listed] == ["active", "active"]
    done = run("undo", listed[0]["upload_id"], "--db", small_db)
    assert done.returncode == 0 and "undone" in done.stdout
    again = run("undo", listed[0]["upload_id"], "--db", small_db)
    assert again.returncode == 1 and "no such active upload" in again.stderr


def test_settings_refuse_k_below_3(small_db):
    done = run("settings", "--db", small_db, "--set", "k_staff=2")
    assert done.returncode == 1 and "at least 3" in done.stderr
    done = run("settings", "--db", small_db, "--set", "k_staff=7", "--json")
    assert json.loads(done.stdout)["k_staff"] == "7"
    rows = json.loads(run("summary", "--db", small_db, "--json").stdout)
    alfa = next(r for r in rows if r["library"] == "Alfa")  # 6 staff < 7
    assert alfa["staff_index"] is None


def test_every_command_has_help():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert command.description, name


@pytest.mark.parametrize("command", ["uploads", "summary", "settings"])
def test_commands_on_missing_db_exit_1(tmp_path, command):
    done = run(command, "--db", tmp_path / "none.duckdb")
    assert done.returncode == 1 and "Traceback" not in done.stderr
