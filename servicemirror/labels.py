"""The one label table: Danish and English names for every code a reader, a statistic, a page or
the report shows, and the one colour of each service.

Core module (no streamlit): the readers, the report and the dashboard all import it, so a service
is called the same on every screen and in every file, and keeps its colour when the language
changes. ``dashboard/i18n.py`` builds its page texts on top of :data:`TEXT` here.

A code missing from a table falls back to the code itself, and the Danish-pages test
(tests/test_danish_pages.py) fails when any code below reaches a Danish page untranslated.
"""

from __future__ import annotations

import math

LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"

# --------------------------------------------------------------------------- services
# One colour per service, fixed by code (never by the order of the names shown, which differs
# between languages). Okabe-Ito hues: distinguishable with every common colour-vision deficiency.
TOUCHPOINTS: dict[str, dict[str, str]] = {
    "counter": {"da": "Betjening", "en": "Counter service", "colour": "#0072B2"},
    "self_service": {"da": "Selvbetjening", "en": "Self-service", "colour": "#E69F00"},
    "home_delivery": {
        "da": "Bogen Kommer",
        "en": "Home delivery (Bogen Kommer)",
        "colour": "#009E73",
    },
    "book_a_librarian": {
        "da": "Book en bibliotekar",
        "en": "Book a librarian",
        "colour": "#D55E00",
    },
    "events": {"da": "Arrangementer", "en": "Events", "colour": "#CC79A7"},
    "web": {"da": "Web", "en": "Web", "colour": "#56B4E9"},
    "mobile_library": {"da": "Bogbus", "en": "Mobile library", "colour": "#000000"},
}
# a service code not in the table (a reader found a new one) still gets a stable colour
OTHER_TOUCHPOINT_COLOUR = "#999999"

# --------------------------------------------------------------------------- constructs
CONSTRUCTS: dict[str, dict[str, str]] = {
    "wellbeing": {"da": "Trivsel", "en": "Wellbeing"},
    "engagement": {"da": "Engagement", "en": "Engagement"},
    "enps": {"da": "eNPS (medarbejdere)", "en": "eNPS (staff)"},
    "satisfaction": {"da": "Tilfredshed", "en": "Satisfaction"},
    "nps": {"da": "NPS (borgere)", "en": "NPS (patrons)"},
    "touchpoint": {"da": "Tjeneste", "en": "Service"},
    "other": {"da": "Andet", "en": "Other"},
    "comment": {"da": "Kommentar", "en": "Comment"},
}

# --------------------------------------------------------------------------- patron segments
SEGMENT_DIMENSIONS: dict[str, dict[str, str]] = {
    "age_band": {"da": "Alder", "en": "Age band"},
    "visit_frequency": {"da": "Besøgshyppighed", "en": "Visit frequency"},
    "user_type": {"da": "Brugertype", "en": "User type"},
    "channel": {"da": "Kanal", "en": "Channel"},
}

# --------------------------------------------------------------------------- file formats
FORMATS: dict[str, dict[str, str]] = {
    "generic_long": {"da": "Skabelon, ét svar pr. række", "en": "Template, one answer per row"},
    "generic_aggregates": {
        "da": "Skabelon, gennemsnit pr. spørgsmål",
        "en": "Template, averages per question",
    },
    "generic_kiosk": {"da": "Skabelon, smiley-standere", "en": "Template, smiley kiosks"},
    "generic_wide": {"da": "Regneark, ét svar pr. række", "en": "Spreadsheet, one answer per row"},
    "kiosk_presses": {"da": "Smiley-stander, hvert tryk", "en": "Smiley kiosk, each press"},
    "kiosk_daily": {"da": "Smiley-stander, pr. dag", "en": "Smiley kiosk, per day"},
    "aggregates_template": {
        "da": "Leverandørens gennemsnit (skabelon)",
        "en": "Vendor averages (template)",
    },
    "surveyxact": {"da": "SurveyXact", "en": "SurveyXact"},
    "forum_package": {"da": "Forumpakke", "en": "Forum package"},
    "qualtrics": {"da": "Qualtrics", "en": "Qualtrics"},
    "surveymonkey": {"da": "SurveyMonkey", "en": "SurveyMonkey"},
    "limesurvey": {"da": "LimeSurvey", "en": "LimeSurvey"},
    "google_forms": {"da": "Google Formularer", "en": "Google Forms"},
    "ms_forms": {"da": "Microsoft Forms", "en": "Microsoft Forms"},
}

