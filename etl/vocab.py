"""Domain words: Likert labels (da/en) to scale points, non-answers, touchpoints, constructs.

Sources: public survey code and vendor help pages; docs/vocabulary.md lists the terms. Labels are
matched after :func:`normalise_label` (case, whitespace, "/"-"-" variants folded). Every scale here
is listed from the most negative to the most positive answer, so position = canonical value.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from servicemirror.core import labels

# Non-substantive answers: missing, never a scale point (docs/vocabulary.md, Answers).
NON_ANSWERS = {
    "ved ikke",
    "ved ej",
    "don't know",
    "dont know",
    "do not know",
    "n/a",
    "na",
    "not applicable",
    "ikke relevant",
    "ønsker ikke at svare",
    "vil ikke svare",
    "prefer not to answer",
    "prefer not to say",
    "spring over",
    "skip",
    "skipped",
    "-",
    "–",
    "ikke besvaret",
    "not answered",
    "ved ikke/ikke relevant",
}

# Label sets, most negative first (docs/vocabulary.md, Answers).
LIKERT_SETS: dict[str, list[list[str]]] = {
    "agree5": [
        ["helt uenig", "meget uenig", "strongly disagree"],
        [
            "overvejende uenig",
            "delvist uenig",
            "delvis uenig",
            "lidt uenig",
            "uenig",
            "somewhat disagree",
            "disagree",
        ],
        ["hverken enig eller uenig", "hverken eller", "neutral", "neither agree nor disagree"],
        [
            "overvejende enig",
            "delvist enig",
            "delvis enig",
            "lidt enig",
            "enig",
            "somewhat agree",
            "agree",
        ],
        ["helt enig", "meget enig", "strongly agree"],
    ],
    "agree7": [
        ["meget uenig", "strongly disagree"],
        ["uenig", "disagree"],
        ["lidt uenig", "somewhat disagree", "slightly disagree"],
        ["hverken enig eller uenig", "neutral", "neither agree nor disagree"],
        ["lidt enig", "somewhat agree", "slightly agree"],
        ["enig", "agree"],
        ["meget enig", "strongly agree"],
    ],
    "satisfied5": [
        # Qualtrics' standard CSAT set is Extremely / Somewhat (dis)satisfied (its library of
        # answer sets; Danish translation "Ekstremt" / "Noget")
        [
            "meget utilfreds",
            "very dissatisfied",
            "meget utilfred",
            "extremely dissatisfied",
            "ekstremt utilfreds",
        ],
        [
            "utilfreds",
            "ikke tilfreds",
            "overvejende utilfreds",
            "dissatisfied",
            "somewhat dissatisfied",
            "noget utilfreds",
        ],
        [
            "hverken tilfreds eller utilfreds",
            "hverken utilfreds eller tilfreds",
            "hverken eller",
            "neutral",
            "det går",
            "neither satisfied nor dissatisfied",
        ],
        [
            "tilfreds",
            "overvejende tilfreds",
            "satisfied",
            "somewhat satisfied",
            "tilfred",
            "noget tilfreds",
        ],
        [
            "meget tilfreds",
            "very satisfied",
            "meget tilfred",
            "extremely satisfied",
            "ekstremt tilfreds",
        ],
    ],
    # the vendors' 5-point likelihood set (Qualtrics, SurveyMonkey); a 0-10 question whose ends
    # read "10 - Meget sandsynligt" is NPS (NPS_END_LABELS), not this set
    "likely5": [
        ["extremely unlikely", "very unlikely", "meget usandsynligt"],
        ["somewhat unlikely", "unlikely", "usandsynligt", "noget usandsynligt"],
        ["neither likely nor unlikely", "hverken sandsynligt eller usandsynligt"],
        ["somewhat likely", "likely", "sandsynligt", "noget sandsynligt"],
        ["extremely likely", "very likely", "meget sandsynligt"],
    ],
    "frequency5": [
        ["aldrig", "aldrig/næsten aldrig", "never", "never/hardly ever"],
        ["sjældent", "rarely", "seldom"],
        ["nogle gange", "somme tider", "en gang imellem", "sometimes"],
        ["ofte", "often"],
        ["altid", "always"],
    ],
    "degree5": [
        ["i meget ringe grad", "i meget lav grad", "slet ikke", "to a very small extent"],
        ["i ringe grad", "i lav grad", "i mindre grad", "to a small extent"],
        ["i nogen grad", "somewhat"],
        ["i høj grad", "to a large extent"],
        ["i meget høj grad", "to a very large extent"],
    ],
    "quality5": [
        ["meget dårligt", "meget dårlig", "very bad", "very poor"],
        ["dårligt", "dårlig", "bad", "poor"],
        ["nogenlunde", "fair", "okay"],
        ["godt", "god", "good"],
        ["meget godt", "meget god", "very good"],
    ],
}

# NPS end labels that exports sometimes print instead of 0 and 10 (docs/vocabulary.md, Answers).
NPS_END_LABELS = {
    "0 - slet ikke sandsynligt": 0.0,
    "slet ikke sandsynligt": 0.0,
    "not at all likely": 0.0,
    "0 - not at all likely": 0.0,
    "10 - meget sandsynligt": 10.0,
    "meget sandsynligt": 10.0,
    "ekstremt sandsynligt": 10.0,
    "extremely likely": 10.0,
    "10 - extremely likely": 10.0,
}

# Canonical touchpoints and the words users write for them (docs/vocabulary.md, Services).
TOUCHPOINTS: dict[str, list[str]] = {
    "counter": [
        "counter",
        "betjening",
        "skranke",
        "udlån",
        "udlånet",
        "desk",
        "personale",
        "staff service",
    ],
    "self_service": [
        "self_service",
        "self-service",
        "selvbetjening",
        "selvbetjeningsautomat",
        "åbent bibliotek",
        "selvbetjent",
    ],
    "home_delivery": [
        "home_delivery",
        "home delivery",
        "bogen kommer",
        "biblioteket kommer",
        "bogvenner",
        "hjemmeservice",
    ],
    "book_a_librarian": ["book_a_librarian", "book a librarian", "book en bibliotekar"],
    "events": ["events", "arrangementer", "arrangement", "læsekredse"],
    "web": ["web", "hjemmeside", "website", "digitale tilbud", "ereolen", "bibliotek.dk"],
    "mobile_library": [
        "mobile_library",
        "bogbus",
        "biblioteksbus",
        "mobilt bibliotek",
        "bookmobile",
    ],
}

# the services' names live in the one label table (code -> {"da", "en", "colour"})
TOUCHPOINT_LABELS = labels.TOUCHPOINTS

# the constructs are the label table's (servicemirror.core.labels), named once there
CONSTRUCTS = tuple(labels.CONSTRUCTS)

# Danish and English names users write for the constructs (a `construct` column, or an item
# named after its construct); the canonical name maps to itself.
CONSTRUCT_NAMES: dict[str, list[str]] = {
    "wellbeing": ["wellbeing", "well-being", "trivsel", "medarbejdertrivsel", "jobtrivsel"],
    "engagement": ["engagement", "arbejdsengagement", "work engagement"],
    "enps": ["enps", "employee nps", "medarbejder nps", "medarbejder-nps"],
    "satisfaction": [
        "satisfaction",
        "tilfredshed",
        "brugertilfredshed",
        "customer satisfaction",
        "csat",
    ],
    "nps": ["nps", "net promoter score", "anbefaling", "recommend"],
    "touchpoint": ["touchpoint", "kontaktpunkt"],
    "other": ["other", "andet"],
    "comment": ["comment", "kommentar", "kommentarer"],
}


def construct_of(text) -> str | None:
    """The canonical construct a name stands for ("Trivsel" -> wellbeing), else None."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    norm = normalise_label(str(text)).replace("_", " ")
    for construct, names in CONSTRUCT_NAMES.items():
        if norm in {normalise_label(n) for n in names}:
            return construct
    return None


