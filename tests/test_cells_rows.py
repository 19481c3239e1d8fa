"""cells.sql's cells from individual responses against the rule computed in plain Python
(docs/statistics.md): a respondent's score on a measure is the mean of their answered items on the
0-100 index, a cell's mean is the mean over respondents, its sd and within sum of squares those of
the respondents' scores; an NPS/eNPS cell counts promoters (9-10) and detractors (0-6). A
satisfaction item takes the response's touchpoint and so shares a cell with a touchpoint item of the
same touchpoint. The query carries a respondent's instruments as the smallest and largest name and
sums the squares in one pass, so this checks that those steps give the rule's numbers."""

from __future__ import annotations

import math
import random

import pytest
from conftest import write_staff_answers

from servicemirror import queries
from servicemirror.core import db

# item -> (construct, scale_min, scale_max, touchpoint, instrument)
ITEMS = {
    "w1": ("wellbeing", 1, 5, None, "inst-a"),
    "w2": ("wellbeing", 1, 5, None, "inst-b"),
    "e1": ("engagement", 0, 10, None, "inst-a"),
    "en": ("enps", 0, 10, None, None),
    "sat": ("satisfaction", 1, 5, None, "inst-a"),
    "tp_lend": ("touchpoint", 1, 5, "lending", "inst-b"),
    "tp_event": ("touchpoint", 1, 7, "events", "inst-a"),
    "np": ("nps", 0, 10, None, "inst-a"),
}
STAFF = ["w1", "w2", "e1", "en"]
PATRON = ["sat", "tp_lend", "tp_event", "np"]


def _people(seed: int = 7):
    """response id -> (library, period, side, touchpoint, {item: value or None})."""
    rng = random.Random(seed)
    people = {}
    for rid in range(1, 121):
        side = "staff" if rid % 2 else "patron"
        pool = STAFF if side == "staff" else PATRON
        answers = {}
        for item in pool:
            if rng.random() < 0.75:
                lo, hi = ITEMS[item][1], ITEMS[item][2]
                answers[item] = None if rng.random() < 0.1 else float(rng.randint(lo, hi))
        touchpoint = rng.choice([None, "lending", "events"]) if side == "patron" else None
        people[rid] = (
            rng.choice(["alfa", "beta"]),
            rng.choice(["2024", "2025"]),
            side,
            touchpoint,
            answers,
        )
    return people


def _expected(people):
    """The cells by the rule, keyed by (library, period, side, measure, touchpoint)."""
    persons: dict[tuple, dict[int, list]] = {}
    for rid, (lib, period, side, touchpoint, answers) in people.items():
        for item, value in answers.items():
            construct, lo, hi, item_tp, instrument = ITEMS[item]
            if value is None:
                continue
            measure = "satisfaction" if construct == "touchpoint" else construct
            if construct == "touchpoint":
                tp = item_tp or ""
            elif construct == "satisfaction":
                tp = touchpoint or ""
            else:
                tp = ""
            score = (value - lo) / (hi - lo) * 100
            key = (lib, period, side, measure, tp)
            persons.setdefault(key, {}).setdefault(rid, []).append(
                (score, value, instrument or "unknown", construct)
            )
    cells = {}
    for key, by_person in persons.items():
        measure = key[3]
        scores, promoters, detractors, names = [], 0, 0, []
        for parts in by_person.values():
            scores.append(sum(p[0] for p in parts) / len(parts))
            names.append("+".join(sorted({p[2] for p in parts})))
            if measure in ("nps", "enps"):
                promoters += any(p[1] >= 9 for p in parts)
                detractors += any(p[1] <= 6 for p in parts)
        n = len(scores)
        mean = sum(scores) / n
        ss = sum((s - mean) ** 2 for s in scores)
        nps = measure in ("nps", "enps")
        cells[key] = {
            "n": n,
            "mean": (promoters - detractors) * 100 / n if nps else mean,
            "sd": None if nps or n < 2 else math.sqrt(ss / (n - 1)),
            "ss_within": None if nps else ss,
            "promoters": promoters if nps else None,
            "detractors": detractors if nps else None,
            "instrument": "+".join(sorted(set(names))),
        }
    return cells


