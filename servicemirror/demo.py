"""The demo forum: 15 Danish public libraries with a known, documented truth.

:func:`generate` draws a forum from a seeded generative model and WRITES the files a library would
upload (the product's generic long CSV, generic aggregates CSV and kiosk counts CSV). :func:`build_demo`
then loads those files through the ordinary load path (``etl.load.load_file``), never a side door.

The model, every parameter and how to read it on the 0-100 index scale are documented in
``data/demo/README.md``; the parameter values live in :data:`PARAMETERS` and are returned, together
with the realised draws, in ``DemoFiles.truth``.

Latent model (all on the 1-5 answer scale; ``rc`` = round to the nearest scale point and clip)::

    staff    S[j,t] = staff_mu + u[j] + w[j,t],   w[j,t] = v[j,t] + gamma_reverse * e[j,t-1]
             u ~ N(0, staff_sd_library), v ~ N(0, staff_sd_year)
             s_i = S[j,t] + N(0, staff_sd_person);  core_wk = rc(s_i + staff_item_offsets[k] + N(0, staff_sd_item))
    patrons  P[j,t] = patron_mu + a[j] + beta_B * u[j] + beta_W * w[j,t] + e[j,t]
             a ~ N(0, patron_sd_library), e ~ N(0, patron_sd_year)
             y_i = P[j,t] + segment effects + N(0, patron_sd_person);  core_sat = rc(y_i)
             tp_x = rc(y_i + touchpoint_offsets[x] + c[j,x] + project effect + N(0, touchpoint_sd_item))
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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


@dataclass
class DemoFiles:
    """What :func:`generate` wrote and the truth it came from.

    ``paths``: the files in load order (staff and patron files by period, then aggregates, then
    kiosk counts). ``truth``: the generative parameters plus the realised draws (JSON-serialisable).
    ``libraries``: library, display_name, municipality, aliases (list of str), consent_named (bool).
    ``projects``: library, touchpoint, title, start (date), description, owner, expected_effect,
    status, true_effect (expected patron-index points, 0-100, after the start date).
    ``cells``: the true expected indices per library x period (staff_index, patron_index, enps,
    nps on their reporting scales) and the sample sizes written.
    ``reports``: filled by :func:`build_demo` with one load report per file.
    """

    paths: list[Path]
    truth: dict[str, Any]
    libraries: pd.DataFrame
    projects: pd.DataFrame
    cells: pd.DataFrame
    branches: pd.DataFrame
    reports: list[Any] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Expected values of rounded, clipped normal answers (the exact truth on the index scale).
# ---------------------------------------------------------------------------------------------
def _norm_sf(z: np.ndarray) -> np.ndarray:
    erfc = np.vectorize(math.erfc, otypes=[float])
    return 0.5 * erfc(np.asarray(z, dtype=float) / math.sqrt(2.0))


def expected_answer(mu: Any, sd: float, lo: int, hi: int) -> np.ndarray:
    """E[clip(round(X), lo, hi)] for X ~ N(mu, sd): lo + sum over k of P(X >= k + 0.5)."""
    mu = np.asarray(mu, dtype=float)
    cuts = np.arange(lo, hi) + 0.5
    return lo + _norm_sf((cuts[None, :] - mu.reshape(-1, 1)) / sd).sum(axis=1).reshape(mu.shape)


def to_index(mean: Any, lo: float, hi: float) -> Any:
    """index = (mean - min) / (max - min) * 100."""
    return (np.asarray(mean, dtype=float) - lo) / (hi - lo) * 100.0


def _segment_mixture(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(shift, weight, home-delivery answer rate) for the 12 age x visit-frequency segments."""
    eff, share = p["segment_effects"], p["segment_shares"]
    hd = p["touchpoint_answer_rates"]["home_delivery"]
    shifts, weights, hd_rates = [], [], []
    for age, a_eff in eff["age_band"].items():
        for freq, f_eff in eff["visit_frequency"].items():
            shifts.append(a_eff + f_eff)
            weights.append(share["age_band"][age] * share["visit_frequency"][freq])
            hd_rates.append(hd[age])
    return np.array(shifts), np.array(weights), np.array(hd_rates)