# The forum core items shipped with the product (docs/statistics.md §13): comparable across libraries.
CORE_ITEMS = [
    # code, construct, scale_min, scale_max, touchpoint, text_da, text_en
    (
        "core_w1",
        "wellbeing",
        1,
        5,
        None,
        "Jeg trives på min arbejdsplads",
        "I thrive at my workplace",
    ),
    ("core_w2", "wellbeing", 1, 5, None, "Mit arbejde giver mig energi", "My work gives me energy"),
    (
        "core_w3",
        "wellbeing",
        1,
        5,
        None,
        "Jeg får anerkendelse for mit arbejde",
        "I get recognition for my work",
    ),
    (
        "core_w4",
        "wellbeing",
        1,
        5,
        None,
        "Jeg har et godt samarbejde med mine kolleger",
        "I work well with my colleagues",
    ),
    (
        "core_w5",
        "wellbeing",
        1,
        5,
        None,
        "Jeg kan overkomme mine arbejdsopgaver",
        "I can manage my workload",
    ),
    (
        "core_enps",
        "enps",
        0,
        10,
        None,
        "Hvor sandsynligt er det, at du vil anbefale din arbejdsplads til en ven?",
        "How likely are you to recommend your workplace to a friend?",
    ),
    (
        "core_sat",
        "satisfaction",
        1,
        5,
        None,
        "Hvor tilfreds er du alt i alt med biblioteket?",
        "Overall, how satisfied are you with the library?",
    ),
    (
        "core_nps",
        "nps",
        0,
        10,
        None,
        "Hvor sandsynligt er det, at du vil anbefale biblioteket til en ven?",
        "How likely are you to recommend the library to a friend?",
    ),
    (
        "tp_counter",
        "touchpoint",
        1,
        5,
        "counter",
        "Tilfredshed med betjeningen",
        "Satisfaction with counter service",
    ),
    (
        "tp_self_service",
        "touchpoint",
        1,
        5,
        "self_service",
        "Tilfredshed med selvbetjeningen",
        "Satisfaction with self-service",
    ),
    (
        "tp_home_delivery",
        "touchpoint",
        1,
        5,
        "home_delivery",
        "Tilfredshed med Bogen Kommer",
        "Satisfaction with home delivery",
    ),
    (
        "tp_book_a_librarian",
        "touchpoint",
        1,
        5,
        "book_a_librarian",
        "Tilfredshed med Book en bibliotekar",
        "Satisfaction with Book a librarian",
    ),
]


