"""The hypothesis on a database: the battery's run and the tidy tables the page and report show.

``analyze`` is the only place that gathers the battery's inputs (published cells, visible staff
item rows for alpha, library facts); cached per data version and options, role-independent
(library keys, not names: naming or pseudonymising happens per viewer, after the cache).
``result(db_path)`` is its ``analyze --json`` object. The other functions are pure: dict in,
DataFrame out, so the Hypothesis page and the HTML report show the same numbers and nothing is
reshaped in a page.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from servicemirror import queries
from servicemirror.analysis.battery import BatteryOptions, run_battery
from servicemirror.app import comments
from servicemirror.core import cache, db
from servicemirror.privacy import publish


def options_from_settings(settings: dict[str, str], **overrides) -> BatteryOptions:
    """Battery options from the stored settings (k, permutations, period calendar), with overrides."""
    n_perm = settings.get("n_permutations", "9999")
    base = BatteryOptions(
        n_permutations=int(n_perm) if str(n_perm).isdigit() else 9999,
        k=publish.k_from_settings(settings),
        period_length=settings.get("period_length") or "year",
    )
    return BatteryOptions(**(asdict(base) | {k: v for k, v in overrides.items() if v is not None}))


def analyze(
    db_path: Path, *, touchpoint: str | None = None, n_permutations: int | None = None
) -> dict:
    """The full battery for the database's current data version (cached per version and options)."""
    pub = publish.published(db_path)
    options = options_from_settings(
        pub.settings, touchpoint=touchpoint, n_permutations=n_permutations
    )

    def build() -> dict:
        with db.reading(db_path) as con:
            staff_rows = queries.run(con, "staff_item_rows", construct="wellbeing")
            facts = queries.run(con, "library_facts_all")
            covariances = queries.run(con, "forum_item_covariances_all")
            # released patron comment counts only (groups below k_comments left out)
            comment_counts = comments.theme_counts(con, side="patron")
            instruments = queries.run(con, "instruments_all")
        return run_battery(
            pub.cells,
            staff_rows=staff_rows,
            item_covariances=covariances,
            facts=facts,
            options=options,
            comment_counts=comment_counts,
            instruments=instruments,
        )

    return cache.cached(db_path, "analyze", build, options, version=pub.data_version)


def with_display_names(result: dict, libraries: pd.DataFrame) -> dict:
    """A copy of the result with library keys replaced by display names (for a named view)."""
    names = dict(zip(libraries["library_key"], libraries["display_name"], strict=True))
    out = dict(result)
    for part in ("excluded", "excluded_periods"):
        out[part] = [dict(e, library=names.get(e["library"], e["library"])) for e in result[part]]
    out["pairs"] = [dict(p, library=names.get(p["library"], p["library"])) for p in result["pairs"]]
    return out


# test key -> (i18n key of its name, i18n key of its one-line explanation)
TEST_TEXT = {
    "pearson": ("hyp_test_pearson", "hyp_explain_pearson"),
    "multilevel": ("hyp_test_multilevel", "hyp_explain_multilevel"),
    "within": ("hyp_test_within", "hyp_explain_within"),
    "spearman": ("hyp_test_spearman", "hyp_explain_spearman"),
    "between": ("hyp_test_between", "hyp_explain_between"),
    "cluster_robust_ols": ("hyp_test_cluster_robust_ols", "hyp_explain_cluster_robust_ols"),
}


def result(db_path: Path) -> dict:
    """The ``analyze --json`` object for the database's current data version.

    Raises ``db.DatabaseError`` (one line) when the database is missing or busy.
    """
    return analyze(Path(db_path))


