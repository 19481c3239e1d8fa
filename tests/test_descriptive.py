"""analysis.descriptive against statsmodels and by hand: the OLS band, cell-mean CIs, the forum
band and the Likert layout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.weightstats import DescrStatsW

from servicemirror.analysis import descriptive


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("level", [0.90, 0.95])
def test_ols_band_matches_statsmodels(seed, level):
    rng = np.random.default_rng(seed)
    x = rng.uniform(50, 90, 15)
    y = 40 + 0.5 * x + rng.normal(0, 4, 15)
    band = descriptive.ols_band(x, y, level=level, points=25)
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    frame = fit.get_prediction(sm.add_constant(band["x"].to_numpy())).summary_frame(alpha=1 - level)
    np.testing.assert_allclose(band["fit"], frame["mean"], rtol=1e-10)
    np.testing.assert_allclose(band["ci_low"], frame["mean_ci_lower"], rtol=1e-10)
    np.testing.assert_allclose(band["ci_high"], frame["mean_ci_upper"], rtol=1e-10)
    assert band["x"].iloc[0] == pytest.approx(x.min()) and band["x"].iloc[-1] == pytest.approx(
        x.max()
    )


def test_ols_band_drops_missing_pairs_and_refuses_too_few():
    x = np.array([1.0, 2.0, np.nan, 4.0])
    y = np.array([2.0, np.nan, 3.0, 5.0])
    assert descriptive.ols_band(x, y).empty  # two complete pairs: no residual variance
    assert descriptive.ols_band([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]).empty  # no spread in x
    assert list(descriptive.ols_band(x, y).columns) == descriptive.BAND_COLUMNS


def test_mean_ci_matches_statsmodels_t_interval():
    rng = np.random.default_rng(4)
    samples = [rng.normal(70, 12, n) for n in (5, 12, 40)]
    mean = pd.Series([s.mean() for s in samples])
    sd = pd.Series([s.std(ddof=1) for s in samples])
    n = pd.Series([len(s) for s in samples])
    low, high = descriptive.mean_ci(mean, sd, n, bounds=None)
    for i, s in enumerate(samples):
        want = DescrStatsW(s).tconfint_mean(alpha=0.05)
        assert (low[i], high[i]) == pytest.approx(want, rel=1e-10)


def test_mean_ci_missing_without_sd_and_clipped_to_the_scale():
    low, high = descriptive.mean_ci(
        pd.Series([98.0, 50.0, 50.0]), pd.Series([10.0, np.nan, 5.0]), pd.Series([5, 30, 1])
    )
    assert high[0] == 100.0 and low[0] < 98.0
    assert np.isnan(low[1]) and np.isnan(high[1])  # an aggregate without sd
    assert np.isnan(low[2])  # n = 1


def test_forum_band_ignores_hidden_cells():
    frame = pd.DataFrame(
        {
            "period": ["2024"] * 5 + ["2025"],
            "value": [10.0, 20.0, 30.0, 40.0, np.nan, 5.0],
        }
    )
    band = descriptive.forum_band(frame, ["period"]).set_index("period")
    assert band.loc["2024", "median"] == 25.0
    assert band.loc["2024", "q1"] == pytest.approx(np.quantile([10, 20, 30, 40], 0.25))
    assert band.loc["2024", "n_libraries"] == 4
    assert band.loc["2025", "n_libraries"] == 1


def test_likert_layout_centres_the_neutral_answer():
    counts = pd.DataFrame(
        {
            "item": ["a"] * 5 + ["b"] * 4,
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 1.0, 2.0, 3.0, 4.0],
            "n": [1, 1, 2, 3, 3, 1, 1, 1, 1],
            "scale_min": [1.0] * 5 + [1.0] * 4,
            "scale_max": [5.0] * 5 + [4.0] * 4,
        }
    )
    out = descriptive.likert_layout(counts)
    a = out[out["item"] == "a"].set_index("value")
    # negatives (0.1 + 0.1) and half the neutral (0.1) lie left of zero
    assert a.loc[1.0, "start"] == pytest.approx(-0.3)
    assert a.loc[3.0, "start"] == pytest.approx(-0.1) and a.loc[3.0, "end"] == pytest.approx(0.1)
    assert a.loc[5.0, "end"] == pytest.approx(0.7)
    b = out[out["item"] == "b"].set_index("value")  # even scale: no neutral answer
    assert b.loc[3.0, "start"] == pytest.approx(0.0)
    assert out.groupby("item")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert a["level"].tolist() == [0, 1, 2, 3, 4]