def normalise_label(text: str) -> str:
    """Lower-case, NFC, trimmed, inner whitespace and '/'-'-' variants folded."""
    return _normalise(str(text))


_FOLD_DASHES = re.compile(r"\s*[/\-–]\s*")
_FOLD_SPACES = re.compile(r"\s+")


# the readers' detection and the name matching fold the same few thousand headers and labels on
# every upload; a pure function of a string, so remembered (bounded: labels are short and few)
@functools.lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = _FOLD_DASHES.sub(" ", text)
    text = _FOLD_SPACES.sub(" ", text)
    return text.replace("hverken eller", "hverken eller").replace("sommetider", "somme tider")


@functools.cache
def _folded(words: tuple[str, ...]) -> frozenset[str]:
    """The normalised forms of a word list (the vocabularies below are constants, folded once)."""
    return frozenset(normalise_label(w) for w in words)


_NON_ANSWERS_NORMALISED = {normalise_label(x) for x in NON_ANSWERS} | {""}
# looked up by normalised text, which folds "10 - Meget sandsynligt" to "10 meget sandsynligt"
NPS_END_LABELS = {normalise_label(k): v for k, v in NPS_END_LABELS.items()}


def is_non_answer(text) -> bool:
    """True for "Ved ikke", "Don't know", "N/A", blanks and similar: missing, never a score."""
    if text is None:
        return True
    return normalise_label(text) in _NON_ANSWERS_NORMALISED


