"""analysis.change against independent computations: statsmodels' CompareMeans (Welch) on the
raw answers, and the NPS difference from the coded answers (+100 / 0 / -100) by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from servicemirror.analysis import change


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mean_change_matches_statsmodels_welch_interval(seed):
    rng = np.random.default_rng(seed)
    now = rng.normal(72, 15, 37).clip(0, 100)
    before = rng.normal(68, 22, 55).clip(0, 100)
    got = change.mean_change(
        now.mean(), now.std(ddof=1), len(now), before.mean(), before.std(ddof=1), len(before)
    )
    low, high = CompareMeans(DescrStatsW(now), DescrStatsW(before)).tconfint_diff(
        alpha=0.05, usevar="unequal"
    )
    assert got["ci_low"] == pytest.approx(low, rel=1e-9)
    assert got["ci_high"] == pytest.approx(high, rel=1e-9)
    assert got["change"] == pytest.approx(now.mean() - before.mean())
    # and the interval agrees with Welch's test: 0 inside <=> p >= 0.05
    p = stats.ttest_ind(now, before, equal_var=False).pvalue
    assert (got["verdict"] == "uncertain") == (p >= 0.05)


def test_the_issue_example_is_noise_and_a_large_change_is_clear():
    # NPS 30 after 46.2 with about 30 answers each: the interval spans 0
    noisy = change.nps_change(12, 3, 30, 18, 4, 30)
    assert noisy["change"] == pytest.approx(100 * (9 / 30) - 100 * (14 / 30))
    assert noisy["ci_low"] < 0 < noisy["ci_high"] and noisy["verdict"] == "uncertain"
    clear = change.mean_change(80, 10, 200, 60, 10, 200)
    assert clear["verdict"] == "improved"
    assert change.mean_change(60, 10, 200, 80, 10, 200)["verdict"] == "declined"
    assert change.mean_change(60, float("nan"), 200, 80, 10, 200)["verdict"] == "unknown"
    assert change.mean_change(60, 10, 1, 80, 10, 200)["verdict"] == "unknown"


def test_nps_change_matches_the_coded_answers():
    rng = np.random.default_rng(11)
    now = rng.choice([100, 0, -100], size=80, p=[0.5, 0.3, 0.2])
    before = rng.choice([100, 0, -100], size=120, p=[0.35, 0.35, 0.3])
    got = change.nps_change(
        int((now == 100).sum()),
        int((now == -100).sum()),
        len(now),
        int((before == 100).sum()),
        int((before == -100).sum()),
        len(before),
    )
    # NPS is the mean of the coded answers; its multinomial variance is the population variance
    se = np.sqrt(now.var(ddof=0) / len(now) + before.var(ddof=0) / len(before))
    diff = now.mean() - before.mean()
    assert got["change"] == pytest.approx(diff)
    assert got["se"] == pytest.approx(se)
    assert got["ci_low"] == pytest.approx(diff - 1.959963984540054 * se)
