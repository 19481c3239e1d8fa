"""What one run of the Overview costs: its reads share a held connection, its charts are built
once per distinct input for every session, and the small multiples travel as one compact spec."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from conftest import hundred_libraries_long
from streamlit.testing.v1 import AppTest

from servicemirror.core import db
from servicemirror.dashboard import charts

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def overview(monkeypatch, db_path: Path, **params: str) -> AppTest:
    """One new browser session opening the Overview (in English, pseudonyms) with URL
    ``params``."""
    monkeypatch.setenv("SERVICEMIRROR_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_sessions_share_the_charts_and_the_read_connection(small_db_shared, monkeypatch):
    built = []
    real = charts.scatter_staff_patron

    @functools.wraps(real)  # the page draws it by name (filters.chart)
    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "scatter_staff_patron", counting)
    opened = []
    connect = db._connect
    monkeypatch.setattr(db, "_connect", lambda *a, **k: opened.append(1) or connect(*a, **k))
    first = overview(monkeypatch, small_db_shared, trends="heatmap")
    second = overview(monkeypatch, small_db_shared, trends="heatmap")
    # the same chart reached both sessions, built once; one read connection for both runs
    specs = [[c.proto.spec for c in at.get("vega_lite_chart")] for at in (first, second)]
    assert specs[0] == specs[1] and len(specs[0]) == 2
    assert len(built) <= 1  # 0 when an earlier test in this process drew the same points
    assert len(opened) <= 1 and db.held_count() == 1


def test_small_multiples_are_one_facet_with_the_data_once():
    long = hundred_libraries_long()
    spec = charts.small_multiples(long, "p", "v", "m").to_dict()
    assert list(spec["datasets"].values()) == [spec["datasets"][spec["data"]["name"]]]
    assert len(next(iter(spec["datasets"].values()))) == len(long)  # every row once
    assert "facet" in spec and "layer" not in spec["spec"]  # one mark, repeated by the facet
    # the spec beside the data is a few kilobytes, whatever the number of panels
    rest = {k: v for k, v in spec.items() if k != "datasets"}
    assert len(json.dumps(rest)) < 4000


def test_the_specs_the_overview_sends_are_valid_vega_lite(small_db_shared, monkeypatch):
    """The page builds its specs without Altair's schema check (dashboard/filters.py, for speed);
    what reaches the browser is checked against the Vega-Lite schema here instead."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    sent = []
    # the scatter alone (the page as it opens), then with the trends as a heatmap and as lines
    for trends, charts_drawn in (("", 1), ("heatmap", 2), ("lines", 2)):
        at = overview(monkeypatch, small_db_shared, **({"trends": trends} if trends else {}))
        drawn = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
        assert len(drawn) == charts_drawn
        sent += drawn[1:] if sent else drawn  # the scatter once, then each trends chart
    for spec in sent:
        validate_jsonschema(spec, schema)
    broken = dict(sent[0], mark={"type": "not-a-mark"})
    assert validate_jsonschema(broken, schema, raise_error=False) is not None