def _label_index() -> dict[str, dict[str, int]]:
    index: dict[str, dict[str, int]] = {}
    for name, points in LIKERT_SETS.items():
        index[name] = {
            normalise_label(label): pos + 1 for pos, labels in enumerate(points) for label in labels
        }
    return index


LABEL_INDEX = _label_index()


def match_scale(labels: list[str]) -> tuple[str, int] | None:
    """Find the label set that contains every given (non-missing) label.

    Returns (set name, number of points) or None. The smallest matching set wins, so a 5-point file
    is not read as 7-point just because its labels also occur there.
    """
    wanted = {normalise_label(x) for x in labels if not is_non_answer(x)}
    if not wanted:
        return None
    candidates = [
        (len(LIKERT_SETS[name]), name)
        for name, index in LABEL_INDEX.items()
        if wanted <= set(index)
    ]
    if not candidates:
        return None
    points, name = min(candidates)
    return name, points


def label_value(label: str, scale: str) -> float | None:
    """The canonical value (1 = most negative) of a label in a named set, None if unknown/missing."""
    if is_non_answer(label):
        return None
    pos = LABEL_INDEX[scale].get(normalise_label(label))
    return float(pos) if pos is not None else None


def touchpoint_of(text: str | None) -> str | None:
    """The canonical touchpoint named in a header or value, or None.

    The longest matching word wins, so "Selvbetjeningen" is self-service although it also
    contains "betjening" (counter).
    """
    if not text:
        return None
    norm = normalise_label(text)
    best: tuple[int, str] | None = None
    for key, words in TOUCHPOINTS.items():
        for word in words:
            w = normalise_label(word)
            if w in norm and (best is None or len(w) > best[0]):
                best = (len(w), key)
    return best[1] if best else None


def slug(text: str) -> str:
    """A stable key from a display name: 'Høje-Taastrup Bibliotek' -> 'hoeje-taastrup-bibliotek'."""
    text = unicodedata.normalize("NFC", str(text)).strip().lower()
    for a, b in (
        ("æ", "ae"),
        ("ø", "oe"),
        ("å", "aa"),
        ("é", "e"),
        ("ü", "u"),
        ("ö", "oe"),
        ("ä", "ae"),
    ):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unknown"


# --------------------------------------------------------------------------- smiley kiosks
# Button words in kiosk exports, 1 = unhappiest .. 4 = happiest (the schema's kiosk_counts.button).
# HappyOrNot's API numbers the four buttons 0 (Very Unhappy) .. 3 (Very Happy)
# (happyornot.github.io/docs/api-v1/surveys-and-results); Danish exports print the face or colour.
KIOSK_BUTTONS: dict[int, list[str]] = {
    1: [
        "very unhappy",
        "very negative",
        "very dissatisfied",
        "meget utilfreds",
        "meget sur",
        "meget negativ",
        "meget ked af det",
        "rød",
        "mørkerød",
        "dark red",
        "red",
    ],
    2: [
        "unhappy",
        "negative",
        "dissatisfied",
        "utilfreds",
        "sur",
        "negativ",
        "ked af det",
        "lyserød",
        "light red",
    ],
    3: [
        "happy",
        "positive",
        "satisfied",
        "tilfreds",
        "glad",
        "positiv",
        "lysegrøn",
        "light green",
    ],
    4: [
        "very happy",
        "very positive",
        "very satisfied",
        "meget tilfreds",
        "meget glad",
        "meget positiv",
        "grøn",
        "mørkegrøn",
        "dark green",
        "green",
    ],
}

