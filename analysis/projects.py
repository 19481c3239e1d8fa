"""Did a service project make a difference? Difference-in-differences against the other libraries.

"What did it do?" For a project in library L on touchpoint T starting on date s, the
estimate is the change in L's T patron index (0-100) from the periods before s to the periods
after s, minus the change of the same touchpoint in the other libraries over the same periods:
a two-way fixed-effects (TWFE) regression on library x period cell means,

    y_jt = a_j + g_t + delta * D_jt + e_jt,    D_jt = 1 for library L in the periods after s,

so stable differences between libraries (a_j) and forum-wide changes from year to year (g_t, e.g.
a budget cut or a national campaign) are taken out. With one treated library and a balanced panel
delta equals (after - before in L) - (after - before, averaged over the other libraries).

Inference with ONE treated library and 10-20 comparison libraries (the forum): the usual
cluster-robust standard error is unusable with one treated cluster, and cell-level OLS standard
errors ignore that a library's years are correlated (Bertrand, Duflo & Mullainathan 2004, "How
much should we trust differences-in-differences estimates?", QJE 119(1),
https://doi.org/10.1162/003355304772839588 ). We therefore learn the noise of the estimate from
the comparison libraries themselves ("placebo in space": Abadie, Diamond & Hainmueller 2010,
JASA 105(490), https://doi.org/10.1198/jasa.2009.ap08746 ; the DiD form of Conley & Taber 2011,
REStat 93(1), https://doi.org/10.1162/REST_a_00049 ): each comparison library c in turn is
treated as if it had run the project at the same time (the real project library left out), giving
placebo estimates delta_c that contain everything but a project effect, serial correlation
included. Their sampling part differs by library size, so (as Ferman & Pinto 2019, REStat 101(3),
https://doi.org/10.1162/rest_a_00759 , recommend for few treated groups with heteroskedasticity)
the variance is split into a library-period shock part tau^2, common to all libraries, and the
patron sampling part v, known per estimate from the cells' sd and n:

    tau^2 = max(0, mean_c(delta_c^2) - mean_c(v_c))
    se^2  = tau^2 * (1 + 1/J_c) / (1 + 1/(J_c - 1)) + v_L       (J_c comparison libraries)
    CI    = delta +- t(J_c - 1, .975) * se

The permutation p ranks the studentised |delta / se| among the studentised placebo estimates:
p = (1 + #{|t_c| >= |t|}) / (J_c + 1), so with 14 comparison libraries the smallest possible p is
1/15 = .067: a placebo test across libraries cannot be more certain than the number of libraries
allows, and the text says so. `bench/projects_coverage.py` checks the CI's coverage
(docs/projects-simulation.md).

Null with a reason where the data cannot say: touchpoint not measured in the library, no period
wholly before or after the start, fewer than :data:`MIN_COMPARISON_LIBRARIES` comparison libraries
with the touchpoint measured before and after. A period whose fieldwork straddles the start date
("during") is left out. Periods are placed by their fieldwork dates (``survey_windows.sql``);
without dates (vendor aggregates) by the year in their label, a period in the start year then
counting as "during".

Functions take DataFrames (published cells: staff cells below k arrive blanked and are left out of
every estimate, so no hidden staff figure can be solved for) and return dataclasses; no IO.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from servicemirror.core import labels as label_table

__all__ = [
    "MIN_COMPARISON_LIBRARIES",
    "METHOD",
    "DidResult",
    "ProjectAssessment",
    "assess_project",
    "did",
    "panel_from_cells",
    "period_timing",
]

MIN_COMPARISON_LIBRARIES = 5
CONFIDENCE = 0.95
METHOD = "did-twfe-placebo"
# A project library whose level before the start is in the bottom third of the libraries is
# "a weak spot": its next measurements are expected to rise somewhat anyway (regression to the mean).
WEAK_SPOT_QUANTILE = 1 / 3


@dataclass
class DidResult:
    """One difference-in-differences estimate (effect in index points, 0-100 scale).

    ``effect``, ``ci_low``, ``ci_high``, ``p``, ``se`` are None with ``reason`` when the data
    cannot say. ``libraries``: comparison libraries used (J_c); ``df`` = J_c - 1; ``p_min`` the
    smallest p the placebo test can give (1/(J_c+1)); ``placebo``: one row per comparison library
    (library_key, effect, se_sampling) as if it had run the project; ``pre_level``: the project
    library's mean before the start; ``pre_others``: median of the comparison libraries' means over
    the same periods; ``weak_spot``: the project library started in the bottom third;
    ``excluded``: libraries left out of the comparison (own project on the same touchpoint).
    """

    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    se: float | None = None
    df: float | None = None
    p_min: float | None = None
    method: str = METHOD
    periods_before: int = 0
    periods_after: int = 0
    periods_during: list[str] = field(default_factory=list)
    libraries: int = 0
    reason: str | None = None
    pre_level: float | None = None
    pre_others: float | None = None
    weak_spot: bool = False
    excluded: list[str] = field(default_factory=list)
    placebo: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["library_key", "effect", "se_sampling"])
    )


@dataclass
class ProjectAssessment:
    """A project's patron estimate, its staff side over the same window, and the plain text."""

    patron: DidResult
    staff: DidResult
    text: dict[str, str]


