"""Simulation study of the intervals the Hypothesis page shows (docs/statistics.md §11; results in docs/simulation-results.md).

Simulated forums of 15 libraries under the null (no link) at T = 2, 4 and 6 periods, on a yearly
and on a biennial calendar (surveys every other year: the lag models use a two-year lag), and
under a positive link; applies the product's own functions (library Pearson r with Fisher CI
and permutation p, the exact multilevel model with t on J - q - 1 df, the REWB within, between
and contextual terms, both lag directions) and writes rejection and coverage rates with Monte
Carlo SEs to docs/simulation-results.md. The bands the issue sets: size in [.03, .07], coverage
in [.93, .97].

    nice -n 10 .venv/bin/python -m bench.simulate_forums --scenario null-T2 --scenario null-T4
    nice -n 10 .venv/bin/python -m bench.simulate_forums --collect     # write the markdown

Each scenario's per-forum results go to bench/sim/<scenario>.csv (so parallel runs and partial
runs survive); ``--collect`` summarises every CSV present. The test suite runs a small version
of the same code (tests/test_analysis_core.py).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror.analysis.simulate import (
    ForumDesign,
    run_simulation,
    summarise_simulation,
    true_targets,
)

ROOT = Path(__file__).resolve().parents[1]
SIM_DIR = ROOT / "bench" / "sim"

# name: (title, design, seed, fit the lag models)
SCENARIOS = {
    "null-T2": ("null, 2 yearly periods", ForumDesign(n_periods=2), 20261201, True),
    "null-T4": ("null, 4 yearly periods", ForumDesign(n_periods=4), 20261202, True),
    "null-T6": ("null, 6 yearly periods", ForumDesign(n_periods=6), 20261203, True),
    "null-T4-biennial": (
        "null, 4 periods every other year (2020, 2022, 2024, 2026)",
        ForumDesign(n_periods=4, period_step=2),
        20261204,
        True,
    ),
    "null-T6-biennial": (
        "null, 6 periods every other year (2020 ... 2030)",
        ForumDesign(n_periods=6, period_step=2),
        20261205,
        True,
    ),
    "link-T2": (
        "link, 2 yearly periods (beta_between = beta_within = 0.5)",
        ForumDesign(n_periods=2, beta_between=0.5, beta_within=0.5),
        20261206,
        False,
    ),
    "link-T4": (
        "link, 4 yearly periods (beta_between = beta_within = 0.5)",
        ForumDesign(n_periods=4, beta_between=0.5, beta_within=0.5),
        20261207,
        False,
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


def run(name: str, forums: int, permutations: int, chunk: int = 25) -> Path:
    """Run one scenario in chunks, appending per-forum rows to bench/sim/<name>.csv."""
    _, design, seed, lags = SCENARIOS[name]
    SIM_DIR.mkdir(parents=True, exist_ok=True)
    out = SIM_DIR / f"{name}.csv"
    done = pd.read_csv(out) if out.exists() else pd.DataFrame()
    start = len(done)
    t0 = time.perf_counter()
    while start < forums:
        n = min(chunk, forums - start)
        # each chunk its own seed, so a resumed run gives the same forums as an unbroken one
        res = run_simulation(n, design, seed + 1000 * start, n_permutations=permutations, lags=lags)
        res["forum"] = res["forum"] + start
        res["seconds"] = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        res.to_csv(out, mode="a", header=not out.exists() or start == 0, index=False)
        start += n
        print(f"{name}: {start}/{forums}", file=sys.stderr, flush=True)
    return out


def collect(out_md: Path, permutations: int) -> bool:
    """Summarise every scenario CSV into ``out_md``; True when every checked rate is in its band."""
    parts = [
        "# Simulation study: type I error and coverage of the intervals the Hypothesis page shows",
        "",
        "Written by `bench/simulate_forums.py --collect` (do not edit by hand). Each forum has 15",
        "libraries; cell means and within sums of squares are drawn from their exact sampling",
        "distributions (`servicemirror.analysis.simulate`). Targets are what the estimators",
        "estimate: the correlation and regression slope of the *observed* library means (attenuated",
        "by the unreliability of staff means; also REWB's between slope), the within slope",
        "attenuated by the reliability of within-library staff changes, their difference (the",
        "contextual effect), and 0 for both lag directions when there is no within-library link",
        "(no closed form otherwise, so lag coverage is checked under the null only). Monte Carlo",
        "SE = sqrt(pi(1-pi)/R) at the nominal rate pi. Bands: size in [.03, .07], coverage in",
        "[.93, .97]. Rejection rates under the alternative are power and have no nominal value.",
        "",
        f"Permutations per test: {permutations}; Python {platform.python_version()}, numpy "
        f"{np.__version__}, pandas {pd.__version__}; run with `nice -n 10` on a shared 2-core machine.",
        "",
    ]
    all_ok = True
    for name, (title, design, seed, _) in SCENARIOS.items():
        path = SIM_DIR / f"{name}.csv"
        if not path.exists():
            continue
        results = pd.read_csv(path)
        summary = summarise_simulation(results)
        checked = summary["in_band"].dropna()
        all_ok &= bool(checked.astype(bool).all())
        targets = true_targets(design)
        lag_used = results["lag"].dropna().unique() if "lag" in results else []
        parts += [
            f"## {title}",
            "",
            f"Scenario `{name}`; {len(results)} forums; seed {seed}; "
            f"{results['seconds'].sum() / 60:.1f} min of run time "
            f"({results['seconds'].mean():.2f} s per forum). Design: "
            + ", ".join(f"{k}={v}" for k, v in asdict(design).items())
            + ".",
            "",
            "Targets: "
            + ", ".join(f"{k} = {v:.4f}" for k, v in targets.items() if np.isfinite(v))
            + "."
            + (
                f" Lag used by the lag models (calendar steps): {', '.join(str(int(x)) for x in lag_used)}."
                if len(lag_used)
                else ""
            ),
            "",
            _table(summary),
            "",
            f"Multilevel fits reporting convergence: {results['ml_converged'].mean():.4f}.",
            "",
        ]
    parts += [
        f"Every checked rate inside its band: {'yes' if all_ok else '**no**'}.",
        "",
        "How to read a miss: a band is a statement about the true rate, the table shows an",
        "estimate with Monte Carlo SE mc_se. A rate outside its band but within 3 mc_se of the",
        "nominal value (within_3se = yes) is not evidence of a wrong method at this number of",
        "forums. At 1,000 forums a true coverage of .90 falls below .93 in 99.9 % of runs and a",
        "true size of .08 lands above .07 in about 87 % of them (exact binomial).",
        "",
    ]
    out_md.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {out_md}", file=sys.stderr)
    return all_ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), default=[])
    ap.add_argument("--forums", type=int, default=1000)
    ap.add_argument("--permutations", type=int, default=999)
    ap.add_argument("--collect", action="store_true", help="write the markdown from the CSVs")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "simulation-results.md")
    args = ap.parse_args(argv)
    for name in args.scenario:
        run(name, args.forums, args.permutations)
    if args.collect:
        return 0 if collect(args.out, args.permutations) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