def test_cells_from_rows_match_the_rule_computed_in_python(tmp_path):
    people = _people()
    path = tmp_path / "rows.duckdb"
    with db.writing(path, create=True) as con:
        con.execute(
            "insert into items (item_code, construct, scale_min, scale_max, touchpoint, "
            "instrument_id) select * from (values "
            + ", ".join("(?, ?, ?, ?, ?, ?)" for _ in ITEMS)
            + ")",
            [v for code, meta in ITEMS.items() for v in (code, *meta)],
        )
        con.execute(
            "insert into uploads (upload_id, file_name, sha256, respondent_type) "
            "values (1, 'x.csv', 'x', 'staff')"
        )
        con.execute(
            "insert into responses (response_id, upload_id, library_key, period, "
            "respondent_type, touchpoint) select * from (values "
            + ", ".join("(?, 1, ?, ?, ?, ?)" for _ in people)
            + ")",
            [
                v
                for rid, (lib, per, side, tp, _) in people.items()
                for v in (rid, lib, per, side, tp)
            ],
        )
        pairs = [(rid, item, v) for rid, p in people.items() for item, v in p[4].items()]
        con.execute(
            "insert into answers (response_id, upload_id, item_code, value) select * from (values "
            + ", ".join("(?, 1, ?, ?)" for _ in pairs)
            + ")",
            [v for pair in pairs for v in pair],
        )
        got = queries.run(con, "cells", libraries=None, periods=None)
        narrow = queries.run(con, "cells", libraries=["beta"], periods=["2025"])
    expected = _expected(people)
    # the cases the rule has to tell apart are there: a satisfaction item and a touchpoint item in
    # one cell, a respondent mixing questionnaires within a measure, NPS and eNPS cells
    assert any(k[3] == "satisfaction" and k[4] == "lending" for k in expected)
    assert any("+" in c["instrument"] for c in expected.values())
    assert {"nps", "enps"} <= {k[3] for k in expected}
    keys = ["library_key", "period", "side", "measure", "touchpoint"]
    assert {tuple(r) for r in got[keys].itertuples(index=False)} == set(expected)
    for row in got.itertuples(index=False):
        want = expected[tuple(getattr(row, k) for k in keys)]
        assert row.n == want["n"]
        assert row.instrument == want["instrument"]
        assert row.source == "rows"
        for column in ("mean", "sd", "ss_within", "promoters", "detractors"):
            value = getattr(row, column)
            if want[column] is None:
                assert value is None or math.isnan(value), column
            else:
                assert value == pytest.approx(want[column], rel=1e-9, abs=1e-9), column
    # a slice is the same cells as in the whole table
    whole = got[(got["library_key"] == "beta") & (got["period"] == "2025")].reset_index(drop=True)
    assert narrow.equals(whole)


def test_instrument_names_with_more_instruments_than_bits(tmp_path):
    """More than 128 instrument names among the items (a forum's packages over many years): the
    query names each respondent's instruments without bits, the same rule."""
    path = tmp_path / "many.duckdb"
    items = {f"w{i:03d}": f"inst-{i:03d}" for i in range(131)}
    # respondent -> the items they answered (one crosses the 128th name)
    people = {1: ["w000", "w130"], 2: ["w127", "w128", "w129"], 3: ["w005"], 4: ["w130"]}
    write_staff_answers(
        path,
        items,
        {rid: ("alfa" if rid < 3 else "beta", answered) for rid, answered in people.items()},
    )
    with db.reading(path) as con:
        cells = queries.run(con, "cells", libraries=None, periods=None)
    got = dict(zip(cells["library_key"], cells["instrument"], strict=True))
    assert got == {
        "alfa": "inst-000+inst-130+inst-127+inst-128+inst-129",
        "beta": "inst-005+inst-130",
    }
