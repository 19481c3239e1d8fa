"""Steps of an upload that are skipped when they cannot change anything (speed only; #16):
the answered respondents are asked again only after a delete removed an answer, and a first
upload does not run the update that marks repeated respondents superseded. Each skip is
checked against the step it saves: the result is what the step would have given."""

from __future__ import annotations

import pandas as pd
from conftest import write_long

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.etl.answers import Answers


def _answers() -> Answers:
    frame = pd.DataFrame(
        {
            "row": [1, 1, 2, 3, 4],
            "column": ["q1", "q2", "q1", "q1", "q1"],
            "item": ["a", "b", "a", "a", "a"],
            "value": [3.0, 4.0, None, 2.0, 9.0],  # row 2: a non-answer only
            "raw_value": ["3", "4", "Ved ikke", "2", "9"],
        }
    )
    return Answers.of(frame)


def _asked(monkeypatch, function: str = "run") -> list[str]:
    """The statement names ``queries.<function>`` is called with from now on, in order."""
    names: list[str] = []
    real = getattr(queries, function)

    def spy(con, name, /, **params):
        names.append(name)
        return real(con, name, **params)

    monkeypatch.setattr(queries, function, spy)
    return names


def _fresh(answers: Answers) -> list[int]:
    return sorted(queries.run(answers.con, "parsed_answered_rows")["row"].tolist())


def test_answered_rows_are_asked_again_only_after_an_answer_went(monkeypatch):
    answers = _answers()
    asked = _asked(monkeypatch)
    assert sorted(answers.answered_rows().tolist()) == [1, 3, 4]
    answers.keep_rows([1, 2, 3, 4])  # deletes nothing
    items = pd.DataFrame(
        {"item_code": ["a", "b"], "scale_min": [1.0, 1.0], "scale_max": [10.0, 5.0]}
    ).assign(construct="satisfaction")
    answers.validate(items)  # nothing outside the scales
    assert sorted(answers.answered_rows().tolist()) == [1, 3, 4]
    assert asked.count("parsed_answered_rows") == 1
    answers.keep_rows([1, 2, 4])  # row 3 goes
    assert sorted(answers.answered_rows().tolist()) == [1, 4] == _fresh(answers)
    tighter = items.assign(scale_max=[5.0, 5.0])  # row 4's 9 is now outside
    answers.validate(tighter)
    assert sorted(answers.answered_rows().tolist()) == [1] == _fresh(answers)
    # the first ask, one after each of the two deletes, and the test's own two fresh checks
    assert asked.count("parsed_answered_rows") == 5


def _rows(period: str, ids: list[str]) -> list[list]:
    return [["Gentofte", period, "patron", rid, "core_sat", 4] for rid in ids]


def test_supersede_runs_only_when_a_stored_respondent_repeats(tmp_path, monkeypatch):
    executed = _asked(monkeypatch, "execute")
    dbp = tmp_path / "t.duckdb"
    first = load.load_file(dbp, write_long(tmp_path / "a.csv", _rows("2023", ["p1", "p2"])))
    assert first.superseded == 0 and "supersede_responses" not in executed
    again = load.load_file(dbp, write_long(tmp_path / "b.csv", _rows("2023", ["p2", "p3"])))
    assert again.superseded == 1 and "supersede_responses" in executed
    with db.reading(dbp) as con:
        marked = con.execute(
            "select upload_id, superseded_by from responses where superseded_by is not null"
        ).fetchall()
    assert marked == [(first.upload_id, again.upload_id)]


def test_keep_rows_runs_no_delete_when_every_row_with_answers_is_kept(monkeypatch):
    answers = _answers()
    answers.rows = answers.frame()["row"].unique()  # as the wide reader knows them
    asked = _asked(monkeypatch, "scalar")
    answers.keep_rows([1, 2, 3, 4, 5])  # keeps every row that has an answer
    assert "parsed_keep_rows" not in asked
    assert sorted(answers.frame()["row"].tolist()) == [1, 1, 2, 3, 4]
    answers.keep_rows([1, 3, 4])  # row 2 goes: the delete runs
    assert asked.count("parsed_keep_rows") == 1
    assert sorted(answers.frame()["row"].tolist()) == [1, 1, 3, 4]
    answers.keep_rows([1, 3, 4, 9])  # nothing left to delete
    assert asked.count("parsed_keep_rows") == 1
    answers.keep_rows([1])
    assert sorted(answers.frame()["row"].tolist()) == [1, 1] and answers.rows.tolist() == [1]


def test_a_wide_read_knows_the_rows_its_answers_belong_to(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,ResponseId,Q1,Bibliotek\n"
        "Start Date,Response ID,Jeg trives på min arbejdsplads,Bibliotek\n"
        "2025-02-01 10:00:00,R_1,4,Gentofte\n"
        "2025-02-01 11:00:00,R_2,,Gentofte\n"
        "2025-02-01 12:00:00,R_3,5,Gentofte\n",
        encoding="utf-8",
    )
    prepared = load.prepare(tmp_path / "t.duckdb", path, respondent_type="staff")
    answers = prepared.answers
    # the reader's records bound the answers; R_2 answered nothing and is not a response
    assert set(answers.frame()["row"]) <= set(answers.rows.tolist())
    assert sorted(answers.frame()["row"].tolist()) == prepared.responses["row"].tolist() == [1, 3]
