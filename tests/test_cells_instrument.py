"""cells.sql names the questionnaire(s) behind each cell: a respondent's instruments joined by '+'
in sorted order, then the cell's distinct respondent strings joined the same way (docs/statistics.md
§13). The query builds a respondent's names from one bit per instrument (cheaper than a list or an
ordered DISTINCT string_agg over 400,000 respondents); this checks it against the rule computed in
plain Python."""

from __future__ import annotations

from conftest import write_staff_answers

from servicemirror import queries
from servicemirror.core import db


def test_cell_instrument_names_match_the_rule_computed_in_python(tmp_path):
    path = tmp_path / "cells.duckdb"
    # items of one construct from three questionnaires (and one with none: 'unknown')
    items = {"w_a": "inst-b", "w_b": "inst-a", "w_c": None, "w_d": "inst-c"}
    # respondent -> (library, the items they answered)
    people = {
        1: ("alfa", ["w_a"]),
        2: ("alfa", ["w_b", "w_a"]),
        3: ("alfa", ["w_c"]),
        4: ("alfa", ["w_a", "w_b"]),
        5: ("beta", ["w_d", "w_c", "w_b"]),
        6: ("beta", ["w_d"]),
        7: ("gamma", ["w_b"]),
    }
    write_staff_answers(path, items, people)
    with db.reading(path) as con:
        cells = queries.run(con, "cells", libraries=None, periods=None)
    got = dict(zip(cells["library_key"], cells["instrument"], strict=True))

    # the rule, independently: per respondent, per cell, distinct and sorted, joined by '+'
    def joined(names):
        return "+".join(sorted(set(names)))

    by_library: dict[str, list[str]] = {}
    for lib, answered in people.values():
        person = joined(items[i] or "unknown" for i in answered)
        by_library.setdefault(lib, []).append(person)
    expected = {lib: joined(names) for lib, names in by_library.items()}
    assert got == expected
    # the cases the rule has to tell apart are there
    assert expected["alfa"] == "inst-a+inst-b+inst-b+unknown"
    assert expected["gamma"] == "inst-a"
