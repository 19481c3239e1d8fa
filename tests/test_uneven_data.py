"""Statistics on uneven data: the lag calendar, lambda = 0, lambda from the n behind
each library point, instrument comparability for patrons, and the verdict's gate rule."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import open_page

from servicemirror.analysis import battery, power, reliability, verdict
from servicemirror.analysis.simulate import ForumDesign, simulate_forum
from servicemirror.app.hypothesis import options_from_settings

FAST = {"n_permutations": 199}


def _publish_cells(contract: pd.DataFrame, instrument: str = "forum-core-v1") -> pd.DataFrame:
    """Simulated contract cells in the shape the publication layer gives the battery."""
    return pd.DataFrame(
        {
            "library_key": contract["library"],
            "period": contract["period"],
            "side": contract["side"],
            "measure": np.where(contract["side"] == "staff", "wellbeing", "satisfaction"),
            "touchpoint": "",
            "n": contract["n"],
            "mean": contract["mean"],
            "ss_within": contract["ss_within"],
            "source": "rows",
            "instrument": instrument,
            "suppressed": False,
        }
    )


def _forum(labels: list[str], seed: int = 3, **design) -> pd.DataFrame:
    cells = simulate_forum(
        ForumDesign(n_periods=len(labels), **design), np.random.default_rng(seed)
    )
    cells["period"] = cells["period"].map({str(2020 + i): p for i, p in enumerate(labels)})
    return _publish_cells(cells)


def _run(cells: pd.DataFrame, **options) -> dict:
    return battery.run_battery(cells, options=battery.BatteryOptions(**(FAST | options)))


# ---- 1. the lag calendar, through what the battery does ------------------------------------


def test_biennial_surveys_are_a_two_year_lag_in_the_battery():
    res = _run(_forum(["2019", "2021", "2023"]))
    lag = res["lagged"]
    assert lag["lag"] == 2 and lag["unit"] == "year"
    assert lag["pair_counts"] == {"2": 60}  # 15 libraries x 2 steps x 2 directions
    for direction in ("staff_to_patron", "patron_to_staff"):
        d = lag[direction]
        assert d["lag"] == 2 and d["pair_counts"] == {"2": 30}
        assert all(int(t) - int(f) == 2 for _, f, t in d["pairs"])


def test_mixed_gaps_use_one_lag_and_count_the_rest():
    res = _run(_forum(["2019", "2020", "2022"]))
    lag = res["lagged"]
    # 2019 -> 2020 is one year, 2020 -> 2022 two: never mixed in one model
    assert lag["pair_counts"] == {"1": 30, "2": 30}
    assert lag["lag"] == 1
    d = lag["staff_to_patron"]
    assert d["n_rows"] == 15 and {(f, t) for _, f, t in d["pairs"]} == {("2019", "2020")}


def test_labels_off_the_calendar_give_a_reason_and_the_setting_reaches_the_battery():
    cells = _forum(["2023", "2024"])
    res = _run(cells, period_length="half")
    assert res["lagged"] is None
    assert "not on the half calendar" in res["reasons"]["lagged"]
    opts = options_from_settings({"period_length": "quarter"})
    assert opts.period_length == "quarter"
    q = _forum(["2023-Q4", "2024-Q1", "2024-Q2"])
    assert _run(q, period_length=opts.period_length)["lagged"]["lag"] == 1


# ---- 3 + 5. power at lambda = 0 and lambda from the n behind each point ----------------------


def test_zero_reliability_gives_no_finite_libraries_needed():
    pw = power.power_summary(15, lambda_x=0.0, lambda_y=1.0)
    naive = power.power_summary(15)
    assert pw["zero_reliability"] is True and not naive["zero_reliability"]
    assert "no between-library signal" in pw["zero_reliability_en"]
    assert "ikke noget signal" in pw["zero_reliability_da"]
    for s in ("r_0_2", "r_0_3", "r_0_5"):
        assert pw[f"libraries_needed_attenuated_{s}"] is None
        assert pw[f"power_attenuated_{s}"] == pytest.approx(0.05)  # only false positives
        assert pw[f"libraries_needed_{s}"] == naive[f"libraries_needed_{s}"]
    assert pw["min_detectable_r_80_attenuated"] is None
    res = {
        "libraries": 15,
        "periods": 2,
        "library_level": {"n": 15, "pearson_r": 0.1, "ci_low": -0.4, "ci_high": 0.55},
        "power": pw,
        "reliability": {"source": "rows", "icc1": -0.02, "icc2": -0.3, "lambda_x": 0.0},
    }
    v = verdict.verdict(res)
    assert "zero_reliability" in v["caveats"] and "low_reliability" not in v["caveats"]
    assert "no between-library signal" in v["en"] and "ikke noget signal" in v["da"]
    assert "about 85" not in v["en"] and "ca. 85" not in v["da"]


def test_lambda_uses_the_n_behind_each_library_point():
    cells = _forum(["2022", "2023", "2024"], seed=8, staff_n=12)
    staff = cells["side"] == "staff"
    # uneven staff n over the periods: 30, 12, 6 respondents
    per_n = {"2022": 30, "2023": 12, "2024": 6}
    cells.loc[staff, "n"] = cells.loc[staff, "period"].map(per_n)
    res = _run(cells)
    rel = res["reliability"]
    # ICC(1) by hand from the latest period (one-way ANOVA, Bliese 2000)
    last = cells[staff & (cells["period"] == "2024")]
    n, m, ss = last["n"].to_numpy(float), last["mean"].to_numpy(), last["ss_within"].to_numpy()
    grand = (n * m).sum() / n.sum()
    msb = (n * (m - grand) ** 2).sum() / (len(n) - 1)
    msw = ss.sum() / (n.sum() - len(n))
    kbar = n.sum() / len(n)
    icc1 = (msb - msw) / (msb + (kbar - 1) * msw)
    assert rel["icc1"] == pytest.approx(icc1, rel=1e-9)
    # the point is the unweighted mean of 3 period means: error variance
    # sigma^2 / 9 * (1/30 + 1/12 + 1/6) = sigma^2 / n_eff
    n_eff = 9 / (1 / 30 + 1 / 12 + 1 / 6)
    expected = n_eff * icc1 / (1 + (n_eff - 1) * icc1)
    assert rel["lambda_x"] == pytest.approx(expected, rel=1e-9)
    one_period = 6 * icc1 / (1 + 5 * icc1)  # what the ICC period's n alone gave
    assert abs(rel["lambda_x"] - one_period) > 0.02
    assert res["power"]["lambda_x"] == pytest.approx(expected, rel=1e-9)


def test_aggregates_lambda_uses_the_n_behind_each_point():
    cells = _forum(["2023", "2024"], seed=9, staff_n=10)
    staff = cells["side"] == "staff"
    cells.loc[staff, "ss_within"] = np.nan
    cells.loc[staff, "source"] = "aggregates"
    rel = _run(cells)["reliability"]
    assert rel["source"] == "aggregates"
    lo, hi = reliability.ICC1_ASSUMED_RANGE
    # two periods of 10 respondents: the library point rests on 20
    assert rel["lambda_x"] == pytest.approx(20 * 0.125 / (1 + 19 * 0.125), rel=1e-9)
    assert rel["lambda_x_low"] == pytest.approx(20 * lo / (1 + 19 * lo), rel=1e-9)
    assert rel["lambda_x_high"] == pytest.approx(20 * hi / (1 + 19 * hi), rel=1e-9)


# ---- 6. instrument comparability for patron cells -------------------------------------------


def test_patron_cells_on_another_instrument_are_left_out():
    cells = _forum(["2023", "2024"], seed=5)
    odd = (cells["side"] == "patron") & cells["library_key"].isin(["L000", "L001"])
    cells.loc[odd, "instrument"] = "kiosk-paper"
    res = _run(cells)
    assert res["libraries"] == 13
    gone = {e["library"]: e["reason"] for e in res["excluded"]}
    assert set(gone) == {"L000", "L001"}
    assert "patron survey on another instrument (kiosk-paper)" in gone["L000"]


def test_the_registry_names_the_core_instrument_for_both_sides():
    """The rule reads the instrument registry: its core flag decides the shared instrument
    (here a next core version used by 5 libraries beats a vendor instrument used by 10)."""
    cells = _forum(["2023", "2024"], seed=5)
    newer = cells["library_key"].isin([f"L{j:03d}" for j in range(5)])
    cells.loc[~newer, "instrument"] = "qualtrics:SV_1"
    cells.loc[newer, "instrument"] = "forum-core-v2"
    registry = pd.DataFrame(
        {
            "instrument_id": ["forum-core-v1", "forum-core-v2", "qualtrics:SV_1"],
            "name": ["forum core items", "forum core items v2", None],
            "vendor": ["servicemirror", "servicemirror", "qualtrics"],
            "respondent_type": [None, None, "staff"],
            "core": [True, True, False],
        }
    )
    data, excluded = battery.analysis_cells(cells, registry)
    assert set(data["library"]) == {f"L{j:03d}" for j in range(5)}
    reasons = {e["reason"] for e in excluded}
    for side in ("staff", "patron"):
        assert (
            f"{side} survey on another instrument (qualtrics:SV_1); "
            'compared only on forum-core-v2, "forum core items v2"'
        ) in reasons
    # without the registry the forum core id is the core: none here, so the most shared wins
    data, _ = battery.analysis_cells(cells)
    assert data["library"].nunique() == 10


def test_uploads_register_their_instruments_and_the_analysis_reads_them(tmp_path):
    """End to end: each upload registers the instrument it brings (a SurveyMonkey patron survey
    beside the forum core items); `analyze` leaves the libraries on it out and names it, never by
    its file's name (which names the libraries); a database from before migration 9 gets its
    registry on opening."""
    import duckdb
    from conftest import FIXTURES, write_small_forum

    from servicemirror import queries
    from servicemirror.app import hypothesis
    from servicemirror.core import db
    from servicemirror.etl import load

    files = write_small_forum(tmp_path / "files")
    patron = next(f for f in files if "patron" in f.name)
    rows = pd.read_csv(patron)
    rows[~rows["library"].isin(["Alfa", "Beta"])].to_csv(patron, index=False)
    vendor = tmp_path / "patrons_alfa_beta.csv"
    text = (FIXTURES / "surveymonkey" / "patron_survey.csv").read_text(encoding="utf-8")
    vendor.write_text(text.replace("Central Library", "Alfa").replace("Harbour Library", "Beta"))
    path = tmp_path / "forum.duckdb"
    for f in files:
        load.load_file(path, f)
    upload = load.load_file(path, vendor, period="2024").upload_id

    def registry() -> pd.DataFrame:
        with db.reading(path) as con:
            return queries.run(con, "instruments_all").set_index("instrument_id")

    reg = registry()
    (sm,) = [i for i in reg.index if i.startswith("surveymonkey:")]
    assert list(reg.index) == ["forum-core-v1", sm]
    assert bool(reg.loc["forum-core-v1", "core"]) and not bool(reg.loc[sm, "core"])
    assert pd.isna(reg.loc[sm, "name"]) and reg.loc["forum-core-v1", "name"] == "forum core items"
    assert reg.loc[sm, "respondent_type"] == "patron"
    assert reg.loc[sm, "first_upload_id"] == upload
    res = hypothesis.analyze(path, n_permutations=99)
    gone = {e["library"]: e["reason"] for e in res["excluded"]}
    assert set(gone) == {"alfa", "beta"} and res["libraries"] == 4
    assert (
        f'patron survey on another instrument ({sm}); compared only on forum-core-v1, "forum core '
        'items"'
    ) in gone["alfa"]
    assert "alfa_beta" not in json.dumps(res, default=str)
    # an older database (schema 8: no core flag, nothing registered) is filled on opening
    con = duckdb.connect(str(path))
    con.execute("delete from instruments")
    con.execute("alter table instruments drop column core")
    con.execute("alter table instruments drop column first_upload_id")
    con.execute("update meta set value = '8' where key = 'schema_version'")
    con.close()
    with db.writing(path):
        pass
    again = registry()
    assert list(again.index) == ["forum-core-v1", sm] and bool(again.loc["forum-core-v1", "core"])
    assert again.loc[sm, "first_upload_id"] == upload


# ---- 7. the verdict's gate: interval AND permutation p -------------------------------------


def _verdict(ci, p_perm):
    return verdict.verdict(
        {
            "libraries": 15,
            "periods": 1,
            "library_level": {
                "n": 15,
                "pearson_r": (ci[0] + ci[1]) / 2,
                "ci_low": ci[0],
                "ci_high": ci[1],
                "p_permutation": p_perm,
            },
        }
    )


def test_clear_answer_needs_interval_and_permutation_p():
    assert _verdict((0.05, 0.8), 0.01)["kind"] == "positive"
    assert _verdict((-0.8, -0.05), 0.02)["kind"] == "negative"
    split = _verdict((0.02, 0.78), 0.061)
    assert split["kind"] == "inconclusive" and "tests_disagree" in split["caveats"]
    assert "permutation p = 0.061" in split["en"] and "uafklaret" in split["da"]
    other = _verdict((-0.01, 0.8), 0.04)
    assert other["kind"] == "inconclusive" and "tests_disagree" in other["caveats"]
    assert "permutation p" in verdict.GATE_RULE and "excludes 0" in verdict.GATE_RULE


# ---- the Hypothesis page: the lag used and lambda = 0 -------------------------------------


def test_hypothesis_page_shows_the_lag_and_zero_reliability(monkeypatch, demo_db):
    import copy

    from servicemirror.app import hypothesis
    from servicemirror.dashboard import i18n

    real = hypothesis.analyze(demo_db)
    fake = copy.deepcopy(real)
    fake["power"] = power.power_summary(real["libraries"], lambda_x=0.0, lambda_y=1.0)
    monkeypatch.setattr(hypothesis, "analyze", lambda *a, **k: fake)
    at = open_page("hypothesis", demo_db, monkeypatch, "en")
    assert not at.exception
    assert power.ZERO_RELIABILITY["en"] in [w.value for w in at.warning]
    shown = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    lag = real["lagged"]
    counts = ", ".join(f"{d}: {n}" for d, n in lag["pair_counts"].items())
    expected = i18n.t(
        "hyp_lag_used", "en", lag=lag["lag"], unit=i18n.t("hyp_lag_unit_year", "en"), counts=counts
    )
    assert expected in shown
    # no finite "libraries needed" once lambda = 0: not even the naive figures
    for r, suffix in (("0.2", "r_0_2"), ("0.3", "r_0_3"), ("0.5", "r_0_5")):
        n = fake["power"][f"libraries_needed_{suffix}"]
        assert i18n.t("hyp_power_needed_plain", "en", r=r, n=n) not in shown
        assert f"r = {r}: about" not in shown