# --------------------------------------------------------------------------- placing periods


def _label_year(period: str) -> int | None:
    match = re.match(r"\s*(\d{4})", str(period))
    return int(match.group(1)) if match else None


def period_timing(periods: list[str], windows: pd.DataFrame | None, start: date) -> dict[str, str]:
    """Place each period before / after / during a start date.

    ``windows``: the library's fieldwork per period (columns period, first_submitted,
    last_submitted; ``survey_windows.sql`` for one library and side). A dated period is "before"
    when its last answer came before the start, "after" when its first answer came on or after
    it, else "during". An undated period is placed by the year its label starts with (earlier
    year: before; later: after; the start year: during, since we cannot tell); without a year it
    is "unknown". Returns {period: "before" | "after" | "during" | "unknown"}.
    """
    start_ts = pd.Timestamp(start)
    dated: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    if windows is not None and not windows.empty:
        for row in windows.itertuples():
            first, last = pd.Timestamp(row.first_submitted), pd.Timestamp(row.last_submitted)
            if not (pd.isna(first) or pd.isna(last)):
                dated[str(row.period)] = (first, last)
    out = {}
    for period in periods:
        if period in dated:
            first, last = dated[period]
            # a last answer on the start day itself counts as "during": the project had begun
            out[period] = (
                "before"
                if last.normalize() < start_ts
                else "after"
                if first >= start_ts
                else "during"
            )
            continue
        year = _label_year(period)
        if year is None:
            out[period] = "unknown"
        elif year < start.year:
            out[period] = "before"
        elif year > start.year:
            out[period] = "after"
        else:
            out[period] = "during"
    return out


# --------------------------------------------------------------------------- the estimator


def panel_from_cells(cells: pd.DataFrame, side: str, measure: str, touchpoint: str) -> pd.DataFrame:
    """Library x period panel of one published measure: library_key, period, value, var.

    ``var`` is the sampling variance of the cell mean, sd^2 / n; cells without an sd (vendor
    aggregates of several items) borrow the panel's pooled sd. Suppressed or empty cells are
    dropped (never estimated around).
    """
    mask = (
        (cells["side"] == side)
        & (cells["measure"] == measure)
        & (cells["touchpoint"] == touchpoint)
    )
    if "suppressed" in cells.columns:
        mask &= ~cells["suppressed"].fillna(False).astype(bool)
    sub = cells.loc[mask, ["library_key", "period", "n", "mean", "sd"]].copy()
    sub = sub[np.isfinite(sub["mean"].astype(float)) & (sub["n"] > 0)]
    sd = sub["sd"].astype(float)
    ok = np.isfinite(sd) & (sub["n"] >= 2)
    pooled = (
        math.sqrt(float(((sub["n"][ok] - 1) * sd[ok] ** 2).sum() / (sub["n"][ok] - 1).sum()))
        if ok.any() and (sub["n"][ok] - 1).sum() > 0
        else np.nan
    )
    sd = sd.where(ok, pooled)
    return pd.DataFrame(
        {
            "library_key": sub["library_key"].astype(str).to_numpy(),
            "period": sub["period"].astype(str).to_numpy(),
            "value": sub["mean"].astype(float).to_numpy(),
            "var": (sd**2 / sub["n"].astype(float)).to_numpy(),
        }
    )


