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
    # the plain-language reading of a service project's before/after comparison (analysis/projects.py)
    "project_undecided": {
        "da": "«{title}»: data kan endnu ikke sige, om projektet gjorde en forskel ({reason}).",
        "en": "“{title}”: the data cannot yet say whether the project made a difference ({reason}).",
    },
    "project_estimate": {
        "da": "«{title}»: Efter starten ændrede tilfredsheden med {touchpoint} i {library} sig "
        "{effect} indekspoint mere end i de {libraries} andre biblioteker over de samme perioder "
        "(95 %-interval {low} til {high}; placebo-p = {p}; {before} perioder før, {after} efter).",
        "en": "“{title}”: after the start, satisfaction with {touchpoint} in {library} changed by "
        "{effect} index points more than in the {libraries} other libraries over the same periods "
        "(95 % CI {low} to {high}; placebo p = {p}; {before} periods before, {after} after).",
    },
    "project_beyond_noise": {
        "da": "Ændringen er større, end de andre bibliotekers år-til-år-udsving kan forklare.",
        "en": "The change is larger than the other libraries' year-to-year variation explains.",
    },
    "project_within_noise": {
        "da": "Det kan ikke skelnes fra de almindelige udsving mellem år og biblioteker. "
        "Det er ikke det samme som, at projektet ingen virkning havde.",
        "en": "It cannot be told apart from ordinary variation between years and libraries. "
        "That is not the same as showing the project had no effect.",
    },
    "project_placebo_floor": {
        "da": "Med {libraries} biblioteker at sammenligne med kan placebo-testen ikke give en "
        "p-værdi under {p_min}. Tallet måler alt, hvad der ændrede sig i biblioteket på samme tid "
        "(ombygning, åbningstider, nye medarbejdere), ikke kun projektet.",
        "en": "With {libraries} libraries to compare with, the placebo test cannot give a p below "
        "{p_min}. The figure measures everything that changed in the library at the same time (a "
        "refit, opening hours, new staff), not the project alone.",
    },
    "project_weak_spot": {
        "da": "Projektet tog fat i et svagt punkt (blandt den laveste tredjedel før starten). "
        "Svage resultater bliver ofte lidt bedre af sig selv næste gang (regression mod "
        "middelværdien), så en del af stigningen kan komme af det.",
        "en": "The project targeted a weak spot (bottom third before the start). Weak results tend "
        "to improve somewhat on their own at the next measurement (regression to the mean), so "
        "part of the rise may be that.",
    },
    "project_staff": {
        "da": "Medarbejdertrivslen ændrede sig samtidig {effect} point mod de andre biblioteker "
        "(95 %-interval {low} til {high}).",
        "en": "Staff wellbeing changed by {effect} points against the other libraries over the "
        "same window (95 % CI {low} to {high}).",
    },
    "project_staff_unknown": {
        "da": "Medarbejdersiden kan ikke vurderes ({reason}).",
        "en": "The staff side cannot be assessed ({reason}).",
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
    # the stages of load's progress bar (etl.load.STAGES)
    "load_stage_reading": {"da": "læser", "en": "reading"},
    "load_stage_checking": {"da": "kontrollerer", "en": "checking"},
    "load_stage_writing": {"da": "skriver", "en": "writing"},
    "load_stage_done": {"da": "færdig", "en": "done"},
    # what a column of a wide file was read as (load --dry-run --json ``columns``, the Upload
    # page's column table) and where an item's scale came from
    "role_item": {"da": "spørgsmål", "en": "item"},
    "role_metadata": {"da": "metadata", "en": "metadata"},
    "role_comment": {"da": "kommentar", "en": "comment"},
    "role_segment": {"da": "segment", "en": "segment"},
    "role_library": {"da": "bibliotek", "en": "library"},
    "role_date": {"da": "dato", "en": "date"},
    "role_ignored": {"da": "ikke brugt", "en": "ignored"},
    "scale_source_labels": {"da": "svarteksterne", "en": "the answer labels"},
    "scale_source_header": {"da": "overskriften", "en": "the header"},
    "scale_source_guess": {"da": "gættet ud fra svarene", "en": "guessed from the answers"},
    "scale_source_given": {"da": "kolonnetildelingen", "en": "the mapping"},
    "scale_source_recommend question (0-10)": {
        "da": "anbefalingsspørgsmål (0-10)",
        "en": "recommend question (0-10)",
    },
    # the encodings a reader reports (etl.detect.detect_encoding), as the Upload page names them
    "encoding_utf-8": {"da": "UTF-8", "en": "UTF-8"},
    "encoding_utf-8-sig": {"da": "UTF-8 med BOM", "en": "UTF-8 with BOM"},
    "encoding_utf-8-mixed": {
        "da": "UTF-8 blandet med Windows-1252",
        "en": "UTF-8 mixed with Windows-1252",
    },
    "encoding_cp1252": {"da": "Windows-1252", "en": "Windows-1252"},
    "encoding_utf-16": {"da": "UTF-16 med BOM", "en": "UTF-16 with BOM"},
    "encoding_utf-16-le": {"da": "UTF-16 (little-endian)", "en": "UTF-16 (little-endian)"},
    "encoding_utf-16-be": {"da": "UTF-16 (big-endian)", "en": "UTF-16 (big-endian)"},
    "encoding_binary": {"da": "binær fil (zip/xlsx)", "en": "binary file (zip/xlsx)"},
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
    # ---- whole-file refusals of the readers (etl.readers.base.ReadError.of); {error} is the
    # parser's own first line, clipped
    "read_empty": {
        "da": "{file}: filen er tom. Eksportér undersøgelsen igen, og upload den fil.",
        "en": "{file}: the file is empty. Export the survey again and upload that file.",
    },
    "read_old_excel": {
        "da": "{file}: det er en gammel binær Excel-fil (.xls). Åbn den i Excel, gem den som "
        ".xlsx eller CSV, og upload den.",
        "en": "{file}: this is an old binary Excel file (.xls). Open it in Excel and save it as "
        ".xlsx or CSV, then upload that.",
    },
    "read_no_text": {
        "da": "{file}: filen indeholder ingen tekst. Eksportér undersøgelsen igen.",
        "en": "{file}: the file holds no text. Export the survey again.",
    },
    "read_damaged_zip": {
        "da": "{file}: en beskadiget zip- eller xlsx-fil. Gem eller eksportér den igen.",
        "en": "{file}: a damaged zip/xlsx file. Save or export it again.",
    },
    "read_binary": {
        "da": "{file}: hverken en tekst- eller en Excel-fil (den indeholder binære data). Upload "
        "CSV- eller .xlsx-eksporten fra jeres spørgeskemaværktøj.",
        "en": "{file}: this is not a text or Excel file (it contains binary data). Upload the CSV "
        "or .xlsx export from your survey tool.",
    },
    "read_too_big": {
        "da": "{file}: filen fylder {size} MB; Servicespejlet modtager filer på op til {limit} MB. "
        "Eksportér én undersøgelse eller periode ad gangen.",
        "en": "{file}: the file is {size} MB; Service Mirror accepts uploads up to {limit} MB. "
        "Export a single survey or period at a time.",
    },
    "read_zip_members": {
        "da": "{file}: arkivet indeholder {count} filer (grænse {limit}); det er ikke en eksport "
        "af en undersøgelse. Gem arket igen som .xlsx eller CSV.",
        "en": "{file}: the archive holds {count} files (limit {limit}); this is not a survey "
        "export. Save the sheet again as .xlsx or CSV.",
    },
    "read_zip_unsafe_name": {
        "da": "{file}: arkivet indeholder en fil med et usikkert navn ('{member}' peger uden for "
        "arkivet); afvist.",
        "en": "{file}: the archive contains a file with an unsafe name ('{member}' points outside "
        "the archive); refused.",
    },
    "read_zip_too_large": {
        "da": "{file}: arkivet ville fylde mere end {limit} MB udpakket (en zip-bombe eller ikke "
        "en eksport af en undersøgelse); afvist.",
        "en": "{file}: the archive would unpack to more than {limit} MB (a zip bomb or not a "
        "survey export); refused.",
    },
    "read_zip_ratio": {
        "da": "{file}: en fil i arkivet pakkes ud til {ratio} gange sin størrelse (grænse "
        "{limit}); det ligner en zip-bombe og er afvist.",
        "en": "{file}: a file inside the archive expands {ratio} times (limit {limit}); this "
        "looks like a zip bomb and was refused.",
    },
    "read_zip_nested": {
        "da": "{file}: arkivet indeholder et andet arkiv ({member}); upload den inderste fil.",
        "en": "{file}: the archive contains another archive ({member}); upload the inner file "
        "itself.",
    },
    "read_zip_damaged": {
        "da": "{file}: arkivet er beskadiget eller selvmodsigende ({error}); afvist. Gem eller "
        "eksportér det igen.",
        "en": "{file}: the archive is damaged or inconsistent ({error}); refused. Save or export "
        "it again.",
    },
    "read_not_a_table": {
        "da": "{file}: filen kunne ikke læses som en tabel ({error}). Kontrollér, at det er en "
        "CSV-eksport.",
        "en": "{file}: could not read the file as a table ({error}). Check that it is a CSV "
        "export.",
    },
    "read_excel_unreadable": {
        "da": "{file}: Excel-filen kunne ikke læses ({error}). Åbn den i Excel, gem den igen som "
        ".xlsx, og upload den.",
        "en": "{file}: the Excel file could not be read ({error}). Open it in Excel, save it "
        "again as .xlsx and upload that.",
    },
    "read_not_csv_or_xlsx": {
        "da": "{file}: hverken en CSV- eller en .xlsx-fil.",
        "en": "{file}: not a CSV or .xlsx file.",
    },
    "read_only_header": {
        "da": "{file}: {tool}-eksporten indeholder ingen besvarelser (kun overskrifterne). "
        "Eksportér igen, når der er kommet svar, eller se eksportens filter på besvarelser.",
        "en": "{file}: the {tool} export holds no responses (only the header). Export again once "
        "responses have come in, or check the export's response filter.",
    },
    "read_tool_spreadsheet": {"da": "regneark", "en": "spreadsheet"},
    "read_sx_damaged_zip": {
        "da": "{file}: en beskadiget zip-fil. Eksportér den igen.",
        "en": "{file}: a damaged zip file. Export it again.",
    },
    "read_sx_zip_members": {
        "da": "{file}: zip-filen indeholder {count} filer; en SurveyXact-eksport har tre. Upload "
        "eksportens egen zip-fil.",
        "en": "{file}: the zip holds {count} files; a SurveyXact export has three. Upload the "
        "export's own zip.",
    },
    "read_sx_zip_too_large": {
        "da": "{file}: zip-filen ville fylde mere end {limit} MB udpakket; afvist.",
        "en": "{file}: the zip would unpack to more than {limit} MB; refused.",
    },
    "read_sx_member_larger": {
        "da": "{file}: en fil i zip-filen er større, end den selv angiver; afvist.",
        "en": "{file}: a file in the zip is larger than it declares; refused.",
    },
    "read_sx_no_dataset": {
        "da": "{file}: zip-filen indeholder ingen dataset.csv; eksportér igen.",
        "en": "{file}: the zip holds no dataset.csv; export it again.",
    },
    "read_sx_part_not_csv": {
        "da": "{file}: {part}-filen er ikke en CSV-fil; eksportér undersøgelsen igen.",
        "en": "{file}: the {part} file is not a CSV file; export the survey again.",
    },
    "read_sx_no_dataset_sheet": {
        "da": "{file}: intet Dataset-ark; eksportér undersøgelsen igen som Excel.",
        "en": "{file}: no Dataset sheet; export the survey again as Excel.",
    },
    "read_sx_no_items": {
        "da": "{file}: ingen spørgsmål med en svarskala i SurveyXact-eksporten; upload hele "
        "eksporten (dataset, labels og structure, eller dens zip-fil).",
        "en": "{file}: no rating-scale questions found in the SurveyXact export; upload the whole "
        "export (dataset, labels and structure, or its zip).",
    },
    "read_kiosk_not_a_table": {
        "da": "{file}: filen kunne ikke læses som en tabel ({error}). Kontrollér, at det er "
        "standerens CSV-eksport.",
        "en": "{file}: could not read the file as a table ({error}). Check that it is the "
        "kiosk's CSV export.",
    },
    "read_kiosk_columns": {
        "da": "{file}: en eksport af smiley-tryk skal have en kolonne med tidspunkt (eller dato og "
        "klokkeslæt) og en kolonne med knappen; fandt {columns}. Se docs/formats/kiosk.md.",
        "en": "{file}: a kiosk press export needs a timestamp (or date and time) column and a "
        "button column; found {columns}. See docs/formats/kiosk.md.",
    },
    "read_kiosk_timestamps": {
        "da": "{file}: kolonne '{column}' har ingen tidspunkter, Servicespejlet kan læse (første "
        "værdi '{value}'); skriv dem fx som 2025-01-06 10:15:32 eller 06-01-2025 10:15.",
        "en": "{file}: column '{column}' holds no timestamps Service Mirror can read (first value "
        "'{value}'); expected e.g. 2025-01-06 10:15:32 or 06-01-2025 10:15.",
    },
    "read_kiosk_count_failed": {
        "da": "{file}: trykkene kunne ikke tælles ({error}). Kontrollér, at det er standerens "
        "CSV-eksport.",
        "en": "{file}: could not count the presses ({error}). Check that it is the kiosk's CSV "
        "export.",
    },
    "read_kiosk_list_failed": {
        "da": "{file}: de ubrugelige tryk kunne ikke listes ({error}).",
        "en": "{file}: could not list the unusable presses ({error}).",
    },
    "read_kiosk_daily_columns": {
        "da": "{file}: en daglig eksport fra en smiley-stander skal have en datokolonne og én "
        "kolonne med antal pr. knap (fx Meget utilfreds, Utilfreds, Tilfreds, Meget tilfreds). "
        "Se docs/formats/kiosk.md.",
        "en": "{file}: a daily kiosk export needs a date column and one count column per button "
        "(e.g. Meget utilfreds, Utilfreds, Tilfreds, Meget tilfreds). See docs/formats/kiosk.md.",
    },
    "read_template_no_sheet": {
        "da": "{file}: intet ark med skabelonens kolonner (enhed, spørgsmål, gennemsnit eller "
        "fordeling). Brug etl/templates/resultater_skabelon.xlsx.",
        "en": "{file}: no sheet with the template's columns (enhed, spørgsmål, gennemsnit or "
        "fordeling). Use etl/templates/resultater_skabelon.xlsx.",
    },
    "read_template_no_header": {
        "da": "{file}: skabelonens overskriftsrække blev ikke fundet. Brug "
        "etl/templates/resultater_skabelon.xlsx.",
        "en": "{file}: the template's header row was not found. Use "
        "etl/templates/resultater_skabelon.xlsx.",
    },
    # forum packages (etl/readers/forum_package.py): every refusal names what to ask for
    "read_pkg_signature_unreadable": {
        "da": "{file}: pakkens signatur kan ikke læses; afvist.",
        "en": "{file}: the package signature cannot be read; refused.",
    },
    "read_pkg_signature_mismatch": {
        "da": "{file}: pakkens signatur passer ikke med indholdet; den er ændret, efter "
        "biblioteket lavede den. Afvist; bed biblioteket sende den igen.",
        "en": "{file}: the package signature does not match its content; it was changed after "
        "the library built it. Refused; ask the library to send it again.",
    },
    "read_pkg_not_zip": {
        "da": "{file}: ikke en forumpakke (ikke en læsbar zip-fil).",
        "en": "{file}: not a forum package (not a readable zip file).",
    },
    "read_pkg_no_manifest": {
        "da": "{file}: ikke en forumpakke (ingen {manifest} i den).",
        "en": "{file}: not a forum package (no {manifest} inside).",
    },
    "read_pkg_extra_files": {
        "da": "{file}: pakken indeholder filer, dens manifest ikke nævner ({names}); afvist. Bed "
        "biblioteket lave pakken igen med `servicemirror forum-package`.",
        "en": "{file}: the package holds files its manifest does not list ({names}); refused. "
        "Ask the library to build the package again with `servicemirror forum-package`.",
    },
    "read_pkg_table_missing": {
        "da": "{file}: tabellen {table} ({member}) mangler; filen er ufuldstændig. Bed "
        "biblioteket sende den igen.",
        "en": "{file}: table {table} ({member}) is missing; the file is incomplete. Ask the "
        "library to send it again.",
    },
    "read_pkg_checksum": {
        "da": "{file}: kontrolsummen for tabellen {table} passer ikke; filen er ændret eller "
        "beskadiget, efter biblioteket lavede den. Bed biblioteket sende den igen.",
        "en": "{file}: checksum mismatch in table {table}; the file was changed or damaged after "
        "the library built it. Ask the library to send it again.",
    },
    "read_pkg_manifest_json": {
        "da": "{file}: pakkens manifest er ikke gyldig JSON; afvist.",
        "en": "{file}: the package manifest is not valid JSON; refused.",
    },
    "read_pkg_unknown_manifest": {
        "da": "{file}: ikke en forumpakke fra Servicespejlet (ukendt manifest).",
        "en": "{file}: not a Service Mirror forum package (unknown manifest).",
    },
    "read_pkg_no_version": {
        "da": "{file}: manifestet har ingen pakkeversion; afvist.",
        "en": "{file}: the manifest has no package version; refused.",
    },
    "read_pkg_too_new": {
        "da": "{file}: pakkeversion {version} er nyere, end denne udgave af Servicespejlet kan "
        "læse ({readable}); opdatér Servicespejlet i forummets installation.",
        "en": "{file}: package version {version} is newer than this Service Mirror reads "
        "({readable}); update Service Mirror on the forum installation.",
    },
    "read_pkg_too_old": {
        "da": "{file}: pakkeversion {version} (lavet af {made_by}) er for gammel til at kunne "
        "kontrolleres (denne udgave læser version {oldest}-{readable}); bed biblioteket opdatere "
        "og køre `servicemirror forum-package` igen.",
        "en": "{file}: package version {version} (made by {made_by}) is too old to be verified "
        "(this Service Mirror reads version {oldest}-{readable}); ask the library to update and "
        "run `servicemirror forum-package` again.",
    },
    "read_pkg_older_version": {
        "da": "en ældre udgave af Servicespejlet",
        "en": "an older Service Mirror",
    },
    "read_pkg_manifest_lacks": {
        "da": "{file}: manifestet mangler {missing}; afvist.",
        "en": "{file}: the manifest lacks {missing}; refused.",
    },
    "read_pkg_tables_differ": {
        "da": "{file}: manifestet nævner tabellerne {unknown}, som denne udgave af Servicespejlet "
        "ikke kender, og mangler {absent}; afvist.",
        "en": "{file}: the manifest lists tables {unknown} this Service Mirror does not know and "
        "lacks {absent}; refused.",
    },
    "read_pkg_no_library": {
        "da": "{file}: manifestet nævner intet bibliotek; afvist.",
        "en": "{file}: the manifest names no library; refused.",
    },
    "read_pkg_table_unreadable": {
        "da": "{file}: tabellen {table} kan ikke læses ({error}); afvist.",
        "en": "{file}: table {table} cannot be read ({error}); refused.",
    },
    "read_pkg_table_columns": {
        "da": "{file}: tabellen {table} har kolonnerne {found}, forventet {expected}; afvist.",
        "en": "{file}: table {table} has columns {found}, expected {expected}; refused.",
    },
    "read_pkg_table_rows": {
        "da": "{file}: tabellen {table} har {rows} rækker, manifestet siger {declared}; afvist.",
        "en": "{file}: table {table} has {rows} rows, the manifest says {declared}; refused.",
    },
    "read_pkg_other_libraries": {
        "da": "{file}: tabellen {table} har rækker fra andre biblioteker ({others}); en pakke er "
        "ét biblioteks. Afvist.",
        "en": "{file}: table {table} holds rows of other libraries ({others}); a package is one "
        "library's. Refused.",
    },
    "read_pkg_other_periods": {
        "da": "{file}: tabellen {table} har perioder, manifestet ikke nævner ({periods}); afvist.",
        "en": "{file}: table {table} holds periods the manifest does not list ({periods}); "
        "refused.",
    },
    "read_pkg_small_staff_group": {
        "da": "{file}: pakken viser medarbejdertal for en gruppe med færre end {k} svar; den "
        "bryder anonymitetsreglen og er afvist. Sig det til biblioteket.",
        "en": "{file}: the package shows staff figures for a group of fewer than {k} "
        "respondents; it breaks the anonymity rule and is refused. Tell the library.",
    },
    "read_pkg_small_theme_group": {
        "da": "{file}: tabellen comment_themes tæller kommentarer fra en gruppe med færre end {k} "
        "svar; den bryder anonymitetsreglen og er afvist. Sig det til biblioteket.",
        "en": "{file}: table comment_themes counts comments of a group of fewer than {k} "
        "respondents; it breaks the anonymity rule and is refused. Tell the library.",
    },
    "read_pkg_small_item_group": {
        "da": "{file}: tabellen {table} beskriver en medarbejdergruppe med færre end {k} svar; "
        "den bryder anonymitetsreglen og er afvist. Sig det til biblioteket.",
        "en": "{file}: table {table} describes a staff group of fewer than {k} respondents; it "
        "breaks the anonymity rule and is refused. Tell the library.",
    },
    "read_pkg_covariance_gap": {
        "da": "{file}: tabellen item_covariances udelader 1 til {below_k} ufuldstændige "
        "medarbejdersvar, som tabellen items ville afsløre; afvist. Bed biblioteket opdatere "
        "Servicespejlet og lave pakken igen.",
        "en": "{file}: table item_covariances leaves out 1 to {below_k} incomplete staff "
        "respondents, which the items table would reveal; refused. Ask the library to update "
        "Service Mirror and build the package again.",
    },
    "read_pkg_covariance_sets": {
        "da": "{file}: medarbejdernes spørgsmål og kovarianser for {period} dækker forskellige "
        "svar, så det ene kunne trækkes fra det andet; afvist. Bed biblioteket opdatere "
        "Servicespejlet og lave pakken igen.",
        "en": "{file}: staff items and item covariances of {period} cover different "
        "respondents, so one could be subtracted from the other; refused. Ask the library to "
        "update Service Mirror and build the package again.",
    },
    # targets files (etl/readers/targets.py) and theme dictionaries (etl/comment_themes.py)
    "read_targets_unreadable": {
        "da": "{file}: ikke en læsbar CSV-fil ({error}).",
        "en": "{file}: not a readable CSV ({error}).",
    },
    "read_text_encoding": {
        "da": "{file}: teksten er hverken UTF-8 eller Windows-1252; gem filen som CSV UTF-8, og "
        "indlæs den igen.",
        "en": "{file}: neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8 and load it "
        "again.",
    },
    "read_targets_columns": {
        "da": "{file}: ingen kolonne for {missing}; forventede overskrifter som bibliotek, "
        "kontaktpunkt, maal_type, maal, kilde (se docs/projects.md).",
        "en": "{file}: no {missing} column; expected headers such as bibliotek, kontaktpunkt, "
        "maal_type, maal, kilde (see docs/projects.md).",
    },
    "read_themes_unreadable": {
        "da": "{file}: temaordbogen kan ikke læses ({error}).",
        "en": "{file}: cannot read the theme dictionary ({error}).",
    },
    "read_themes_columns": {
        "da": "{file}: temaordbogen skal have kolonnerne theme, lang, term (mangler: {missing}); "
        "tag udgangspunkt i etl/templates/comment_themes.csv.",
        "en": "{file}: the theme dictionary needs the columns theme, lang, term (missing: "
        "{missing}); start from etl/templates/comment_themes.csv.",
    },
    "read_themes_empty": {
        "da": "{file}: temaordbogen har ingen ord.",
        "en": "{file}: the theme dictionary has no terms.",
    },
    "read_themes_too_many": {
        "da": "{file}: {count} ord; højst {limit} modtages.",
        "en": "{file}: {count} terms; at most {limit} are accepted.",
    },
    "read_themes_bad_theme": {
        "da": "{file}: række {row}, kolonne theme: '{value}' er ikke en temanøgle (små bogstaver, "
        "cifre og _, begyndende med et bogstav).",
        "en": "{file}: row {row}, column theme: '{value}' is not a theme key (lower-case "
        "letters, digits and _, starting with a letter).",
    },
    "read_themes_bad_lang": {
        "da": "{file}: række {row}, kolonne lang: '{value}'; brug da eller en.",
        "en": "{file}: row {row}, column lang: '{value}'; use da or en.",
    },
    "read_themes_bad_term": {
        "da": "{file}: række {row}, kolonne term: '{value}' er ikke et ord eller en frase "
        "(bogstaver, cifre, mellemrum, - og ', med * kun i starten eller slutningen).",
        "en": "{file}: row {row}, column term: '{value}' is not a word or phrase (letters, "
        "digits, spaces, - and ', with * only at the start or end).",
    },
    # ---- the loader's own whole-file refusals (etl/load.py)
    "load_bad_type": {
        "da": "--as skal være staff eller patron, ikke '{value}'.",
        "en": "--as must be staff or patron, not '{value}'.",
    },
    "load_unknown_format": {
        "da": "ukendt --format '{format}'; kendte formater: {known}.",
        "en": "unknown --format '{format}'; known formats: {known}.",
    },
    "load_not_recognised": {
        "da": "{file}: ikke en eksport, Servicespejlet genkender. Se docs/formats/README.md, "
        "eller angiv formatet med --format.",
        "en": "{file}: not a survey export Service Mirror recognises. Check "
        "docs/formats/README.md, or name the format with --format.",
    },
    "load_staff_or_patron": {
        "da": "{file}: det kan ikke afgøres, om det er en medarbejder- eller en "
        "borgerundersøgelse; kør igen med --as staff eller --as patron.",
        "en": "{file}: cannot tell whether this is a staff or a patron survey; run again with "
        "--as staff or --as patron.",
    },
    "load_package_options": {
        "da": "{file}: en forumpakke angiver selv sit bibliotek, sine perioder og "
        "respondenttyper; indlæs den uden --as, --library og --period.",
        "en": "{file}: a forum package names its own library, periods and respondent types; "
        "load it without --as, --library or --period.",
    },
    "load_not_allowed": {
        "da": "{file}: har data for {others}; du må kun uploade for {allowed}. Intet blev indlæst.",
        "en": "{file}: holds data for {others}; you may only upload for {allowed}. Nothing was "
        "loaded.",
    },
    "load_no_library": {"da": "intet bibliotek", "en": "no library"},
    "load_library_not_known": {
        "da": "biblioteket '{name}' er ukendt; kendte biblioteker: {known}.",
        "en": "library '{name}' is not known; known libraries: {known}.",
    },
    "load_none_yet": {"da": "ingen endnu", "en": "none yet"},
    "load_no_such_upload": {
        "da": "upload {upload}: ingen aktiv upload med det nummer. Se `servicemirror uploads`.",
        "en": "upload {upload}: no such active upload. See `servicemirror uploads`.",
    },
    "load_duplicate": {
        "da": "{file}: allerede indlæst som upload {upload}; intet er ændret.",
        "en": "{file}: already loaded as upload {upload}; nothing changed.",
    },
    "load_unexpected": {
        "da": "{file}: kunne ikke læses ({error}). Intet blev ændret. Kontrollér, at det er en "
        "eksport af en undersøgelse (docs/formats/README.md), eller send filen til "
        "administratoren.",
        "en": "{file}: could not be read ({error}). Nothing was changed. Check that it is a "
        "survey export (docs/formats/README.md), or report the file to the administrator.",
    },
    # ---- a column mapping that cannot be used (etl.mapping.MappingError: load --mapping, the
    # Upload page's mapping editor)
    "map_profile_name_missing": {
        "da": "en gemt kolonnetildeling skal have et navn",
        "en": "a mapping profile needs a name",
    },
    "map_not_json": {
        "da": "ikke JSON ({error} i linje {line})",
        "en": "not JSON ({error} at line {line})",
    },
    "map_not_object": {
        "da": "en kolonnetildeling er et JSON-objekt med 'roles' og/eller 'items'",
        "en": "a mapping is a JSON object with 'roles' and/or 'items'",
    },
    "map_roles_not_object": {
        "da": "'roles' skal være et objekt: kolonne -> rolle",
        "en": "'roles' must be an object: column -> role",
    },
    "map_items_not_list": {
        "da": "'items' skal være en liste af objekter, hver med en 'column'",
        "en": "'items' must be a list of objects, each with a 'column'",
    },
    "map_libraries_not_object": {
        "da": "'libraries' skal være et objekt: kode eller sted som i filen -> bibliotekets navn",
        "en": "'libraries' must be an object: code or location as in the file -> library name",
    },
    "map_two_columns": {
        "da": "to kolonner har rollen {role}: '{first}' og '{second}'",
        "en": "two columns are the {role}: '{first}' and '{second}'",
    },
    "map_one_scale_end": {
        "da": "kolonne '{column}': angiv begge ender af skalaen eller ingen af dem",
        "en": "column '{column}': give both ends of the scale or neither",
    },
    # ---- notes: what a reader or the loader did that the user should know (the ``warnings`` of
    # ``load --json``, "note:" lines); built with ``labels.Note.of``
    "load_note": {"da": "bemærk", "en": "note"},
    "note_new_library": {
        "da": "nyt bibliotek '{name}' tilføjet",
        "en": "new library '{name}' added",
    },
    "note_mapping_given": {
        "da": "den kolonnetildeling, der blev givet for filen, er brugt",
        "en": "the column mapping given for this file was used",
    },
    "note_mapping_profile": {
        "da": "den gemte kolonnetildeling '{name}' er brugt",
        "en": "mapping profile '{name}' was used",
    },
    "note_totals_rows": {
        "da": "{count} sumrække(r) ('I alt', 'Total', ...) er udeladt",
        "en": "{count} totals row(s) ('I alt', 'Total', ...) left out",
    },
    "note_mapping_column_missing": {
        "da": "kolonne '{column}' fra kolonnetildelingen findes ikke i filen",
        "en": "column '{column}' of the mapping is not in the file",
    },
    "note_scale_guessed": {
        "da": "kolonne '{column}': skalaen {lo}-{hi} er gættet ud fra svarene; angiv skalaen i "
        "kolonnetildelingen, hvis den er forkert",
        "en": "column '{column}': scale {lo}-{hi} guessed from the answers; give the scale in a "
        "mapping if it is wrong",
    },
    "note_scale_guessed_means": {
        "da": "kolonne '{column}': skalaen {lo}-{hi} er gættet ud fra gennemsnittene; angiv "
        "skalaen i kolonnetildelingen, hvis den er forkert",
        "en": "column '{column}': scale {lo}-{hi} guessed from the means; give the scale in a "
        "mapping if it is wrong",
    },
    "note_not_a_scale": {
        "da": "kolonne '{column}' er ikke indlæst: ikke et skalaspørgsmål (kategorier eller "
        "flere valg)",
        "en": "column '{column}' not imported: not a scale question (categories or several "
        "choices)",
    },
    "note_answered_nothing": {
        "da": "{count} respondenter besvarede intet spørgsmål og tælles ikke med",
        "en": "{count} respondents answered no question and are not counted",
    },
    "note_placeholder_dates": {
        "da": "kolonne '{column}': {count} pladsholderdatoer (før 1990, en anonymiseret "
        "undersøgelse) er ikke brugt; angiv perioden med --period",
        "en": "column '{column}': {count} placeholder dates (before 1990, an anonymised survey) "
        "ignored; give the period with --period",
    },
    "note_unread_dates": {
        "da": "kolonne '{column}': {count} datoer kunne ikke læses (fx '{example}'); angiv "
        "perioden med --period",
        "en": "column '{column}': {count} dates could not be read (e.g. '{example}'); give the "
        "period with --period",
    },
    "note_sx_no_labels": {
        "da": "ingen labels-fil: svarkoderne er brugt som værdier (højere = mere positivt); "
        "upload hele eksporten (zip), så svarteksterne afgør retningen",
        "en": "no labels file: answer codes were taken as values (higher = more positive); "
        "upload the whole export (zip) so the labels decide the direction",
    },
    "note_sx_no_status": {
        "da": "ingen statuskolonne: hver række er taget som en gennemført besvarelse",
        "en": "no status column: every row was taken as a completed response",
    },
    "note_sx_not_completed": {
        "da": "{count} rækker er ikke gennemførte besvarelser (status Ny, Distribueret, Nogle "
        "svar eller Frafaldet) og er udeladt",
        "en": "{count} rows are not completed responses (status Ny, Distribueret, Nogle svar or "
        "Frafaldet) and were left out",
    },
    "note_sx_not_rating": {
        "da": "{count} spørgsmål har ingen svarskala og er ikke indlæst: {names}",
        "en": "{count} questions are not rating scales and were not imported: {names}",
    },
    "note_kiosk_unreadable": {
        "da": "{bad} af {records} tryk havde et ulæseligt tidspunkt eller en ulæselig knap og er "
        "ikke talt med",
        "en": "{bad} of {records} presses had an unreadable timestamp or button and were not "
        "counted",
    },
    "note_template_skipped": {
        "da": "{count} skabelonrækker uden tal er sprunget over",
        "en": "{count} template rows without figures were skipped",
    },
    "note_no_scale": {
        "da": "spørgsmål '{item}': ingen skala angivet, {lo}-{hi} er antaget",
        "en": "item '{item}': no scale given, assumed {lo}-{hi}",
    },
    "note_staff_text_off": {
        "da": "{count} fritekstsvar fra medarbejdere er ikke indlæst (medarbejdertekst er slået "
        "fra som standard)",
        "en": "{count} staff free-text answers were not imported (staff text is off by default)",
    },
    "note_only_missing": {
        "da": "{count} respondenter svarede kun 'Ved ikke' eller blankt og tælles ikke som "
        "besvarelser",
        "en": "{count} respondents answered only 'Ved ikke'/blank and are not counted as responses",
    },
    "note_package_parts_replaced": {
        "da": "{count} del(e) (bibliotek og periode) af tidligere forumpakker er erstattet "
        "(fortryd denne upload for at få dem tilbage)",
        "en": "{count} library-period part(s) of earlier forum packages are replaced (undo this "
        "upload to bring them back)",
    },
    "note_superseded": {
        "da": "{count} respondenter var allerede indlæst; deres nyere svar erstatter de ældre",
        "en": "{count} respondents were already loaded; their newer answers replace the older ones",
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


def told(key: str, lang: str, fields: dict) -> str:
    """The importer text ``key`` in ``lang`` filled in with ``fields``; a field that is itself a
    key of :data:`LOAD_MESSAGES` (the ``why`` of an implausible library) is told in ``lang`` too."""
    filled = {
        name: t(v, lang) if isinstance(v, str) and v in LOAD_MESSAGES else v
        for name, v in fields.items()
    }
    return t(key, lang, **filled)


class Note(str):
    """A reader's or the loader's note (a ``warnings`` entry): the English line as a plain string
    (what ``load --json`` kept before), plus the label ``key`` and ``fields`` that tell it in
    Danish. Build one with :meth:`of`; :func:`say` tells any note or plain string in a language."""

    key: str | None = None
    fields: dict = {}

    @classmethod
    def of(cls, key: str, **fields) -> Note:
        """The note whose text is the label ``key`` filled in with ``fields``."""
        note = cls(told(key, "en", fields))
        note.key, note.fields = key, fields
        return note

    def text(self, lang: str = "en") -> str:
        """The note in ``lang`` ("da" or "en")."""
        return told(self.key, lang, self.fields) if self.key else str(self)


class Refusal(Exception):
    """A whole-file refusal told through the label table: ``str()`` is the English line (what a
    log shows); ``key`` and ``fields`` tell the same line in Danish (:meth:`text`). Build one with
    :meth:`of`; a refusal raised with a plain message keeps that message in every language."""

    def __init__(self, message: str = "", key: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.key, self.fields = key, dict(fields or {})

    @classmethod
    def of(cls, key: str, *, lang: str = "en", **fields):
        """The refusal whose line is the label ``key`` filled in with ``fields`` (cells through
        :func:`clip` before they get here); ``str()`` of it is the line in ``lang``."""
        return cls(told(key, lang, fields), key, fields)

    @classmethod
    def told_as(cls, other: BaseException):
        """This kind of refusal with the same line (and key) as ``other``."""
        key = getattr(other, "key", None)
        return cls(str(other), key, getattr(other, "fields", None))

    def text(self, lang: str = "en") -> str:
        """The line in ``lang`` ("da" or "en")."""
        return told(self.key, lang, self.fields) if self.key else str(self)


def say(message, lang: str) -> str:
    """A refusal, a note or a plain string in ``lang`` (plain strings as they are)."""
    text = getattr(message, "text", None)
    return text(lang) if callable(text) else str(message)


def _coded(prefix: str, code, lang: str) -> str:
    """The word for ``code`` under ``prefix`` in ``lang``; an unknown code as it is, '—' if none."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        return "—"
    key = f"{prefix}_{code}"
    return t(key, lang) if key in LOAD_MESSAGES else str(code)


def role_label(role, lang: str) -> str:
    """What a column was read as (item, metadata, ...), in ``lang``."""
    return _coded("role", role, lang)


def scale_source_label(source, lang: str) -> str:
    """Where an item's scale came from (labels, header, guess, mapping), in ``lang``."""
    return _coded("scale_source", source, lang)


def encoding_label(encoding, lang: str) -> str:
    """A file's text encoding in words ("UTF-8 med BOM", "Windows-1252")."""
    return _coded("encoding", encoding, lang)


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
