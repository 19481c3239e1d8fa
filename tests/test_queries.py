"""Every queries/*.sql file runs against a populated database, and no SQL lives outside queries/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from servicemirror import queries

ROOT = Path(__file__).resolve().parent.parent

# A value for every $parameter any query uses. A new parameter name must be added here, which is
# the point: the test then runs the new query too.
PARAMS = {
    "upload_id": 999,
    "upload_ids": [1, 999],
    "upload_table": "responses",
    "instrument": "limesurvey:abc",
    "key": "k_staff",
    "value": "5",
    "sha256": "0" * 64,
    "name": "meta",
    "delim": ",",
    "skip": 0,
    "header": True,
    "max_line": 1_000_000,
    "file_name": "x.csv",
    "format": "generic_long",
    "encoding": "utf-8",
    "instrument_id": None,
    "respondent_type": "patron",
    "kind": "responses",
    "rows_read": 1,
    "rows_loaded": 1,
    "rows_rejected": 0,
    "superseded": 0,
    "loaded_by": "test",
    # signing keys (raw Ed25519 bytes; any 32 bytes do for a query test)
    "key_id": "0" * 16,
    "private_key": b"\x00" * 32,
    "public_key": b"\x00" * 32,
    "registered_by": "test",
    "key_source": "key_file",
    "report_json": "{}",
    "library_key": "alfa",
    "library": "alfa",
    # the audit log (audit_insert)
    "who": "test",
    "role": "admin",
    "action": "setting",
    "detail": "k_staff = 5",
    "period": "2023",
    "side": "staff",
    "measure": "wellbeing",
    "touchpoint": "",
    # a slice of the cells (cells.sql, the stored published cells of migrate_10)
    "libraries": ["alfa"],
    "periods": ["2023"],
    # the parsing connection of a wide export (etl/source.py, etl/answers.py)
    "columns": ["column0"],
    "limit": 10,
    "rows": 2,
    "header_rows": 1,
    "salt": "s",
    "cells": ["4"],
    "k": 5,
    "data_version": 3,
    "before": "2100-01-01",
    "project_id": 1,
    "title": "t",
    "start_date": "2023-01-01",
    "date": "2023-01-01",
    "seed": 1,
    "construct": "wellbeing",
    "path": "",
    # kiosk presses read straight from the file (the test file's columns are a, b)
    "ts_col": "a",
    "time_col": "a",
    "terminal_col": "b",
    "question_col": "b",
    "button_col": "b",
    "library_col": "b",
    "branch_col": "b",
    "absent": ["time"],
    "header_types": {"a": "VARCHAR", "b": "VARCHAR"},
    "stamps": ["2023-05-01 10:00:00", "not a time"],
    "ts_formats": ["%Y-%m-%d %H:%M:%S"],
    "ts_format": "%Y-%m-%d %H:%M:%S",
    "quote": '"',
    "bad_buttons": ["x"],
    "sequence": "upload_ids",
    "steps": 2,
    # projects, targets, personas
    "description": None,
    "end_date": None,
    "owner": None,
    "expected_effect": None,
    "status": "active",
    "notes": None,
    "target_value": 90.0,
    "source": None,
    "persona_id": "p",
    "age_band": "67+",
    "visit_frequency": None,
    "user_type": None,
    "channel": None,
}


def _frames(csv_path: Path) -> dict[str, pd.DataFrame]:
    """Minimal frames for the queries that insert from a registered `new_*` frame."""
    response = {
        "row": [1],
        "library_key": ["alfa"],
        "branch_key": [None],
        "period": ["2023"],
        "respondent_type": ["patron"],
        "submitted_at": [pd.Timestamp("2023-05-01")],
        "touchpoint": [None],
        "respondent_hash": ["h"],
        "age_band": [None],
        "visit_frequency": [None],
        "user_type": [None],
        "channel": [None],
    }
    # what the writer registers before new_responses_hashed.sql makes new_responses of it
    rows = {("respondent_id" if k == "respondent_hash" else k): v for k, v in response.items()}
    return {
        "new_responses": pd.DataFrame(response),
        "new_response_rows": pd.DataFrame(rows),
        "new_answers": pd.DataFrame({"row": [1], "map_id": [1]}),
        "new_answer_values": pd.DataFrame(
            {"map_id": [1], "item": ["core_sat"], "value": [4.0], "raw_value": ["4"]}
        ),
        "new_comments": pd.DataFrame({"row": [1], "item": ["comment"], "text": ["hej"]}),
        "new_libraries": pd.DataFrame(
            {
                "library_key": ["x"],
                "display_name": ["X"],
                "municipality": [None],
                "aliases": [["X"]],
                "consent_named": [False],
            }
        ),
        "new_unit_map": pd.DataFrame(
            {"instrument_id": ["limesurvey:abc"], "unit": ["AO01"], "library_key": ["gentofte"]}
        ),
        "new_branches": pd.DataFrame(
            {"branch_key": ["x/b"], "library_key": ["x"], "display_name": ["B"]}
        ),
        "new_items": pd.DataFrame(
            {
                "item_code": ["q1"],
                "construct": ["other"],
                "text_da": [None],
                "text_en": [None],
                "scale_min": [1.0],
                "scale_max": [5.0],
                "touchpoint": [None],
                "core": [False],
                "instrument_id": [None],
            }
        ),
        "new_aggregates": pd.DataFrame(
            {
                "library_key": ["alfa"],
                "branch_key": [None],
                "period": ["2023"],
                "respondent_type": ["staff"],
                "item": ["core_w1"],
                "touchpoint": [None],
                "n": [8],
                "mean": [4.0],
                "sd": [0.5],
                "response_rate": [None],
                "distribution": [None],
            }
        ),
        **_kiosk_frames(),
        **_forum_frames(),
    }


def _kiosk_frames() -> dict[str, pd.DataFrame]:
    """The tables the kiosk queries join: the press reader's kiosk_raw and kiosk_buttons, the
    loader's kiosk_rows (reader's columns) with its kiosk_map / kiosk_unresolved pairs, and the
    writer's new_kiosk_rows / new_kiosk_units."""
    rows = pd.DataFrame(
        {
            "row": [1],
            "library": ["Alfa"],
            "branch": [None],
            "terminal": ["t1"],
            "date": [pd.Timestamp("2023-05-01").date()],
            "hour": [10],
            "question": ["q"],
            "button": [4],
            "n": [3],
        }
    )
    pairs = pd.DataFrame({"library": ["Alfa"], "branch": pd.Series([None], dtype=object)})
    return {
        "kiosk_raw": pd.DataFrame(
            {
                "library": ["Alfa "],
                "branch": [None],
                "terminal": ["t1"],
                "question": ["q"],
                "button": ["Glad"],
                "slot": [pd.Timestamp("2023-05-01 10:00")],
                "n": [3],
            }
        ),
        "kiosk_buttons": pd.DataFrame({"text": ["Glad"], "button": [3]}),
        "kiosk_rows": rows,
        "kiosk_map": pairs.assign(mapped=["alfa"]),
        "kiosk_unresolved": pairs,
        "new_kiosk_rows": rows,
        "new_kiosk_units": pairs.assign(library_key=["alfa"], branch_key=[None]),
    }