def _twfe(lib: np.ndarray, per: np.ndarray, y: np.ndarray, var: np.ndarray, d: np.ndarray):
    """TWFE delta and its patron-sampling variance sum(w^2 var), from integer-coded cells.

    ``lib``, ``per``: 0-based codes (any gaps allowed); ``d``: the treatment dummy. delta is
    linear in the cell means, delta = w . y, with w the D row of the design's pseudo-inverse;
    that gives the sampling variance exactly from the known cell variances.
    """
    _, lib = np.unique(lib, return_inverse=True)
    _, per = np.unique(per, return_inverse=True)
    n_lib, n_per = lib.max() + 1, per.max() + 1
    rows = np.arange(len(y))
    X = np.zeros((len(y), n_lib + n_per))
    X[rows, lib] = 1.0
    # period dummies without the first period (it is absorbed by the library intercepts)
    later = per > 0
    X[rows[later], n_lib + per[later] - 1] = 1.0
    X[:, -1] = d
    w = np.linalg.pinv(X)[-1]
    return float(w @ y), float(np.sum(w**2 * var))


def did(
    panel: pd.DataFrame,
    treated: str,
    timing: Mapping[str, str],
    *,
    min_libraries: int = MIN_COMPARISON_LIBRARIES,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> DidResult:
    """DiD of ``treated`` against the other libraries in ``panel`` (see the module docstring).

    ``panel``: library_key, period, value, var (:func:`panel_from_cells`). ``timing``: the
    project library's periods placed by :func:`period_timing`. Only the periods placed before
    or after enter, for every library ("over the same periods"); a comparison library counts
    when it has at least one cell before and one after, and is not in ``exclude`` (libraries
    with their own project on the same touchpoint: they are not a clean comparison).
    """
    pre = {p for p, t in timing.items() if t == "before"}
    post = {p for p, t in timing.items() if t == "after"}
    own = panel[panel["library_key"] == treated]
    own_periods = set(own["period"])
    result = DidResult(
        periods_before=len(pre & own_periods),
        periods_after=len(post & own_periods),
        periods_during=sorted(p for p, t in timing.items() if t == "during" and p in own_periods),
    )
    if own.empty:
        result.reason = "not measured in this library"
        return result
    if result.periods_before == 0:
        result.reason = "no period measured wholly before the start"
        return result
    if result.periods_after == 0:
        result.reason = "no period measured wholly after the start"
        return result
    window = panel[panel["period"].isin(pre | post)]
    has = window.assign(is_post=window["period"].isin(post)).groupby("library_key")["is_post"]
    both = has.agg(lambda s: bool(s.any() and not s.all()))
    comparison = sorted(k for k, ok in both.items() if ok and k != treated and k not in exclude)
    result.libraries = len(comparison)
    pre_means = window[window["period"].isin(pre)].groupby("library_key")["value"].mean()
    result.pre_level = float(pre_means.get(treated, np.nan))
    if comparison:
        result.pre_others = float(pre_means.reindex(comparison).median())
        levels = pre_means.reindex([treated, *comparison])
        result.weak_spot = bool(
            levels.rank(method="average", pct=True)[treated] <= WEAK_SPOT_QUANTILE
        )
    if len(comparison) < min_libraries:
        result.reason = (
            f"too few comparison libraries: {len(comparison)} measured this before and after "
            f"(need {min_libraries})"
        )
        return result

    used = window[window["library_key"].isin([treated, *comparison])]
    codes = {k: i for i, k in enumerate([treated, *comparison])}
    lib = used["library_key"].map(codes).to_numpy()
    per = pd.factorize(used["period"], sort=True)[0]
    y = used["value"].to_numpy(dtype=float)
    var = np.nan_to_num(used["var"].to_numpy(dtype=float), nan=0.0)
    is_post = used["period"].isin(post).to_numpy()
    delta, v_treated = _twfe(lib, per, y, var, ((lib == 0) & is_post).astype(float))
    ctrl = lib != 0
    placebo = [
        _twfe(
            lib[ctrl],
            per[ctrl],
            y[ctrl],
            var[ctrl],
            ((lib[ctrl] == codes[c]) & is_post[ctrl]) * 1.0,
        )
        for c in comparison
    ]
    effects = np.array([e for e, _ in placebo])
    v_plac = np.array([v for _, v in placebo])
    j = len(comparison)
    tau2, tau2_var = _shock_variance(effects, v_plac)
    # a placebo's own contrast averages over J_c - 1 others, the real one over J_c
    factor = (1 + 1 / j) / (1 + 1 / (j - 1))
    se = math.sqrt(tau2 * factor + v_treated)
    df = _satterthwaite_df(tau2_var * factor**2, se**2, j)
    q = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df))
    t_obs = delta / se if se > 0 else math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        t_plac = effects / np.sqrt(tau2 + v_plac)
    exceed = int(np.sum(np.abs(t_plac) >= abs(t_obs) - 1e-12))
    result.effect = delta
    result.se = se
    result.df = df
    result.ci_low, result.ci_high = delta - q * se, delta + q * se
    result.p = (1 + exceed) / (j + 1)
    result.p_min = 1 / (j + 1)
    result.placebo = pd.DataFrame(
        {"library_key": comparison, "effect": effects, "se_sampling": np.sqrt(v_plac)}
    )
    return result


