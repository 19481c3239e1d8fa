"""The demo forum's specification: the generative parameters, the 15 libraries, their projects,
targets and kiosk terminals, the items, and the word lists the comments are drawn from.

Fixed data only; the draws are made in :mod:`servicemirror.app.demo.world`. Every parameter is
documented in ``data/demo/README.md``.
"""

from __future__ import annotations

from typing import Any

PERIODS = ["2020", "2021", "2022", "2023", "2024", "2025"]

LONG_COLUMNS = [
    "library",
    "period",
    "respondent_type",
    "respondent_id",
    "item",
    "value",
    "branch",
    "touchpoint",
    "submitted_at",
    "scale_min",
    "scale_max",
    "construct",
    "comment",
]
# Patron files carry the optional segment columns after the long-format columns.
SEGMENT_COLUMNS = ["age_band", "visit_frequency"]
AGGREGATE_COLUMNS = [
    "library",
    "period",
    "respondent_type",
    "item",
    "n",
    "mean",
    "sd",
    "scale_min",
    "scale_max",
    "construct",
    "branch",
    "response_rate",
]
KIOSK_COLUMNS = ["library", "branch", "terminal", "date", "hour", "question", "button", "n"]

STAFF_ITEMS = ["core_w1", "core_w2", "core_w3", "core_w4", "core_w5"]
TOUCHPOINTS = ["counter", "self_service", "home_delivery", "book_a_librarian"]
TOUCHPOINT_ITEMS = {tp: f"tp_{tp}" for tp in TOUCHPOINTS}
# item code -> (construct, scale_min, scale_max, touchpoint)
ITEMS: dict[str, tuple[str, int, int, str | None]] = {
    **{code: ("wellbeing", 1, 5, None) for code in STAFF_ITEMS},
    "core_enps": ("enps", 0, 10, None),
    "core_sat": ("satisfaction", 1, 5, None),
    "core_nps": ("nps", 0, 10, None),
    **{item: ("touchpoint", 1, 5, tp) for tp, item in TOUCHPOINT_ITEMS.items()},
}
VED_IKKE = "Ved ikke"
KIOSK_QUESTION = "Hvordan var dit besøg på biblioteket i dag?"

# ---------------------------------------------------------------------------------------------
# The generative parameters (documented one by one in data/demo/README.md).
# ---------------------------------------------------------------------------------------------
PARAMETERS: dict[str, Any] = {
    # staff wellbeing, latent 1-5 scale
    "staff_mu": 3.85,
    "staff_sd_library": 0.25,
    "staff_sd_year": 0.12,
    "staff_sd_person": 0.50,
    "staff_sd_item": 0.50,
    "staff_item_offsets": [0.15, 0.05, -0.10, 0.00, -0.10],
    "enps_intercept": 7.3,
    "enps_slope": 2.5,
    "enps_sd": 1.5,
    "staff_missing_rate": 0.01,
    # patron satisfaction, latent 1-5 scale
    "patron_mu": 4.48,
    "patron_sd_library": 0.15,
    "patron_sd_year": 0.10,
    "patron_sd_person": 0.75,
    "beta_B": 0.35,
    "beta_W": 0.50,
    "gamma_reverse": 0.80,
    "lag_staff_to_patron": 0.0,
    "nps_intercept": 8.5,
    "nps_slope": 2.0,
    "nps_sd": 1.3,
    "segment_effects": {
        "age_band": {"16-29": -0.15, "30-49": -0.05, "50-66": 0.05, "67+": 0.15},
        "visit_frequency": {"Ugentligt": 0.10, "Månedligt": 0.0, "Sjældnere": -0.10},
    },
    "segment_shares": {
        "age_band": {"16-29": 0.18, "30-49": 0.32, "50-66": 0.28, "67+": 0.22},
        "visit_frequency": {"Ugentligt": 0.35, "Månedligt": 0.40, "Sjældnere": 0.25},
    },
    "segment_unstated_rate": 0.05,
    "touchpoint_offsets": {
        "counter": 0.05,
        "self_service": -0.35,
        "home_delivery": 0.30,
        "book_a_librarian": 0.25,
    },
    "touchpoint_sd_library": 0.12,
    "touchpoint_sd_item": 0.45,
    # share of patrons rating each touchpoint; home delivery by age band (mostly 67+)
    "touchpoint_answer_rates": {
        "counter": 0.75,
        "self_service": 0.55,
        "home_delivery": {"16-29": 0.01, "30-49": 0.02, "50-66": 0.04, "67+": 0.20},
        "book_a_librarian": 0.08,
    },
    "ved_ikke_rate": {"core_sat": 0.015, "core_nps": 0.02, "touchpoint": 0.05},
    "blank_rate": {"core_nps": 0.01, "touchpoint": 0.01},
    "comment_rate": 0.12,
    "pii_rates": {"email": 0.08, "phone": 0.06, "cpr": 0.03, "staff_name": 0.05},
    "alias_file_rate": 0.15,
    # kiosk (smiley terminal) counts, January-March 2025
    "kiosk_days": ["2025-01-06", "2025-03-30"],
    "kiosk_mu": 2.30,
    "kiosk_slope": 1.0,
    "kiosk_unstaffed_penalty": 0.40,
    "kiosk_cuts": [0.0, 1.0, 2.0],
    "kiosk_rate_per_hour": {"staffed_weekday": 4.0, "staffed_saturday": 5.0, "unstaffed": 1.2},
}

