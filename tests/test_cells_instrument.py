"""cells.sql names the questionnaire(s) behind each cell: a respondent's instruments joined by '+'
in sorted order, then the cell's distinct respondent strings joined the same way (docs/statistics.md
§13). The query builds a respondent's names from one bit per instrument (cheaper than a list or an
ordered DISTINCT string_agg over 400,000 respondents); this checks it against the rule computed in
plain Python."""

from __future__ import annotations

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
    with db.writing(path, create=True) as con:
        con.execute(
            "insert into items (item_code, construct, scale_min, scale_max, instrument_id) "
            "select * from (values " + ", ".join("(?, 'wellbeing', 1, 5, ?)" for _ in items) + ")",
            [v for kv in items.items() for v in kv],
        )
        con.execute(
            "insert into uploads (upload_id, file_name, sha256, respondent_type) "
            "values (1, 'x.csv', 'x', 'staff')"
        )
        con.execute(
            "insert into responses (response_id, upload_id, library_key, period, respondent_type) "
            "select * from (values "
            + ", ".join("(?, 1, ?, '2024', 'staff')" for _ in people)
            + ")",
            [v for rid, (lib, _) in people.items() for v in (rid, lib)],
        )
        pairs = [(rid, item) for rid, (_, answered) in people.items() for item in answered]
        con.execute(
            "insert into answers (response_id, upload_id, item_code, value) select * from (values "
            + ", ".join("(?, 1, ?, 4.0)" for _ in pairs)
            + ")",
            [v for pair in pairs for v in pair],
        )
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
