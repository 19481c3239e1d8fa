"""The column-mapping step (editor table, load --mapping, profiles) and the load progress bar.

"Whatever cannot be detected is asked for ... a confirmed mapping is saved as a profile
so the next export from the same survey loads in one step"; "the CLI shows a progress bar".
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import open_page
from conftest import run_cli as run

from servicemirror.app import uploading
from servicemirror.cli import progress
from servicemirror.etl import load, mapping

# an export no reader fully understands: "Tidspunkt" and "Sted" are not known header words, the
# question is printed with 1 = best, and nothing says whether patrons or staff answered
UNKNOWN = (
    "Tidspunkt;Sted;Hvordan var det (1 = bedst);Kanal\n"
    "05-03-2024;Gentofte;1;web\n"
    "06-03-2024;Gentofte;2;tlf\n"
    "07-03-2024;Lyngby;5;web\n"
    "08-03-2024;Lyngby;4;skranke\n"
)
# what a user confirms in the editor (or writes for --mapping)
CONFIRMED = {
    "respondent_type": "patron",
    "roles": {"Tidspunkt": "date", "Sted": "library", "Kanal": "dropped:not needed"},
    "items": [
        {
            "column": "Hvordan var det (1 = bedst)",
            "item": "core_sat",
            "scale_min": 1,
            "scale_max": 5,
            "reversed": True,
        }
    ],
}


def edited(outcome: uploading.Outcome):
    """The editor table of ``outcome`` as a user would fix it."""
    table = uploading.editor_table(outcome)
    rows = {c: i for i, c in enumerate(table["column"])}
    table.loc[rows["Tidspunkt"], "role"] = "date"
    table.loc[rows["Sted"], "role"] = "library"
    question = rows["Hvordan var det (1 = bedst)"]
    table.loc[question, ["role", "item", "scale_min", "scale_max"]] = ["item", "core_sat", 1, 5]
    table.loc[question, "reversed"] = True
    return table


# --------------------------------------------------------------------------- the editor


def test_editor_fixes_an_unknown_export_and_the_profile_loads_the_next(tmp_path):
    db_path = tmp_path / "m.duckdb"
    first = uploading.preview(db_path, "ukendt.csv", UNKNOWN.encode())
    assert first.status == "refused"
    gaps = {problem for problem, _ in uploading.mapping_gaps(first)}
    assert {"library", "date", "type"} <= gaps
    table = uploading.editor_table(first)
    assert list(table["column"]) == ["Tidspunkt", "Sted", "Hvordan var det (1 = bedst)", "Kanal"]
    options = uploading.Options(mapping=uploading.edited_mapping(first, edited(first), "patron"))
    fixed = uploading.preview(db_path, "ukendt.csv", UNKNOWN.encode(), options)
    assert fixed.status == "preview"
    assert uploading.mapping_gaps(fixed, options) == []
    assert fixed.report["libraries"] == {"Gentofte": 2, "Lyngby": 2}
    # 1 = best, turned: 1,2,5,4 -> 5,4,1,2
    assert fixed.report["items"][0]["mean"] == pytest.approx(3.0)
    stages: list[str] = []
    loaded = uploading.commit(
        db_path,
        "ukendt.csv",
        UNKNOWN.encode(),
        options,
        progress=stages.append,
        profile=("Ukendt 2024", uploading.profile_headers(fixed)),
    )
    assert loaded.status == "loaded"
    assert stages == list(load.STAGES)
    # the next export of the same survey: no edits, the profile is found by its headers
    second = UNKNOWN.replace("05-03-2024;Gentofte;1", "09-03-2025;Gentofte;2")
    again = uploading.preview(db_path, "ukendt-2025.csv", second.encode())
    assert again.status == "preview"
    assert "mapping profile 'Ukendt 2024' was used" in again.report["warnings"]
    assert uploading.mapping_gaps(again) == []


def test_editor_round_trip_keeps_the_interpretation():
    spec = mapping.apply(mapping.WideSpec(format="generic_wide"), CONFIRMED)
    headers = ["Tidspunkt", "Sted", "Hvordan var det (1 = bedst)", "Kanal"]
    table = mapping.editor_table(spec, headers)
    assert list(table["role"]) == ["date", "library", "item", "ignore"]
    again = mapping.apply(spec, mapping.from_editor(table, spec))
    assert again.roles() == spec.roles()
    assert again.items[0].reversed is True and again.items[0].scale_max == 5


def test_editor_refuses_two_library_columns():
    spec = mapping.apply(mapping.WideSpec(format="generic_wide"), CONFIRMED)
    table = mapping.editor_table(spec, ["Tidspunkt", "Sted", "Hvordan var det (1 = bedst)"])
    table.loc[0, "role"] = "library"
    with pytest.raises(ValueError, match="two columns are the library"):
        mapping.from_editor(table, spec)


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "not JSON"), ("[1]", "JSON object"), ('{"items": [{"x": 1}]}', "'column'")],
)
def test_read_mapping_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        mapping.read_mapping(text)


# --------------------------------------------------------------------------- progress


def test_progress_bar_without_a_terminal_writes_one_line_per_stage():
    stream = io.StringIO()
    bar = progress.LoadProgress(2, stream)
    show = bar.for_file(2, "b.csv")
    for stage in load.STAGES:
        show(stage)
    lines = stream.getvalue().splitlines()
    assert len(lines) == len(load.STAGES)
    assert lines[0] == "[2/2] b.csv  [##########..........]  50% reading"
    assert lines[-1].endswith("100% done") and "\r" not in stream.getvalue()


# --------------------------------------------------------------------------- the CLI


def test_load_shows_stages_on_stderr_and_json_stays_clean(tmp_path, small_forum_files):
    dbp = tmp_path / "p.duckdb"
    done = run("load", small_forum_files[0], "--db", dbp)
    assert done.returncode == 0, done.stderr
    # the stages in the command's language (Danish by default; the label table's load_stage_*)
    for stage in ("læser", "kontrollerer", "skriver", "færdig"):
        assert f"% {stage}" in done.stderr
    assert "[1/1]" in done.stderr and "[####################] 100% færdig" in done.stderr
    quiet = run("load", small_forum_files[1], "--db", dbp, "--json")
    assert quiet.returncode == 0, quiet.stderr
    assert "% læser" not in quiet.stderr
    assert json.loads(quiet.stdout)[0]["status"] == "loaded"


def test_load_with_a_mapping_file_and_a_saved_profile(tmp_path):
    dbp = tmp_path / "q.duckdb"
    export = tmp_path / "ukendt.csv"
    export.write_text(UNKNOWN, encoding="utf-8")
    without = run("load", export, "--db", dbp, "--format", "generic_wide", "--json")
    assert without.returncode == 1
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(json.dumps(CONFIRMED), encoding="utf-8")
    done = run(
        "load",
        export,
        "--db",
        dbp,
        "--mapping",
        mapping_file,
        "--save-profile",
        "Ukendt 2024",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)[0]
    assert report["libraries"] == {"Gentofte": 2, "Lyngby": 2}
    assert "mapping profile 'Ukendt 2024' saved" in done.stderr
    second = Path(tmp_path / "ukendt-2025.csv")
    second.write_text(UNKNOWN.replace("05-03-2024;Gentofte;1", "09-03-2025;Gentofte;2"))
    again = run("load", second, "--db", dbp, "--json")
    assert again.returncode == 0, again.stderr
    # the notes are in the command's language (Danish by default), like the rejected rows' reasons
    warnings = json.loads(again.stdout)[0]["warnings"]
    assert "den gemte kolonnetildeling 'Ukendt 2024' er brugt" in warnings


def test_bad_mapping_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    done = run("load", tmp_path / "x.csv", "--mapping", bad, "--db", tmp_path / "d.duckdb")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "ikke JSON" in done.stderr  # --lang da by default


# --------------------------------------------------------------------------- the Upload page


def test_upload_page_mapping_editor_fixes_an_unknown_export(monkeypatch, tmp_path):
    db_path = tmp_path / "page.duckdb"
    at = open_page("upload", db_path, monkeypatch, "en")
    at.get("file_uploader")[0].set_value(("ukendt.csv", UNKNOWN.encode(), "text/csv"))
    at.run()
    assert not at.exception
    # the unknown export: refused, with what is missing said and the editor open
    assert any("cannot tell whether" in e.value for e in at.error)
    warnings = " ".join(w.value for w in at.warning)
    assert "No library column" in warnings and "No date or period column" in warnings
    # the type first: it re-reads the file, and the editor starts from that interpretation
    at.selectbox[0].set_value("patron")
    at.run()
    editor = at.data_editor[0]
    table = editor.value
    assert list(table["column"]) == ["Tidspunkt", "Sted", "Hvordan var det (1 = bedst)", "Kanal"]
    rows = {c: i for i, c in enumerate(table["column"])}
    at.session_state[editor.key] = {
        "edited_rows": {
            rows["Tidspunkt"]: {"role": "date"},
            rows["Sted"]: {"role": "library"},
            rows["Hvordan var det (1 = bedst)"]: {
                "item": "core_sat",
                "scale_min": 1,
                "scale_max": 5,
                "reversed": True,
            },
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_input(key=next(k for k in at.session_state if str(k).startswith("profile_"))).set_value(
        "Ukendt 2024"
    )
    at.button(key=next(k for k in at.session_state if str(k).startswith("map_apply_"))).click()
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert not at.warning, [w.value for w in at.warning]
    libraries = at.dataframe[0].value
    assert dict(zip(libraries.iloc[:, 0], libraries.iloc[:, 1], strict=True)) == {
        "Gentofte": 2,
        "Lyngby": 2,
    }
    confirm = next(b for b in at.button if b.label.startswith("Load "))
    confirm.click().run()
    assert not at.exception
    assert any("loaded as upload" in s.value for s in at.success)
    # the next export of the same survey: no edits, loaded in one step through the profile
    second = UNKNOWN.replace("05-03-2024;Gentofte;1", "09-03-2025;Gentofte;2")
    at.get("file_uploader")[0].set_value(("ukendt-2025.csv", second.encode(), "text/csv"))
    at.run()
    assert not at.exception
    assert not at.error and not at.warning
    assert any("mapping profile 'Ukendt 2024' was used" in c.value for c in at.caption)
    next(b for b in at.button if b.label.startswith("Load ")).click().run()
    assert not at.exception
    assert any("loaded as upload" in s.value for s in at.success)
    assert len(uploading.history(db_path)) == 2
