"""One pseudonym per library for the same viewer on every page, in the report and in file names.

A forum viewer (who sees no library by name) signs in and opens every page that names libraries;
the report is built for the same viewer, and the forum package file names (which only an admin
or the own manager may download) come from an admin with names switched off in the same process.
Each label is tied to a library by what is shown beside it: the indices of the scatter and the
trend lines, the service cells of the heatmap, the staff counts of the coverage matrix and the
report's table, the figures of the Library page opened through a picker's URL token. The test
fails if one library gets two names or two libraries share one. Before the one access layer the
report drew its own letters, so "Bibliotek A" on the pages was another library in the report.

Data: ``layer_db`` (the small forum, no library consented to be named; staff counts 6..11 per
library, so a period and a staff count identify a library). The Hypothesis page names no library
on this data (no exclusions), so it has nothing to compare. One test of about 12 s: it
renders every page that names libraries for one signed-in viewer.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_dashboard_pages import APP, chart_frames, published

from servicemirror import service
from servicemirror.app import hypothesis
from servicemirror.privacy import access, publish

FORUM_VIEWER = "forum@forum.dk"


@pytest.fixture(scope="module")
def forum_server(layer_db, module_user_file):
    """Server mode on the layer database, the user file of conftest.SERVER_USERS."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SERVICEMIRROR_DB", str(layer_db))
        yield layer_db


class Fingerprints:
    """What identifies a library in what a page shows: its published indices and service cells
    (a value may belong to several libraries), and its staff count per period."""

    def __init__(self, pub: publish.Published):
        self.values: dict[float, set[str]] = defaultdict(set)
        summary = publish.summary(pub)
        for r in summary.itertuples():
            for v in (r.staff_index, r.patron_index):
                if pd.notna(v):
                    self.values[round(float(v), 6)].add(r.library_key)
        cells = pub.cells[pub.cells["mean"].notna()]
        for r in cells.itertuples():
            self.values[round(float(r.mean), 6)].add(r.library_key)
        self.staff_counts: dict[tuple[str, int], set[str]] = defaultdict(set)
        for r in summary[summary["suppressed_reason"].isna()].itertuples():
            self.staff_counts[(str(r.period), int(r.n_staff))].add(r.library_key)

    def library_of_values(self, values) -> str | None:
        """The one library every recognised value belongs to, else None."""
        found: set[str] | None = None
        for v in values:
            if pd.isna(v):
                continue
            owners = self.values.get(round(float(v), 6))
            if owners:
                found = set(owners) if found is None else found & owners
        return next(iter(found)) if found is not None and len(found) == 1 else None

    def library_of_count(self, period: str, n) -> str | None:
        owners = self.staff_counts.get((str(period), int(n)), set())
        return next(iter(owners)) if len(owners) == 1 else None


def signed_in_forum_viewer(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.user = {"is_logged_in": True, "email": FORUM_VIEWER, "name": "forum"}
    at.query_params["lang"] = "da"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_page(at: AppTest, page: str, **params: str) -> AppTest:
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def picker(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


def test_one_pseudonym_per_library_on_every_page_report_and_file_name(forum_server):
    db_path = forum_server
    prints = Fingerprints(published(db_path))
    seen: list[tuple[str, str, str]] = []  # (where, label, library_key)

    def note(where: str, label, library: str | None) -> None:
        if library is not None and isinstance(label, str) and label:
            seen.append((where, label, library))

    # the Overview's trends are drawn on request: the forum viewer opens it with them shown
    at = signed_in_forum_viewer(trends="heatmap")
    # Overview, in every period: the scatter's points and the trend lines
    for period in ("2023", "2024", "2025"):
        open_page(at, "overview", period=period)
        for frame in chart_frames(at):
            if {"label", "staff_index", "patron_index"} <= set(frame.columns):
                for r in frame.itertuples():
                    note("overview scatter", r.label, prints.library_of_values([r.staff_index]))
                    note("overview scatter", r.label, prints.library_of_values([r.patron_index]))
            elif {"label", "period", "value"} <= set(frame.columns):
                for r in frame.itertuples():
                    note("overview trends", r.label, prints.library_of_values([r.value]))
    # Services, all libraries: the heatmap's cells (one service index per library)
    for period in ("2023", "2024"):
        open_page(at, "services", period=period, library="")
        for frame in chart_frames(at):
            if {"label", "touchpoint_code", "value"} <= set(frame.columns):
                for r in frame.itertuples():
                    note("services heatmap", r.label, prints.library_of_values([r.value]))
    # Data quality, every library and period: the staff counts of the coverage matrix
    open_page(at, "data_quality", period="", library="")
    for frame in chart_frames(at):
        if {"label", "period", "side", "n"} <= set(frame.columns):
            for r in frame[frame["side"] == "staff"].dropna(subset=["n"]).itertuples():
                note("data quality", r.label, prints.library_of_count(r.period, r.n))
    # Library page through every token of its picker: the label shown and the figures shown
    n_options = len(picker(open_page(at, "library", period="2024"), "Bibliotek").options)
    library_of_token: dict[str, str] = {}
    for option in range(n_options):
        picker(at, "Bibliotek").select_index(option).run()
        assert not at.exception
        box = picker(at, "Bibliotek")
        # the library against the forum: its own overall indices over time
        own = [f for f in chart_frames(at) if {"value", "median", "period"} <= set(f.columns)]
        library = prints.library_of_values([v for f in own for v in f["value"].dropna()])
        note("library page", box.options[box.index], library)
        if library is not None:
            library_of_token[str(box.value)] = library
    assert len(library_of_token) == n_options
    # Comments and Projects: their pickers show the same label for the same token
    for page in ("comments", "projects"):
        for token, library in library_of_token.items():
            picker(open_page(at, page), "Bibliotek").set_value(token).run()
            assert not at.exception
            box = picker(at, "Bibliotek")
            assert box.value == token
            note(f"{page} picker", box.options[box.index], library)

    # the report for the same viewer: its table of every library and period
    viewer = service.Service(db_path, access.Principal(FORUM_VIEWER, "forum"))
    html = viewer.report_html("da", hypothesis.result(db_path))
    for label, period, n_staff in re.findall(
        r"<tr><td>(Bibliotek [A-Z]+)</td><td>(\d{4})</td><td>(\d+)</td>", html
    ):
        note("report", label, prints.library_of_count(period, n_staff))
    # file names of forum packages: an admin with names off, the letter the pages show
    admin = service.Service(db_path, access.Principal("admin@kommune.dk", "admin"))
    for library in publish.summary(published(db_path))["library_key"].unique():
        preview = admin.forum_package_preview(library, ["2024"])
        name = admin.forum_package_name(preview, "da", show_names=False)
        letter = re.fullmatch(r"forumpakke-([A-Z]+)-2024\.zip", name).group(1)
        note("package file name", f"Bibliotek {letter}", library)

    frame = pd.DataFrame(seen, columns=["where", "label", "library"])
    names_per_library = frame.groupby("library")["label"].unique()
    libraries_per_label = frame.groupby("label")["library"].unique()
    assert (names_per_library.map(len) == 1).all(), names_per_library[
        names_per_library.map(len) > 1
    ]
    assert (libraries_per_label.map(len) == 1).all(), libraries_per_label
    # every place was checked, and every library was seen in most of them
    assert set(frame["where"]) == {
        "overview scatter",
        "overview trends",
        "services heatmap",
        "data quality",
        "library page",
        "comments picker",
        "projects picker",
        "report",
        "package file name",
    }
    places = frame.groupby("library")["where"].nunique()
    assert len(places) == 6 and (places >= 6).all(), places