# Header words of kiosk exports (one press per row, or counts per day), da/en, after normalise_label.
KIOSK_HEADERS: dict[str, list[str]] = {
    "timestamp": [
        "timestamp",
        "time stamp",
        "tidspunkt",
        "tidsstempel",
        "datetime",
        "date time",
        "dato og tid",
        "dato tid",
        "feedback time",
        "created",
        "created at",
        "registreret",
        "ts",
    ],
    "date": ["date", "dato", "dag", "day", "feedback date"],
    "time": ["time", "tid", "klokkeslæt", "kl"],
    "terminal": [
        "terminal",
        "terminal id",
        "smiley",
        "smiley id",
        "smiley terminal",
        "device",
        "enhed id",
        "kiosk",
        "standard",
    ],
    "question": ["question", "spørgsmål", "survey", "undersøgelse", "spørgsmålstekst"],
    "button": ["button", "knap", "svar", "answer", "feedback", "rating", "r", "smiley svar"],
    "library": ["library", "bibliotek", "group", "gruppe", "folder", "mappe", "kommune"],
    "branch": [
        "branch",
        "filial",
        "afdeling",
        "location",
        "lokation",
        "experience point",
        "oplevelsespunkt",
        "sted",
        "placering",
    ],
    "count": ["n", "antal", "count", "presses", "tryk", "feedbacks", "total", "i alt"],
}


def kiosk_button(label) -> int | None:
    """The button (1 = unhappiest .. 4 = happiest) a kiosk export's word names, or None."""
    if label is None:
        return None
    norm = normalise_label(label)
    for button, words in KIOSK_BUTTONS.items():
        if norm in _folded(tuple(words)):
            return button
    match = re.fullmatch(r"(?:knap|button|smiley)\s*([1-4])", norm)
    return int(match.group(1)) if match else None


def kiosk_header(header) -> str | None:
    """Which kiosk field a header names (timestamp, date, terminal, button, ...), or None."""
    norm = normalise_label(header)
    for field, words in KIOSK_HEADERS.items():
        if norm in _folded(tuple(words)):
            return field
    return None


# --------------------------------------------------------------------------- aggregates template
# Column headers of the product's Danish results template (etl/templates/), with the English and
# ASCII spellings Excel users produce. Keys are the canonical names the reader works with.
TEMPLATE_HEADERS: dict[str, list[str]] = {
    "unit": ["enhed", "bibliotek", "library", "unit", "afdeling", "filial"],
    "period": ["periode", "period", "år", "year", "måling"],
    "item": ["spørgsmål", "sporgsmal", "spoergsmaal", "question", "item", "kode", "spørgsmålskode"],
    "scale": ["skala", "scale", "svarskala"],
    "n": ["n", "antal svar", "antal besvarelser", "antal", "respondenter"],
    "mean": ["gennemsnit", "middelværdi", "mean", "average", "snit"],
    "sd": ["spredning", "standardafvigelse", "sd", "std", "standard deviation"],
    "distribution": ["fordeling", "svarfordeling", "distribution"],
    "response_rate": ["svarprocent", "svarprocent %", "svarprocent (%)", "response rate"],
    "respondent_type": ["respondenttype", "respondent type", "type", "målgruppe"],
}


def template_header(header) -> str | None:
    """Which template column a header names (unit, period, item, ...), or None."""
    norm = normalise_label(header)
    for field, words in TEMPLATE_HEADERS.items():
        if norm in _folded(tuple(words)):
            return field
    return None


# --------------------------------------------------------------------------- SurveyXact
# The "Samlet status" (statoverall) variable of a SurveyXact dataset: one 0/1 column per status,
# stato_1 .. stato_5 = Ny, Distribueret, Nogle svar, Gennemført, Frafaldet (readSX test data,
# github.com/NIFU-NO/readSX inst/extdata, Norwegian labels). Only "Gennemført" is a response.
SURVEYXACT_COMPLETED_STATUS = 4
SURVEYXACT_STATUS_LABELS = {
    1: ["ny", "new"],
    2: ["distribueret", "distribuert", "distributed"],
    3: ["nogle svar", "noen svar", "delvist besvaret", "some answers", "partially completed"],
    4: ["gennemført", "gjennomført", "completed", "besvaret"],
    5: ["frafaldet", "frafalt", "dropped out", "bortfald"],
}


