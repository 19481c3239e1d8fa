"""The registry of readers: one entry per export format (a new survey tool = a module + one line).

Each reader has ``detect(sniffed, path) -> score`` (0 = not mine, 1 = certainly mine) and
``read(path, sniffed, options) -> ReadResult``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from servicemirror.etl.readers import (
    aggregates_template,
    forum_package,
    generic,
    generic_wide,
    google_forms,
    kiosk_presses,
    limesurvey,
    ms_forms,
    qualtrics,
    surveymonkey,
    surveyxact,
)


@dataclass(frozen=True)
class Reader:
    name: str
    detect: Callable
    read: Callable
    description: str


READERS: dict[str, Reader] = {
    r.name: r
    for r in [
        Reader(
            "generic_long",
            generic.detect_long,
            generic.read_long,
            "Generic long CSV (one row per answer)",
        ),
        Reader(
            "generic_aggregates",
            generic.detect_aggregates,
            generic.read_aggregates,
            "Unit-level results (n, mean per item)",
        ),
        Reader(
            "generic_kiosk",
            generic.detect_kiosk,
            generic.read_kiosk_counts,
            "Smiley-kiosk counts per hour",
        ),
        Reader(
            "kiosk_presses",
            kiosk_presses.detect_presses,
            kiosk_presses.read_presses,
            "Smiley-kiosk button presses, one row per press (HappyOrNot-style)",
        ),
        Reader(
            "kiosk_daily",
            kiosk_presses.detect_daily,
            kiosk_presses.read_daily,
            "Smiley-kiosk counts per terminal and day, one column per button",
        ),
        Reader(
            aggregates_template.FORMAT,
            aggregates_template.detect,
            aggregates_template.read,
            "Unit-level results in the Danish template (enhed, periode, spørgsmål, n, gennemsnit)",
        ),
        Reader(
            surveyxact.FORMAT,
            surveyxact.detect,
            surveyxact.read,
            "Rambøll SurveyXact export (dataset + labels + structure, CSV, zip or Excel)",
        ),
        Reader(
            forum_package.FORMAT,
            forum_package.detect,
            forum_package.read,
            "Forum package (one library's aggregate-only export for the forum)",
        ),
        Reader(qualtrics.FORMAT, qualtrics.detect, qualtrics.read, "Qualtrics CSV (3 header rows)"),
        Reader(
            surveymonkey.FORMAT,
            surveymonkey.detect,
            surveymonkey.read,
            "SurveyMonkey export (2 header rows, matrix sub-answers)",
        ),
        Reader(
            limesurvey.FORMAT,
            limesurvey.detect,
            limesurvey.read,
            "LimeSurvey response export (codes or full answers)",
        ),
        Reader(
            google_forms.FORMAT,
            google_forms.detect,
            google_forms.read,
            "Google Forms / Sheets responses (Timestamp / Tidsstempel first)",
        ),
        Reader(
            ms_forms.FORMAT,
            ms_forms.detect,
            ms_forms.read,
            "Microsoft Forms results (.xlsx or Danish-Excel CSV)",
        ),
        Reader(
            generic_wide.FORMAT,
            generic_wide.detect,
            generic_wide.read,
            "Generic wide sheet: one row per respondent (or per library with n and means)",
        ),
    ]
}
