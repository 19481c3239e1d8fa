"""Comment themes and tone in the database: tagged at load time, re-tagged when the dictionary
changes, released only for groups of at least k_comments (CLI, forum package), undone with the
upload.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli, write_long

from servicemirror import cli
from servicemirror.app import comments, forum
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.etl.readers import forum_package as fmt

# Alfa: 12 patrons (>= k_comments 10), Beta: 6 patrons (below); one period
ALFA_COMMENTS = [
    "Personalet er altid søde og hjælpsomme.",
    "Åbningstiderne er alt for korte.",
    "Appen virker ikke.",
    "Godt udvalg af bøger og søde bibliotekarer.",
    "Kan man booke en bibliotekar om aftenen?",
]
BETA_COMMENTS = ["Personalet var ikke venligt."]


def write_patrons(folder: Path, period: str = "2024", extra: str = "") -> Path:
    rows = []
    for lib, n, texts in (("Alfa", 12, ALFA_COMMENTS), ("Beta", 6, BETA_COMMENTS)):
        for i in range(n):
            rid = f"{lib}-{period}-{extra}p{i}"
            rows.append([lib, period, "patron", rid, "core_sat", 4, ""])
            if i < len(texts):
                rows.append([lib, period, "patron", rid, "comment", "", texts[i]])
    return write_long(folder / f"patrons_{period}{extra}.csv", rows, ["comment"])


@pytest.fixture
def comments_db(tmp_path) -> Path:
    path = tmp_path / "c.duckdb"
    load.load_file(path, write_patrons(tmp_path / "files"), loaded_by="test")
    return path


def _tables(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("comments", "comment_tones", "comment_themes", "comment_dictionary")
        }
    finally:
        con.close()


def test_every_comment_is_tagged_when_it_is_loaded(comments_db):
    counts = _tables(comments_db)
    assert counts["comments"] == 6 and counts["comment_tones"] == 6
    with db.reading(comments_db) as con:
        frame, n_group, k = comments.examples(con, "alfa", "2024")
    assert n_group == 12 and k == 10
    by_text = {r.text: (r.tone, set(r.themes)) for r in frame.itertuples()}
    assert by_text["Appen virker ikke."] == ("negative", {"digital"})
    assert by_text["Godt udvalg af bøger og søde bibliotekarer."] == (
        "positive",
        {"collection", "staff"},
    )
    assert by_text["Kan man booke en bibliotekar om aftenen?"] == ("neutral", {"book_a_librarian"})


def test_cli_json_shape_shares_and_k_rule(comments_db):
    done = run_cli("comments", "--db", comments_db, "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert (
        rows and {r["library"] for r in rows} == {"Alfa"}
    )  # shown as the viewer sees it (here the local admin: by name); Beta: 6 patrons < k_comments 10
    # the fields written out, not taken from comments.COUNT_COLUMNS: docs/cli.md is the contract
    assert set(rows[0]) == set(
        "library period theme n_comments share positive neutral negative".split()
    )
    staff = next(r for r in rows if r["theme"] == "staff")
    # two of Alfa's five comments speak of the staff, both positive
    assert staff["n_comments"] == 2 and staff["share"] == pytest.approx(0.4)
    assert (staff["positive"], staff["neutral"], staff["negative"]) == (2, 0, 0)
    assert all(r["positive"] + r["neutral"] + r["negative"] == r["n_comments"] for r in rows)
    # lowering k_comments (never below k_staff) releases Beta
    assert run_cli("settings", "--db", comments_db, "--set", "k_comments=5").returncode == 0
    rows = json.loads(run_cli("comments", "--db", comments_db, "--json").stdout)
    beta = [r for r in rows if r["library"] == "Beta"]
    assert [(r["theme"], r["negative"]) for r in beta] == [("staff", 1)]
    filtered = json.loads(
        run_cli("comments", "--db", comments_db, "--json", "--library", "Alfa").stdout
    )
    assert {r["library"] for r in filtered} == {"Alfa"}


def test_loading_a_dictionary_retags_and_a_bad_one_changes_nothing(comments_db, tmp_path):
    good = tmp_path / "own.csv"
    good.write_text("theme,lang,term,label\ndigital,da,app\nservice,da,søde,Service\n")
    done = run_cli("comments", "--db", comments_db, "--load-themes", good)
    assert done.returncode == 0 and "6 comments re-tagged" in done.stdout
    rows = json.loads(run_cli("comments", "--db", comments_db, "--json").stdout)
    assert {r["theme"] for r in rows} == {"digital", "service"}
    listed = run_cli("comments", "--db", comments_db, "--themes").stdout
    assert "service [da]: søde" in listed and "opening_hours" not in listed

    before = _tables(comments_db)
    bad = tmp_path / "bad.csv"
    bad.write_text("theme,lang,term\nmy theme,da,søde\n")
    done = run_cli("comments", "--db", comments_db, "--load-themes", bad)
    assert done.returncode == 1 and "row 2, column theme" in done.stderr
    assert "Traceback" not in done.stderr and _tables(comments_db) == before

    assert run_cli("comments", "--db", comments_db, "--reset-themes").returncode == 0
    rows = json.loads(run_cli("comments", "--db", comments_db, "--json").stdout)
    assert "opening_hours" in {r["theme"] for r in rows}
    assert _tables(comments_db)["comment_dictionary"] == 0


def test_undo_removes_the_tags_and_untagged_comments_are_tagged_by_the_next_write(
    comments_db, tmp_path
):
    # a database from before comment themes: comments without tones
    con = duckdb.connect(str(comments_db))
    con.execute("delete from comment_tones")
    con.execute("delete from comment_themes")
    con.close()
    report = load.load_file(
        comments_db, write_patrons(tmp_path / "more", "2025", extra="x"), loaded_by="test"
    )
    assert _tables(comments_db)["comment_tones"] == 12  # the old six and the new six
    load.undo(comments_db, report.upload_id)
    counts = _tables(comments_db)
    assert counts["comments"] == 6 and counts["comment_tones"] == 6
    with db.reading(comments_db) as con:
        assert comments.theme_counts(con, period="2025").empty


def test_forum_package_carries_counts_never_text_and_the_forum_reads_them(comments_db, tmp_path):
    package = forum.collect(comments_db, library="alfa")
    themes = package.tables["comment_themes"]
    assert set(themes["side"]) == {"patron"} and (themes["n_group"] >= 10).all()
    assert "text" not in themes.columns
    assert forum.collect(comments_db, library="beta").tables["comment_themes"].empty
    out = tmp_path / "alfa.zip"
    forum.build_package(comments_db, out, library="alfa")
    forum_db = tmp_path / "forum.duckdb"
    load.load_file(forum_db, out, loaded_by="test")
    with db.reading(forum_db) as con:
        received = comments.theme_counts(con)
    assert set(received["source"]) == {"package"}
    mine = themes.set_index("theme")["n_comments"].to_dict()
    assert received.set_index("theme")["n_comments"].to_dict() == mine


def test_forum_reader_refuses_a_comment_count_below_k(comments_db, tmp_path):
    package = forum.collect(comments_db, library="alfa")
    package.tables["comment_themes"].loc[:, "n_group"] = 2
    path = tmp_path / "bad.zip"
    path.write_bytes(forum.to_bytes(package))
    with pytest.raises(load.ReadError, match="comment_themes"):
        fmt.read_package(path)


def test_comments_command_is_documented():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert "comments" in sub.choices
    text = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()
    for option in ("--json", "--library", "--period", "--themes", "--load-themes"):
        assert option in text
