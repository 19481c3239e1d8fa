"""Survey-tool readers (Qualtrics, SurveyMonkey, LimeSurvey, Google Forms, Microsoft Forms, generic
wide) through the real load path, with exact counts, means and NPS worked out by hand below.

Fixtures: tests/fixtures/<tool>/ (docs/formats/<tool>.md names the documentation each imitates).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicemirror.etl import load, mapping, tables, wide, wide_values
from servicemirror.etl.detect import sniff
from servicemirror.etl.registry import READERS

FIXTURES = Path(__file__).parent / "fixtures"
MATRIX = "How much do you agree with the following statements?"
RECOMMEND = "How likely is it that you would recommend the library to a friend or colleague?"

# Each case: file, load options, format, records, valid responses, libraries, rejected rows,
# items {item code: (n, mean, nps)}. The hand computations are in the comments.
CASES = [
    pytest.param(
        "qualtrics/brugere_choice_text.csv",
        {},
        "qualtrics",
        7,  # 7 data rows under the 3 header rows
        5,  # row 6 is a Survey Preview, row 7 unfinished (Finished = False)
        {"Gentofte": 3, "Lyngby": 2},
        2,
        {
            # Meget tilfreds 5, Tilfreds 4, Hverken 3, Meget tilfreds 5, Utilfreds 2 = 19/5
            "core_sat": (5, 3.8, None),
            # Helt enig 5, Delvist enig 4, Ved ikke (missing), Helt enig 5, Helt uenig 1 = 15/4
            "hvor-enig-er-du-i-foelgende-personalet-er-hjaelpsomt": (4, 3.75, None),
            # Delvist enig 4, Hverken 3, Delvist uenig 2, Helt enig 5, Delvist uenig 2 = 16/5
            "hvor-enig-er-du-i-foelgende-det-er-let-at-finde-materialer": (5, 3.2, None),
            # 10, 8, 6, 9, 3: mean 36/5; promoters 10, 9 = 40 %, detractors 6, 3 = 40 % -> 0
            "core_nps": (5, 7.2, 0.0),
        },
        id="qualtrics-choice-text",
    ),
    pytest.param(
        "qualtrics/trivsel_numeric.csv",
        {},
        "qualtrics",
        7,
        5,  # Status 1 (preview) and Finished 0 are not responses
        {"Gentofte Bibliotekerne": 5},
        2,
        {
            "core_w1": (5, 4.2, None),  # 5+4+3+4+5 = 21/5
            "core_w2": (5, 3.6, None),  # 4+4+2+5+3 = 18/5
            # 9, 7, 10, 6, 8: mean 40/5 = 8; promoters 9, 10 = 40 %, detractors 6 = 20 % -> 20
            "core_enps": (5, 8.0, 20.0),
        },
        id="qualtrics-numeric-staff",
    ),
    pytest.param(
        "surveymonkey/patron_survey.csv",
        {},
        "surveymonkey",
        6,
        5,  # respondent 114290006 answered nothing: not a response (warning, not a rejection)
        {"Central Library": 3, "Harbour Library": 2},
        0,
        {
            # Very satisfied 5, Satisfied 4, Neither 3, Very dissatisfied 1, Very satisfied 5 = 18/5
            "how-satisfied-are-you-with-the-library-overall": (5, 3.6, None),
            # SA 5, A 4, A 4, SD 1, SA 5 = 19/5
            wide_values.item_code(f"{MATRIX} [The staff were helpful]"): (5, 3.8, None),
            # A 4, N 3, D 2, SD 1, A 4 = 14/5
            wide_values.item_code(f"{MATRIX} [It was easy to find what I needed]"): (5, 2.8, None),
            # A 4, D 2, N/A, D 2, SA 5 = 13/4
            wide_values.item_code(f"{MATRIX} [The self-service machines worked]"): (4, 3.25, None),
            # 10, 7, 8, 2, 9: mean 36/5; promoters 10, 9 = 40 %, detractors 2 = 20 % -> 20
            wide_values.item_code(RECOMMEND): (5, 7.2, 20.0),
        },
        id="surveymonkey",
    ),
    pytest.param(
        "limesurvey/trivsel_codes_anonymised.csv",
        {"respondent_type": "staff", "library": "Gentofte", "period": "2024"},
        "limesurvey",
        6,
        5,  # id 5 has no submitdate (incomplete)
        {"Gentofte": 5},
        1,
        {
            "core_w1": (5, 3.6, None),  # 4+5+3+4+2 = 18/5
            "core_w2": (5, 3.4, None),  # 4+5+2+3+3 = 17/5
            "core_w3": (4, 3.0, None),  # 3+4+2+3 = 12/4 (id 4 left it blank)
            # 9, 10, 5, 7, 8: mean 39/5; promoters 9, 10 = 40 %, detractors 5 = 20 % -> 20
            "core_enps": (5, 7.8, 20.0),
        },
        id="limesurvey-codes",
    ),
    pytest.param(
        "google_forms/brugerundersoegelse.csv",
        {},
        "google_forms",
        5,
        4,  # a@example.dk submitted twice: row 1 is replaced by the later row 4
        {"Gentofte": 2, "Lyngby": 2},
        1,
        {
            "core_sat": (4, 3.25, None),  # rows 2-5: Tilfreds 4, Utilfreds 2, Tilfreds 4, Hverken 3
            # grid row [Betjeningen]: 4, 1, 4, 4 = 13/4
            "hvor-tilfreds-er-du-med-foelgende-betjeningen": (4, 3.25, None),
            # grid row [Selvbetjeningen]: "Har ikke brugt" (missing), 2, 4, 5 = 11/3
            "hvor-tilfreds-er-du-med-foelgende-selvbetjeningen": (3, 3.666667, None),
            # 8, 4, 9, 7: mean 28/4 = 7; promoters 9 = 25 %, detractors 4 = 25 % -> 0
            "core_nps": (4, 7.0, 0.0),
        },
        id="google-forms",
    ),
    pytest.param(
        "ms_forms/staff_results.xlsx",
        {},
        "ms_forms",
        6,
        6,
        {"Gentofte": 6},
        0,
        {
            "core_w1": (6, 3.833333, None),  # SA5 A4 N3 SA5 D2 A4 = 23/6
            "core_w2": (6, 3.666667, None),  # A4 A4 D2 SA5 N3 A4 = 22/6
            # 9, 8, 6, 10, 3, 7: mean 43/6; promoters 9, 10 = 2/6, detractors 6, 3 = 2/6 -> 0
            "core_enps": (6, 7.166667, 0.0),
        },
        id="ms-forms-xlsx",
    ),
    pytest.param(
        "ms_forms/trivsel_dansk_excel.csv",
        {},
        "ms_forms",
        6,
        6,
        {"Gentofte": 6},
        0,
        {
            "core_w1": (6, 3.833333, None),  # the same answers in Danish labels (Enig = 4)
            "core_w2": (6, 3.666667, None),
            "core_enps": (6, 7.166667, 0.0),
        },
        id="ms-forms-danish-excel-csv",
    ),
    pytest.param(
        "generic_wide/haandlavet_excel.csv",
        {"respondent_type": "patron"},
        "generic_wide",
        5,  # 4 respondents + the "I alt" row (title, blank rows and empty columns are no records)
        4,
        {"Gentofte": 2, "Lyngby": 2},
        0,
        {
            "tilfredshed": (4, 3.5, None),  # 4+5+3+2 = 14/4
            # 9, 10, 6, 4: mean 29/4; promoters 50 %, detractors 50 % -> 0
            "anbefaling": (4, 7.25, 0.0),
        },
        id="generic-wide-handmade",
    ),
]


def _summary(report: load.LoadReport) -> dict:
    return {i["item"]: (i["n"], i["mean"], i["nps"]) for i in report.items}


@pytest.mark.parametrize("name, options, fmt, records, valid, libraries, rejected, items", CASES)
def test_fixture_counts_means_nps(
    tmp_path, name, options, fmt, records, valid, libraries, rejected, items
):
    report = load.load_file(tmp_path / "t.duckdb", FIXTURES / name, dry_run=True, **options)
    assert report.format == fmt
    assert report.records == records
    assert report.valid_responses == valid
    assert report.libraries == libraries
    assert len(report.rejected) == rejected
    got = _summary(report)
    assert set(got) == set(items)
    for code, (n, mean, nps) in items.items():
        assert got[code][0] == n, code
        assert got[code][1] == pytest.approx(mean, abs=1e-6), code
        assert got[code][2] == (pytest.approx(nps) if nps is not None else None), code


def test_qualtrics_previews_and_unfinished_are_rejected_with_reasons(tmp_path):
    report = load.load_file(
        tmp_path / "t.duckdb", FIXTURES / "qualtrics/brugere_choice_text.csv", dry_run=True
    )
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "survey preview" in reasons[6]
    assert "unfinished" in reasons[7]


def test_qualtrics_multiline_comment_kept_and_scrubbed(tmp_path):
    prepared = load.prepare(tmp_path / "t.duckdb", FIXTURES / "qualtrics/brugere_choice_text.csv")
    texts = sorted(prepared.comments["text"])
    assert len(texts) == 2
    assert texts[0] == "Dejligt sted.\nMen for koldt om vinteren."
    assert "anna@example.dk" not in texts[1]


def test_staff_text_and_demographics_are_not_stored(tmp_path):
    prepared = load.prepare(tmp_path / "t.duckdb", FIXTURES / "qualtrics/trivsel_numeric.csv")
    assert prepared.comments.empty
    assert "staff free-text" in " ".join(prepared.report.warnings)
    # Q4 "Køn" is a staff demographic: no item, no answers
    assert "Q4" not in set(prepared.answers["column"])
    spec_roles = _spec("qualtrics/trivsel_numeric.csv").roles()
    assert spec_roles["Q4"] == "dropped:demographic"
    assert spec_roles["IPAddress"] == "dropped:identity"


def _spec(name: str, **kwargs) -> wide.WideSpec:
    """The spec a reader builds (re-classified from the same frame the reader reads)."""
    path = FIXTURES / name
    sniffed = sniff(path)
    rows, _ = tables.table_rows(path, sniffed)
    if name.startswith("qualtrics"):
        frame = tables.with_header(rows, 3, [rows.iloc[0].get(c) for c in rows.columns[1:]])
        texts = {c: rows.iloc[1].get(i) for i, c in enumerate(frame.columns[1:])}
        return wide.classify(frame, format="qualtrics", texts=texts, **kwargs)
    return wide.classify(tables.with_header(rows, 1), format="x", **kwargs)


def test_surveymonkey_other_text_is_a_comment_and_checkboxes_are_not_scored(tmp_path):
    report = load.load_file(
        tmp_path / "t.duckdb", FIXTURES / "surveymonkey/patron_survey.csv", dry_run=True
    )
    assert any("answered no question" in w for w in report.warnings)
    assert any("[Borrowing]" in w and "not imported" in w for w in report.warnings)
    prepared = load.prepare(tmp_path / "t.duckdb", FIXTURES / "surveymonkey/patron_survey.csv")
    assert list(prepared.comments["text"]) == ["Study space"]


def test_limesurvey_placeholder_dates_refused_without_period(tmp_path):
    with pytest.raises(load.LoadRefused):
        load.load_file(
            tmp_path / "t.duckdb",
            FIXTURES / "limesurvey/trivsel_codes_anonymised.csv",
            respondent_type="staff",
            library="Gentofte",
            dry_run=True,
        )


def test_google_forms_period_from_timestamps_with_time_zone(tmp_path):
    prepared = load.prepare(
        tmp_path / "t.duckdb", FIXTURES / "google_forms/brugerundersoegelse.csv"
    )
    assert set(prepared.responses["period"]) == {"2024"}
    stamps = pd.to_datetime(prepared.responses.sort_values("row")["submitted_at"])
    assert stamps.iloc[0] == pd.Timestamp("2024-03-05 11:02:45")  # "11:02:45 AM GMT+1"
    assert stamps.iloc[1] == pd.Timestamp("2024-03-06 14:15:00")  # "2:15:00 PM GMT+1"


def test_generic_wide_aggregates_one_row_per_library(tmp_path):
    report = load.load_file(
        tmp_path / "t.duckdb",
        FIXTURES / "generic_wide/resultater_pr_bibliotek.csv",
        respondent_type="patron",
        dry_run=True,
    )
    assert report.format == "generic_wide"
    assert report.libraries == {"Gentofte": 120, "Lyngby": 85}  # the "I alt" row is left out
    got = {i["item"]: (i["n"], i["mean"]) for i in report.items}
    # n-weighted means: (4.2*120 + 3.9*85)/205 = 835.5/205; (8.1*120 + 7.4*85)/205 = 1601/205
    assert got["tilfredshed"] == (205, pytest.approx(835.5 / 205, abs=1e-6))
    assert got["anbefaling"] == (205, pytest.approx(1601 / 205, abs=1e-6))


def test_real_load_then_undo(tmp_path):
    db_path = tmp_path / "t.duckdb"
    report = load.load_file(db_path, FIXTURES / "google_forms/brugerundersoegelse.csv")
    assert report.status == "loaded" and report.valid_responses == 4
    again = load.load_file(db_path, FIXTURES / "google_forms/brugerundersoegelse.csv")
    assert again.status == "duplicate"
    assert load.undo(db_path, report.upload_id)["rows_removed"] > 0


# --------------------------------------------------------------------------- cell interpretation


def test_reversed_header_hint_turns_codes():
    raw = pd.Series(["1", "2", "5", "Ved ikke", None])
    read = wide_values.interpret_column(raw, wide.ItemSpec("Q (1 = Helt enig, 5 = Helt uenig)"))
    assert read.reversed and (read.scale_min, read.scale_max) == (1, 5)
    assert read.values.tolist()[:3] == [5.0, 4.0, 1.0]
    assert np.isnan(read.values[3]) and bool(read.answered[3]) and not bool(read.answered[4])


def test_code_labels_decide_direction():
    # SurveyXact-style: codes with a label file where 1 is the most positive answer
    labels = {"1": "Helt enig", "2": "Enig", "3": "Hverken enig eller uenig", "4": "Uenig"}
    labels |= {"5": "Helt uenig", "9": "Ved ikke"}
    raw = pd.Series(["1", "2", "5", "9"])
    read = wide_values.interpret_column(raw, wide.ItemSpec("Q", labels=labels))
    assert read.values.tolist()[:3] == [5.0, 4.0, 1.0] and np.isnan(read.values[3])


def test_nps_coded_1_to_11_is_shifted():
    raw = pd.Series(["11", "1", "8", "10"])
    read = wide_values.interpret_column(raw, wide.ItemSpec("Would you recommend us?"))
    assert read.nps and (read.scale_min, read.scale_max) == (0, 10)
    assert read.values.tolist() == [10.0, 0.0, 7.0, 9.0]


def test_seven_point_labels():
    raw = pd.Series(["Extremely satisfied", "Slightly dissatisfied", "Moderately satisfied"])
    read = wide_values.interpret_column(raw, wide.ItemSpec("Satisfaction"))
    assert (read.scale_min, read.scale_max) == (1, 7)
    assert read.values.tolist() == [7.0, 3.0, 6.0]


# --------------------------------------------------------------------------- hostile input


def _write(tmp_path, name: str, text: str, encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def test_header_only_qualtrics_is_refused(tmp_path):
    lines = (FIXTURES / "qualtrics/brugere_choice_text.csv").read_text().splitlines()[:3]
    path = _write(tmp_path, "empty.csv", "\n".join(lines) + "\n")
    with pytest.raises(load.LoadRefused, match="holds no responses"):
        load.load_file(tmp_path / "t.duckdb", path, dry_run=True)


def test_limesurvey_without_responses_is_refused(tmp_path):
    with pytest.raises(load.LoadRefused, match="LimeSurvey export holds no responses"):
        load.load_file(tmp_path / "t.duckdb", FIXTURES / "limesurvey/no_responses.csv")
    assert not (tmp_path / "t.duckdb").exists()


def test_mismatched_columns_reject_that_line_only(tmp_path):
    text = (FIXTURES / "google_forms/brugerundersoegelse.csv").read_text()
    lines = text.splitlines()
    lines.insert(
        3, "2024/03/05 12:00:00 PM GMT+1,x@example.dk,Gentofte,Tilfreds,extra,cells,9,a,b,c"
    )
    path = _write(tmp_path, "extra.csv", "\n".join(lines) + "\n")
    report = load.load_file(tmp_path / "t.duckdb", path, dry_run=True)
    assert report.valid_responses == 4
    assert any("could not be read" in r["reason"] for r in report.rejected)


def test_out_of_range_value_rejected_with_row_and_column(tmp_path):
    text = "Bibliotek;Dato;Tilfredshed (1-5)\nGentofte;05-03-2024;4\nGentofte;06-03-2024;7\n"
    text += "Lyngby;07-03-2024;2\n"
    path = _write(tmp_path, "range.csv", text)
    report = load.load_file(tmp_path / "t.duckdb", path, respondent_type="patron", dry_run=True)
    bad = [r for r in report.rejected if r["column"] == "Tilfredshed (1-5)"]
    assert bad == [
        {
            "row": 2,
            "column": "Tilfredshed (1-5)",
            "value": "7",
            "reason": "outside the scale 1-5; fix the cell",
        }
    ]
    assert _summary(report)["tilfredshed"] == (2, 3.0, None)  # (4 + 2) / 2


def test_300000_character_comment(tmp_path):
    long = "x" * 300_000
    text = (FIXTURES / "google_forms/brugerundersoegelse.csv").read_text().splitlines()
    text[2] = text[2].replace("Flere åbningstimer", long)
    path = _write(tmp_path, "long.csv", "\n".join(text) + "\n")
    prepared = load.prepare(tmp_path / "t.duckdb", path)
    assert prepared.report.valid_responses == 4
    assert sorted(prepared.comments["text"].str.len()) == [300_000]


def test_xlsx_renamed_csv_is_read_by_content(tmp_path):
    path = tmp_path / "results.csv"
    path.write_bytes((FIXTURES / "ms_forms/staff_results.xlsx").read_bytes())
    report = load.load_file(tmp_path / "t.duckdb", path, dry_run=True)
    assert report.format == "ms_forms" and report.valid_responses == 6


def test_detectors_pick_the_right_tool():
    expected = {
        "qualtrics/brugere_choice_text.csv": "qualtrics",
        "surveymonkey/patron_survey.csv": "surveymonkey",
        "limesurvey/trivsel_codes_anonymised.csv": "limesurvey",
        "google_forms/brugerundersoegelse.csv": "google_forms",
        "ms_forms/trivsel_dansk_excel.csv": "ms_forms",
        "generic_wide/haandlavet_excel.csv": "generic_wide",
        "kiosk/happyornot_presses.csv": "kiosk_presses",
    }
    for name, fmt in expected.items():
        path = FIXTURES / name
        sniffed = sniff(path)
        scores = sorted(((r.detect(sniffed, path), n) for n, r in READERS.items()), reverse=True)
        assert scores[0][1] == fmt, (name, scores[:3])


# --------------------------------------------------------------------------- mapping profiles


def test_mapping_profile_makes_the_next_export_load_in_one_step(tmp_path):
    db_path = tmp_path / "t.duckdb"
    text = (
        "Sted;Hvornaar;Spm A\nGentofte;05-03-2024;1\nGentofte;06-03-2024;2\nLyngby;07-03-2024;5\n"
    )
    path = _write(tmp_path, "ukendt.csv", text)
    headers = ["Sted", "Hvornaar", "Spm A"]
    confirmed = {
        "format": "generic_wide",
        "respondent_type": "patron",
        "roles": {"Sted": "library", "Hvornaar": "date"},
        # the tool printed 1 = most satisfied: stored turned, 1 -> 5
        "items": [{"column": "Spm A", "item": "core_sat", "reversed": True}],
    }
    # without a profile nothing says where the library is
    with pytest.raises(load.LoadRefused):
        load.load_file(db_path, path, format="generic_wide", respondent_type="patron")
    load.save_mapping_profile(db_path, "Brugerundersøgelse 2024", confirmed, headers)
    report = load.load_file(db_path, path, format="generic_wide", dry_run=True)
    assert any("Brugerundersøgelse 2024" in w for w in report.warnings)
    assert report.libraries == {"Gentofte": 2, "Lyngby": 1}
    assert _summary(report)["core_sat"] == (3, pytest.approx((5 + 4 + 1) / 3), None)


def test_mapping_round_trip():
    spec = _spec("google_forms/brugerundersoegelse.csv")
    again = mapping.apply(spec, mapping.to_mapping(spec))
    assert again.roles() == spec.roles()
    assert [i.column for i in again.items] == [i.column for i in spec.items]


# --------------------------------------------------------------------------- size


def test_200000_respondents_x_25_items_is_fast(tmp_path):
    rng = np.random.default_rng(3)
    n = 200_000
    labels = np.array(["Helt uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Helt enig"])
    frame = pd.DataFrame(
        {
            "Tidsstempel": "2024-03-05 10:22:13",
            "Bibliotek": rng.choice(["Gentofte", "Lyngby", "Ishøj"], n),
        }
    )
    for q in range(25):
        frame[f"Spørgsmål {q + 1} om biblioteket"] = labels[rng.integers(0, 5, n)]
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    sniffed = sniff(path)
    start = time.perf_counter()
    result = READERS["google_forms"].read(path, sniffed, None)
    elapsed = time.perf_counter() - start
    assert len(result.responses) == n
    assert len(result.answers) == n * 25
    assert elapsed < 60, elapsed