# --------------------------------------------------------------------------- wide exports
# Extra label sets and non-answers seen in survey-tool exports (Qualtrics' 7-point satisfaction
# set; "have not used" on patron service questions is a non-answer, not a low score).
LIKERT_SETS["satisfied7"] = [
    ["extremely dissatisfied", "meget utilfreds"],
    ["moderately dissatisfied", "utilfreds"],
    ["slightly dissatisfied", "lidt utilfreds"],
    ["neither satisfied nor dissatisfied", "hverken tilfreds eller utilfreds"],
    ["slightly satisfied", "lidt tilfreds"],
    ["moderately satisfied", "tilfreds"],
    ["extremely satisfied", "meget tilfreds"],
]
LABEL_INDEX["satisfied7"] = {
    normalise_label(label): pos + 1
    for pos, labels in enumerate(LIKERT_SETS["satisfied7"])
    for label in labels
}
NON_ANSWERS.update(
    {
        "don’t know",
        "ved ikke/ønsker ikke at svare",
        "kan ikke svare",
        "ikke aktuelt",
        "ikke relevant for mig",
        "har ikke brugt",
        "har ikke benyttet",
        "har ikke brugt det",
        "not used",
        "have not used",
        "i have not used it",
        "does not apply",
    }
)
_NON_ANSWERS_NORMALISED.update(normalise_label(x) for x in NON_ANSWERS)