def _num(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _reason(res: dict, part: str) -> str | None:
    reasons = res.get("reasons") or {}
    part_value = res.get(part)
    if isinstance(part_value, dict) and part_value.get("reason"):
        return str(part_value["reason"])
    return reasons.get(part)


def tests(res: dict) -> pd.DataFrame:
    """One row per test, in reading order: the two primaries, the secondary, then sensitivity.

    Columns: key (pearson | multilevel | within | spearman | between | sensitivity name),
    role (primary | secondary | sensitivity), measure (r | slope), estimate, ci_low, ci_high, p,
    p_label, reason (why a test is missing; None when it was computed), label (only for extra
    sensitivity lines given by the battery under ``sensitivity``).
    """
    ll = res.get("library_level") or {}
    ml = res.get("multilevel") or {}
    wb = res.get("within_between") or {}
    rows = [
        ("pearson", "primary", "r", ll.get("pearson_r"), ll.get("ci_low"), ll.get("ci_high"),
         ll.get("p_permutation"), "p (permutation)", _reason(res, "library_level"), None),
        ("multilevel", "primary", "slope", ml.get("slope"), ml.get("ci_low"), ml.get("ci_high"),
         ml.get("p"), "p (t)", _reason(res, "multilevel"), None),
        ("within", "secondary", "slope", wb.get("beta_within"), wb.get("ci_within_low"),
         wb.get("ci_within_high"), wb.get("p_within"), "p (t)", _reason(res, "within_between"),
         None),
        ("spearman", "sensitivity", "r", ll.get("spearman_rho"), ll.get("spearman_ci_low"),
         ll.get("spearman_ci_high"), ll.get("p_spearman"), "p", _reason(res, "library_level"),
         None),
        ("between", "sensitivity", "slope", wb.get("beta_between"), wb.get("ci_between_low"),
         wb.get("ci_between_high"), wb.get("p_between"), "p (t)", _reason(res, "within_between"),
         None),
    ]  # fmt: skip
    # further sensitivity lines: the battery gives them as {name: {slope, ci_low, ci_high, p}}
    extra = res.get("sensitivity") or {}
    for name, part in extra.items():
        if not isinstance(part, dict):
            continue
        rows.append(
            (
                str(name),
                "sensitivity",
                "slope",
                part.get("slope", part.get("estimate")),
                part.get("ci_low"),
                part.get("ci_high"),
                part.get("p"),
                "p (t)",
                part.get("reason"),
                str(name),
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=["key", "role", "measure", "estimate", "ci_low", "ci_high", "p", "p_label",
                 "reason", "label"],
    )  # fmt: skip
    for col in ("estimate", "ci_low", "ci_high", "p"):
        frame[col] = frame[col].map(_num).astype("float64")
    # a computed test carries no reason; a missing one always says why
    frame["reason"] = [
        (reason or "no data") if missing else None
        for missing, reason in zip(frame["estimate"].isna(), frame["reason"], strict=True)
    ]
    return frame


def within_between(res: dict) -> pd.DataFrame:
    """The between and within slopes with their intervals (empty when not computed).

    Columns: part (between | within), estimate, ci_low, ci_high.
    """
    frame = tests(res)
    frame = frame[frame["key"].isin(["between", "within"]) & frame["estimate"].notna()]
    return (
        frame.rename(columns={"key": "part"})[["part", "estimate", "ci_low", "ci_high"]]
        .sort_values("part")
        .reset_index(drop=True)
    )


def lagged(res: dict) -> pd.DataFrame:
    """Both directions over time (consecutive periods), as far as they could be fitted.

    Columns: direction (staff_to_patron | patron_to_staff), estimate, ci_low, ci_high, p,
    n_libraries, reason. Standardised estimates are used when given, so both directions share a scale.
    """
    lag = res.get("lagged") or {}
    rows = []
    for direction in ("staff_to_patron", "patron_to_staff"):
        part = lag.get(direction)
        if isinstance(part, dict):
            std = _num(part.get("std_estimate")) is not None
            rows.append(
                {
                    "direction": direction,
                    "estimate": _num(part.get("std_estimate" if std else "estimate")),
                    "ci_low": _num(part.get("std_ci_low" if std else "ci_low")),
                    "ci_high": _num(part.get("std_ci_high" if std else "ci_high")),
                    "p": _num(part.get("p")),
                    "n_libraries": part.get("n_libraries"),
                    "reason": None,
                }
            )
        else:
            reason = lag.get(f"reason_{direction}") or _reason(res, "lagged") or "no data"
            rows.append(
                {
                    "direction": direction,
                    "estimate": None,
                    "ci_low": None,
                    "ci_high": None,
                    "p": None,
                    "n_libraries": None,
                    "reason": reason,
                }
            )
    return pd.DataFrame(
        rows,
        columns=["direction", "estimate", "ci_low", "ci_high", "p", "n_libraries", "reason"],
    )


def touchpoints(res: dict) -> pd.DataFrame:
    """The touchpoint family: columns touchpoint, n, estimate, ci_low, ci_high, p, p_adjusted."""
    rows = []
    for tp in res.get("touchpoints") or []:
        rows.append(
            {
                "touchpoint": tp.get("touchpoint") or tp.get("name"),
                "n": tp.get("n"),
                "estimate": _num(tp.get("pearson_r", tp.get("estimate"))),
                "ci_low": _num(tp.get("ci_low")),
                "ci_high": _num(tp.get("ci_high")),
                "p": _num(tp.get("p", tp.get("p_raw"))),
                "p_adjusted": _num(tp.get("p_adjusted", tp.get("p_bh"))),
            }
        )
    return pd.DataFrame(
        rows, columns=["touchpoint", "n", "estimate", "ci_low", "ci_high", "p", "p_adjusted"]
    )


def planning(res: dict) -> dict:
    """What the power curve needs: J today and the reliabilities (lambda) to attenuate with."""
    power = res.get("power") or {}
    rel = res.get("reliability") or {}
    libraries = res.get("libraries")
    j = len(libraries) if isinstance(libraries, list) else libraries
    j = power.get("J") or j or (res.get("library_level") or {}).get("n") or 0
    return {
        "J": int(j),
        "lambda_x": _num(power.get("lambda_x", rel.get("lambda_x"))),
        "lambda_y": _num(power.get("lambda_y", rel.get("lambda_y"))),
    }


def power_table(curve: pd.DataFrame) -> pd.DataFrame:
    """The power curve as a table: one row per J, one column per kind and assumed true r."""
    wide = curve.pivot_table(index="J", columns=["kind", "r_true"], values="power")
    wide.columns = [f"{kind} r={r:.1f}" for kind, r in wide.columns]
    return wide.reset_index()


def count(value) -> int:
    """A count that the JSON gives either as a number or as the list of what was counted."""
    if isinstance(value, list | tuple):
        return len(value)
    number = _num(value)
    return int(number) if number is not None else 0
