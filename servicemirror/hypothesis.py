"""Run the hypothesis battery on a database: publication layer in, ``analyze`` object out.

The only place that gathers the battery's inputs (published cells, visible staff item rows for
alpha, library facts); cached per data version and options, role-independent (library keys, not
names: naming or pseudonymising happens per viewer, after the cache).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from servicemirror import cache, comments, db, publish, queries
from servicemirror.analysis.battery import BatteryOptions, run_battery


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
