"""Comment themes and tone (etl/comment_tags.py): the rule on labelled cases, the dictionary's
validation, and the guarded half of the labelled set (tests/data/comments_labelled.tsv).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from servicemirror.analysis import comment_outcomes
from servicemirror.etl import comment_tags, comment_themes
from servicemirror.etl.readers.base import ReadError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench/ is a folder of scripts, not part of the package
bench = importlib.import_module("bench.comment_themes")

# the figures the guarded half reached when the dictionary was tuned on the other half
# (bench/comment_themes.py --split guard); the suite fails if a change makes them worse
GUARD_MACRO_F1 = 0.8767  # reached: 0.87679
GUARD_TONE_AGREEMENT = 0.7980  # reached: 0.79803 (162 of 203)


@pytest.fixture(scope="module")
def tagger():
    return comment_tags.build_tagger(comment_themes.default_dictionary())


def _tag(tagger, texts):
    tones, themes = comment_tags.tag(pd.Series(texts), tagger)
    found = themes.groupby("index")["theme"].agg(set)
    return [(tones["tone"][i], found.get(i, set())) for i in range(len(texts))]


# (text, expected tone, themes that must be found, themes that must not) -- our rule, documented
# in the module docstring and docs/comments.md
CASES = [
    ("Personalet er venligt.", "positive", {"staff"}, set()),
    ("Personalet var ikke venligt.", "negative", {"staff"}, set()),  # negation keeps the theme
    ("Appen er ikke god.", "negative", {"digital"}, set()),
    ("Appen er ikke dårlig.", "positive", {"digital"}, set()),  # negated negative: mildly positive
    ("Ikke særlig gode åbningstider.", "negative", {"opening_hours"}, set()),
    ("Det passer ikke til mig.", "negative", set(), set()),  # Danish negation after the verb
    ("Automaten virker ikke.", "negative", {"self_service"}, set()),
    ("The self-checkout machine never works.", "negative", {"self_service"}, set()),
    ("Staff were not friendly at all.", "negative", {"staff"}, set()),
    ("Ventelisten er alt for lang.", "negative", {"collection"}, set()),  # "too"-phrase
    ("Fantastisk, nu står jeg nummer 200 på ventelisten 🙄", "negative", {"collection"}, set()),
    ("Super smart at lukke kl. 16 om fredagen. Not.", "negative", {"opening_hours"}, set()),
    ("Ja tak for den 'venlige' betjening.", "negative", {"staff"}, set()),
    ("Kan man få hjælp til at scanne?", "neutral", {"help"}, set()),  # a question states no tone
    ("Book en bibliotekar var en stor hjælp.", "positive", {"book_a_librarian"}, {"staff"}),
    ("Bogen Kommer er en gave.", "positive", {"home_delivery"}, set()),
    ("Der mangler handicapparkering.", "negative", {"access_parking"}, set()),  # compound
    ("aabningstiderne er for korte", "negative", {"opening_hours"}, set()),  # aa for å
    ("Søde bibliotekarer og et godt udvalg af bøger.", "positive", {"staff", "collection"}, set()),
    ("Jeg kommer her en gang om ugen.", "neutral", set(), set()),
    ("Tak for et dejligt bibliotek!", "positive", set(), set()),
]


@pytest.mark.parametrize(("text", "tone", "must", "must_not"), CASES)
def test_rule_on_labelled_cases(tagger, text, tone, must, must_not):
    [(found_tone, found)] = _tag(tagger, [text])
    assert found_tone == tone
    assert must <= found
    assert not (must_not & found)


def test_intensifier_strengthens_and_contrast_weighs_what_follows(tagger):
    tones, _ = comment_tags.tag(
        pd.Series(["god", "meget god", "Personalet er søde men åbningstiderne er elendige."]),
        tagger,
    )
    assert tones["score"][1] == pytest.approx(1.5 * tones["score"][0])
    assert tones["tone"][2] == "negative"


def test_empty_and_missing_texts_are_neutral_without_themes(tagger):
    tones, themes = comment_tags.tag(pd.Series(["", None, "..."]), tagger)
    assert list(tones["tone"]) == ["neutral"] * 3 and themes.empty


def test_a_library_theme_and_phrase(tmp_path):
    path = tmp_path / "themes.csv"
    path.write_text(
        "theme;lang;term;label\nmakerspace;da;3d printer;Makerspace\nmakerspace;da;*laser*;\n",
        encoding="cp1252",
    )
    dictionary = comment_themes.read_dictionary(path)
    tagger = comment_tags.build_tagger(dictionary)
    found = _tag(tagger, ["Vi elsker 3D-printeren", "Laserskæreren er i stykker", "3D er sjovt"])
    assert [f for _, f in found] == [{"makerspace"}, {"makerspace"}, set()]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("tema,sprog,ord\nx,da,y\n", "needs the columns theme, lang, term"),
        ("theme,lang,term\nOpening Hours,da,åben\n", "row 2, column theme"),
        ("theme,lang,term\nstaff,de,freundlich\n", "row 2, column lang"),
        ("theme,lang,term\nstaff,da,ven*lig\n", "row 2, column term"),
        ("theme,lang,term\n", "has no terms"),
    ],
)
def test_dictionary_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReadError) as err:
        comment_themes.read_dictionary(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_dictionary_that_is_not_text_is_refused_in_one_line(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"theme,lang,term\n\x81\x8d,da,x\n")  # bytes no text encoding we read has
    with pytest.raises(ReadError, match="neither UTF-8 nor Windows-1252"):
        comment_themes.read_dictionary(path)
    with pytest.raises(ReadError, match="cannot read the theme dictionary"):
        comment_themes.read_dictionary(tmp_path / "missing.csv")


def test_shipped_dictionary_has_the_13_themes_in_both_languages():
    dictionary = comment_themes.default_dictionary()
    for lang in ("da", "en"):
        assert set(dictionary.loc[dictionary["lang"] == lang, "theme"]) == set(
            comment_tags.THEME_KEYS
        )


def test_labelled_set_covers_what_it_must():
    frame = bench.labelled("all")
    assert (frame["lang"] == "da").sum() >= 300 and (frame["lang"] == "en").sum() >= 100
    themes = set().union(*frame["expected"])
    assert themes == set(comment_tags.THEME_KEYS)
    for split in ("tune", "guard"):
        part = frame[frame["split"] == split]
        assert set().union(*part["expected"]) == set(comment_tags.THEME_KEYS), split


def test_guarded_half_does_not_get_worse():
    result = bench.evaluate(bench.labelled("guard"))
    assert result["n"] >= 200
    assert result["macro_f1"] >= GUARD_MACRO_F1 - 1e-9
    assert result["tone_agreement"] >= GUARD_TONE_AGREEMENT - 1e-9


def test_wilson_interval_matches_statsmodels():
    successes = np.array([0, 3, 17, 40])
    n = np.array([10, 12, 40, 40])
    low, high = comment_outcomes.wilson_interval(successes, n)
    ref_low, ref_high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low) and high == pytest.approx(ref_high)


def test_tone_shares_and_spread():
    counts = pd.DataFrame(
        {
            "library_key": ["a", "a", "b", "b", "c"],
            "period": ["2024"] * 5,
            "theme": ["", "staff", "", "staff", ""],
            "n_comments": [10, 4, 20, 2, 5],
            "positive": [6, 3, 10, 0, 5],
            "neutral": [2, 1, 5, 1, 0],
            "negative": [2, 0, 5, 1, 0],
            "n_all": [10, 10, 20, 20, 5],
        }
    )
    shares = comment_outcomes.tone_shares(counts)
    row = shares[
        (shares["library_key"] == "a") & (shares["theme"] == "") & (shares["tone"] == "positive")
    ]
    assert float(row["share"].iloc[0]) == pytest.approx(0.6)
    spread = comment_outcomes.theme_spread(counts)
    staff = spread[spread["theme"] == "staff"].iloc[0]
    # shares 0.4, 0.1 and 0 (c has no staff comment): median 0.1
    assert staff["n_libraries"] == 3 and staff["share_median"] == pytest.approx(0.1)


def test_speed_bench_runs_end_to_end_on_a_small_set():
    """Not a timing: bench/comment_speed.py tags and stores (the 100,000 figure is in the bench)."""
    speed = importlib.import_module("bench.comment_speed")
    texts = speed.make_comments(300)
    assert len(texts) == 300 and texts.str.len().min() > 0
    result = speed.run(n=300, repeat=1)
    assert result["n"] == 300 and result["store_s"] >= 0 and result["ok"]