def _staff_index_true(S: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    sd = math.hypot(p["staff_sd_person"], p["staff_sd_item"])
    means = [expected_answer(S + off, sd, 1, 5) for off in p["staff_item_offsets"]]
    return to_index(np.mean(means, axis=0), 1, 5)


def _patron_index_true(P: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    shifts, weights, _ = _segment_mixture(p)
    vals = [
        w * expected_answer(P + s, p["patron_sd_person"], 1, 5)
        for s, w in zip(shifts, weights, strict=True)
    ]
    return to_index(np.sum(vals, axis=0), 1, 5)


def _touchpoint_index_true(level: float, tp: str, p: dict[str, Any]) -> float:
    """Expected touchpoint index of a cell whose latent patron mean plus touchpoint effects is level."""
    shifts, weights, hd_rates = _segment_mixture(p)
    w = weights * hd_rates if tp == "home_delivery" else weights
    sd = math.hypot(p["patron_sd_person"], p["touchpoint_sd_item"])
    vals = expected_answer(level + shifts, sd, 1, 5)
    return float(to_index(np.sum(vals * w) / np.sum(w), 1, 5))


def _slope_at(fn, x0: float, h: float = 0.01) -> float:
    """Numerical d fn / dx at x0."""
    return float((fn(np.array([x0 + h])) - fn(np.array([x0 - h])))[0] / (2 * h))


# ---------------------------------------------------------------------------------------------
# Simulation (numbers only; formatting to files is separate so estimates can be simulated fast).
# ---------------------------------------------------------------------------------------------
@dataclass
class _StaffCell:
    library: str
    period: str
    items: np.ndarray  # n x 5, float (NaN = missing)
    enps: np.ndarray  # n, float (NaN = missing)
    submitted: list[str]
    headcount: int
    aggregate: bool


@dataclass
class _PatronCell:
    library: str
    period: str
    sat: np.ndarray  # float, NaN = Ved ikke
    nps: np.ndarray  # float, NaN = missing
    nps_code: np.ndarray  # "" / "blank" / "ved_ikke" reason for a missing NPS
    tp: dict[str, np.ndarray]  # touchpoint -> float answer (NaN = not answered or non-answer)
    tp_code: dict[str, np.ndarray]  # "" answered, "none" not asked, "ved_ikke", "blank"
    sat_code: np.ndarray
    age: list[str]
    freq: list[str]
    branch: list[str]
    submitted: list[str]
    comments: list[str]
    pii: dict[str, int]


@dataclass
class _World:
    seed: int
    staff: list[_StaffCell]
    patrons: list[_PatronCell]
    kiosk: dict[str, pd.DataFrame]
    truth: dict[str, Any]
    cells: pd.DataFrame
    projects: pd.DataFrame
    labels: dict[tuple[str, str, str], str]  # (library, period, side) -> library name in the file


def _rc(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.clip(np.floor(x + 0.5), lo, hi)


def _cell_rng(seed: int, lib_i: int, period_i: int, kind: int) -> np.random.Generator:
    return np.random.default_rng([seed, lib_i, period_i, kind])


def _timestamps(rng: np.random.Generator, year: int, month: int, n: int) -> list[str]:
    days = rng.integers(1, 29, n)
    hours = rng.integers(9, 20, n)
    minutes = rng.integers(0, 60, n)
    return [
        datetime(year, month, int(d), int(h), int(m)).strftime("%Y-%m-%d %H:%M:%S")
        for d, h, m in zip(days, hours, minutes, strict=True)
    ]


def _phone(rng: np.random.Generator) -> str:
    digits = "".join(str(d) for d in [rng.integers(2, 10)] + list(rng.integers(0, 10, 7)))
    style = int(rng.integers(0, 3))
    spaced = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return ["+45 " + spaced, digits, spaced][style]


def _cpr(rng: np.random.Generator) -> str:
    birth = date(1940, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 60)))
    return f"{birth:%d%m%y}-{int(rng.integers(0, 10000)):04d}"


def _email(rng: np.random.Generator) -> str:
    user = EMAIL_USERS[int(rng.integers(len(EMAIL_USERS)))]
    domain = EMAIL_DOMAINS[int(rng.integers(len(EMAIL_DOMAINS)))]
    return f"{user}{int(rng.integers(1, 99))}@{domain}"


def _comment(
    rng: np.random.Generator,
    sat: float,
    answered: list[str],
    names: list[str],
    p: dict[str, Any],
    pii: dict[str, int],
) -> str:
    positive = not (sat == sat) or sat >= 4
    if answered and rng.random() < 0.5:
        tp = answered[int(rng.integers(len(answered)))]
        text = COMMENTS_TOUCHPOINT[tp][0 if positive else 1]
    else:
        pool = COMMENTS_POSITIVE if positive else COMMENTS_NEGATIVE
        text = pool[int(rng.integers(len(pool)))]
    makers = {
        "email": lambda: _email(rng),
        "phone": lambda: _phone(rng),
        "cpr": lambda: _cpr(rng),
        "staff_name": lambda: names[int(rng.integers(len(names)))],
    }
    for kind, rate in p["pii_rates"].items():
        if rng.random() < rate:
            templates = PII_TEMPLATES[kind]
            text += " " + templates[int(rng.integers(len(templates)))].format(x=makers[kind]())
            pii[kind] += 1
    return text


def _simulate(seed: int, with_text: bool = True) -> _World:
    p = PARAMETERS
    rng = np.random.default_rng(seed)
    J, T = len(LIBRARY_SPECS), len(PERIODS)
    keys = [s["library"] for s in LIBRARY_SPECS]

    # Library and library-year effects.
    u = rng.normal(0, p["staff_sd_library"], J)
    a = rng.normal(0, p["patron_sd_library"], J)
    v = rng.normal(0, p["staff_sd_year"], (J, T))
    e_all = rng.normal(0, p["patron_sd_year"], (J, T + 1))  # column 0 = the year before 2020
    e_prev, e = e_all[:, :-1], e_all[:, 1:]
    w = v + p["gamma_reverse"] * e_prev
    S = p["staff_mu"] + u[:, None] + w
    P = p["patron_mu"] + a[:, None] + p["beta_B"] * u[:, None] + p["beta_W"] * w + e
    c = rng.normal(0, p["touchpoint_sd_library"], (J, len(TOUCHPOINTS)))
    names = {k: list(rng.choice(STAFF_FIRST_NAMES, 3, replace=False)) for k in keys}

    projects = {pr["library"]: pr for pr in PROJECT_SPECS}
    staff_cells: list[_StaffCell] = []
    patron_cells: list[_PatronCell] = []
    labels: dict[tuple[str, str, str], str] = {}
    cell_rows = []
    seg = p["segment_effects"]
    ages, age_w = list(seg["age_band"]), np.array(list(p["segment_shares"]["age_band"].values()))
    freqs = list(seg["visit_frequency"])
    freq_w = np.array(list(p["segment_shares"]["visit_frequency"].values()))
    pii_total = {k: 0 for k in p["pii_rates"]}

    for j, spec in enumerate(LIBRARY_SPECS):
        key = spec["library"]
        schedule = spec["schedule"]
        branch_names = [b for b, _ in spec["branches"]]
        branch_w = np.array([bw for _, bw in spec["branches"]])
        pr = projects[key]
        start = date.fromisoformat(pr["start"])
        tp_j = TOUCHPOINTS.index(pr["touchpoint"])
        headcount = round(spec["staff_n"] / 0.8)
        for t, period in enumerate(PERIODS):
            year = int(period)
            for side in ("staff", "patron"):
                lr = _cell_rng(seed, j, t, 9 if side == "staff" else 10)
                label = spec["display_name"]
                if lr.random() < p["alias_file_rate"]:
                    label = spec["aliases"][int(lr.integers(len(spec["aliases"])))]
                labels[(key, period, side)] = label

            # --- staff
            surveyed = (
                schedule == "yearly"
                or (schedule == "aggregates" and (key, period) not in AGGREGATE_GAPS)
                or (isinstance(schedule, list) and period in schedule)
            )
            n_staff = 0
            if surveyed:
                r = _cell_rng(seed, j, t, 1)
                n_staff = SMALL_STAFF_CELLS.get((key, period)) or int(
                    np.clip(round(spec["staff_n"] * r.uniform(0.8, 1.1)), 8, 60)
                )
                s_i = S[j, t] + r.normal(0, p["staff_sd_person"], n_staff)
                offs = np.array(p["staff_item_offsets"])
                noise = r.normal(0, p["staff_sd_item"], (n_staff, len(offs)))
                items = _rc(s_i[:, None] + offs[None, :] + noise, 1, 5)
                enps = _rc(
                    p["enps_intercept"]
                    + p["enps_slope"] * (s_i - p["staff_mu"])
                    + r.normal(0, p["enps_sd"], n_staff),
                    0,
                    10,
                )
                items[r.random(items.shape) < p["staff_missing_rate"]] = np.nan
                enps[r.random(n_staff) < p["staff_missing_rate"]] = np.nan
                staff_cells.append(
                    _StaffCell(
                        key,
                        period,
                        items,
                        enps,
                        _timestamps(r, year, 2 + int(r.integers(0, 2)), n_staff)
                        if with_text
                        else [],
                        headcount,
                        schedule == "aggregates",
                    )
                )

            # --- patrons
            r = _cell_rng(seed, j, t, 2)
            n_pat = int(np.clip(round(spec["patron_n"] * r.uniform(0.8, 1.2)), 100, 800))
            age_i = r.choice(len(ages), n_pat, p=age_w)
            freq_i = r.choice(len(freqs), n_pat, p=freq_w)
            shift = np.array([seg["age_band"][ages[i]] for i in age_i]) + np.array(
                [seg["visit_frequency"][freqs[i]] for i in freq_i]
            )
            y = P[j, t] + shift + r.normal(0, p["patron_sd_person"], n_pat)
            sat = _rc(y, 1, 5)
            sat_code = np.where(r.random(n_pat) < p["ved_ikke_rate"]["core_sat"], "ved_ikke", "")
            sat[sat_code != ""] = np.nan
            nps = _rc(
                p["nps_intercept"]
                + p["nps_slope"] * (y - p["patron_mu"])
                + r.normal(0, p["nps_sd"], n_pat),
                0,
                10,
            )
            u_nps = r.random(n_pat)
            nps_code = np.where(
                u_nps < p["ved_ikke_rate"]["core_nps"],
                "ved_ikke",
                np.where(
                    u_nps < p["ved_ikke_rate"]["core_nps"] + p["blank_rate"]["core_nps"],
                    "blank",
                    "",
                ),
            )
            nps[nps_code != ""] = np.nan
            after = (date(year, spec["month"], 1) >= start) and pr["latent_effect"] != 0
            tp_vals, tp_codes = {}, {}
            rates = p["touchpoint_answer_rates"]
            for k, tp in enumerate(TOUCHPOINTS):
                rate = (
                    np.array([rates[tp][ages[i]] for i in age_i])
                    if isinstance(rates[tp], dict)
                    else np.full(n_pat, rates[tp])
                )
                asked = r.random(n_pat) < rate
                lift = pr["latent_effect"] if (after and k == tp_j) else 0.0
                val = _rc(
                    y
                    + p["touchpoint_offsets"][tp]
                    + c[j, k]
                    + lift
                    + r.normal(0, p["touchpoint_sd_item"], n_pat),
                    1,
                    5,
                )
                u_tp = r.random(n_pat)
                vi, bl = p["ved_ikke_rate"]["touchpoint"], p["blank_rate"]["touchpoint"]
                code = np.where(
                    ~asked,
                    "none",
                    np.where(u_tp < vi, "ved_ikke", np.where(u_tp < vi + bl, "blank", "")),
                )
                val[code != ""] = np.nan
                tp_vals[tp], tp_codes[tp] = val, code

            comments = [""] * n_pat
            pii = {kind: 0 for kind in p["pii_rates"]}
            submitted: list[str] = []
            age_s: list[str] = []
            freq_s: list[str] = []
            branch_s: list[str] = [""] * n_pat
            if with_text:
                submitted = _timestamps(r, year, spec["month"], n_pat)
                unstated = r.random(n_pat) < p["segment_unstated_rate"]
                age_s = ["" if unstated[i] else ages[age_i[i]] for i in range(n_pat)]
                freq_s = ["" if unstated[i] else freqs[freq_i[i]] for i in range(n_pat)]
                if branch_names:
                    branch_s = [
                        branch_names[b] for b in r.choice(len(branch_names), n_pat, p=branch_w)
                    ]
                wants = r.random(n_pat) < p["comment_rate"]
                for i in np.flatnonzero(wants):
                    answered = [tp for tp in TOUCHPOINTS if tp_codes[tp][i] == ""]
                    comments[i] = _comment(r, sat[i], answered, names[key], p, pii)
                for kind in pii:
                    pii_total[kind] += pii[kind]
            patron_cells.append(
                _PatronCell(
                    key, period, sat, nps, nps_code, tp_vals, tp_codes, sat_code,
                    age_s, freq_s, branch_s, submitted, comments, pii,
                )
            )  # fmt: skip
            cell_rows.append(
                {
                    "library": key,
                    "period": period,
                    "staff_latent": float(S[j, t]),
                    "patron_latent": float(P[j, t]),
                    "staff_index": float(_staff_index_true(np.array([S[j, t]]), p)[0]),
                    "patron_index": float(_patron_index_true(np.array([P[j, t]]), p)[0]),
                    "u": float(u[j]),
                    "a": float(a[j]),
                    "w": float(w[j, t]),
                    "e": float(e[j, t]),
                    "n_staff": n_staff,
                    "staff_source": (
                        "aggregates"
                        if (surveyed and schedule == "aggregates")
                        else "rows"
                        if surveyed
                        else ""
                    ),
                    "n_patron": n_pat,
                }
            )

    cells = pd.DataFrame(cell_rows)
    proj_rows = []
    for pr in PROJECT_SPECS:
        j = keys.index(pr["library"])
        k = TOUCHPOINTS.index(pr["touchpoint"])
        start = date.fromisoformat(pr["start"])
        month = LIBRARY_SPECS[j]["month"]
        post = [t for t, per in enumerate(PERIODS) if date(int(per), month, 1) >= start]
        effects = []
        for t in post:
            level = P[j, t] + p["touchpoint_offsets"][pr["touchpoint"]] + c[j, k]
            effects.append(
                _touchpoint_index_true(level + pr["latent_effect"], pr["touchpoint"], p)
                - _touchpoint_index_true(level, pr["touchpoint"], p)
            )
        true_effect = round(float(np.mean(effects)), 2) if effects else 0.0
        proj_rows.append(
            {
                "library": pr["library"],
                "touchpoint": pr["touchpoint"],
                "title": pr["title"],
                "start": start,
                "description": pr["description"],
                "owner": pr["owner"],
                "expected_effect": (
                    f"Højere tilfredshed med {pr['touchpoint'].replace('_', ' ')} (mål: +5 indekspoint)"
                ),
                "status": pr["status"],
                "true_effect": true_effect,
                "latent_effect": pr["latent_effect"],
                "periods_before": len(PERIODS) - len(post),
                "periods_after": len(post),
            }
        )
    projects_df = pd.DataFrame(proj_rows)

    truth = _truth(seed, cells, projects_df, names, c, pii_total)
    kiosk = _kiosk(seed, P, keys) if with_text else {}
    return _World(seed, staff_cells, patron_cells, kiosk, truth, cells, projects_df, labels)


def _truth(
    seed: int,
    cells: pd.DataFrame,
    projects: pd.DataFrame,
    names: dict[str, list[str]],
    c: np.ndarray,
    pii_total: dict[str, int],
) -> dict[str, Any]:
    p = PARAMETERS
    staff_slope = _slope_at(lambda x: _staff_index_true(x, p), p["staff_mu"])
    patron_slope = _slope_at(lambda x: _patron_index_true(x, p), p["patron_mu"])
    lib = cells.groupby("library", sort=False)[["staff_index", "patron_index"]].mean()
    r_true = float(np.corrcoef(lib["staff_index"], lib["patron_index"])[0, 1])
    truth: dict[str, Any] = {"seed": seed, "periods": list(PERIODS)}
    truth.update(json.loads(json.dumps(p)))
    truth.update(
        {
            "index_per_latent_staff": round(staff_slope, 3),
            "index_per_latent_patron": round(patron_slope, 3),
            "beta_B_index": round(p["beta_B"] * patron_slope / staff_slope, 3),
            "beta_W_index": round(p["beta_W"] * patron_slope / staff_slope, 3),
            "gamma_reverse_index": round(p["gamma_reverse"] * staff_slope / patron_slope, 3),
            "staff_schedule": {
                s["library"]: s["schedule"]
                if isinstance(s["schedule"], str)
                else list(s["schedule"])
                for s in LIBRARY_SPECS
            },
            "aggregates_only": [
                s["library"] for s in LIBRARY_SPECS if s["schedule"] == "aggregates"
            ],
            "small_staff_cells": [
                {"library": k, "period": per, "n": n} for (k, per), n in SMALL_STAFF_CELLS.items()
            ],
            "staff_first_names": names,
            "library_effects": {
                key: {
                    "u": round(float(g["u"].iloc[0]), 4),
                    "a": round(float(g["a"].iloc[0]), 4),
                    "touchpoint_effects": {
                        tp: round(float(c[j, k]), 4) for k, tp in enumerate(TOUCHPOINTS)
                    },
                    "staff_index_mean": round(float(g["staff_index"].mean()), 2),
                    "patron_index_mean": round(float(g["patron_index"].mean()), 2),
                }
                for j, (key, g) in enumerate(cells.groupby("library", sort=False))
            },
            "true_cells": [
                {
                    "library": row.library,
                    "period": row.period,
                    "w": round(row.w, 4),
                    "e": round(row.e, 4),
                    "staff_index": round(row.staff_index, 2),
                    "patron_index": round(row.patron_index, 2),
                }
                for row in cells.itertuples()
            ],
            "r_true_library": round(r_true, 3),
            "projects": [
                {
                    "library": row.library,
                    "touchpoint": row.touchpoint,
                    "start": row.start.isoformat(),
                    "latent_effect": row.latent_effect,
                    "true_effect": row.true_effect,
                }
                for row in projects.itertuples()
            ],
            "pii_counts": dict(pii_total),
        }
    )
    return truth


def _kiosk(seed: int, P: np.ndarray, keys: list[str]) -> dict[str, pd.DataFrame]:
    p = PARAMETERS
    first, last = (date.fromisoformat(d) for d in p["kiosk_days"])
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    cuts = np.array(p["kiosk_cuts"])
    rates = p["kiosk_rate_per_hour"]
    out: dict[str, pd.DataFrame] = {}
    for key, terminals in KIOSK_TERMINALS.items():
        j = keys.index(key)
        level = P[j, PERIODS.index("2025")] - p["patron_mu"]
        rows = []
        for ti, (branch, terminal) in enumerate(terminals):
            r = np.random.default_rng([seed, j, ti, 7])
            for day in days:
                staffed = STAFFED_HOURS.get(day.weekday())
                for hour in range(*OPEN_HOURS):
                    is_staffed = staffed is not None and staffed[0] <= hour < staffed[1]
                    if is_staffed:
                        lam = rates["staffed_saturday" if day.weekday() == 5 else "staffed_weekday"]
                    else:
                        lam = rates["unstaffed"]
                    total = int(r.poisson(lam))
                    if total == 0:
                        continue
                    mu = p["kiosk_mu"] + p["kiosk_slope"] * level
                    mu -= 0 if is_staffed else p["kiosk_unstaffed_penalty"]
                    latent = r.normal(mu, 1.0, total)
                    buttons = 1 + (latent[:, None] > cuts[None, :]).sum(axis=1)
                    counts = np.bincount(buttons, minlength=5)[1:]
                    for b in range(4):
                        if counts[b]:
                            rows.append(
                                (branch, terminal, day.isoformat(), hour, b + 1, int(counts[b]))
                            )
        df = pd.DataFrame(rows, columns=["branch", "terminal", "date", "hour", "button", "n"])
        df.insert(0, "library", LIBRARY_SPECS[j]["display_name"])
        df.insert(5, "question", KIOSK_QUESTION)
        out[key] = df[KIOSK_COLUMNS]
    return out


# ---------------------------------------------------------------------------------------------
# Writing the files.
# ---------------------------------------------------------------------------------------------
def _fmt_num(x: np.ndarray) -> np.ndarray:
    return np.array(["" if v != v else str(int(v)) for v in x], dtype=object)


def _staff_long(cell: _StaffCell, label: str, ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    parts = []
    for k, item in enumerate([*STAFF_ITEMS, "core_enps"]):
        construct, lo, hi, _ = ITEMS[item]
        vals = cell.items[:, k] if k < len(STAFF_ITEMS) else cell.enps
        parts.append(
            pd.DataFrame(
                {
                    "_r": np.arange(n),
                    "_k": k,
                    "respondent_id": ids,
                    "item": item,
                    "value": _fmt_num(vals),
                    "submitted_at": cell.submitted,
                    "scale_min": str(lo),
                    "scale_max": str(hi),
                    "construct": construct,
                }
            )
        )
    df = pd.concat(parts, ignore_index=True).sort_values(["_r", "_k"], kind="stable")
    df["library"] = label
    df["period"] = cell.period
    df["respondent_type"] = "staff"
    df["branch"] = ""
    df["touchpoint"] = ""
    df["comment"] = ""
    return df[LONG_COLUMNS]


def _patron_long(cell: _PatronCell, label: str, ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    idx = np.arange(n)
    parts = []

    def part(k: int, item: str, mask: np.ndarray, value: np.ndarray, comment: Any = "") -> None:
        construct, lo, hi, tp = ITEMS.get(item, ("comment", "", "", None))
        parts.append(
            pd.DataFrame(
                {
                    "_r": idx[mask],
                    "_k": k,
                    "item": item,
                    "value": value[mask],
                    "touchpoint": tp or "",
                    "scale_min": str(lo),
                    "scale_max": str(hi),
                    "construct": construct,
                    "comment": comment if isinstance(comment, str) else comment[mask],
                }
            )
        )

    def coded(vals: np.ndarray, code: np.ndarray) -> np.ndarray:
        out = _fmt_num(vals)
        out[code == "ved_ikke"] = VED_IKKE
        return out

    everyone = np.ones(n, dtype=bool)
    part(0, "core_sat", everyone, coded(cell.sat, cell.sat_code))
    part(1, "core_nps", everyone, coded(cell.nps, cell.nps_code))
    for k, tp in enumerate(TOUCHPOINTS):
        code = cell.tp_code[tp]
        part(2 + k, TOUCHPOINT_ITEMS[tp], code != "none", coded(cell.tp[tp], code))
    comments = np.array(cell.comments, dtype=object)
    part(9, "comment", comments != "", np.full(n, "", dtype=object), comments)
    df = pd.concat(parts, ignore_index=True).sort_values(["_r", "_k"], kind="stable")
    r = df["_r"].to_numpy()
    df["library"] = label
    df["period"] = cell.period
    df["respondent_type"] = "patron"
    df["respondent_id"] = np.array(ids, dtype=object)[r]
    df["branch"] = np.array(cell.branch, dtype=object)[r]
    df["submitted_at"] = np.array(cell.submitted, dtype=object)[r]
    df["age_band"] = np.array(cell.age, dtype=object)[r]
    df["visit_frequency"] = np.array(cell.freq, dtype=object)[r]
    return df[LONG_COLUMNS + SEGMENT_COLUMNS]


def _aggregates(cells: list[_StaffCell], label: str) -> pd.DataFrame:
    rows = []
    for cell in cells:
        for k, item in enumerate([*STAFF_ITEMS, "core_enps"]):
            construct, lo, hi, _ = ITEMS[item]
            vals = cell.items[:, k] if k < len(STAFF_ITEMS) else cell.enps
            vals = vals[~np.isnan(vals)]
            rows.append(
                {
                    "library": label,
                    "period": cell.period,
                    "respondent_type": "staff",
                    "item": item,
                    "n": len(vals),
                    "mean": f"{vals.mean():.2f}",
                    "sd": f"{vals.std(ddof=1):.2f}",
                    "scale_min": lo,
                    "scale_max": hi,
                    "construct": construct,
                    "branch": "",
                    "response_rate": f"{len(cell.items) / cell.headcount:.2f}",
                }
            )
    return pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def generate(seed: int, out_dir: Path, *, split: str = "library") -> DemoFiles:
    """Draw the demo forum from ``seed`` and write its upload files under ``out_dir``.

    Deterministic: the same seed writes byte-identical files. Files (UTF-8, comma, header):
    generic long CSV per library (``split="library"``, the default: each file is the survey
    tool's export of all years, ``staff/<library>-medarbejdere.csv`` and
    ``patrons/<library>-brugere.csv``) or per library and year (``split="year"``:
    ``staff/<period>-<library>-medarbejdere.csv``, ``patrons/<period>-<library>-brugere.csv``);
    patron files add the segment columns age_band, visit_frequency. Then
    ``aggregates/<library>-trivsel-rapport.csv`` (generic aggregates CSV, the aggregates-only
    libraries) and ``kiosk/<library>-smiley.csv`` (kiosk counts). Both splits hold the same rows
    and respondent ids. ``truth.json`` beside them holds ``DemoFiles.truth``; it is not an upload
    and not in ``paths``.
    """
    if split not in ("library", "year"):
        raise ValueError(f"split must be 'library' or 'year', not {split!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = _simulate(seed)
    staff_by = {(c.library, c.period): c for c in world.staff}
    patron_by = {(c.library, c.period): c for c in world.patrons}

    # Respondent ids: unique across the forum, assigned in one fixed order whatever the split.
    counters = {"staff": 0, "patron": 0}
    frames: dict[tuple[str, str, str], pd.DataFrame] = {}
    for period in PERIODS:
        for spec in LIBRARY_SPECS:
            key = spec["library"]
            for side, cell in (
                ("staff", staff_by.get((key, period))),
                ("patron", patron_by[(key, period)]),
            ):
                if cell is None or (side == "staff" and cell.aggregate):
                    continue
                n = len(cell.items) if side == "staff" else len(cell.sat)
                prefix = "M" if side == "staff" else "B"
                first = counters[side] + 1
                counters[side] += n
                ids = [f"{prefix}{seed % 1000:03d}{i:06d}" for i in range(first, first + n)]
                if split == "library":
                    label = world.labels[(key, PERIODS[0], side)]
                else:
                    label = world.labels[(key, period, side)]
                build = _staff_long if side == "staff" else _patron_long
                frames[(key, period, side)] = build(cell, label, ids)

    paths: list[Path] = []
    folder = {"staff": ("staff", "medarbejdere"), "patron": ("patrons", "brugere")}
    if split == "year":
        for period in PERIODS:
            for spec in LIBRARY_SPECS:
                for side in ("staff", "patron"):
                    df = frames.get((spec["library"], period, side))
                    if df is not None:
                        sub, word = folder[side]
                        name = f"{period}-{spec['library']}-{word}.csv"
                        paths.append(_write_csv(df, out_dir / sub / name))
    else:
        for side in ("staff", "patron"):
            for spec in LIBRARY_SPECS:
                parts = [frames[k] for k in frames if k[0] == spec["library"] and k[2] == side]
                if parts:
                    sub, word = folder[side]
                    name = f"{spec['library']}-{word}.csv"
                    paths.append(
                        _write_csv(pd.concat(parts, ignore_index=True), out_dir / sub / name)
                    )
    for spec in LIBRARY_SPECS:
        if spec["schedule"] == "aggregates":
            key = spec["library"]
            cells = [c for c in world.staff if c.library == key]
            df = _aggregates(cells, spec["display_name"])
            paths.append(_write_csv(df, out_dir / "aggregates" / f"{key}-trivsel-rapport.csv"))
    for key, df in world.kiosk.items():
        paths.append(_write_csv(df, out_dir / "kiosk" / f"{key}-smiley.csv"))
    (out_dir / "truth.json").write_text(
        json.dumps(world.truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return DemoFiles(
        paths=paths,
        truth=world.truth,
        libraries=libraries_frame(),
        projects=world.projects.drop(columns=["latent_effect", "periods_before", "periods_after"]),
        cells=world.cells,
        branches=branches_frame(),
    )


def libraries_frame() -> pd.DataFrame:
    """The 15 demo libraries: library, display_name, municipality, aliases, consent_named."""
    return pd.DataFrame(
        [
            {
                "library": s["library"],
                "display_name": s["display_name"],
                "municipality": s["municipality"],
                "aliases": list(s["aliases"]),
                "consent_named": bool(s["consent_named"]),
            }
            for s in LIBRARY_SPECS
        ]
    )


def branches_frame() -> pd.DataFrame:
    """The demo branches (filialer): library, branch (display name)."""
    return pd.DataFrame(
        [{"library": s["library"], "branch": b} for s in LIBRARY_SPECS for b, _ in s["branches"]],
        columns=["library", "branch"],
    )


def build_demo(db_path: Path, seed: int = 2011, *, split: str = "library") -> DemoFiles:
    """Generate the demo forum in a temporary folder and load every file through ``etl.load``.

    ``etl.load`` is imported here, not at module level, so that :func:`generate` stays usable
    without the database layer (tests, README figures). The returned ``paths`` pointed into the
    temporary folder, which is gone afterwards; ``reports`` holds one load report per file.
    """
    from servicemirror.etl import load as etl_load

    with tempfile.TemporaryDirectory(prefix="servicemirror-demo-") as tmp:
        files = generate(seed, Path(tmp), split=split)
        etl_load.register_libraries(db_path, files.libraries)
        # the staff first names the comments mention: scrubbed on load like a library's name list
        etl_load.set_setting(db_path, "comment_names", ",".join(files.truth["staff_first_names"]))
        for path in files.paths:
            files.reports.append(etl_load.load_file(db_path, path, loaded_by="demo"))
        # the forum's projects and service declarations, through the ordinary writers
        etl_load.add_projects(
            db_path,
            [
                {
                    "library": pr.library,
                    "touchpoint": pr.touchpoint,
                    "title": pr.title,
                    "start": pr.start,
                    "description": pr.description,
                    "owner": pr.owner,
                    "expected_effect": pr.expected_effect,
                    "status": pr.status,
                }
                for pr in files.projects.itertuples()
            ],
        )
        etl_load.set_targets(db_path, pd.DataFrame(DEMO_TARGETS))
    return files


# ---------------------------------------------------------------------------------------------
# Expected values of the main estimates (simulated; quoted in data/demo/README.md).
# ---------------------------------------------------------------------------------------------
def observed_cells(world: _World, k: int = 5) -> pd.DataFrame:
    """Sample staff and patron indices per library-period as the product would compute them.

    Staff index: mean of the five wellbeing item means on 0-100 (cells with n < k left out);
    patron index: core_sat mean on 0-100.
    """
    staff = {
        (c.library, c.period): (
            float(to_index(np.nanmean(np.nanmean(c.items, axis=0)), 1, 5)),
            len(c.items),
        )
        for c in world.staff
    }
    rows = []
    for c in world.patrons:
        s_idx, n_s = staff.get((c.library, c.period), (np.nan, 0))
        rows.append(
            {
                "library": c.library,
                "period": c.period,
                "staff_index": s_idx if n_s >= k else np.nan,
                "n_staff": n_s,
                "patron_index": float(to_index(np.nanmean(c.sat), 1, 5)),
                "patron_satisfied": float(np.nanmean(c.sat[~np.isnan(c.sat)] >= 4)),
            }
        )
    return pd.DataFrame(rows)


def published_cells(world: _World, k: int = 5) -> pd.DataFrame:
    """The analysis cells the product would publish for ``world``, computed without a database.

    The exact equivalent of ``queries/cells.sql`` -> ``publish.suppress`` ->
    ``battery.analysis_cells`` for the two pre-declared analyses (staff wellbeing and the overall
    patron satisfaction; touchpoint cells are not built). Used by ``bench/demo_coverage.py`` to
    run hundreds of demo seeds without loading files; ``tests/test_demo_coverage.py`` checks it
    against a real :func:`build_demo` database to 1e-9.

    - Staff from rows: a person's score is the mean of their answered wellbeing items on 0-100;
      the cell mean is the unweighted mean over persons with at least one answer (not the mean of
      item means: the two differ when answers are missing), ``ss_within`` = sum of squared
      deviations of the person scores.
    - Staff from vendor aggregates: each item mean as written in the file (2 decimals), rescaled,
      averaged over the five items; n = the largest item n; ``ss_within`` unknown (NaN), because a
      multi-item aggregate has no person-level spread.
    - Staff cells with n < k are left out (the anonymity rule; no complementary suppression is
      needed because demo staff files have no branches or touchpoints).
    - Patrons: ``core_sat`` on 0-100 over non-missing answers ("Ved ikke" is missing).

    Returns the ``cells`` input contract: library, period, side, n, mean, ss_within,
    touchpoint (None), sorted like the product's.
    """
    rows = []
    for c in world.staff:
        if c.aggregate:
            means, ns = [], []
            for col in range(c.items.shape[1]):
                vals = c.items[:, col]
                vals = vals[~np.isnan(vals)]
                # the vendor report carries the mean rounded to 2 decimals (see _aggregates)
                means.append(float(to_index(float(f"{vals.mean():.2f}"), 1, 5)))
                ns.append(len(vals))
            n, mean, ss = max(ns), float(np.mean(means)), np.nan
        else:
            answered = ~np.isnan(c.items)
            has = answered.any(axis=1)
            score = to_index(np.nanmean(c.items[has], axis=1), 1, 5)
            n, mean = int(has.sum()), float(score.mean())
            ss = float(((score - mean) ** 2).sum())
        if n >= k:
            rows.append(("staff", c.library, c.period, n, mean, ss))
    for c in world.patrons:
        score = to_index(c.sat[~np.isnan(c.sat)], 1, 5)
        mean = float(score.mean())
        rows.append(
            ("patron", c.library, c.period, len(score), mean, float(((score - mean) ** 2).sum()))
        )
    out = pd.DataFrame(rows, columns=["side", "library", "period", "n", "mean", "ss_within"])
    out["touchpoint"] = None
    out = out.sort_values(["side", "library", "period"], ignore_index=True)
    return out[["library", "period", "side", "n", "mean", "ss_within", "touchpoint"]]


def _within_slope(x: pd.Series, y: pd.Series, groups: pd.Series) -> float:
    d = pd.DataFrame({"x": x, "y": y, "g": groups}).dropna()
    d = d[d.groupby("g")["x"].transform("size") >= 2]
    xd = d["x"] - d.groupby("g")["x"].transform("mean")
    yd = d["y"] - d.groupby("g")["y"].transform("mean")
    return float((xd * yd).sum() / (xd * xd).sum())


def estimates(world: _World) -> dict[str, float]:
    """The main estimates on one simulated forum (library-level r, within slope, lags)."""
    obs = observed_cells(world)
    matched = obs.dropna(subset=["staff_index"])
    lib = matched.groupby("library")[["staff_index", "patron_index"]].mean()
    obs = obs.sort_values(["library", "period"])
    g = obs.groupby("library")
    obs["patron_prev"] = g["patron_index"].shift(1)
    obs["staff_prev"] = g["staff_index"].shift(1)
    return {
        "r_library": float(np.corrcoef(lib["staff_index"], lib["patron_index"])[0, 1]),
        "r_true_library": world.truth["r_true_library"],
        "within_slope": _within_slope(
            matched["staff_index"], matched["patron_index"], matched["library"]
        ),
        "reverse_lag_slope": _within_slope(obs["patron_prev"], obs["staff_index"], obs["library"]),
        "forward_lag_slope": _within_slope(obs["staff_prev"], obs["patron_index"], obs["library"]),
        "patron_index_mean": float(obs["patron_index"].mean()),
        "patron_satisfied": float(obs["patron_satisfied"].mean()),
        "patron_index_sd_between": float(obs.groupby("library")["patron_index"].mean().std()),
        "staff_index_mean": float(matched["staff_index"].mean()),
        "staff_index_sd_between": float(lib["staff_index"].std()),
        "matched_libraries": float(len(lib)),
        "matched_cells": float(len(matched)),
    }


def expected_estimates(seeds: range | list[int]) -> pd.DataFrame:
    """One row of :func:`estimates` per seed (numbers only, no files written)."""
    return pd.DataFrame([{"seed": s, **estimates(_simulate(s, with_text=False))} for s in seeds])


def simulate_world(seed: int, *, with_text: bool = True) -> _World:
    """The full in-memory simulation behind :func:`generate` (for tests and README figures).

    ``with_text=False`` skips timestamps, segments, branches, comments and kiosk counts (every
    number an analysis uses is identical: those draws come last in each cell's own generator),
    which makes a seed several times cheaper for simulation studies.
    """
    return _simulate(seed, with_text=with_text)


def truth_markdown(truth: dict[str, Any]) -> str:
    """The realised truth of one seed as Markdown (the generated block of data/demo/README.md)."""
    lines = [
        f"Seed {truth['seed']}. Derived conversions: one latent point = "
        f"{truth['index_per_latent_staff']} staff-index points and "
        f"{truth['index_per_latent_patron']} patron-index points at the forum means, so "
        f"beta_B_index = {truth['beta_B_index']}, beta_W_index = {truth['beta_W_index']} "
        f"(patron-index points per staff-index point) and gamma_reverse_index = "
        f"{truth['gamma_reverse_index']} (staff-index points per patron-index point).",
        "",
        f"r_true_library (Pearson r of the true library means over all 6 periods) = "
        f"{truth['r_true_library']}.",
        "",
        "| library | u (staff) | a (patron) | true staff index | true patron index | staff data |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, eff in truth["library_effects"].items():
        schedule = truth["staff_schedule"][key]
        schedule = schedule if isinstance(schedule, str) else ", ".join(schedule)
        lines.append(
            f"| {key} | {eff['u']:+.3f} | {eff['a']:+.3f} | {eff['staff_index_mean']:.1f} "
            f"| {eff['patron_index_mean']:.1f} | {schedule} |"
        )
    lines += [
        "",
        "| project library | touchpoint | start | latent_effect | true_effect (index points) |",
        "|---|---|---|---:|---:|",
    ]
    for pr in truth["projects"]:
        lines.append(
            f"| {pr['library']} | {pr['touchpoint']} | {pr['start']} | {pr['latent_effect']:.2f} "
            f"| {pr['true_effect']:.2f} |"
        )
    small = ", ".join(
        f"{c['library']} {c['period']} (n = {c['n']})" for c in truth["small_staff_cells"]
    )
    pii = ", ".join(f"{k} {v}" for k, v in truth["pii_counts"].items())
    lines += ["", f"Staff cells below k = 5: {small}.", "", f"Comments with personal data: {pii}."]
    return "\n".join(lines) + "\n"