# ---------------------------------------------------------------------------------------------
# The forum: 15 libraries. Design facts (schedules, sizes, branches, projects) are fixed; effects
# are drawn from the seed.
# ---------------------------------------------------------------------------------------------
# key, display name, municipality, aliases, consent to be named, branches (name, weight),
# staff n base, patron n base, staff schedule ("yearly", "aggregates" or periods), fieldwork month
LIBRARY_SPECS: list[dict[str, Any]] = [
    {
        "library": "gentofte",
        "display_name": "Gentofte Centralbibliotek",
        "municipality": "Gentofte",
        "aliases": ["Gentofte Bibliotekerne", "Gentofte Bibliotek"],
        "consent_named": True,
        "branches": [
            ("Gentofte Hovedbibliotek", 0.40),
            ("Hellerup Bibliotek", 0.25),
            ("Ordrup Bibliotek", 0.15),
            ("Jægersborg Bibliotek", 0.10),
            ("Vangede Bibliotek", 0.10),
        ],
        "staff_n": 55,
        "patron_n": 600,
        "schedule": "yearly",
        "month": 3,
    },
    {
        "library": "mariagerfjord",
        "display_name": "Mariagerfjord Bibliotekerne",
        "municipality": "Mariagerfjord",
        "aliases": ["Mariagerfjord Bibliotek", "Biblioteket Mariagerfjord"],
        "consent_named": True,
        "branches": [
            ("Hobro Bibliotek", 0.45),
            ("Hadsund Bibliotek", 0.30),
            ("Arden Bibliotek", 0.15),
            ("Mariager Bibliotek", 0.10),
        ],
        "staff_n": 28,
        "patron_n": 280,
        "schedule": "yearly",
        "month": 10,
    },
    {
        "library": "hoeje-taastrup",
        "display_name": "Høje-Taastrup Bibliotekerne",
        "municipality": "Høje-Taastrup",
        "aliases": ["Høje Taastrup Bibliotek", "Hoeje-Taastrup Bibliotekerne"],
        "consent_named": False,
        "branches": [("Taastrup Bibliotek", 0.70), ("Hedehusene Bibliotek", 0.30)],
        "staff_n": 30,
        "patron_n": 300,
        "schedule": "yearly",
        "month": 4,
    },
    {
        "library": "naestved",
        "display_name": "Næstved Bibliotek",
        "municipality": "Næstved",
        "aliases": ["Næstved Bibliotekerne", "Naestved Bibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 40,
        "patron_n": 380,
        "schedule": ["2020", "2022", "2025"],
        "month": 5,
    },
    {
        "library": "rudersdal",
        "display_name": "Rudersdal Bibliotekerne",
        "municipality": "Rudersdal",
        "aliases": ["Rudersdal Bibliotek"],
        "consent_named": True,
        "branches": [
            ("Holte Bibliotek", 0.40),
            ("Birkerød Bibliotek", 0.35),
            ("Nærum Bibliotek", 0.25),
        ],
        "staff_n": 35,
        "patron_n": 380,
        "schedule": "yearly",
        "month": 9,
    },
    {
        "library": "lyngby-taarbaek",
        "display_name": "Lyngby-Taarbæk Bibliotekerne",
        "municipality": "Lyngby-Taarbæk",
        "aliases": ["Lyngby Hovedbibliotek", "Lyngby Bibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 38,
        "patron_n": 400,
        "schedule": "yearly",
        "month": 11,
    },
    {
        "library": "ishoej",
        "display_name": "Ishøj Bibliotek",
        "municipality": "Ishøj",
        "aliases": ["Ishøj Kommunes Bibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 10,
        "patron_n": 110,
        "schedule": "yearly",
        "month": 3,
    },
    {
        "library": "egedal",
        "display_name": "Egedal Bibliotekerne",
        "municipality": "Egedal",
        "aliases": ["Egedal Bibliotek"],
        "consent_named": True,
        "branches": [
            ("Stenløse Bibliotek", 0.45),
            ("Ølstykke Bibliotek", 0.30),
            ("Smørum Bibliotek", 0.25),
        ],
        "staff_n": 24,
        "patron_n": 250,
        "schedule": "yearly",
        "month": 4,
    },
    {
        "library": "glostrup",
        "display_name": "Glostrup Bibliotek",
        "municipality": "Glostrup",
        "aliases": ["Glostrup Kommunes Bibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 12,
        "patron_n": 130,
        "schedule": "yearly",
        "month": 10,
    },
    {
        "library": "gribskov",
        "display_name": "Gribskov Bibliotekerne",
        "municipality": "Gribskov",
        "aliases": ["Gribskov Bibliotek"],
        "consent_named": False,
        "branches": [("Helsinge Bibliotek", 0.55), ("Gilleleje Bibliotek", 0.45)],
        "staff_n": 16,
        "patron_n": 160,
        "schedule": "yearly",
        "month": 5,
    },
    {
        "library": "herlev",
        "display_name": "Herlev Bibliotek",
        "municipality": "Herlev",
        "aliases": ["Herlev Bibliotekerne"],
        "consent_named": False,
        "branches": [],
        "staff_n": 20,
        "patron_n": 200,
        "schedule": ["2021", "2024"],
        "month": 9,
    },
    {
        "library": "ballerup",
        "display_name": "Ballerup Bibliotekerne",
        "municipality": "Ballerup",
        "aliases": ["Ballerup Bibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 32,
        "patron_n": 350,
        "schedule": "aggregates",
        "month": 11,
    },
    {
        "library": "roskilde",
        "display_name": "Roskilde Bibliotekerne",
        "municipality": "Roskilde",
        "aliases": ["Roskilde Bibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 50,
        "patron_n": 500,
        "schedule": ["2020", "2023", "2025"],
        "month": 3,
    },
    {
        "library": "silkeborg",
        "display_name": "Silkeborg Bibliotekerne",
        "municipality": "Silkeborg",
        "aliases": ["Silkeborg Bibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 45,
        "patron_n": 450,
        "schedule": "aggregates",
        "month": 9,
    },
    {
        "library": "vejle",
        "display_name": "Vejle Bibliotekerne",
        "municipality": "Vejle",
        "aliases": ["Vejle Bibliotek", "Vejle Centralbibliotek"],
        "consent_named": False,
        "branches": [],
        "staff_n": 52,
        "patron_n": 550,
        "schedule": "yearly",
        "month": 10,
    },
]

# Library-periods where fewer than 5 staff answered (must be suppressed downstream).
SMALL_STAFF_CELLS: dict[tuple[str, str], int] = {
    ("glostrup", "2021"): 4,
    ("ishoej", "2023"): 3,
    ("gribskov", "2024"): 4,
}
# Aggregates-only libraries that skipped a year.
AGGREGATE_GAPS = {("silkeborg", "2022")}

# One service project per library. latent_effect: shift on the touchpoint item's latent
# scale for patrons answering on or after the start date (0 = no true effect).
PROJECT_SPECS: list[dict[str, Any]] = [
    {
        "library": "gentofte",
        "touchpoint": "counter",
        "title": "Skranken som mødested",
        "start": "2022-08-01",
        "latent_effect": 0.35,
        "description": "Færre køer og mere tid til samtale: én fælles skranke med en vært i åbningstiden.",
        "owner": "Teamleder, Udlån og service",
        "status": "completed",
    },
    {
        "library": "mariagerfjord",
        "touchpoint": "home_delivery",
        "title": "Bogen Kommer med en samtale",
        "start": "2022-03-01",
        "latent_effect": 0.40,
        "description": "Chaufføren får tid til en kort snak og tager ønsker med tilbage til biblioteket.",
        "owner": "Koordinator, Bogen Kommer",
        "status": "completed",
    },
    {
        "library": "hoeje-taastrup",
        "touchpoint": "self_service",
        "title": "Vejledning i selvbetjening ved indgangen",
        "start": "2023-01-01",
        "latent_effect": 0.45,
        "description": "En medarbejder står ved automaterne i de travleste timer og viser, hvordan de bruges.",
        "owner": "Bibliotekar, Borgerservice og bibliotek",
        "status": "active",
    },
    {
        "library": "naestved",
        "touchpoint": "counter",
        "title": "Service med et smil",
        "start": "2022-01-01",
        "latent_effect": 0.0,
        "description": "Kursus i værtskab for alle medarbejdere ved skranken.",
        "owner": "Udviklingskonsulent",
        "status": "completed",
    },
    {
        "library": "rudersdal",
        "touchpoint": "book_a_librarian",
        "title": "Book en bibliotekar online",
        "start": "2022-06-01",
        "latent_effect": 0.35,
        "description": "Booking via hjemmesiden og faste tider om aftenen.",
        "owner": "Faglig leder, Voksne",
        "status": "active",
    },
    {
        "library": "lyngby-taarbaek",
        "touchpoint": "self_service",
        "title": "Nye selvbetjeningsautomater",
        "start": "2023-01-01",
        "latent_effect": 0.0,
        "description": "Udskiftning af automater til nye med dansk og engelsk skærmtekst.",
        "owner": "Driftsansvarlig",
        "status": "completed",
    },
    {
        "library": "ishoej",
        "touchpoint": "counter",
        "title": "Flersproget betjening",
        "start": "2022-06-01",
        "latent_effect": 0.30,
        "description": "Medarbejdere med flere sprog i skranken og skilte på fem sprog.",
        "owner": "Biblioteksleder",
        "status": "active",
    },
    {
        "library": "egedal",
        "touchpoint": "self_service",
        "title": "Åbent bibliotek med værter",
        "start": "2021-09-01",
        "latent_effect": 0.30,
        "description": "Frivillige værter i de selvbetjente timer første halvår.",
        "owner": "Teamleder, Stenløse",
        "status": "completed",
    },
    {
        "library": "glostrup",
        "touchpoint": "counter",
        "title": "Én indgang til hjælp",
        "start": "2023-01-01",
        "latent_effect": 0.0,
        "description": "Borgerservice og bibliotek deler skranke.",
        "owner": "Biblioteksleder",
        "status": "active",
    },
    {
        "library": "gribskov",
        "touchpoint": "home_delivery",
        "title": "Bogen Kommer hver anden uge",
        "start": "2022-01-01",
        "latent_effect": 0.0,
        "description": "Hyppigere levering i hele kommunen.",
        "owner": "Koordinator, Bogen Kommer",
        "status": "completed",
    },
    {
        "library": "herlev",
        "touchpoint": "counter",
        "title": "Spørg os - vi går med dig",
        "start": "2022-01-01",
        "latent_effect": 0.25,
        "description": "Medarbejderne følger låneren hen til hylden i stedet for at pege.",
        "owner": "Teamleder, Service",
        "status": "active",
    },
    {
        "library": "ballerup",
        "touchpoint": "self_service",
        "title": "Selvbetjening for seniorer",
        "start": "2023-01-01",
        "latent_effect": 0.0,
        "description": "Introduktionsmøder om automater og app for borgere over 67.",
        "owner": "Bibliotekar, Voksne",
        "status": "completed",
    },
    {
        "library": "roskilde",
        "touchpoint": "book_a_librarian",
        "title": "Book en bibliotekar til jobsøgning",
        "start": "2022-01-01",
        "latent_effect": 0.0,
        "description": "Faste tider sammen med jobcentret.",
        "owner": "Faglig leder, Læring",
        "status": "active",
    },
    {
        "library": "silkeborg",
        "touchpoint": "counter",
        "title": "Værtskab i hovedbiblioteket",
        "start": "2023-01-01",
        "latent_effect": 0.30,
        "description": "Et synligt værtsteam ved indgangen hele dagen.",
        "owner": "Teamleder, Service",
        "status": "active",
    },
    {
        "library": "vejle",
        "touchpoint": "self_service",
        "title": "Ny app til lån og reservering",
        "start": "2022-06-01",
        "latent_effect": 0.0,
        "description": "Lån, aflevering og reservering fra mobilen.",
        "owner": "Digital koordinator",
        "status": "completed",
    },
]

# Service-declaration targets of the demo: library, touchpoint ('' = overall), measure
# (index | top2 | nps), target, source. A few promises of the kinds libraries write down, set a
# little above where the library stands so that the charts show gaps of both signs.
DEMO_TARGETS: list[dict[str, Any]] = [
    {"library": "gentofte", "touchpoint": "counter", "measure": "index", "target": 88, "source": "Servicedeklaration 2022"},
    {"library": "gentofte", "touchpoint": "", "measure": "nps", "target": 40, "source": "Servicedeklaration 2022"},
    {"library": "mariagerfjord", "touchpoint": "home_delivery", "measure": "top2", "target": 90, "source": "Servicedeklaration for Bogen Kommer"},
    {"library": "hoeje-taastrup", "touchpoint": "self_service", "measure": "index", "target": 85, "source": "Servicemål 2023"},
    {"library": "rudersdal", "touchpoint": "book_a_librarian", "measure": "top2", "target": 90, "source": "Servicedeklaration 2022"},
    {"library": "egedal", "touchpoint": "self_service", "measure": "index", "target": 82, "source": "Servicemål for åbent bibliotek"},
    {"library": "gribskov", "touchpoint": "home_delivery", "measure": "top2", "target": 95, "source": "Servicedeklaration for Bogen Kommer"},
    {"library": "vejle", "touchpoint": "", "measure": "index", "target": 88, "source": "Servicedeklaration 2021"},
]  # fmt: skip

# Smiley terminals: library -> [(branch, terminal id)].
KIOSK_TERMINALS: dict[str, list[tuple[str, str]]] = {
    "gentofte": [
        ("Gentofte Hovedbibliotek", "GEN-01 Indgang"),
        ("Gentofte Hovedbibliotek", "GEN-02 Udlån"),
        ("Hellerup Bibliotek", "HEL-01 Indgang"),
    ],
    "rudersdal": [("Holte Bibliotek", "HOL-01"), ("Birkerød Bibliotek", "BIR-01")],
    "egedal": [("Stenløse Bibliotek", "STE-01")],
    "mariagerfjord": [("Hobro Bibliotek", "HOB-01"), ("Hadsund Bibliotek", "HAD-01")],
    "hoeje-taastrup": [("Taastrup Bibliotek", "TAA-01")],
}
# Staffed hours (start, end) by weekday 0=Monday; unstaffed "åbent bibliotek" hours 8-21 otherwise.
STAFFED_HOURS = {0: (10, 18), 1: (10, 18), 2: (10, 18), 3: (10, 18), 4: (10, 18), 5: (10, 14)}
OPEN_HOURS = (8, 21)

STAFF_FIRST_NAMES = [
    "Mette",
    "Hanne",
    "Lars",
    "Susanne",
    "Anders",
    "Pia",
    "Morten",
    "Camilla",
    "Jesper",
    "Louise",
    "Rasmus",
    "Tina",
    "Kirsten",
    "Søren",
    "Helle",
    "Thomas",
    "Maja",
    "Bente",
]
EMAIL_USERS = [
    "karen",
    "jens.p",
    "anne.m",
    "soeren",
    "lise",
    "peter.h",
    "birgitte",
    "ole",
    "mette.k",
]
EMAIL_DOMAINS = ["gmail.com", "hotmail.com", "mail.dk", "live.dk", "outlook.dk"]

COMMENTS_POSITIVE = [
    "Altid venlig og hjælpsom betjening.",
    "Dejligt bibliotek, jeg kommer her hver uge.",
    "Personalet er imødekommende og ved rigtig meget.",
    "Gode arrangementer og et godt udvalg af bøger.",
    "Rart sted at sidde og læse avis.",
    "Børneafdelingen er fantastisk, mine børn elsker at komme her.",
    # more themes for the comments page: events, digital, rooms, access, quiet, collection
    "Forfatteraftenen i sidste uge var en stor oplevelse.",
    "Appen er nem at bruge, og jeg låner e-bøger på eReolen hver uge.",
    "Skønne studiepladser og et roligt miljø på førstesalen.",
    "Godt med gratis parkering lige ved indgangen.",
    "Personalet er søde, og de har altid tid til en snak.",
    "Tak for en hyggelig læsekreds og gode anbefalinger.",
    "Dejligt med højtlæsning for de små om lørdagen.",
]
COMMENTS_NEGATIVE = [
    "Åbningstiderne passer ikke til mig, der arbejder.",
    "Svært at finde rundt på hylderne efter ombygningen.",
    "For meget larm i læsesalen.",
    "Hjemmesiden er uoverskuelig, og jeg kan ikke finde mine reserveringer.",
    "Jeg savner flere lydbøger og bøger på andre sprog.",
    "Ventelisten på nye krimier er alt for lang.",
    "Appen logger mig ud hele tiden, og wifi'en er ustabil.",
    "Der er for få studiepladser, og det er alt for varmt om sommeren.",
    "Umuligt at finde en parkeringsplads om lørdagen.",
    "Personalet virker stressede og har ikke tid til at hjælpe.",
    "Arrangementerne bliver udsolgt på få minutter.",
    "Der mangler puslebord, og børnehjørnet er slidt.",
]
COMMENTS_TOUCHPOINT = {
    "counter": (
        "Fik hurtig og kompetent hjælp ved skranken.",
        "Der er for lang ventetid ved skranken om eftermiddagen.",
    ),
    "self_service": (
        "Selvbetjeningen fungerer fint og er nem at bruge.",
        "Automaterne driller tit, og der er ingen at spørge.",
    ),
    "home_delivery": (
        "Bogen Kommer er en gave for mig, som ikke selv kan komme på biblioteket.",
        "Bogen Kommer kom en uge for sent sidste gang.",
    ),
    "book_a_librarian": (
        "Min tid med en bibliotekar hjalp mig godt i gang med slægtsforskning.",
        "Det var svært at finde en ledig tid til Book en bibliotekar.",
    ),
}
PII_TEMPLATES = {
    "email": ["Skriv gerne til mig på {x}.", "Kontakt mig på {x}, hvis I vil høre mere."],
    "phone": ["Ring gerne på {x}.", "Mit nummer er {x}, hvis I har spørgsmål."],
    "cpr": ["Mit lånerkort virker ikke, mit cpr er {x}.", "Kan I tjekke min reservering? CPR {x}"],
    "staff_name": [
        "Tak til {x} ved skranken!",
        "{x} var utrolig hjælpsom.",
        "{x} tog sig god tid.",
    ],
}
