"""End to end: `servicemirror demo` then `summary --json`, checked against the generated files.

The expected indices are computed here with pandas straight from the CSV files the generator
wrote (not through the product's queries): staff index = mean over respondents of their mean
wellbeing item, rescaled (v - 1) / 4 * 100; patron index = mean of core_sat rescaled the same
way; NPS = % 9-10 minus % 0-6; aggregates-only libraries from the vendor report (mean of the item
means, rescaled). Cells with fewer than k = 5 staff must come back null with a reason.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import run_cli

from servicemirror.app import demo

K = 5


@pytest.fixture(scope="module")
def generated(tmp_path_factory, demo_db):
    """The demo database as `servicemirror demo` builds it, its files and its summary."""
    files = demo.generate(2011, tmp_path_factory.mktemp("demo-e2e") / "files")  # the same seed
    summary = run_cli("summary", "--db", demo_db, "--json")
    assert summary.returncode == 0, summary.stderr
    return files, pd.DataFrame(json.loads(summary.stdout))


def _names(files) -> dict[str, str]:
    """Every name a file may use (display name or alias) -> the display name."""
    out = {}
    for row in files.libraries.itertuples():
        for name in [row.display_name, *row.aliases, row.library]:
            out[name] = row.display_name
    return out


def _read(files, folder: str) -> pd.DataFrame:
    paths = [p for p in files.paths if p.parent.name == folder]
    return pd.concat(
        [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths], ignore_index=True
    )


def test_fifteen_libraries_times_six_periods(generated):
    _, summary = generated
    assert len(summary) == 90
    assert summary["library"].nunique() == 15 and sorted(summary["period"].unique()) == [
        "2020",
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
    ]


def test_staff_index_matches_the_generated_rows(generated):
    files, summary = generated
    names = _names(files)
    staff = _read(files, "staff")
    staff = staff[
        staff["item"].str.startswith("core_w")
        & (staff["value"] != "")
        & (staff["value"] != "Ved ikke")
    ]
    staff = staff.assign(
        library=staff["library"].map(names),
        score=(staff["value"].astype(float) - 1) / 4 * 100,
    )
    person = staff.groupby(["library", "period", "respondent_id"])["score"].mean()
    expected = person.groupby(["library", "period"]).agg(["mean", "size"])
    got = summary.set_index(["library", "period"])
    checked = hidden = 0
    for (library, period), row in expected.iterrows():
        cell = got.loc[(library, period)]
        assert cell["n_staff"] == row["size"]
        if row["size"] < K:
            assert cell["staff_index"] is None or np.isnan(cell["staff_index"])
            assert "fewer than 5 staff respondents" in cell["suppressed_reason"]
            hidden += 1
        else:
            assert cell["staff_index"] == pytest.approx(row["mean"], abs=1e-9)
            checked += 1
    assert checked > 50 and hidden == 3  # the demo's three small staff cells


def test_aggregates_only_libraries_match_the_vendor_report(generated):
    files, summary = generated
    names = _names(files)
    agg = _read(files, "aggregates")
    agg = agg[agg["item"].str.startswith("core_w")].assign(
        library=lambda f: f["library"].map(names),
        index=lambda f: (f["mean"].str.replace(",", ".").astype(float) - 1) / 4 * 100,
    )
    expected = agg.groupby(["library", "period"])["index"].mean()
    got = summary.set_index(["library", "period"])["staff_index"]
    assert len(expected) >= 10
    for key, value in expected.items():
        assert got.loc[key] == pytest.approx(value, abs=1e-9)


def test_patron_index_and_nps_match_the_generated_rows(generated):
    files, summary = generated
    names = _names(files)
    patrons = _read(files, "patrons").assign(library=lambda f: f["library"].map(names))
    numeric = patrons[(patrons["value"] != "") & (patrons["value"] != "Ved ikke")]
    sat = numeric[numeric["item"] == "core_sat"]
    expected_index = (
        ((sat["value"].astype(float) - 1) / 4 * 100).groupby([sat["library"], sat["period"]]).mean()
    )
    nps = numeric[numeric["item"] == "core_nps"].assign(v=lambda f: f["value"].astype(float))
    grouped = nps.groupby(["library", "period"])["v"]
    expected_nps = grouped.apply(lambda v: ((v >= 9).mean() - (v <= 6).mean()) * 100)
    got = summary.set_index(["library", "period"])
    assert len(expected_index) == 90
    for key, value in expected_index.items():
        assert got.loc[key, "patron_index"] == pytest.approx(value, abs=1e-9)
    for key, value in expected_nps.items():
        assert got.loc[key, "nps"] == pytest.approx(value, abs=1e-9)
