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
    # how the access layer names what a viewer may not see by name
    "pseudonym": {"da": "Bibliotek {letter}", "en": "Library {letter}"},
    "upload_file_hidden": {
        "da": "(skjult: navne er slået fra)",
        "en": "(hidden: names are switched off)",
    },
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

# --------------------------------------------------------------------------- importer messages
# The importer's refusal lines and the reason of every rejected row, in Danish and English: a
# Danish user sees a Danish line end to end (load --lang da, the Danish Upload page). A reader
# names its reason by key (``etl.readers.base.Problem.of``); cells go into a message through
# :func:`clip` only, so a 6 KB cell is never echoed back.
MAX_ECHO = 80

LOAD_MESSAGES: dict[str, dict[str, str]] = {
    "load_not_a_file": {
        "da": "{path}: filen findes ikke.",
        "en": "{path}: no such file.",
    },
    "load_folder": {
        "da": "{path}: er en mappe, ikke en fil. Upload én eksportfil (for SurveyXact: zip-filen "
        "eller dataset.csv).",
        "en": "{path}: is a folder, not a file. Upload one export file (for SurveyXact: the .zip "
        "or dataset.csv).",
    },
    "load_no_rating_questions": {
        "da": "{file}: ingen spørgsmål med en svarskala i filen ({columns} kolonner læst: "
        "{roles}). Angiv skalaen for et spørgsmål i kolonnetildelingen (load --mapping eller "
        "Upload-siden).",
        "en": "{file}: no rating questions found ({columns} columns read: {roles}). Give a "
        "question's scale in the mapping step (load --mapping or the Upload page).",
    },
    "load_no_valid": {
        "da": "{file}: ingen gyldige besvarelser i filen. Flest rækker ({count} af {total}) blev "
        "afvist fordi: {reason}. Eksempel: {example}. {todo}",
        "en": "{file}: no valid responses found in the file. Most rejected rows ({count} of "
        "{total}) were rejected because: {reason}. Example: {example}. {todo}",
    },
    "load_where_row": {"da": "række {row}", "en": "row {row}"},
    "load_where_column": {"da": "kolonne '{column}'", "en": "column '{column}'"},
    "load_where_value": {"da": "værdi '{value}'", "en": "value '{value}'"},
    "load_rejected": {"da": "afvist", "en": "rejected"},
    "load_no_valid_bare": {
        "da": "{file}: ingen gyldige besvarelser i filen (ingen besvarelse har en gyldig "
        "vurdering).",
        "en": "{file}: no valid responses found in the file (no respondent gave a valid rating).",
    },
    "load_todo_library": {
        "da": "Knyt bibliotekskolonnen til biblioteker i kolonnetildelingen (load --mapping eller "
        "Upload-siden), eller angiv biblioteket med --library.",
        "en": "Map the library column to libraries in the mapping step (load --mapping or the "
        "Upload page), or give the library with --library.",
    },
    "load_todo_period": {
        "da": "Angiv perioden med --period.",
        "en": "Give the period with --period.",
    },
    "load_todo_mapping": {
        "da": "Ret cellerne, eller ret kolonnernes roller og skalaer i kolonnetildelingen "
        "(load --mapping eller Upload-siden; load --dry-run --json viser hver kolonnes rolle).",
        "en": "Fix the cells, or correct the columns' roles and scales in the mapping step "
        "(load --mapping or the Upload page; load --dry-run --json shows each column's role).",
    },
    "load_why_formula": {"da": "en formel", "en": "a formula"},
    "load_why_url": {"da": "en webadresse", "en": "a web address"},
    "load_why_long": {"da": "over 100 tegn", "en": "over 100 characters"},
    "load_why_code": {
        "da": 'en kode; knyt koden til et bibliotek i kolonnetildelingen ("libraries")',
        "en": 'a code; map the code to a library in the mapping step ("libraries")',
    },
    "load_other_counts_nowhere": {
        "da": "spørgsmål '{item}' har ingen kendt dimension ('other') og tæller ikke i noget "
        "indeks; angiv construct (fx trivsel, tilfredshed) i filen eller kolonnetildelingen",
        "en": "item '{item}' has no known construct ('other') and counts in no index; give its "
        "construct (e.g. trivsel, tilfredshed) in the file or the mapping step",
    },
    # ---- the reason of one rejected row (etl.readers.base.Problem.of)
    "reason_line_unreadable": {
        "da": "linjen kunne ikke læses ({error}); ret linjen i filen",
        "en": "line could not be read ({error}); fix the line in the file",
    },
    "reason_not_completed": {
        "da": "ikke en gennemført besvarelse (status): tælles ikke med",
        "en": "not a completed response (status): not counted",
    },
    "reason_preview_or_test": {
        "da": "forhåndsvisning, test eller spam (Status): ikke en besvarelse",
        "en": "survey preview, test or spam (Status): not a response",
    },
    "reason_unfinished": {
        "da": "ufærdig besvarelse (Finished = 0): tælles ikke med",
        "en": "unfinished response (Finished = 0): not counted",
    },
    "reason_incomplete": {
        "da": "ufuldstændig besvarelse (ingen indsendelsesdato): tælles ikke med",
        "en": "incomplete response (no submit date): not counted",
    },
    "reason_not_answer_code": {
        "da": "ikke en af spørgsmålets svarkoder",
        "en": "not one of the question's answer codes",
    },
    "reason_not_a_label_value": {
        "da": "hverken et tal eller en kendt svartekst; ret værdien eller lad den stå tom",
        "en": "not a number or a known answer label; fix the value or leave it blank",
    },
    "reason_not_a_label_cell": {
        "da": "hverken et tal eller en kendt svartekst; ret cellen eller angiv kolonnens skala i "
        "kolonnetildelingen",
        "en": "not a number or a known answer label; fix the cell or map the column's scale",
    },
    "reason_decimal_answer": {
        "da": "et decimaltal er ikke et svar på denne skala (svarene er hele point); ret cellen",
        "en": "a decimal is not an answer on this scale (answers are whole points); fix the cell",
    },
    "reason_outside_scale": {
        "da": "uden for skalaen {lo}-{hi}; ret cellen",
        "en": "outside the scale {lo}-{hi}; fix the cell",
    },
    "reason_outside_item_scale": {
        "da": "uden for skalaen {lo}-{hi} for spørgsmål {item}",
        "en": "outside the scale {lo}-{hi} of item {item}",
    },
    "reason_mean_outside_scale": {
        "da": "gennemsnittet ligger uden for skalaen {lo}-{hi}; ret cellen",
        "en": "mean outside the scale {lo}-{hi}; fix the cell",
    },
    "reason_n_and_mean": {
        "da": "n og gennemsnit skal være tal, n over 0",
        "en": "n and mean must be numbers, n above 0",
    },
    "reason_n_positive": {
        "da": "n skal være et tal over 0",
        "en": "n must be a number above 0",
    },
    "reason_n_whole": {
        "da": "n skal være et helt tal over 0",
        "en": "n must be a whole number above 0",
    },
    "reason_kiosk_row": {
        "da": "kræver en dato, en time 0-23, en knap 1-4 og et antal n >= 0",
        "en": "needs a date, an hour 0-23, a button 1-4 and a count n >= 0",
    },
    "reason_not_a_button": {
        "da": "ikke en smiley-knap: brug 1-4 (4 = gladest) eller smileyens navn",
        "en": "not a smiley button: use 1-4 (4 = happiest) or the face's name",
    },
    "reason_bad_timestamp": {
        "da": "tidspunktet kan ikke læses; skriv det som {example}",
        "en": "timestamp not readable; write it like {example}",
    },
    "reason_more_presses": {
        "da": "{n} tryk mere med et ulæseligt tidspunkt eller en ulæselig knap blev ikke talt med",
        "en": "{n} more presses with an unreadable timestamp or button were not counted",
    },
    "reason_not_a_date": {
        "da": "ikke en dato; skriv den som 06-01-2025 eller 2025-01-06",
        "en": "not a date; write it like 06-01-2025 or 2025-01-06",
    },
    "reason_not_a_count": {
        "da": "ikke et antal; skriv et helt antal tryk",
        "en": "not a count; write a whole number of presses",
    },
    "reason_question_missing": {
        "da": "spørgsmålet mangler",
        "en": "the question is missing",
    },
    "reason_scale_missing": {
        "da": "skriv svarskalaen, fx 1-5 eller 0-10",
        "en": "write the answer scale, e.g. 1-5 or 0-10",
    },
    "reason_bad_distribution": {
        "da": "skriv antal pr. svar, fx '{lo}:2; {next}:5', eller ét antal pr. trin {lo}-{hi}",
        "en": "write counts per answer, e.g. '{lo}:2; {next}:5' or one count per step {lo}-{hi}",
    },
    "reason_n_differs": {
        "da": "n afviger fra fordelingens total {total}",
        "en": "n differs from the distribution's total {total}",
    },
    "reason_mean_differs": {
        "da": "gennemsnittet afviger fra fordelingens gennemsnit {mean}",
        "en": "the mean differs from the distribution's mean {mean}",
    },
    "reason_mean_missing": {
        "da": "angiv gennemsnittet eller fordelingen",
        "en": "give the mean or the distribution",
    },
    "reason_bad_rate": {
        "da": "skriv en procent 0-100 %",
        "en": "write a percentage 0-100 %",
    },
    "reason_write_respondent_type": {
        "da": "skriv medarbejdere eller borgere",
        "en": "write medarbejdere or borgere",
    },
    "reason_respondent_type": {
        "da": "respondenttypen skal være staff eller patron (medarbejder eller borger)",
        "en": "respondent type must be staff or patron",
    },
    "reason_repeated_submission": {
        "da": "gentaget besvarelse fra samme respondent; den seneste (række {later}) bruges",
        "en": "repeated submission by the same respondent; the later one (row {later}) is used",
    },
    "reason_library_near_miss": {
        "da": "ukendt bibliotek; mente du '{name}'? Indlæs med --library '{name}' eller tilføj "
        "navnet som alias",
        "en": "unknown library; did you mean '{name}'? Load with --library '{name}' or add the "
        "name as an alias",
    },
    "reason_implausible_library": {
        "da": "ikke et biblioteksnavn ({why}); ret cellen eller angiv biblioteket med --library",
        "en": "not a library name ({why}); fix the cell or give the library with --library",
    },
    "reason_no_library": {
        "da": "intet bibliotek angivet; tilføj en bibliotekskolonne eller brug --library",
        "en": "no library named; add a library column or use --library",
    },
    "reason_unknown_library": {
        "da": "ukendt bibliotek (se ovenfor)",
        "en": "unknown library (see above)",
    },
    "reason_no_period": {
        "da": "ingen periode og ingen dato; tilføj en periodekolonne eller brug --period",
        "en": "no period and no date; add a period column or use --period",
    },
}


def clip(value, limit: int = MAX_ECHO) -> str:
    """A cell value as it may appear in a message: at most ``limit`` characters, one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


TEXT: dict[str, dict[str, str]] = {**MESSAGES, **LOAD_MESSAGES, **_coded_text()}


def t(key: str, lang: str, **values) -> str:
    """The core text for ``key`` in ``lang`` (falls back to Danish), formatted with ``values``."""
    entry = TEXT[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