def _forum_frames() -> dict[str, pd.DataFrame]:
    """Minimal frames for the forum package inserts (etl.load._write_package)."""
    key = {"library_key": ["alfa"], "period": ["2023"]}
    return {
        "new_forum_packages": pd.DataFrame(
            {
                **key,
                "package_version": [1],
                "product_version": ["0.1.0"],
                "created_at": [pd.Timestamp("2023-06-01")],
                "instruments": ["forum-core-v1"],
                "consent_named": [False],
                "k": [5],
            }
        ),
        "new_forum_library": pd.DataFrame({"library_key": ["alfa"], "consent_named": [True]}),
        "new_forum_cells": pd.DataFrame(
            {
                **key,
                "side": ["staff"],
                "measure": ["wellbeing"],
                "touchpoint": [""],
                "n": [8],
                "mean": [70.0],
                "sd": [10.0],
                "ss_within": [700.0],
                "promoters": [None],
                "detractors": [None],
                "source": ["rows"],
                "instrument": ["forum-core-v1"],
            }
        ),
        "new_forum_items": pd.DataFrame(
            {
                **key,
                "side": ["staff"],
                "touchpoint": [""],
                "item_code": ["core_w1"],
                "n": [8],
                "mean": [3.5],
                "sd": [0.5],
                "ss_within": [1.75],
                "source": ["rows"],
            }
        ),
        "new_forum_covariances": pd.DataFrame(
            {
                **key,
                "scale": ["wellbeing"],
                "n": [8],
                "n_incomplete": [0],
                "item_i": ["core_w1"],
                "item_j": ["core_w1"],
                "mean_i": [3.5],
                "mean_j": [3.5],
                "cov": [0.25],
            }
        ),
        "new_forum_kiosk_days": pd.DataFrame(
            {
                **key,
                "date": [pd.Timestamp("2023-05-01").date()],
                "question": ["q"],
                "button": [4],
                "n": [3],
            }
        ),
        "new_forum_facts": pd.DataFrame(
            {**key, "name": ["visits"], "value": [1000.0], "source": ["package"]}
        ),
        # the stored published cells (migrate_10)
        "new_published_cells": pd.DataFrame(
            {
                **key,
                "side": ["staff"],
                "measure": ["wellbeing"],
                "touchpoint": [""],
                "n": [8],
                "mean": [70.0],
                "sd": [10.0],
                "ss_within": [700.0],
                "promoters": [None],
                "detractors": [None],
                "source": ["rows"],
                "instrument": ["forum-core-v1"],
                "suppressed": [False],
                "suppressed_reason": [None],
                "suppressed_rule": [None],
            }
        ),
        "new_published_branch_cells": pd.DataFrame(
            {
                **key,
                "branch_key": ["alfa/b"],
                "branch_name": ["B"],
                "measure": ["wellbeing"],
                "n": [3],
                "mean": [None],
                "sd": [None],
                "ss_within": [None],
                "promoters": [None],
                "detractors": [None],
                "source": ["rows"],
                "side": ["staff"],
                "suppressed": [True],
                "suppressed_reason": ["fewer than 5 staff respondents"],
                "suppressed_rule": ["k"],
            }
        ),
        # comment themes and tone (migrate_5)
        "new_comment_tones": pd.DataFrame(
            {"response_id": [1], "upload_id": [1], "item_code": ["comment"], "tone": ["positive"]}
        ),
        "new_comment_themes": pd.DataFrame(
            {"response_id": [1], "upload_id": [1], "item_code": ["comment"], "theme": ["staff"]}
        ),
        "new_comment_dictionary": pd.DataFrame(
            {"theme": ["staff"], "lang": ["da"], "term": ["personale"], "label": [""]}
        ),
        "new_forum_comment_themes": pd.DataFrame(
            {
                **key,
                "side": ["patron"],
                "theme": ["staff"],
                "n_comments": [3],
                "positive": [2],
                "neutral": [1],
                "negative": [0],
                "n_group": [20],
            }
        ),
    }


