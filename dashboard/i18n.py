"""Every user-facing text of the dashboard, Danish (default) and English, in one place."""

from __future__ import annotations

import math

LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"da": "Servicespejlet", "en": "Service Mirror"},
    "tagline": {
        "da": "Glade medarbejdere = tilfredse borgere? Test det med jeres egne data.",
        "en": "Happy staff = satisfied citizens? Test it with your own data.",
    },
    "language": {"da": "Sprog", "en": "Language"},
    "local_mode": {
        "da": "Lokal tilstand: én bruger, intet login, ingen netværk.",
        "en": "Local mode: single user, no log-in, no network.",
    },
    "page_overview": {"da": "Overblik", "en": "Overview"},
    "overview_title": {
        "da": "Medarbejdertrivsel og borgertilfredshed",
        "en": "Staff wellbeing vs patron satisfaction",
    },
    "period": {"da": "Periode", "en": "Period"},
    "staff_index": {"da": "Medarbejdertrivsel (0-100)", "en": "Staff wellbeing index (0-100)"},
    "patron_index": {"da": "Borgertilfredshed (0-100)", "en": "Patron satisfaction index (0-100)"},
    "library": {"da": "Bibliotek", "en": "Library"},
    "n_staff": {"da": "Antal medarbejdersvar", "en": "Staff responses"},
    "n_patron": {"da": "Antal borgersvar", "en": "Patron responses"},
    "libraries_shown": {"da": "Biblioteker i figuren", "en": "Libraries in the chart"},
    "suppressed_note": {
        "da": "{n} bibliotek(er) er skjult i denne periode, fordi færre end {k} medarbejdere svarede.",
        "en": "{n} library(ies) hidden in this period because fewer than {k} staff answered.",
    },
    "empty_state": {
        "da": "Der er endnu ingen data. Indlæs en medarbejder- og en borgerundersøgelse under Indlæs, "
        "eller byg demodatabasen med `servicemirror demo`.",
        "en": "No data yet. Load a staff survey and a patron survey on the Upload page, or build the "
        "demo database with `servicemirror demo`.",
    },
    "no_pairs": {
        "da": "Ingen biblioteker har både medarbejder- og borgerdata i denne periode.",
        "en": "No library has both staff and patron data in this period.",
    },
    "busy": {
        "da": "Databasen opdateres lige nu; du ser de seneste resultater.",
        "en": "The database is being updated; showing the latest results.",
    },
    "table_of_numbers": {"da": "Tallene bag figuren", "en": "The numbers behind the chart"},
    "association_note": {
        "da": "En sammenhæng, ikke bevis for årsag.",
        "en": "An association, not proof of cause.",
    },
}


def t(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang`` (falls back to Danish), formatted with ``values``."""
    entry = TEXT[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def number(value, lang: str, digits: int = 1) -> str:
    """A number formatted per language: decimal comma in Danish, point in English; '—' if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "da":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text