# --------------------------------------------------------------------------- statuses
# uploads (uploads.status), service projects, coverage cells and targets
STATUSES: dict[str, dict[str, str]] = {
    "active": {"da": "aktiv", "en": "active"},
    "superseded": {"da": "erstattet", "en": "replaced"},
    "undone": {"da": "fortrudt", "en": "undone"},
    "planned": {"da": "planlagt", "en": "planned"},
    "completed": {"da": "afsluttet", "en": "completed"},
    "stopped": {"da": "stoppet", "en": "stopped"},
    "ok": {"da": "enkeltsvar", "en": "individual responses"},
    "aggregates": {"da": "kun gennemsnit", "en": "aggregates only"},
    "suppressed": {"da": "skjult (under k)", "en": "hidden (below k)"},
    "none": {"da": "ingen data", "en": "no data"},
    "met": {"da": "nået", "en": "met"},
    "missed": {"da": "ikke nået", "en": "missed"},
    "unclear": {"da": "kan ikke afgøres", "en": "unclear"},
    "no data": {"da": "ingen data", "en": "no data"},
}

# --------------------------------------------------------------------------- answer words
# The words of an answer scale by its number of steps, lowest first; one fixed colour per step
# position (diverging: low = vermillion/orange, neutral = grey, high = blues).
ANSWER_WORDS: dict[int, dict[str, list[str]]] = {
    2: {"da": ["Nej", "Ja"], "en": ["No", "Yes"]},
    3: {
        "da": ["Utilfreds", "Hverken eller", "Tilfreds"],
        "en": ["Dissatisfied", "Neutral", "Satisfied"],
    },
    4: {
        "da": ["Meget uenig", "Uenig", "Enig", "Meget enig"],
        "en": ["Strongly disagree", "Disagree", "Agree", "Strongly agree"],
    },
    5: {
        "da": ["Meget uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Meget enig"],
        "en": [
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ],
    },
    7: {
        "da": ["1 (lavest)", "2", "3", "4 (midt)", "5", "6", "7 (højest)"],
        "en": ["1 (lowest)", "2", "3", "4 (middle)", "5", "6", "7 (highest)"],
    },
}
ANSWER_COLOURS: dict[int, list[str]] = {
    2: ["#D55E00", "#0072B2"],
    3: ["#D55E00", "#BBBBBB", "#0072B2"],
    4: ["#D55E00", "#E69F00", "#56B4E9", "#0072B2"],
    5: ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"],
    7: ["#D55E00", "#E69F00", "#F0C080", "#BBBBBB", "#A6D4F2", "#56B4E9", "#0072B2"],
}

TABLES = {
    "touchpoint": TOUCHPOINTS,
    "construct": CONSTRUCTS,
    "dimension": SEGMENT_DIMENSIONS,
    "format": FORMATS,
    "status": STATUSES,
}


def label(kind: str, code: str | None, lang: str) -> str:
    """The name of ``code`` in table ``kind`` (touchpoint, construct, dimension, format, status)
    in ``lang``; an unknown code comes back readable (underscores as spaces), '—' when missing."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        return "—"
    entry = TABLES[kind].get(str(code))
    if entry is None:
        return str(code).replace("_", " ")
    return entry.get(lang) or entry[DEFAULT_LANGUAGE]


def touchpoint_label(code: str, lang: str) -> str:
    """The service's name in ``lang`` (see :func:`label`)."""
    return label("touchpoint", code, lang)


def touchpoint_colour(code: str) -> str:
    """The service's one colour, the same in every language and chart."""
    return TOUCHPOINTS.get(code, {}).get("colour", OTHER_TOUCHPOINT_COLOUR)


