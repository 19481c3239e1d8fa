"""Simulation study of the pre-declared analyses (issue 4, STATISTICS.md §9).

Runs >= 1,000 simulated forums of 15 libraries under the null (no link) and under a
positive link with two periods, applies the product's own functions (library Pearson r with
Fisher CI and permutation p, the exact multilevel model with t on J - q - 1 df, the REWB
within slope) and writes rejection and coverage rates with Monte Carlo SEs to
docs/simulation-results.md.

    .venv/bin/python bench/simulate_forums.py               # 1,000 forums per scenario
    .venv/bin/python bench/simulate_forums.py --forums 2000 --out /tmp/sim.md

The test suite runs a small version of the same code (tests/test_analysis_core.py).
"""

from __future__ import annotations

import argparse
import platform
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror.analysis.simulate import (
    ForumDesign,
    run_simulation,
    summarise_simulation,
    timed,
    true_targets,
)

SCENARIOS = {
    "null, 1 period": (ForumDesign(), 20240501),
    "link, 2 periods (beta_between = beta_within = 0.5)": (
        ForumDesign(n_periods=2, beta_between=0.5, beta_within=0.5),
        20240502,
    ),
}


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "—"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "**no**"
    if isinstance(v, float):
        return f"{v:.4f}"
    return str(v)


def _table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        lines.append("| " + " | ".join(_fmt(row[c]) for c in cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forums", type=int, default=1000)
    ap.add_argument("--permutations", type=int, default=9999)
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "docs" / "simulation-results.md",
    )
    args = ap.parse_args(argv)

    parts = [
        "# Simulation study: type I error and coverage of the pre-declared analyses",
        "",
        "Written by `bench/simulate_forums.py` (do not edit by hand). Each forum has 15 libraries;",
        "cell means and within sums of squares are drawn from their exact sampling distributions",
        "(`servicemirror.analysis.simulate`). Targets are what the estimators estimate: the",
        "correlation and regression slope of the *observed* library means (attenuated by the",
        "unreliability of staff means) and the within slope attenuated by the reliability of",
        "within-library staff changes (`true_targets`). Monte Carlo SE = sqrt(pi(1-pi)/R) at the",
        "nominal rate pi; 'within 3 SE' tests the nominal rate. Rejection rates under the",
        "alternative are power and have no nominal value.",
        "",
        f"Forums per scenario: {args.forums}; permutations per test: {args.permutations};",
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}.",
        "",
    ]
    all_ok = True
    for name, (design, seed) in SCENARIOS.items():
        results, secs = timed(
            run_simulation, args.forums, design, seed, n_permutations=args.permutations
        )
        summary = summarise_simulation(results)
        checked = summary["within_3se"].dropna()
        all_ok &= bool(checked.astype(bool).all())
        targets = true_targets(design)
        parts += [
            f"## {name}",
            "",
            f"Seed {seed}; {secs:.0f} s. Design: "
            + ", ".join(f"{k}={v}" for k, v in asdict(design).items())
            + ".",
            "",
            "Targets: " + ", ".join(f"{k} = {v:.4f}" for k, v in targets.items()) + ".",
            "",
            _table(summary),
            "",
            f"Multilevel fits reporting convergence: {results['ml_converged'].mean():.4f}. "
            f"Mean r = {results['r'].mean():.4f}; mean multilevel slope = {results['ml_slope'].mean():.4f}"
            + (
                f"; mean within slope = {results['within'].mean():.4f}."
                if results["within"].notna().any()
                else "."
            ),
            "",
        ]
        print(f"{name}: {secs:.1f} s", file=sys.stderr)
    parts += [
        f"All checked rates within 3 Monte Carlo SE of nominal: {'yes' if all_ok else '**no**'}.",
        "",
    ]
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