def _parsing_tables() -> dict[str, pd.DataFrame]:
    """The tables of a wide export's parsing connection (etl/source.py, etl/answers.py), made as
    temporary tables (their statements change them) for the queries that read them."""
    cells = {"column0": ["4"], "column1": ["Gentofte"]}
    value_map = {
        "col": ["column0"],
        "cell": ["4"],
        "column": ["Q1"],
        "item": ["q1"],
        "value": [4.0],
        "flag": ["ok"],
        "ord": [0],
        "scale_min": [1.0],
        "scale_max": [5.0],
    }
    parsed_map = {
        "map_id": [1],
        "col": ["column0"],
        "column": ["Q1"],
        "item": ["q1"],
        "value": [4.0],
        "raw_value": ["4"],
        "ord": [0],
    }
    answers = {"row": [1], "column": ["Q1"], "item": ["q1"], "value": [4.0], "raw_value": ["4"]}
    return {
        "raw": pd.DataFrame(cells),
        "src": pd.DataFrame({"_record": [1], **cells}),
        "source_header": pd.DataFrame({"header_rows": [1]}),
        "source_excluded": pd.DataFrame({"_record": pd.Series([], dtype="int64")}),
        "source_drop": pd.DataFrame({"_record": [1]}),
        "source_frame": pd.DataFrame({"_record": [1], **cells}),
        "value_map": pd.DataFrame(value_map),
        "parsed_map": pd.DataFrame(parsed_map),
        "parsed_answers": pd.DataFrame({"row": [1], "map_id": [1], "seq": [1]}),
        "answer_frame": pd.DataFrame({**answers, "seq": [0]}),
        "answer_rows": pd.DataFrame({"row": [1]}),
        "answer_items": pd.DataFrame(
            {"item_code": ["q1"], "scale_min": [1.0], "scale_max": [5.0], "construct": ["nps"]}
        ),
        "hash_input": pd.DataFrame({"pos": [0], "id": ["R_1"]}),
    }