def touchpoint_colours() -> dict[str, str]:
    """Service name (Danish and English) -> its colour, for charts that colour by name."""
    out = {}
    for entry in TOUCHPOINTS.values():
        out.setdefault(entry["da"], entry["colour"])
        out.setdefault(entry["en"], entry["colour"])
    return out


def answer_words(steps: int, lang: str) -> list[str]:
    """The words of a ``steps``-point answer scale, lowest first (numbers for unknown scales)."""
    words = ANSWER_WORDS.get(steps)
    if words is None:
        return [str(i + 1) for i in range(steps)]
    return words.get(lang) or words[DEFAULT_LANGUAGE]


def answer_colours(steps: int) -> list[str]:
    """One fixed colour per answer position of a ``steps``-point scale, lowest first."""
    return ANSWER_COLOURS.get(steps, ANSWER_COLOURS[5])


def codes() -> set[str]:
    """Every code of the label tables whose name differs from the code: a Danish page showing
    one of these verbatim has missed a translation."""
    out = set()
    for table in TABLES.values():
        for code, entry in table.items():
            if code not in (entry.get("da"), entry.get("en")):
                out.add(code)
    return out


def number(value, lang: str, digits: int = 1) -> str:
    """A number formatted per language: decimal comma in Danish, point in English; '—' if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "da":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _coded_text() -> dict[str, dict[str, str]]:
    """Message keys for the tables (touchpoint_counter, dim_age_band, status_ok, format_qualtrics)."""
    out: dict[str, dict[str, str]] = {}
    for prefix, table in (
        ("touchpoint", TOUCHPOINTS),
        ("dim", SEGMENT_DIMENSIONS),
        ("status", STATUSES),
        ("format", FORMATS),
        ("construct", CONSTRUCTS),
    ):
        for code, entry in table.items():
            out[f"{prefix}_{code}"] = {"da": entry["da"], "en": entry["en"]}
    return out


# --------------------------------------------------------------------------- messages
# Texts the core itself writes (the HTML report and the names of the pre-declared tests); the
# dashboard's page texts extend these in dashboard/i18n.py.
MESSAGES: dict[str, dict[str, str]] = {
    "tagline": {
        "da": "Glade medarbejdere = tilfredse borgere? Test det med jeres egne data.",
        "en": "Happy staff = satisfied citizens? Test it with your own data.",
    },
    "period": {"da": "Periode", "en": "Period"},
    "staff_index": {"da": "Medarbejdertrivsel (0-100)", "en": "Staff wellbeing index (0-100)"},
    "patron_index": {"da": "Borgertilfredshed (0-100)", "en": "Patron satisfaction index (0-100)"},
    "library": {"da": "Bibliotek", "en": "Library"},
    "n_staff": {"da": "Antal medarbejdersvar", "en": "Staff responses"},
    "n_patron": {"da": "Antal borgersvar", "en": "Patron responses"},
    "table_of_numbers": {"da": "Tallene bag figuren", "en": "The numbers behind the chart"},
    "association_note": {
        "da": "En sammenhæng, ikke bevis for årsag.",
        "en": "An association, not proof of cause.",
    },
    "hyp_not_ready": {
        "da": "Den statistiske analyse er ikke tilgængelig i denne installation endnu.",
        "en": "The statistical analysis is not available in this installation yet.",
    },
    "hyp_tests": {"da": "Testene", "en": "The tests"},
    "hyp_primary": {"da": "Primær", "en": "Primary"},
    "hyp_secondary": {"da": "Sekundær", "en": "Secondary"},
    "hyp_sensitivity": {"da": "Følsomhedsanalyser", "en": "Sensitivity analyses"},
    "hyp_test_pearson": {
        "da": "Korrelation mellem bibliotekerne (ét punkt pr. bibliotek)",
        "en": "Correlation between libraries (one point per library)",
    },
    "hyp_test_multilevel": {
        "da": "Flerniveaumodel (borgere inden for biblioteker)",
        "en": "Multilevel model (patrons within libraries)",
    },
    "hyp_test_within": {
        "da": "Inden for det enkelte bibliotek over tid",
        "en": "Within each library over time",
    },
    "hyp_test_spearman": {"da": "Rangkorrelation (Spearman)", "en": "Rank correlation (Spearman)"},
    "hyp_test_between": {"da": "Mellem bibliotekerne (REWB)", "en": "Between libraries (REWB)"},
    "hyp_test_cluster_robust_ols": {
        "da": "Almindelig regression med robuste fejl",
        "en": "Ordinary regression with cluster-robust errors",
    },
    "hyp_role": {"da": "Rolle", "en": "Role"},
    "hyp_estimate": {"da": "Estimat", "en": "Estimate"},
    "hyp_interval": {"da": "95 %-interval", "en": "95 % interval"},
    "hyp_excluded": {
        "da": "Holdt uden for beregningerne: {library} ({reason})",
        "en": "Left out of the statistics: {library} ({reason})",
    },
    "hyp_causation": {
        "da": "Sammenhæng er ikke årsag: gladere medarbejdere kan give mere tilfredse borgere, tilfredse "
        "borgere kan give gladere medarbejdere, eller begge kan skyldes noget tredje.",
        "en": "Association is not causation: happier staff may make patrons more satisfied, satisfied "
        "patrons may make staff happier, or both may follow something else.",
    },
    "report_title": {"da": "Rapport til forummøde", "en": "Report for a forum meeting"},
    "report_generated": {
        "da": "Dannet {when}, dataversion {version}.",
        "en": "Generated {when}, data version {version}.",
    },
    "report_k_note": {
        "da": "Medarbejdertal vises kun for grupper med mindst {k} svar; skjulte tal indgår heller ikke i statistikken.",
        "en": "Staff figures are shown only for groups of at least {k} respondents; hidden figures are left out of the statistics too.",
    },
    "report_section_verdict": {"da": "Svaret", "en": "The answer"},
    "report_section_scatter": {
        "da": "Medarbejdertrivsel og borgertilfredshed, {period}",
        "en": "Staff wellbeing and patron satisfaction, {period}",
    },
    "report_period_enough": {
        "da": "{period} er den nyeste periode, hvor mindst {k} biblioteker har både medarbejder- "
        "og borgerdata ({n} biblioteker).",
        "en": "{period} is the newest period in which at least {k} libraries have both staff and "
        "patron data ({n} libraries).",
    },
    "report_period_most": {
        "da": "Ingen periode har mindst {k} biblioteker med både medarbejder- og borgerdata; "
        "{period} har flest ({n}). Sammenlign med forsigtighed.",
        "en": "No period has at least {k} libraries with both staff and patron data; {period} has "
        "the most ({n}). Compare with care.",
    },
    "report_section_trend": {"da": "Udviklingen i forummet", "en": "The forum over time"},
    "report_section_table": {
        "da": "Alle biblioteker og perioder",
        "en": "All libraries and periods",
    },
    "report_section_tests": {"da": "Testene", "en": "The tests"},
    "report_forum_median": {"da": "Forummets median", "en": "Forum median"},
    "report_pseudonym": {"da": "Bibliotek {letter}", "en": "Library {letter}"},
    "report_suppressed": {"da": "skjult (under {k})", "en": "hidden (under {k})"},
    "report_no_data": {"da": "Ingen data i databasen endnu.", "en": "No data in the database yet."},
    "report_chart_alt": {
        "da": "Figur; tallene står i tabellen nedenfor.",
        "en": "Chart; the numbers are in the table below.",
    },
    "report_footer": {
        "da": "Lavet med Servicespejlet. Sammenhæng, ikke årsag.",
        "en": "Made with Service Mirror. Association, not causation.",
    },
}

TEXT: dict[str, dict[str, str]] = {**MESSAGES, **_coded_text()}


def t(key: str, lang: str, **values) -> str:
    """The core text for ``key`` in ``lang`` (falls back to Danish), formatted with ``values``."""
    entry = TEXT[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