# Header words of the non-question columns of a wide export (one row per respondent), da/en,
# compared after normalise_label. "Enhed" is the staff survey's unit: read as the library; a
# unit that is not a library name (a vendor code such as AO01) is mapped in the mapping step,
# which the loader saves in unit_map and applies to the next upload of the same survey
# (etl.load.prepare). A header may also be a question naming the role
# ("Hvilket bibliotek besøgte du?"): WIDE_HEADER_QUESTIONS.
WIDE_HEADERS: dict[str, list[str]] = {
    "library": [
        "bibliotek",
        "biblioteket",
        "library",
        "library name",
        "biblioteksnavn",
        "enhed",
        "unit",
        "arbejdssted",
        "workplace",
        "kommune",
    ],
    "branch": [
        "filial",
        "afdeling",
        "branch",
        "location",
        "lokation",
        "sted",
        "department",
        "site",
    ],
    "date": [
        "tidsstempel",
        "timestamp",
        "dato",
        "date",
        "submitdate",
        "submit date",
        "submitted",
        "submitted at",
        "completion time",
        "afslutningstidspunkt",
        "end date",
        "enddate",
        "recordeddate",
        "recorded date",
        "besvaret",
        "besvarelsesdato",
        "indsendt",
        "afsluttet",
        "svardato",
    ],
    "respondent_id": [
        "respondent id",
        "respondentid",
        "respondent",
        "response id",
        "responseid",
        "id",
        "svar id",
        "besvarelses id",
        "respondent nr",
        "løbenummer",
    ],
    "period": ["periode", "period", "år", "year", "måling", "wave", "runde", "survey period"],
    "touchpoint": ["touchpoint", "kontaktpunkt", "service", "ydelse", "tilbud"],
    "age_band": ["alder", "age", "aldersgruppe", "age group", "age band"],
    "visit_frequency": ["besøgshyppighed", "visit frequency", "hvor ofte"],
    "user_type": ["brugertype", "user type", "lånertype"],
    "channel": ["kanal", "channel"],
    "n": [
        "n",
        "antal",
        "antal svar",
        "antal besvarelser",
        "respondenter",
        "responses",
        "count",
    ],
}
WIDE_HEADER_QUESTIONS: dict[str, list[str]] = {
    "library": ["hvilket bibliotek", "which library", "hvilken kommune"],
    "branch": ["hvilken filial", "which branch", "hvilken afdeling"],
    "age_band": ["hvor gammel er du", "how old are you"],
    "visit_frequency": ["hvor ofte besøger du", "how often do you visit", "hvor ofte bruger du"],
}
# Columns never stored: identity (any survey) and staff demographics.
IDENTITY_HEADERS = [
    "email",
    "e mail",
    "e mail address",
    "email address",
    "e mailadresse",
    "emailadresse",
    "name",
    "navn",
    "fulde navn",
    "full name",
    "first name",
    "last name",
    "fornavn",
    "efternavn",
    "ip",
    "ip address",
    "ipaddress",
    "ip adresse",
    "telefon",
    "telefonnummer",
    "phone",
    "mobil",
    "cpr",
    "cpr nummer",
    "recipientemail",
    "recipientfirstname",
    "recipientlastname",
    "locationlatitude",
    "locationlongitude",
    "ipaddr",
    "adresse",
    "address",
]
DEMOGRAPHIC_HEADERS = [
    "køn",
    "gender",
    "sex",
    "alder",
    "age",
    "aldersgruppe",
    "anciennitet",
    "tenure",
    "years of service",
    "ansættelsestid",
    "stilling",
    "stillingsbetegnelse",
    "job title",
    "jobfunktion",
    "faggruppe",
    "uddannelse",
    "education",
    "ansættelsesforhold",
    "timer om ugen",
    "arbejdstid",
    "leder",
    "er du leder",
    "nationalitet",
    "etnicitet",
]
# Header words of free-text questions (their answers become comments, not scores).
COMMENT_HEADER_WORDS = [
    "kommentar",
    "kommentarer",
    "comment",
    "comments",
    "bemærkning",
    "bemærkninger",
    "forslag",
    "suggestion",
    "suggestions",
    "please specify",
    "angiv venligst",
    "uddyb",
    "fritekst",
    "free text",
    "andet, nemlig",
    "hvad kan vi gøre bedre",
    "what could we do better",
    "feedback",
    "ris og ros",
]
# Words that make a question a staff question or a patron question (respondent type guess).
STAFF_WORDS = [
    "arbejdsplads",
    "kolleg",
    "nærmeste leder",
    "min leder",
    "arbejdsopgaver",
    "mit arbejde",
    "workplace",
    "colleague",
    "my manager",
    "my work",
    "workload",
    "trives",
    "enps",
]
PATRON_WORDS = [
    "biblioteket",
    "besøg",
    "lån",
    "the library",
    "your visit",
    "personalet",
    "the staff",
    "selvbetjening",
    "bogen kommer",
]
RECOMMEND_WORDS = ["anbefal", "recommend", "nps"]
WORKPLACE_WORDS = ["arbejdsplads", "arbejdsgiver", "workplace", "employer", "place to work", "enps"]
SATISFACTION_WORDS = ["tilfreds", "satisf"]
TOTAL_ROW_WORDS = ["i alt", "total", "totalt", "sum", "samlet", "alle", "gennemsnit", "average"]


def wide_header(header) -> str | None:
    """Which non-question role a wide export's header names (library, date, ...), or None."""
    norm = normalise_label(header)
    # the generic format's own snake_case names (submitted_at, respondent_id) count too
    snake = norm.replace("_", " ")
    for role, words in WIDE_HEADERS.items():
        names = _folded(tuple(words))
        if norm in names or snake in names:
            return role
    for role, starts in WIDE_HEADER_QUESTIONS.items():
        if any(norm.startswith(normalise_label(s)) for s in starts):
            return role
    return None


def private_header(header, respondent_type: str | None) -> str | None:
    """'identity' or 'demographic' when a column must not be stored, else None.

    Demographic columns are dropped for staff (and when the type is not known yet); for patrons
    the age band is a segment (wide_header) and the rest is dropped too.
    """
    norm = normalise_label(header)
    if norm in _folded(tuple(IDENTITY_HEADERS)):
        return "identity"
    if norm in _folded(tuple(DEMOGRAPHIC_HEADERS)):
        return "demographic"
    return None


def has_word(text, words: list[str]) -> bool:
    """True when the normalised text contains one of the (normalised) words."""
    norm = normalise_label(text or "")
    return any(normalise_label(w) in norm for w in words)