# what a parsing query makes itself (create table / view): not made for it beforehand
_MADE_BY = {
    "source_csv": "raw",
    "source_raw_frame": "raw",
    "source_frame": "src",
    "source_view": "src",
    "source_header": "source_header",
    "source_excluded": "source_excluded",
    "wide_answer_map": "parsed_map",
    "wide_answers": "parsed_answers",
    "parsed_from_frame": "parsed_map",
    "parsed_answers_from_frame": "parsed_answers",
    "new_responses_hashed": "new_responses",
}


def _make_parsing_tables(con, name: str, text: str) -> None:
    """Temporary tables for the parsing tables ``text`` names (see :func:`_parsing_tables`)."""
    for table, frame in _parsing_tables().items():
        if table == _MADE_BY.get(name) or not re.search(rf"\b{table}\b", text):
            continue
        con.register("parsing_frame", frame)
        con.execute(f"create temp table {table} as select * from parsing_frame")
        con.unregister("parsing_frame")


@pytest.mark.parametrize("name", queries.names())
def test_every_query_runs(name, small_db_shared, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(small_db_shared, copy)
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("a,b\n1,2\n")
    con = duckdb.connect(str(copy))
    try:
        text = queries.sql(name)
        if "{table}" in text:  # a statement for each upload-owned table: run it on one
            text = queries.on_table(name, "responses")
        for frame_name, frame in _frames(csv_path).items():
            if frame_name in text and frame_name != _MADE_BY.get(name):
                con.register(frame_name, frame)
        _make_parsing_tables(con, name, text)
        if name == "schema" or name.startswith("migrate_"):
            con.execute(text)
            return
        if "reject_errors" in text:  # needs a read_csv with store_rejects first
            queries.run(
                con,
                "read_text_csv",
                path=str(csv_path),
                delim=",",
                skip=0,
                header=True,
                max_line=100_000,
            )
        params = {p: PARAMS[p] for p in set(re.findall(r"\$(\w+)", text))}
        if "path" in params or "$path" in text:
            params["path"] = str(csv_path)
        con.execute("begin transaction")
        if ";\n" in text.strip().rstrip(";"):
            queries.script(con, name, **params)
        else:
            con.execute(text, params or None).fetchall()
        con.execute("rollback")
    finally:
        con.close()


# SQL shapes inside a string literal: "select ... from", "insert into", "update x set", "delete from",
# "create table". Prose in docstrings ("Create the schema") does not match these shapes.
SQL_PATTERN = re.compile(
    r"""["'][^"']*\b(select\s+[\w*,. ]+\s+from\s|insert\s+(or\s+\w+\s+)?into\s|update\s+\w+\s+set\s|delete\s+from\s|create\s+(table|view|sequence)\s)""",
    re.IGNORECASE,
)


def test_no_sql_strings_outside_queries():
    offenders = []
    for folder in ("servicemirror", "etl", "analysis", "dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if SQL_PATTERN.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_loader_rejects_unknown_names():
    with pytest.raises(KeyError, match="no query named"):
        queries.sql("does_not_exist")
