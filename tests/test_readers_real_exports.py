"""Real exports as they come (issue 14): each failure seen on other people's files, on a fixture
in the tool's real layout. Each test names the public source of the layout it imitates.

Fixtures are small and hand-written in that layout (tests/fixtures/<tool>/); the counts and means
in the comments are worked out by hand from the fixture rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from servicemirror.etl import load, wide
from servicemirror.etl.detect import sniff
from servicemirror.etl.registry import READERS

FIXTURES = Path(__file__).parent / "fixtures"


def _dry(tmp_path, name: str, **options) -> load.LoadReport:
    return load.load_file(tmp_path / "t.duckdb", FIXTURES / name, dry_run=True, **options)


def _items(report: load.LoadReport) -> dict:
    return {i["item"]: (i["n"], i["mean"], i["nps"]) for i in report.items}


def _detected(path: Path) -> str:
    sniffed = sniff(path)
    return max((r.detect(sniffed, path), n) for n, r in READERS.items())[1]


def _write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


# --------------------------------------------------------------------------- Qualtrics


def test_qualtrics_legacy_v1_layout(tmp_path):
    # Layout: ropensci/qualtRics tests/testthat/files/sample_legacy.csv (row 1 "V1,...,V10,Q1,Q2,
    # LocationLatitude,LocationLongitude,LocationAccuracy," and row 2 "ResponseID,ResponseSet,Name,
    # ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,<texts>").
    path = FIXTURES / "qualtrics/legacy_v1.csv"
    assert _detected(path) == "qualtrics"
    report = _dry(tmp_path, "qualtrics/legacy_v1.csv")
    assert report.format == "qualtrics"
    assert report.records == 5
    # row 4 is a preview (Status 1), row 5 unfinished (Finished 0)
    assert report.valid_responses == 3
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "preview" in reasons[4] and "unfinished" in reasons[5]
    # Status, Finished, LocationAccuracy, ResponseSet are never items
    assert _items(report) == {
        "core_w1": (3, pytest.approx((5 + 4 + 2) / 3), None),
        "core_w2": (3, pytest.approx((4 + 3 + 2) / 3), None),
        # 9, 7, 3: promoters 1/3, detractors 1/3 -> eNPS 0
        "core_enps": (3, pytest.approx(19 / 3), pytest.approx(0.0)),
    }
    prepared = load.prepare(tmp_path / "t.duckdb", path)
    # no RecordedDate in the legacy layout: EndDate gives the date
    assert str(prepared.responses["submitted_at"].min())[:10] == "2016-05-02"


def test_qualtrics_single_quoted_import_ids_solution_revision_and_csat(tmp_path):
    # Layout: the third header row written with single quotes ({'ImportId': 'QID1'}) as in
    # ropensci/qualtRics tests/testthat/test-extract-colmap.R's legacy import ids; SolutionRevision
    # is a metadata field of current Qualtrics API exports (issue 14, item 1). Answers in
    # Qualtrics' standard CSAT set (Extremely / Somewhat satisfied, Neither satisfied nor
    # dissatisfied, Somewhat / Extremely dissatisfied). No RecordedDate: EndDate is the date.
    report = _dry(tmp_path, "qualtrics/api_single_quoted_ids.csv")
    assert report.format == "qualtrics"
    assert report.records == 6  # the import-id row is not a record
    assert report.valid_responses == 5  # row 6 is a Survey Test
    items = _items(report)
    # 5, 4, 3, 2, 1 = 15/5
    assert items["core_sat"] == (5, pytest.approx(3.0), None)
    assert not any("solution" in code for code in items)
    assert not any("SolutionRevision" in w for w in report.warnings)
    prepared = load.prepare(tmp_path / "t.duckdb", FIXTURES / "qualtrics/api_single_quoted_ids.csv")
    assert str(prepared.responses["submitted_at"].min())[:10] == "2024-10-01"
    assert set(prepared.responses["period"]) == {"2024"}