def _shock_variance(effects: np.ndarray, v: np.ndarray, steps: int = 25) -> tuple[float, float]:
    """tau^2 from the placebo estimates, and the variance of that estimate.

    delta_c^2 - v_c is unbiased for tau^2 whatever the library's size, but a small library's
    placebo is much noisier (Var(delta_c^2) = 2 (tau^2 + v_c)^2 for normal errors), so the
    placebos are weighted by 1 / (tau^2 + v_c)^2 (iterated from the unweighted mean; a
    method-of-moments estimator as in random-effects meta-analysis). Floored at 0.
    Returns (tau2, Var(tau2) = 2 / sum of the weights).
    """
    excess = effects**2 - v
    tau2 = max(0.0, float(np.mean(excess)))
    for _ in range(steps):
        w = 1.0 / (tau2 + v) ** 2
        tau2 = max(0.0, float(np.sum(w * excess) / np.sum(w)))
    w = 1.0 / (tau2 + v) ** 2
    return tau2, float(2.0 / np.sum(w))


def _satterthwaite_df(var_of_se2: float, se2: float, j: int) -> float:
    """Degrees of freedom of the CI: Satterthwaite's rule, capped at J_c - 1.

    The estimated part of se^2 is worth fewer than J_c - 1 degrees of freedom when the libraries
    differ much in size; the project library's known sampling variance adds none (Satterthwaite
    1946, Biometrics Bulletin 2(6), https://doi.org/10.2307/3002019 ).
    """
    if var_of_se2 <= 0 or se2 <= 0:
        return float(j - 1)
    return float(min(j - 1, max(1.0, 2 * se2**2 / var_of_se2)))


# --------------------------------------------------------------------------- one project


def _windows_of(windows: pd.DataFrame | None, library: str, side: str) -> pd.DataFrame | None:
    if windows is None or windows.empty:
        return None
    return windows[(windows["library_key"] == library) & (windows["side"] == side)]


def _treated_elsewhere(
    projects: pd.DataFrame | None,
    panel: pd.DataFrame,
    windows: pd.DataFrame | None,
    library: str,
    touchpoint: str,
) -> frozenset[str]:
    """Other libraries whose own project on this touchpoint began before their last measurement."""
    if projects is None or projects.empty:
        return frozenset()
    same = projects[(projects["touchpoint"] == touchpoint) & (projects["library_key"] != library)]
    out = set()
    for row in same.itertuples():
        start = pd.Timestamp(row.start_date).date()
        periods = sorted(panel.loc[panel["library_key"] == row.library_key, "period"].unique())
        timing = period_timing(periods, _windows_of(windows, row.library_key, "patron"), start)
        if any(t in ("after", "during") for t in timing.values()):
            out.add(str(row.library_key))
    return frozenset(out)


