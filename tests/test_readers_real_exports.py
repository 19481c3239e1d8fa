"""Real exports as they come: each failure seen on other people's files, on a fixture
in the tool's real layout. Each test names the public source of the layout it imitates.

Fixtures are small and hand-written in that layout (tests/fixtures/<tool>/); the counts and means
in the comments are worked out by hand from the fixture rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import open_page
from test_messages_da import _english_in, _english_words  # the check of Danish texts

from servicemirror.etl import load, wide, wide_values
from servicemirror.etl.detect import sniff
from servicemirror.etl.registry import READERS

FIXTURES = Path(__file__).parent / "fixtures"


def _dry(tmp_path, name: str, **options) -> load.LoadReport:
    return load.load_file(tmp_path / "t.duckdb", FIXTURES / name, dry_run=True, **options)


def _items(report: load.LoadReport) -> dict:
    return {i["item"]: (i["n"], i["mean"], i["nps"]) for i in report.items}


def _detected(path: Path) -> str:
    sniffed = sniff(path)
    return max((r.detect(sniffed, path), n) for n, r in READERS.items())[1]


def _write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _dry_run(tmp_path: Path, name: str, text: str):
    """``text`` written to ``name`` and read as a patron file, nothing written to the database."""
    return load.load_file(
        tmp_path / "t.duckdb", _write(tmp_path, name, text), respondent_type="patron", dry_run=True
    )


# --------------------------------------------------------------------------- Qualtrics


def test_qualtrics_legacy_v1_layout(tmp_path):
    # Layout: ropensci/qualtRics tests/testthat/files/sample_legacy.csv (row 1 "V1,...,V10,Q1,Q2,
    # LocationLatitude,LocationLongitude,LocationAccuracy," and row 2 "ResponseID,ResponseSet,Name,
    # ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,<texts>").
    path = FIXTURES / "qualtrics/legacy_v1.csv"
    assert _detected(path) == "qualtrics"
    report = _dry(tmp_path, "qualtrics/legacy_v1.csv")
    assert report.format == "qualtrics"
    assert report.records == 5
    # row 4 is a preview (Status 1), row 5 unfinished (Finished 0)
    assert report.valid_responses == 3
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "preview" in reasons[4] and "unfinished" in reasons[5]
    # Status, Finished, LocationAccuracy, ResponseSet are never items
    assert _items(report) == {
        "core_w1": (3, pytest.approx((5 + 4 + 2) / 3), None),
        "core_w2": (3, pytest.approx((4 + 3 + 2) / 3), None),
        # 9, 7, 3: promoters 1/3, detractors 1/3 -> eNPS 0
        "core_enps": (3, pytest.approx(19 / 3), pytest.approx(0.0)),
    }
    prepared = load.prepare(tmp_path / "t.duckdb", path)
    # no RecordedDate in the legacy layout: EndDate gives the date
    assert str(prepared.responses["submitted_at"].min())[:10] == "2016-05-02"


def test_qualtrics_single_quoted_import_ids_solution_revision_and_csat(tmp_path):
    # Layout: a current Qualtrics CSV export as published in
    # https://github.com/davemosk/FinSL-signbank/blob/master/docs/validation_result_model.md: row 1 the field names (StartDate, EndDate, Status,
    # Progress, Duration (in seconds), Finished, ..., ResponseId, DistributionChannel,
    # UserLanguage, then the questions), row 2 their labels ("Response Type" under Status), row 3
    # the import ids. There they are JSON ({"ImportId":"startDate","timeZone":...}); this fixture
    # writes them with single quotes ({'ImportId': 'startDate'}), a form seen in real exports,
    # which the reader must also skip. SolutionRevision sits among the metadata as
    # current API exports write it; no public example of it was found to cite. Answers in
    # Qualtrics' standard CSAT set (Extremely / Somewhat satisfied, Neither satisfied nor
    # dissatisfied, Somewhat / Extremely dissatisfied). No RecordedDate: EndDate is the date.
    report = _dry(tmp_path, "qualtrics/api_single_quoted_ids.csv")
    assert report.format == "qualtrics"
    assert report.records == 6  # the import-id row is not a record
    assert report.valid_responses == 5  # row 6 is a Survey Test
    items = _items(report)
    # 5, 4, 3, 2, 1 = 15/5
    assert items["core_sat"] == (5, pytest.approx(3.0), None)
    assert not any("solution" in code for code in items)
    assert not any("SolutionRevision" in w for w in report.warnings)
    prepared = load.prepare(tmp_path / "t.duckdb", FIXTURES / "qualtrics/api_single_quoted_ids.csv")
    assert str(prepared.responses["submitted_at"].min())[:10] == "2024-10-01"
    assert set(prepared.responses["period"]) == {"2024"}


# --------------------------------------------------------------------------- SurveyXact


def test_surveyxact_statoverall_flags_and_staff_background(tmp_path):
    # Layout: SurveyXact's dataset table as the public readSX package documents it
    # (github.com/NIFU-NO/readSX, inst/extdata/ex_survey2_*/dataset.csv: variable names, numeric
    # codes), with the newer status flags statoverall_1..statoverall_5 (0/1; 4 = Gennemført) and
    # statcollect_1..4 that SurveyXact writes beside them, and a staff background "anciennitet".
    report = _dry(
        tmp_path,
        "surveyxact/statoverall_dataset/dataset.csv",
        respondent_type="staff",
        library="Egedal",
    )
    assert report.format == "surveyxact"
    assert report.records == 6
    # rows 4 (statoverall_3, partial) and 5 (statoverall_2, distributed) are not completed
    assert report.valid_responses == 4
    assert [(r["row"], "completed" in r["reason"]) for r in report.rejected] == [
        (4, True),
        (5, True),
    ]
    items = _items(report)
    # no status flag or staff background became an item
    assert set(items) == {"sx-trivsel-1-5", "sx-energi-1-5"}
    # 5, 4, 2, 3 = 14/4; 4, 4, 3, 5 = 16/4
    assert items["sx-trivsel-1-5"][:2] == (4, pytest.approx(3.5))
    assert items["sx-energi-1-5"][:2] == (4, pytest.approx(4.0))
    assert any("anciennitet" in w for w in report.warnings)


# --------------------------------------------------------------------------- LimeSurvey


def test_limesurvey_code_and_question_text_headings(tmp_path):
    # Layout: LimeSurvey "Export responses", Headings = "Question code & question text": the
    # heading is the code, the separator ". " and the text, a subquestion's code and text in
    # brackets (LimeSurvey/LimeSurvey application/helpers/admin/export/Writer.php, write(): case
    # 'codetext' -> getHeadingCode . headCodeTextSeparator . getHeadingText). A public export in
    # this layout, sohanwithanm/DPCN_A1 Survey_Results_UC.csv, starts "id. Response ID" and
    # quotes every non-empty field, as the fixture does; the other metadata headings follow the
    # same rule ("submitdate. Date submitted", "lastpage. Last page", "startlanguage. Start
    # language", "seed. Seed"), and a file-upload question adds "G01Q03[filecount]. filecount - ...".
    path = FIXTURES / "limesurvey/code_and_text_headings.csv"
    assert _detected(path) == "limesurvey"
    report = _dry(tmp_path, "limesurvey/code_and_text_headings.csv")
    assert report.records == 5
    # rows 3 and 5 have no submit date: incomplete, not counted
    assert report.valid_responses == 3
    assert {r["row"] for r in report.rejected} == {3, 5}
    items = _items(report)
    # seed, lastpage and the file count are not items; 4, 5, 3 = 12/3 and 4, 5, 2 = 11/3
    assert set(items) == {"core_w1", "core_w2"}
    assert items["core_w1"][:2] == (3, pytest.approx(4.0))
    assert items["core_w2"][:2] == (3, pytest.approx(11 / 3))


def _columns(report: load.LoadReport) -> dict:
    return {c["column"]: (c["role"], c["reason"]) for c in report.columns}


def test_limesurvey_equation_yes_no_address_and_ranking_are_not_items(tmp_path):
    # Layout: LimeSurvey "Export responses", Headings = "Question code", Responses = "Answer
    # codes" (manual.limesurvey.org/Export_responses). What each question type writes is in
    # LimeSurvey's application/helpers/admin/export/SurveyObj.php (getFullAnswer/getShortAnswer):
    # a Yes/No question (type "Y") writes Y or N; an equation question ("*") writes the computed
    # value; a multiple short text ("Q", here an address) writes one Q[SQ00n] column per part; a
    # ranking ("R") writes Q[1], Q[2], ... holding the answer code ranked at each place.
    report = _dry(
        tmp_path, "limesurvey/question_types_codes.csv", respondent_type="staff", library="Egedal"
    )
    assert report.format == "limesurvey"
    columns = _columns(report)
    assert columns["G02Q03"] == ("ignored", "yes/no question (not a rating)")
    for computed in ("eqMean", "eqSum"):  # 4.3333333333, ...; sums 13, 14, 7, 8, 12
        assert columns[computed][0] == "metadata" and "equation" in columns[computed][1]
    for part in ("G03Q04[SQ001]", "G03Q04[SQ002]", "G03Q04[SQ003]"):  # street, postcode, town
        assert columns[part][0] == "ignored" and "multiple short text" in columns[part][1]
    for place in ("G04Q05[1]", "G04Q05[2]", "G04Q05[3]"):
        assert columns[place] == ("ignored", wide.RANKING_REASON)
    items = _items(report)
    # only the 5-point questions: 4, 5, 2, 3, 4 = 18/5 each
    assert set(items) == {"g01q01", "g01q02-sq001", "g01q02-sq002"}
    assert items["g01q01"][:2] == (5, pytest.approx(3.6))
    # no decimal of an equation is listed as a rejected answer
    assert report.rejected == []
    assert report.valid_responses == 5


def test_limesurvey_equation_with_whole_0_10_values_under_code_headings(tmp_path):
    # Layout: LimeSurvey "Export responses", Headings = "Question code", Responses = "Answer
    # codes": the heading is the code alone (LimeSurvey/LimeSurvey
    # application/helpers/admin/export/Writer.php, write(): case 'code' -> getHeadingCode), so an
    # equation question (type "*") shows neither its type nor its {expression}; with date stamps
    # on, startdate and datestamp follow seed. eq1 and eqTrivsel hold whole numbers 3..10 that a
    # 0-10 question could hold (they once became items and moved the indices).
    report = _dry(
        tmp_path, "limesurvey/equation_codes.csv", respondent_type="staff", library="Egedal"
    )
    assert report.format == "limesurvey"
    columns = _columns(report)
    for equation in ("eq1", "eqTrivsel"):
        role, reason = columns[equation]
        assert role == "metadata" and "equation question" in reason, (equation, role, reason)
    for field in ("startdate", "datestamp", "seed", "lastpage"):
        assert columns[field][0] == "metadata", field
    # only the two 5-point questions are items: 4, 5, 2, 3, 4 = 18/5 and 4, 5, 3, 2, 5 = 19/5
    items = _items(report)
    assert set(items) == {"g01q01", "g01q02-sq001"}
    assert items["g01q01"][:2] == (5, pytest.approx(3.6))
    assert items["g01q02-sq001"][:2] == (5, pytest.approx(3.8))
    assert columns["G02Q03"][0] != "item"  # one typed text


def test_limesurvey_full_answers_in_danish_yes_no_equation_heading_and_ranking(tmp_path):
    # Layout: the same survey exported with Headings = "Question code & question text" and
    # Responses = "Full answers" in Danish (manual.limesurvey.org/Export_responses): yes/no is
    # written "Ja"/"Nej" (SurveyObj.php translates 'Yes'/'No'); an equation question's heading text
    # is its expression "{round(mean(...))}" and its values (4, 5, 3, 3, 4) look like a 1-5
    # answer; the ranking writes the option texts; the address parts are typed text.
    report = _dry(
        tmp_path,
        "limesurvey/question_types_full_answers_da.csv",
        respondent_type="staff",
        library="Egedal",
    )
    columns = _columns(report)
    assert columns["G02Q03. Bruger du selv biblioteket i din fritid?"][1] == (
        "yes/no question (not a rating)"
    )
    equation = columns["eqTrivsel. {round(mean(G01Q01.value, G01Q02_SQ001.value))}"]
    assert equation[0] == "metadata" and "equation" in equation[1]
    street = columns["G03Q04[SQ001]. Din adresse [Vej og nummer]"]
    assert street[0] == "ignored" and "not stored" in street[1]  # never kept as a comment
    assert columns["G03Q04[SQ002]. Din adresse [Postnummer]"][0] == "ignored"
    assert columns["G04Q05[1]. Ranger bibliotekets tilbud [Rank 1]"][1] == wide.RANKING_REASON
    items = _items(report)
    # Enig, Helt enig, Uenig, Hverken enig eller uenig, Enig = 4, 5, 2, 3, 4 -> 18/5
    assert set(items) == {"core_w1", "core_w2"}
    assert items["core_w1"][:2] == (5, pytest.approx(3.6))


def test_qualtrics_rank_order_is_not_a_battery(tmp_path):
    # Layout: a current Qualtrics CSV export (three header rows: ids, question texts, ImportId
    # JSON; ropensci/qualtRics tests/testthat/files) with a Rank Order question: one column per
    # choice, Q7_1..Q7_4, each holding the rank 1..4 given to that choice ("Understanding your
    # dataset", qualtrics.com/support: Rank Order). Q8_1..Q8_3 is a 1-5 matrix on one scale.
    report = _dry(tmp_path, "qualtrics/rank_order.csv", respondent_type="patron", library="Egedal")
    assert report.format == "qualtrics"
    columns = _columns(report)
    for choice in ("Q7_1", "Q7_2", "Q7_3", "Q7_4"):
        assert columns[choice] == ("ignored", wide.RANKING_REASON)
    # the matrix stays, although its row 5 (2, 3, 1) happens to be a permutation: rows 1-4 tie
    for statement in ("Q8_1", "Q8_2", "Q8_3"):
        assert columns[statement][0] == "item"
    items = _items(report)
    assert len(items) == 4  # Q1 and the three statements
    assert not any("ranger" in code for code in items)


def test_surveymonkey_ranking_is_not_a_battery(tmp_path):
    # Layout: SurveyMonkey "All individual responses" CSV (help.surveymonkey.com, "Exporting
    # individual responses"): the question in row 1 over its first column, the options in the
    # sub-row; a Ranking question writes one column per option holding the rank given to it.
    report = _dry(tmp_path, "surveymonkey/ranking.csv", respondent_type="patron")
    assert report.format == "surveymonkey"
    columns = _columns(report)
    ranked = [c for c in columns if c.startswith("Please rank")]
    assert len(ranked) == 3
    assert all(columns[c] == ("ignored", wide.RANKING_REASON) for c in ranked)
    items = _items(report)
    assert len(items) == 3  # overall satisfaction and the two statements
    # Very satisfied, Satisfied, Neither, Satisfied = 5, 4, 3, 4 -> 4.0
    assert items["how-satisfied-are-you-with-the-library-overall"][:2] == (4, pytest.approx(4.0))


# --------------------------------------------------------------------------- scales


def test_header_hint_wins_and_decimals_are_not_answers(tmp_path):
    # Layout: a generic wide file as docs/formats/generic.md describes it, with variable names
    # carrying their scale ("tilfredshed_1_5", as SPSS-style exports name them) and a Danish
    # decimal comma in one Likert cell.
    text = (
        "respondent_id;submitted_at;bibliotek;tilfredshed_1_5\n"
        "r1;2024-03-01;Gentofte;4\nr2;2024-03-02;Gentofte;7\nr3;2024-03-03;Gentofte;4,5\n"
        "r4;2024-03-04;Gentofte;2\n"
    )
    report = _dry_run(tmp_path, "hint.csv", text)
    # 7 is outside the hinted 1-5 (not a wider guessed scale); 4,5 is no answer, not 4.5
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "outside the scale 1-5" in reasons[2]
    assert "decimal" in reasons[3]
    item = next(i for i in report.items if i["item"].startswith("tilfredshed"))
    assert (item["n"], item["mean"]) == (2, pytest.approx(3.0))  # (4 + 2) / 2
    assert item["scale_source"] == "header"  # the report says where each item's scale came from
    column = next(c for c in report.columns if c["column"] == "tilfredshed_1_5")
    assert (column["role"], column["scale"], column["scale_source"]) == ("item", "1-5", "header")
    # snake_case generic columns are understood in a wide file
    roles = {c["column"]: c["role"] for c in report.columns}
    assert roles["respondent_id"] == "metadata" and roles["submitted_at"] == "date"


def test_nps_end_labels_make_a_0_10_question():
    # Layout: SurveyXact/MS Forms print the ends of a 0-10 scale as "0 - Slet ikke sandsynligt"
    # and "10 - Meget sandsynligt" (VOCABULARY in etl/vocab.py, NPS_END_LABELS); no answer is 0.
    raw = wide.pd.Series(["10 - Meget sandsynligt", "9", "7", "3", "1"])
    read = wide_values.interpret_column(raw, wide.ItemSpec(column="Q7", text="Q7"), "staff")
    assert (read.scale_min, read.scale_max, read.nps) == (0.0, 10.0, True)
    assert list(read.values) == [10.0, 9.0, 7.0, 3.0, 1.0]
    assert wide_values.guess_construct("Q7", read.nps, "staff") == "enps"


# --------------------------------------------------------------------------- refusals


def test_refusal_names_the_commonest_cause_with_one_clipped_example(tmp_path):
    # the first problem was a stray row; most rows lack a library
    long_cell = "x" * 6000
    lines = ["Bibliotek;Dato;Tilfredshed (1-5)", f"Gentofte;05-03-2024;{long_cell}"]
    lines += [f";0{d}-03-2024;4" for d in range(1, 6)]
    path = _write(tmp_path, "nolib.csv", "\n".join(lines) + "\n")
    with pytest.raises(load.LoadRefused) as refused:
        load.load_file(tmp_path / "t.duckdb", path, respondent_type="patron", dry_run=True)
    text = str(refused.value)
    assert "no library named" in text and "5 of" in text
    assert "--library" in text
    assert "x" * 81 not in text
    assert "\n" not in text


def test_folder_gives_a_clear_line(tmp_path):
    with pytest.raises(load.LoadRefused, match="is a folder, not a file"):
        load.load_file(tmp_path / "t.duckdb", tmp_path, dry_run=True)


def test_file_without_rating_questions_says_so(tmp_path):
    text = "Bibliotek;Dato;Hvad lånte du?\nGentofte;05-03-2024;Bøger\nGentofte;06-03-2024;Film\n"
    with pytest.raises(load.LoadRefused, match="no rating questions found"):
        load.load_file(
            tmp_path / "t.duckdb", _write(tmp_path, "cat.csv", text), respondent_type="patron"
        )


def test_refusal_lines_in_danish_for_the_danish_upload_page(tmp_path, capsys):
    # the Danish texts are the label table's (servicemirror/core/labels.py); the page passes its
    # language in uploading.Options
    from servicemirror.app import uploading

    lines = ["Bibliotek;Dato;Tilfredshed (1-5)"] + [f";0{d}-03-2024;4" for d in range(1, 6)]
    content = ("\n".join(lines) + "\n").encode()
    outcome = uploading.preview(
        tmp_path / "t.duckdb", "nolib.csv", content, uploading.Options("patron", lang="da")
    )
    assert outcome.status == "refused"
    assert "ingen gyldige besvarelser" in outcome.message and "5 af 5" in outcome.message
    assert "række 1, kolonne" in outcome.message and "--library" in outcome.message
    english = uploading.preview(
        tmp_path / "t.duckdb", "nolib.csv", content, uploading.Options("patron")
    )
    assert "no valid responses" in english.message and "row 1, column" in english.message
    with pytest.raises(load.LoadRefused, match="er en mappe, ikke en fil"):
        load.load_file(tmp_path / "t.duckdb", tmp_path, dry_run=True, lang="da")
    # the command line: load --lang da
    from servicemirror import cli

    assert (
        cli.main(["load", str(tmp_path), "--lang", "da", "--db", str(tmp_path / "c.duckdb")]) == 1
    )
    assert "er en mappe, ikke en fil" in capsys.readouterr().err
    text = "Bibliotek;Dato;Hvad lånte du?\nGentofte;05-03-2024;Bøger\nGentofte;06-03-2024;Film\n"
    with pytest.raises(load.LoadRefused, match="ingen spørgsmål med en svarskala"):
        load.load_file(
            tmp_path / "t.duckdb",
            _write(tmp_path, "cat.csv", text),
            respondent_type="patron",
            lang="da",
        )


# --------------------------------------------------------------------------- libraries


def test_formula_url_and_long_library_cells_are_rejected_with_a_reason(tmp_path):
    # "=cmd|' /C calc'!A0" in the library column became a new library
    text = (
        "Bibliotek;Dato;Tilfredshed (1-5)\n"
        "Gentofte;05-03-2024;4\n"
        "=cmd|' /C calc'!A0;05-03-2024;5\n"
        "https://example.dk/bib;06-03-2024;3\n"
        f"{'Bibliotek ' * 12};06-03-2024;3\n"
    )
    report = _dry_run(tmp_path, "formula.csv", text)
    assert report.libraries == {"Gentofte": 1}
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "a formula" in reasons[2]
    assert "a web address" in reasons[3]
    assert "over 100 characters" in reasons[4]


# --------------------------------------------------------------------------- one validity rule


def test_a_response_needs_one_valid_rating(tmp_path):
    # a comment alone made a valid response, categorical answers alone did not
    text = (
        "Bibliotek;Dato;Tilfredshed (1-5);Kommentar\n"
        "Gentofte;05-03-2024;4;Fint\n"
        "Gentofte;06-03-2024;;Kun en kommentar her\n"
        "Gentofte;07-03-2024;2;\n"
    )
    report = _dry_run(tmp_path, "valid.csv", text)
    assert report.valid_responses == 2


# --------------------------------------------------------------------------- generic long


def test_generic_long_goes_through_the_vocabulary(tmp_path):
    # Layout: the generic long format of docs/formats/generic.md (library, period,
    # respondent_type, respondent_id, item, value; optional touchpoint, construct, comment)
    text = (
        "library,period,respondent_type,respondent_id,item,value,scale_min,scale_max,"
        "touchpoint,comment\n"
        "Gentofte,2024,patron,p1,tilfredshed,4,1,5,Bogen Kommer,Fin service\n"
        "Gentofte,2024,patron,p1,fremmoede,3,1,5,Bogen Kommer,\n"
        "Gentofte,2024,patron,p2,tilfredshed,2,1,5,Bogen Kommer,\n"
    )
    path = _write(tmp_path, "long.csv", text)
    prepared = load.prepare(tmp_path / "t.duckdb", path)
    items = prepared.report.items
    constructs = {i["item"]: i.get("construct") for i in items}
    new = prepared.new_items.set_index("item_code")["construct"].to_dict()
    assert new["tilfredshed"] == "satisfaction", (constructs, new)
    assert new["fremmoede"] == "other"
    warnings = " ".join(prepared.report.warnings)
    assert "'fremmoede'" in warnings and "counts in no index" in warnings
    assert set(prepared.responses["touchpoint"]) == {"home_delivery"}
    assert list(prepared.comments["text"]) == ["Fin service"]


# --------------------------------------------------------------------------- SurveyMonkey


def test_surveymonkey_panel_export_with_response_sub_row(tmp_path):
    # Layout: a SurveyMonkey Audience (panel) export as published in fivethirtyeight/data,
    # star-wars-survey/StarWars.csv: first header "RespondentID" (one word) with a blank cell below
    # it, "Response" in the sub-row under every single-answer question, no Collector ID and no
    # dates, and the panel's profile columns Gender, Age, Household Income, Education,
    # Location (Census Region) after the questions, each with "Response" below.
    path = FIXTURES / "surveymonkey/panel_response_subrow.csv"
    assert _detected(path) == "surveymonkey"
    report = _dry(
        tmp_path,
        "surveymonkey/panel_response_subrow.csv",
        respondent_type="patron",
        period="2024",
    )
    assert (report.records, report.valid_responses) == (3, 3)
    assert report.libraries == {"Central Library": 2, "Harbour Library": 1}
    roles = {c["column"]: c["role"] for c in report.columns}
    assert roles["RespondentID"] == "metadata" and roles["Age"] == "segment"
    for profile in ("Gender", "Household Income", "Education", "Location (Census Region)"):
        assert roles[profile] == "ignored", profile
    # the two questions and nothing else are items
    assert sum(role == "item" for role in roles.values()) == 2
    # Very satisfied 5, Satisfied 4, Dissatisfied 2 = 11/3
    assert _items(report)["how-satisfied-are-you-with-the-library-overall"][:2] == (
        3,
        pytest.approx(11 / 3),
    )


def test_surveymonkey_library_typed_into_other_please_specify(tmp_path):
    # Layout: SurveyMonkey "All responses data" CSV (help.surveymonkey.com, "Exporting all
    # responses"): a question with an "Other (please specify)" box has a second column whose
    # sub-row reads "Other (please specify)"; the typed library dropped the row.
    report = _dry(tmp_path, "surveymonkey/library_other_specify.csv", respondent_type="patron")
    assert report.valid_responses == 3
    assert report.libraries == {"Central Library": 2, "Harbour Library": 1}


# --------------------------------------------------------------------------- library mapping


def test_kiosk_locations_map_to_libraries_through_the_mapping(tmp_path):
    # Layout: a HappyOrNot-style press export (docs/formats/kiosk.md: HappyOrNot API v1 "Surveys
    # & Results", button r 0-3) whose only place column is Location, from three libraries.
    path = FIXTURES / "kiosk/three_locations_presses.csv"
    with pytest.raises(load.LoadRefused, match="no library named"):
        load.load_file(tmp_path / "a.duckdb", path, dry_run=True)
    mapping = {
        "libraries": {
            "Stenløse": "Egedal Bibliotekerne",
            "Farum": "Furesø Bibliotek",
            "Ballerup": "Ballerup Bibliotekerne",
        }
    }
    report = load.load_file(tmp_path / "b.duckdb", path, dry_run=True, mapping=mapping)
    assert report.format == "kiosk_presses"
    assert report.libraries == {
        "Egedal Bibliotekerne": 2,
        "Furesø Bibliotek": 2,
        "Ballerup Bibliotekerne": 1,
    }


def test_coded_library_column_asks_for_the_mapping(tmp_path):
    # a library column holding vendor codes AO01..AO05 (as LimeSurvey answer
    # codes are written, docs/formats/limesurvey.md) refused the file about an unrelated row
    text = "Bibliotek;Dato;Tilfredshed (1-5)\n" + "".join(
        f"AO0{i};0{i}-03-2024;{i}\n" for i in range(1, 6)
    )
    path = _write(tmp_path, "codes.csv", text)
    with pytest.raises(load.LoadRefused) as refused:
        load.load_file(tmp_path / "t.duckdb", path, respondent_type="patron", dry_run=True)
    assert "a code" in str(refused.value) and "5 of 5" in str(refused.value)
    assert "mapping step" in str(refused.value)
    names = {f"AO0{i}": ("Gentofte" if i < 4 else "Lyngby") for i in range(1, 6)}
    report = load.load_file(
        tmp_path / "t.duckdb",
        path,
        respondent_type="patron",
        dry_run=True,
        mapping={"libraries": names},
    )
    assert report.libraries == {"Gentofte": 3, "Lyngby": 2}


# --------------------------------------------------------------------------- the columns table


def test_dry_run_json_lists_every_column_with_its_role(tmp_path):
    from servicemirror.app import uploading

    report = _dry(tmp_path, "qualtrics/api_single_quoted_ids.csv").to_json()
    header = (FIXTURES / "qualtrics/api_single_quoted_ids.csv").read_text().splitlines()[0]
    table = uploading.columns_table(report)
    assert list(table["column"]) == header.split(",")
    roles = dict(zip(table["column"], table["role"], strict=True))
    assert roles["SolutionRevision"] == "metadata"
    assert roles["Status"] == "metadata" and roles["Finished"] == "metadata"
    assert roles["EndDate"] == "date" and roles["StartDate"] == "metadata"
    assert roles["Bibliotek"] == "library"
    q1 = table.set_index("column").loc["Q1"]
    assert (q1["role"], q1["item"], q1["scale"], q1["scale_source"]) == (
        "item",
        "core_sat",
        "1-5",
        "labels",
    )


def test_no_pandas_warning_on_a_110_column_export(tmp_path):
    # a PerformanceWarning ("DataFrame is highly fragmented") leaked to stderr.
    # pandas warns only past 100 column blocks, so the file needs 110 questions (a few seconds).
    import warnings

    import pandas as pd

    head = ["Bibliotek", "Dato"] + [f"Spørgsmål {i} (1-5)" for i in range(110)]
    lines = [";".join(head)] + [
        ";".join(["Gentofte", f"0{d}-03-2024"] + [str((d + i) % 5 + 1) for i in range(110)])
        for d in range(1, 6)
    ]
    path = _write(tmp_path, "wide300.csv", "\n".join(lines) + "\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = load.load_file(tmp_path / "t.duckdb", path, respondent_type="patron", dry_run=True)
    assert report.valid_responses == 5
    assert not [w for w in caught if issubclass(w.category, pd.errors.PerformanceWarning)]


def test_upload_page_library_editor_maps_kiosk_locations(tmp_path):
    # the Upload page's path for the kiosk file above: the refused preview offers its locations,
    # the filled-in table becomes the mapping's "libraries", the next preview loads
    from servicemirror.app import uploading

    content = (FIXTURES / "kiosk/three_locations_presses.csv").read_bytes()
    first = uploading.preview(tmp_path / "t.duckdb", "kiosk.csv", content)
    assert first.status == "refused"
    table = uploading.library_map_table(first, None)
    assert list(table["value"]) == ["Ballerup", "Farum", "Stenløse"]
    table["library"] = ["Ballerup Bibliotekerne", "Furesø Bibliotek", "Egedal Bibliotekerne"]
    mapping = uploading.with_library_map(None, table)
    second = uploading.preview(
        tmp_path / "t.duckdb", "kiosk.csv", content, uploading.Options(mapping=mapping)
    )
    assert second.status == "preview"
    assert second.report["libraries"] == {
        "Ballerup Bibliotekerne": 1,
        "Egedal Bibliotekerne": 2,
        "Furesø Bibliotek": 2,
    }


def test_every_message_has_danish_and_english_with_the_same_fields():
    import string

    from servicemirror.core import labels

    for key, texts in labels.LOAD_MESSAGES.items():
        assert set(texts) == {"da", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in texts.values()]
        assert fields[0] == fields[1], key
        # names that are the same in both languages: "metadata", "Windows-1252"
        assert texts["da"] != texts["en"] or key.startswith(
            ("load_where_", "role_", "encoding_")
        ), key
    assert len(labels.clip("x" * 6000)) == 80
    assert labels.clip("a\nb") == "a b"


# --------------------------------------------------------------------------- Danish end to end

# a wide file in Danish with four kinds of bad row next to three good ones: no library (row 4), a
# decimal answer (row 5), an answer outside the header's 1-5 (row 6), a word that is no answer
# (row 7)
PARTLY_BAD = (
    "Bibliotek;Dato;Tilfredshed (1-5)\n"
    "Gentofte;01-03-2024;4\n"
    "Gentofte;02-03-2024;5\n"
    "Gentofte;03-03-2024;3\n"
    ";04-03-2024;4\n"
    "Gentofte;05-03-2024;4,5\n"
    "Gentofte;06-03-2024;9\n"
    "Gentofte;07-03-2024;måske\n"
)


def test_load_lang_da_prints_no_english_reason(tmp_path, capsys):
    # the reasons inside the refusal and the rejected-row lines come from the readers;
    # with --lang da every one of them is Danish (the word list is the label table's own)
    from servicemirror import cli

    english = _english_words()
    assert {"library", "decimal"} & english or {"decimal", "outside"} <= english
    db = str(tmp_path / "c.duckdb")
    bad = _write(tmp_path, "delvis.csv", PARTLY_BAD)
    argv = ["load", str(bad), "--as", "patron", "--dry-run", "--lang", "da", "--db", db]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    rejected = [line for line in out.splitlines() if line.startswith("  afvist ")]
    assert len(rejected) == 4, out
    assert not _english_in("\n".join(rejected), english), rejected
    assert "intet bibliotek angivet" in out and "decimaltal" in out
    assert "uden for skalaen 1-5" in out and "hverken et tal eller en kendt svartekst" in out
    # the same file in English says the English reasons (the word list is not empty by luck)
    assert cli.main([*argv[:-4], "--lang", "en", "--db", db]) == 0
    assert len(_english_in(capsys.readouterr().out, english)) >= 4
    # a refused file: every row bad for the same cause (an implausible library), one line
    refused = _write(
        tmp_path,
        "afvist.csv",
        "Bibliotek;Dato;Tilfredshed (1-5)\n"
        + "".join(f"=cmd|' /C calc'!A0;0{d}-03-2024;4\n" for d in range(1, 4))
        + ";04-03-2024;4\n",
    )
    assert cli.main(["load", str(refused), "--as", "patron", "--lang", "da", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "ingen gyldige besvarelser" in err and "3 af 4" in err and "en formel" in err
    assert not _english_in(err, english), err


def test_upload_page_in_danish_shows_danish_reasons(monkeypatch, tmp_path):
    at = open_page("upload", tmp_path / "page.duckdb", monkeypatch, "da")
    at.get("file_uploader")[0].set_value(("delvis.csv", PARTLY_BAD.encode(), "text/csv"))
    at.run()
    assert not at.exception
    at.selectbox[0].set_value("patron")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    # the rejected rows' table (the page's other tables hold the file's own headers)
    tables = [" ".join(map(str, d.value.to_numpy().ravel())) for d in at.dataframe]
    reasons = next(text for text in tables if "intet bibliotek angivet" in text)
    assert "decimaltal" in reasons and "uden for skalaen 1-5" in reasons
    assert not _english_in(reasons, _english_words())
