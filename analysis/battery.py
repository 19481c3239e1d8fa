"""The whole hypothesis battery in one call: published cells in, the ``analyze --json`` object out.

The verdict rests on the two pre-declared analyses (docs/statistics.md §1): primary = the library-level
Pearson r (one point per library, Fisher CI, permutation p) with the means-as-outcomes multilevel
model beside it; secondary = the within-library slope (REWB). Everything else is labelled
sensitivity or exploratory. Inputs come ONLY from the publication layer, so a library-period
hidden by the anonymity rule never enters a statistic; the output lists what was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from servicemirror.analysis import (
    association,
    comment_outcomes,
    multilevel,
    multitest,
    power,
    reliability,
    sensitivity,
    within_between,
)
from servicemirror.analysis.inference import SLOPE_FIELDS
from servicemirror.analysis.verdict import verdict
from servicemirror.privacy import publish

STAFF_MEASURE = "wellbeing"
PATRON_MEASURE = "satisfaction"
CORE_INSTRUMENT = "forum-core-v1"


@dataclass(frozen=True)
class BatteryOptions:
    """Choices that change figures; all stated in the output."""

    n_permutations: int = 9999
    seed: int = 20111
    k: int = 5
    touchpoint: str | None = None  # patron touchpoint for the primary analysis (None = overall)
    controls: Sequence[str] = ()  # library facts to adjust for (at most what J allows)
    period_length: str = "year"  # calendar of the period labels; lags count its steps


def analysis_cells(
    cells: pd.DataFrame, instruments: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[dict]]:
    """Turn published cells into the analysis input contract and list what must be left out.

    ``cells`` are publish cells (library_key, period, side, measure, touchpoint ('' = overall), n,
    mean, ss_within, source, instrument, suppressed). ``instruments`` is the database's instrument
    registry (``instruments_all.sql``: instrument_id, name, vendor, respondent_type, core); the
    comparability rule takes the forum core instrument(s) from its ``core`` flag and shows an
    instrument by its registered name where it has one. Without a registry,
    :data:`CORE_INSTRUMENT` is the core. Returns (contract cells with columns library, period, side, n, mean, ss_within,
    touchpoint (None = overall), source, instrument; excluded list of {"library", "period",
    "reason"}).
    """
    staff = cells[
        (cells["side"] == "staff")
        & (cells["measure"] == STAFF_MEASURE)
        & (cells["touchpoint"] == "")
    ]
    patron = cells[(cells["side"] == "patron") & (cells["measure"] == PATRON_MEASURE)]
    excluded: list[dict] = []
    hidden = staff[staff["mean"].isna()]
    for row in hidden.itertuples():
        reason = (
            row.suppressed_reason
            if isinstance(getattr(row, "suppressed_reason", None), str)
            else "hidden"
        )
        excluded.append(
            {"library": row.library_key, "period": row.period, "reason": f"staff: {reason}"}
        )
    staff = staff[staff["mean"].notna()]
    # comparability (docs/statistics.md §13): between-library figures only on one shared instrument,
    # for the staff survey and for the patron survey (modes differ as vendors do)
    registry = _Registry(instruments)
    staff = _shared_instrument(staff, "staff", excluded, registry)
    patron = _shared_instrument(patron, "patron", excluded, registry)
    both = pd.concat([staff, patron], ignore_index=True)
    out = publish.statistic_columns(both)
    out = out[out["mean"].notna()].reset_index(drop=True)
    return out, excluded


class _Registry:
    """The instrument registry as the comparability rule reads it: which instruments are the
    forum core, and the registered names (the registry names only the core; an upload's
    instrument is shown by its id, which names the vendor)."""

    def __init__(self, instruments: pd.DataFrame | None) -> None:
        if instruments is None or not len(instruments):
            self.core = {CORE_INSTRUMENT}
            self.names: dict[str, str] = {}
            return
        core = instruments["core"].fillna(False).astype(bool)
        self.core = set(instruments.loc[core, "instrument_id"])
        self.names = {
            str(i): str(n)
            for i, n in zip(instruments["instrument_id"], instruments["name"], strict=True)
            if isinstance(n, str) and n and n != i
        }

    def label(self, instrument: str) -> str:
        """``id`` or ``id, "registered name"``; a cell on several instruments names each part."""
        parts = [p for p in str(instrument).split("+") if p]
        return " + ".join(f'{p}, "{self.names[p]}"' if p in self.names else p for p in parts)


def _shared_instrument(
    side: pd.DataFrame, name: str, excluded: list[dict], registry: _Registry
) -> pd.DataFrame:
    """Keep one side's cells on the shared instrument; list the others in ``excluded``.

    A forum core instrument (the registry's ``core`` flag) if any library uses it, else the
    instrument most libraries share (ties: alphabetical, so the choice is reproducible). Cells
    without an instrument count as one unnamed instrument, the loader's default.
    """
    if side.empty or "instrument" not in side.columns:
        return side
    instrument = side["instrument"].fillna("")
    libs_per_instrument = side.groupby(instrument)["library_key"].nunique()
    ranked = sorted(libs_per_instrument.items(), key=lambda kv: (-kv[1], kv[0]))
    core = [i for i, _ in ranked if i in registry.core]
    shared = core[0] if core else ranked[0][0]
    other = side[instrument != shared]
    for row in other.drop_duplicates(["library_key", "period"]).itertuples():
        excluded.append(
            {
                "library": row.library_key,
                "period": row.period,
                "reason": f"{name} survey on another instrument ({registry.label(row.instrument)});"
                f" compared only on {registry.label(shared)}",
            }
        )
    return side[instrument == shared]


def run_battery(
    cells: pd.DataFrame,
    *,
    staff_rows: pd.DataFrame | None = None,
    item_covariances: pd.DataFrame | None = None,
    facts: pd.DataFrame | None = None,
    options: BatteryOptions | None = None,
    comment_counts: pd.DataFrame | None = None,
    instruments: pd.DataFrame | None = None,
) -> dict:
    """Run every test on published cells; returns the ``analyze --json`` object.

    Parameters
    ----------
    cells : DataFrame
        Published cells (see :func:`analysis_cells`).
    staff_rows : DataFrame, optional
        Individual staff answers of visible groups (library_key, period, response_id, item,
        value) for Cronbach's alpha; None when only aggregates exist.
    item_covariances : DataFrame, optional
        Per-library item means and covariances from forum packages (a forum installation has no
        staff rows); alpha is then pooled exactly from them.
    facts : DataFrame, optional
        Library facts (library_key, period, name, value) for optional controls.
    options : BatteryOptions
    comment_counts : DataFrame, optional
        Released patron comment theme counts (``servicemirror.app.comments.theme_counts``) for the
        exploratory comment outcomes; None or empty: none are tested.
    instruments : DataFrame, optional
        The instrument registry for the comparability rule (see :func:`analysis_cells`).

    Returns
    -------
    dict
        libraries, periods, staff_responses, patron_responses, library_level, multilevel,
        sensitivity, within_between, lagged, touchpoints, power, reliability, excluded (libraries
        left out entirely), excluded_periods (library-periods left out of an included library),
        pairs, weighting, verdict (da, en, kind ...). Parts that cannot be computed are None with a
        ``reasons`` entry.
    """
    options = options or BatteryOptions()
    data, excluded_cells = analysis_cells(cells, instruments)
    reasons: dict[str, str] = {}
    patron_overall = data[(data["side"] == "patron") & data["touchpoint"].isna()]
    primary_touchpoint = options.touchpoint
    points = association.library_points(data, primary_touchpoint)
    periods = sorted(data["period"].unique())
    staff_libraries = set(data.loc[data["side"] == "staff", "library"])
    patron_libraries = set(patron_overall["library"])
    excluded_all = _library_exclusions(
        excluded_cells, set(points["library"]), staff_libraries, patron_libraries
    )
    excluded = [e for e in excluded_all if e["scope"] == "library"]
    excluded_periods = [e for e in excluded_all if e["scope"] == "periods"]

    corr = _correlation(points, options)
    ml = multilevel.multilevel_means_as_outcomes(data, touchpoint=primary_touchpoint).as_dict()
    cluster = sensitivity.cluster_robust_ols_sensitivity(
        data, touchpoint=primary_touchpoint
    ).as_dict()

    wb = within_between.within_between(data, touchpoint=primary_touchpoint).as_dict()
    if wb.get("beta_within") is None:
        reasons["within_between"] = (
            wb.get("reason") or "not enough libraries with two or more matched periods"
        )
        wb_out = None
    else:
        wb_out = wb
    lag = within_between.lagged_effects(
        data, options.period_length, touchpoint=primary_touchpoint
    ).as_dict()
    if lag.get("staff_to_patron") is None and lag.get("patron_to_staff") is None:
        reasons["lagged"] = lag.get("reason_staff_to_patron") or "no periods a fixed step apart"
        lag_out = None
    else:
        lag_out = lag

    # comment outcomes are exploratory tests in the same BH family as the touchpoints
    comment_tests = comment_outcomes.outcome_tests(
        data, comment_counts, options.n_permutations, options.seed
    )
    touchpoints, comment_tests = _touchpoint_family(data, options, comment_tests)
    rel = _reliability(data, staff_rows, item_covariances, options.k, points)
    pw = power.power_summary(
        int(corr["n"] or 0) if corr.get("n") else len(points),
        lambda_x=rel.get("lambda_x"),
        lambda_y=rel.get("lambda_y"),
    )
    controls = _controls(data, facts, options, len(points))

    result = {
        "libraries": int(len(points)),
        "periods": int(len(periods)),
        "period_list": periods,
        "staff_responses": int(data.loc[data["side"] == "staff", "n"].sum()),
        "patron_responses": int(patron_overall["n"].sum()),
        "weighting": association.UNWEIGHTED_STATEMENT,
        "touchpoint": primary_touchpoint,
        "library_level": _pick(
            corr,
            [
                "n",
                "pearson_r",
                "ci_low",
                "ci_high",
                "spearman_rho",
                "spearman_ci_low",
                "spearman_ci_high",
                "p_permutation",
                "permutation_method",
                "n_permutations",
                "p_fisher",
                "seed",
                "reason",
            ],
        ),
        "multilevel": _pick(
            ml,
            [
                *SLOPE_FIELDS,
                "tau00",
                "sigma2",
                "tau_lp",
                "converged",
                "optimizer",
                "method",
                "llf",
                "n_libraries",
                "n_cells",
                "n_patrons",
                "library_means_check",
                "warnings",
                "reason",
            ],
        ),
        "sensitivity": {
            "cluster_robust_ols": cluster,
            "spearman_rho": corr.get("spearman_rho"),
            "label": "sensitivity: never drives the verdict",
        },
        "within_between": wb_out,
        "lagged": lag_out,
        "touchpoints": touchpoints,
        "comment_outcomes": {
            "label": "exploratory: patron comment themes and tone; never drives the verdict",
            "tests": comment_tests,
        }
        if comment_tests
        else None,
        "power": pw,
        "reliability": rel,
        "controls": controls,
        "excluded": excluded,
        "excluded_periods": excluded_periods,
        "pairs": [
            {"library": lib, "periods": p.split(",")}
            for lib, p in zip(points["library"], points["periods"], strict=True)
        ],
        "reasons": reasons,
    }
    result["verdict"] = verdict(result)
    return result


def _pick(values: dict, keys: list[str]) -> dict:
    return {k: values.get(k) for k in keys}


def _library_exclusions(
    cells_excluded: list[dict], included: set[str], staff: set[str], patron: set[str]
) -> list[dict]:
    """One entry per library left out of the primary analysis, plus the hidden periods of others."""
    out: list[dict] = []
    by_library: dict[str, list[str]] = {}
    for e in cells_excluded:
        by_library.setdefault(e["library"], []).append(f"{e['period']}: {e['reason']}")
    for library in sorted(set(by_library) | staff | patron):
        if library in included:
            if library in by_library:
                out.append(
                    {
                        "library": library,
                        "scope": "periods",
                        "reason": "; ".join(by_library[library]),
                    }
                )
            continue
        if library in by_library:
            reason = "; ".join(by_library[library])
        elif library not in staff:
            reason = "no staff data that may be shown"
        elif library not in patron:
            reason = "no patron data"
        else:
            reason = "staff and patron data are from different periods"
        out.append({"library": library, "scope": "library", "reason": reason})
    return out


def _touchpoint_family(
    data: pd.DataFrame, options: BatteryOptions, extra: list[dict] | None = None
) -> tuple[list[dict], list[dict]]:
    """The staff link per touchpoint, a secondary family with Benjamini-Hochberg correction.

    ``extra`` tests (the exploratory comment outcomes, each with a raw ``p``) join the same family,
    so adding them makes the correction stricter for all. Returns (touchpoint rows, extra rows).
    """
    touchpoints = sorted(
        t for t in data.loc[data["side"] == "patron", "touchpoint"].dropna().unique()
    )
    rows = []
    for tp in touchpoints:
        pts = association.library_points(data, tp)
        corr = _correlation(pts, options)
        ml = multilevel.multilevel_means_as_outcomes(data, touchpoint=tp).as_dict()
        rows.append(
            {
                "touchpoint": tp,
                "n": corr["n"],
                "pearson_r": corr["pearson_r"],
                "ci_low": corr["ci_low"],
                "ci_high": corr["ci_high"],
                "p": corr["p_permutation"],
                "slope": ml.get("slope"),
                "slope_ci_low": ml.get("ci_low"),
                "slope_ci_high": ml.get("ci_high"),
                "reason": corr.get("reason") or ml.get("reason"),
            }
        )
    extra = extra or []
    if not rows and not extra:
        return [], []
    definition = "touchpoints x staff wellbeing (library-level permutation p), one family"
    if extra:
        definition = (
            "touchpoints and patron comment outcomes x staff wellbeing "
            "(library-level permutation p), one family"
        )
    table = multitest.benjamini_hochberg(
        pd.DataFrame(
            [dict(r, _kind="touchpoint") for r in rows] + [dict(r, _kind="comment") for r in extra]
        ),
        definition,
    )
    out: dict[str, list[dict]] = {"touchpoint": [], "comment": []}
    for row in table.to_dict(orient="records"):
        row = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        row["p_raw"] = row.pop("p", row.get("p_raw"))
        kind = row.pop("_kind")
        if kind == "comment":
            row = {k: v for k, v in row.items() if k not in _TOUCHPOINT_ONLY}
        else:
            row = {k: v for k, v in row.items() if k not in _COMMENT_ONLY}
        out[kind].append(row)
    return out["touchpoint"], out["comment"]


# the columns one kind of test has and the other lacks (they share one BH table)
_TOUCHPOINT_ONLY = ("touchpoint", "slope", "slope_ci_low", "slope_ci_high")
_COMMENT_ONLY = ("outcome", "label")


def _reliability(
    data: pd.DataFrame,
    staff_rows: pd.DataFrame | None,
    item_covariances: pd.DataFrame | None,
    k: int,
    points: pd.DataFrame | None = None,
) -> dict:
    """ICC/lambda of the staff library means and alpha of the staff scale (visible groups only).

    lambda_x is the reliability of the staff point each library contributes, i.e. of the
    unweighted mean of its period means over the periods the primary analysis uses: its error
    variance is sigma^2/T_j^2 * sum(1/n_jt), so the n that enters lambda = n rho / (1 + (n-1) rho)
    is n_eff = T_j * harmonic mean of n_jt (one period's n alone understated it).
    """
    staff = data[data["side"] == "staff"]
    icc = None
    with_rows = staff[staff["ss_within"].notna()]
    if not with_rows.empty:
        # ICC across libraries within one period: the latest period with the most libraries
        counts = with_rows.groupby("period")["library"].nunique()
        period = counts[counts == counts.max()].index.max()
        stats = with_rows[with_rows["period"] == period][["library", "n", "mean", "ss_within"]]
        if len(stats) >= 2:
            icc = reliability.icc_from_stats(stats, k=k)
    alpha_table = None
    if staff_rows is not None and not staff_rows.empty:
        visible = set(zip(staff["library"], staff["period"], strict=True))
        keep = [
            (lib, per) in visible
            for lib, per in zip(staff_rows["library_key"], staff_rows["period"], strict=True)
        ]
        rows = staff_rows[keep].assign(scale=STAFF_MEASURE)
        if not rows.empty:
            alpha_table = reliability.cronbach_alpha(rows, by=("scale", "period"), k=k)
    if alpha_table is None and item_covariances is not None and not item_covariances.empty:
        visible = set(zip(staff["library"], staff["period"], strict=True))
        alpha_table = reliability.pooled_alpha(item_covariances, visible, k=k)
    staff_n = _effective_n(staff, points)
    patron = data[(data["side"] == "patron") & data["touchpoint"].isna()]
    patron_n = _effective_n(patron, points)
    summary = reliability.reliability_summary(
        icc=icc, alpha_table=alpha_table, staff_n=staff_n, patron_n=patron_n
    )
    if icc is not None and icc.icc1 is not None and len(staff_n):
        # the ICC comes from one period; lambda from the n behind each library's point
        summary["lambda_x"] = float(np.mean(reliability.lambda_from_n(staff_n, icc.icc1)))
    summary["lambda_n"] = "periods used x harmonic mean respondents per period, per library"
    if alpha_table is not None:
        summary["alpha"] = [
            {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in alpha_table.to_dict(orient="records")
        ]
    return summary


def _effective_n(side: pd.DataFrame, points: pd.DataFrame | None) -> pd.Series:
    """Per library: n_eff = T_j^2 / sum(1 / n_jt) = T_j x harmonic mean n over the periods its
    library point uses (sigma^2 / n_eff is the error variance of the mean of period means)."""
    d = side[side["n"] > 0]
    if points is not None and len(points):
        used = {
            (lib, per)
            for lib, pers in zip(points["library"], points["periods"], strict=True)
            for per in str(pers).split(",")
        }
        keep = [(a, b) in used for a, b in zip(d["library"], d["period"], strict=True)]
        d = d[keep]
    inv = (1.0 / d["n"].astype(float)).groupby(d["library"])
    return (inv.size() ** 2 / inv.sum()).astype(float)


def _controls(
    data: pd.DataFrame, facts: pd.DataFrame | None, options: BatteryOptions, n_libraries: int
) -> dict | None:
    """The adjusted multilevel slope beside the unadjusted one, with at most J/10 controls."""
    if not options.controls or facts is None or facts.empty:
        return None
    allowed = max(0, min(len(options.controls), n_libraries // 10))
    names = list(options.controls)[:allowed]
    if not names:
        return {
            "names": [],
            "reason": f"{n_libraries} libraries allow no library-level control (about 10 per control)",
        }
    wide = (
        facts[facts["name"].isin(names)]
        .groupby(["library_key", "name"])["value"]
        .mean()
        .unstack("name")
        .reset_index()
    )
    wide = wide.rename(columns={"library_key": "library"})
    adjusted = multilevel.multilevel_means_as_outcomes(data, controls=wide).as_dict()
    return {
        "names": names,
        "adjusted": _pick(
            adjusted,
            [
                *SLOPE_FIELDS,
                "converged",
                "optimizer",
                "reason",
            ],
        ),
    }


def _correlation(points: pd.DataFrame, options) -> dict:
    """The library-level correlation of ``points`` (``association.library_points``), as a dict,
    with the battery's permutations and seed."""
    return association.library_correlation(
        points["staff_mean"].to_numpy(),
        points["patron_mean"].to_numpy(),
        libraries=list(points["library"]),
        n_permutations=options.n_permutations,
        seed=options.seed,
    ).as_dict()