def assess_project(
    cells: pd.DataFrame,
    windows: pd.DataFrame | None,
    project: Mapping,
    *,
    library_label: str | None = None,
    touchpoint_labels: Mapping[str, Mapping[str, str]] | None = None,
    min_libraries: int = MIN_COMPARISON_LIBRARIES,
    other_projects: pd.DataFrame | None = None,
) -> ProjectAssessment:
    """The patron DiD on the project's touchpoint, the staff side over the same window, and text.

    ``cells``: published cells (cells.sql columns + suppressed). ``windows``: survey_windows.sql
    rows (may be None: periods are then placed by their labels). ``project``: library_key,
    touchpoint, start_date (date or ISO text), title. ``library_label``: the name or pseudonym
    to use in the text (after the cache, per viewer). ``touchpoint_labels``: {touchpoint: {da, en}}.
    ``other_projects``: every recorded project (library_key, touchpoint, start_date); another
    library with its own project on the same touchpoint, started before its last measurement,
    is left out of the patron comparison, because its own change would be subtracted from this
    one (already-treated units as controls bias TWFE: Goodman-Bacon 2021, J. Econometrics
    225(2), https://doi.org/10.1016/j.jeconom.2021.03.014 ). The staff side keeps every library.
    """
    library = str(project["library_key"])
    touchpoint = str(project["touchpoint"])
    start = pd.Timestamp(project["start_date"]).date()
    results = {}
    for side, measure, tp in (
        ("patron", "satisfaction", touchpoint),
        ("staff", "wellbeing", ""),
    ):
        panel = panel_from_cells(cells, side, measure, tp)
        own_periods = sorted(panel.loc[panel["library_key"] == library, "period"].unique())
        timing = period_timing(own_periods, _windows_of(windows, library, side), start)
        exclude = (
            _treated_elsewhere(other_projects, panel, windows, library, touchpoint)
            if side == "patron"
            else frozenset()
        )
        res = did(panel, library, timing, min_libraries=min_libraries, exclude=exclude)
        res.excluded = sorted(exclude)
        if side == "patron" and res.reason == "not measured in this library":
            res.reason = f"touchpoint {touchpoint} is not measured in this library"
        if side == "staff" and res.reason == "not measured in this library":
            res.reason = "no published staff wellbeing figures for this library"
        results[side] = res
    labels = touchpoint_labels or {}
    text = {
        lang: describe(
            results["patron"],
            results["staff"],
            lang,
            title=str(project.get("title", "")),
            library=library_label or library,
            touchpoint=labels.get(touchpoint, {}).get(lang, touchpoint.replace("_", " ")),
        )
        for lang in ("da", "en")
    }
    return ProjectAssessment(results["patron"], results["staff"], text)


# --------------------------------------------------------------------------- plain language


def _num(x: float, lang: str, digits: int = 1, sign: bool = False) -> str:
    text = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if lang == "da" else text


def _reason_text(reason: str, lang: str) -> str:
    if lang == "en":
        return reason
    table = [
        (r"touchpoint (\S+) is not measured in this library", r"kontaktpunktet \1 er ikke målt i dette bibliotek"),
        (r"no published staff wellbeing figures for this library", "ingen offentliggjorte medarbejdertal for dette bibliotek"),
        (r"no period measured wholly before the start", "ingen periode er målt helt før starten"),
        (r"no period measured wholly after the start", "ingen periode er målt helt efter starten"),
        (
            r"too few comparison libraries: (\d+) measured this before and after \(need (\d+)\)",
            r"for få biblioteker at sammenligne med: \1 har målt det før og efter (der skal \2 til)",
        ),
    ]  # fmt: skip
    for pattern, repl in table:
        if re.fullmatch(pattern, reason):
            return re.sub(pattern, repl, reason)
    return reason


def describe(
    patron: DidResult, staff: DidResult, lang: str, *, title: str, library: str, touchpoint: str
) -> str:
    """A few plain sentences (da or en) with the estimate, its uncertainty and the caveats; the
    sentences are the label table's ``project_*`` texts, so both languages say the same."""

    def say(key: str, **fields) -> str:
        return label_table.t(key, lang, **fields)

    if patron.effect is None:
        return say("project_undecided", title=title, reason=_reason_text(patron.reason or "", lang))
    j = patron.libraries
    parts = [
        say(
            "project_estimate",
            title=title,
            touchpoint=touchpoint,
            library=library,
            effect=_num(patron.effect, lang, sign=True),
            libraries=j,
            low=_num(patron.ci_low, lang),
            high=_num(patron.ci_high, lang),
            p=_num(patron.p, lang, 2),
            before=patron.periods_before,
            after=patron.periods_after,
        ),
        # an interval that excludes zero is beyond the comparison libraries' ordinary variation
        say(
            "project_beyond_noise"
            if patron.ci_low > 0 or patron.ci_high < 0
            else "project_within_noise"
        ),
        say("project_placebo_floor", libraries=j, p_min=_num(patron.p_min, lang, 2)),
    ]
    if patron.weak_spot:
        parts.append(say("project_weak_spot"))
    if staff.effect is not None:
        parts.append(
            say(
                "project_staff",
                effect=_num(staff.effect, lang, sign=True),
                low=_num(staff.ci_low, lang),
                high=_num(staff.ci_high, lang),
            )
        )
    else:
        parts.append(say("project_staff_unknown", reason=_reason_text(staff.reason or "", lang)))
    return " ".join(parts)
