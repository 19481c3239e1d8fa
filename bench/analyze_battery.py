"""Benchmark 4: the whole ``analyze`` battery vs the bare aggregate query it starts from.

Product: ``servicemirror.app.hypothesis.analyze(db)`` (what ``servicemirror analyze`` prints and the
Hypothesis page shows) with every cache cleared, so it builds the publication layer (cells.sql,
staff_branch_cells.sql and the suppression), reads the visible staff item rows for alpha and runs
every test (permutations, multilevel, within-between, touchpoints, power, reliability).
Ceiling: ``queries/cells.sql`` alone on an open DuckDB connection, run as the product runs it
(``publish.cell_rows``). There is no target; the ratio and a cProfile of one extra run (top
entries) say where the time goes.

It also checks the rule "no patron-row model fit where an aggregate is exact": every statsmodels
model built during a run is recorded with its number of observations, and every named query that
runs; the largest model must be far smaller than the number of patron responses.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path

from bench.common import Result, median


def _clear() -> None:
    from servicemirror.core import cache

    cache.clear("published", "analyze")


def _watch():
    """Record query names and statsmodels model sizes; returns (log, undo)."""
    import statsmodels.base.model as sm_model

    from servicemirror import queries

    log = {"queries": [], "model_nobs": []}
    original_run, original_init = queries.run, sm_model.Model.__init__

    def run(con, name, **params):
        log["queries"].append(name)
        return original_run(con, name, **params)

    def init(self, endog, *args, **kwargs):
        log["model_nobs"].append(len(endog) if hasattr(endog, "__len__") else -1)
        original_init(self, endog, *args, **kwargs)

    queries.run = run
    sm_model.Model.__init__ = init

    def undo() -> None:
        queries.run = original_run
        sm_model.Model.__init__ = original_init

    return log, undo


def top_entries_from_file(path: Path, limit: int = 15) -> list[str]:
    """:func:`top_entries` of a saved profile (e.g. a child process's load)."""
    return top_entries(pstats.Stats(str(path)), limit)


def top_entries(profile: cProfile.Profile | pstats.Stats, limit: int = 15) -> list[str]:
    """The profile's top entries by cumulative time: "seconds  file:line(function)"."""
    stats = profile if isinstance(profile, pstats.Stats) else pstats.Stats(profile)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    rows = []
    for (file, line, func), (_, _, _, cumulative, _) in stats.stats.items():
        if file == "~" and func in ("<built-in method builtins.exec>",):
            continue
        where = f"{file.replace(root, '')}:{line}({func})" if file != "~" else func
        rows.append((cumulative, where))
    rows.sort(reverse=True)
    return [f"{seconds:7.2f} s  {where}" for seconds, where in rows[:limit]]


def run(db_path: Path, runs: int = 3) -> Result:
    """Time analyze (uncached) and cells.sql ``runs`` times; profile one more analyze."""
    import duckdb

    from servicemirror.app import hypothesis
    from servicemirror.privacy import publish

    product, ceiling = [], []
    log, undo = _watch()
    try:
        for _ in range(runs):
            _clear()
            t = time.perf_counter()
            result = hypothesis.analyze(db_path)
            product.append(time.perf_counter() - t)
    finally:
        undo()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for _ in range(runs):
            t = time.perf_counter()
            cells = publish.cell_rows(con)
            ceiling.append(time.perf_counter() - t)
        patron_responses = con.execute(
            "select count(*) from responses where respondent_type = 'patron'"
        ).fetchall()[0][0]
    finally:
        con.close()
    _clear()
    profile = cProfile.Profile()
    profile.enable()
    hypothesis.analyze(db_path)
    profile.disable()
    entries = top_entries(profile)
    p, c = median(product), median(ceiling)
    largest = max(log["model_nobs"], default=0)
    row_fit = largest >= patron_responses / 10
    return Result(
        key="4",
        title="analyze battery (uncached) vs cells.sql",
        ratio=p / c,
        target="report (no target)",
        ok=None,
        figures={
            "analyze s": p,
            "cells.sql s": c,
            "cells": len(cells),
            "libraries": result.get("libraries"),
            "largest model nobs": largest,
            "patron responses": int(patron_responses),
            "runs": runs,
        },
        notes=[
            "queries per analyze: " + ", ".join(sorted(set(log["queries"]))),
            f"no patron-row model fit: {'NO, a model had ' + str(largest) + ' rows' if row_fit else 'yes'} "
            f"(largest statsmodels model {largest} observations vs {patron_responses} patron responses)",
        ],
        extra={"profile": entries, "row_fit": row_fit},
    )
