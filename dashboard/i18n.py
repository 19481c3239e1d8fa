"""Every user-facing text of the dashboard, Danish (default) and English, in one place.

The names of codes (services, constructs, segments, formats, statuses) and the texts the core
writes itself live in the one label table, ``servicemirror.core.labels``; the page texts here extend it.
"""

from __future__ import annotations

import numbers

import pandas as pd

from servicemirror.core import labels
from servicemirror.core.labels import DEFAULT_LANGUAGE, LANGUAGES, number

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "TEXT",
    "coded",
    "labels",
    "number",
    "stored_table",
    "t",
    "table",
]

# Streamlit's own English texts (file picker, chart menu, chart description) -> Danish; app.py
# hands them to dashboard/language.js, since Streamlit has no setting for them.
STREAMLIT_WORDS = {
    "Drag and drop a file here": "Træk og slip en fil her",
    "Drag and drop files here": "Træk og slip filer her",
    "Upload": "Vælg fil",
    "Add files": "Tilføj filer",
    "Show data": "Vis tallene",
    "Download as PNG": "Hent som PNG",
    "Download as SVG": "Hent som SVG",
    "View fullscreen": "Vis i fuld skærm",
    "Exit fullscreen": "Luk fuld skærm",
    "Vega visualization": "Figur",
    "Download as CSV": "Hent som CSV",
    "Search": "Søg",
    "Fullscreen": "Fuld skærm",
}

TEXT: dict[str, dict[str, str]] = {
    **labels.TEXT,
    "app_title": {"da": "Servicespejlet", "en": "Service Mirror"},
    "language": {"da": "Sprog", "en": "Language"},
    "local_mode": {
        "da": "Lokal tilstand: én bruger, intet login, ingen netværk.",
        "en": "Local mode: single user, no log-in, no network.",
    },
    "server_mode": {
        "da": "Logget ind som {name} ({role}).",
        "en": "Signed in as {name} ({role}).",
    },
    "role_admin": {"da": "administrator", "en": "administrator"},
    "role_manager": {"da": "leder af {library}", "en": "manager of {library}"},
    "role_forum": {"da": "forumvisning", "en": "forum view"},
    "sign_in_title": {"da": "Log ind på Servicespejlet", "en": "Sign in to Service Mirror"},
    "sign_in_sso": {"da": "Log ind med kommunens login", "en": "Sign in with the municipal log-in"},
    "username": {"da": "Brugernavn", "en": "User name"},
    "password": {"da": "Adgangskode", "en": "Password"},
    "sign_in_button": {"da": "Log ind", "en": "Sign in"},
    "sign_out": {"da": "Log ud", "en": "Sign out"},
    "sign_in_failed": {
        "da": "Forkert brugernavn eller adgangskode.",
        "en": "Wrong user name or password.",
    },
    "sign_in_paused": {
        "da": "For mange forkerte forsøg. Vent fem minutter, og prøv igen.",
        "en": "Too many wrong attempts. Wait five minutes and try again.",
    },
    "sign_in_no_role": {
        "da": "{who} er logget ind, men har ingen adgang til Servicespejlet. Bed en administrator "
        "om at oprette dig (servicemirror users add).",
        "en": "{who} is signed in but has no access to Service Mirror. Ask an administrator to add "
        "you (servicemirror users add).",
    },
    "sign_in_not_set_up": {
        "da": "Serveren har hverken kommunalt login eller en brugerfil. En administrator opretter "
        "brugere med kommandoen `servicemirror users add`.",
        "en": "This server has neither a municipal log-in nor a user file. An administrator adds "
        "users with the command `servicemirror users add`.",
    },
    "page_overview": {"da": "Overblik", "en": "Overview"},
    "upload_not_allowed": {
        "da": "Kun administratorer og bibliotekets ledere kan indlæse data.",
        "en": "Only administrators and library managers can load data.",
    },
    "overview_title": {
        "da": "Medarbejdertrivsel og borgertilfredshed",
        "en": "Staff wellbeing vs patron satisfaction",
    },
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
    # --- Overview, Library, Services and Data quality pages (views/overview.py, library.py,
    # services.py, data_quality.py) and the shared frame ---
    "page_library": {"da": "Bibliotek", "en": "Library"},
    "page_services": {"da": "Tjenester", "en": "Services"},
    "page_quality": {"da": "Datakvalitet", "en": "Data quality"},
    "show_names": {"da": "Vis bibliotekernes navne", "en": "Show library names"},
    "show_names_help": {
        "da": "Kun for dig som leder på din egen maskine. Slå fra, før skærmen vises for forummet: "
        "biblioteker, der ikke har sagt ja til at blive nævnt, vises da under dæknavne.",
        "en": "Only for you as a manager on your own machine. Switch off before the screen is shown "
        "to the forum: libraries that did not agree to be named then appear under pseudonyms.",
    },
    "touchpoint": {"da": "Tjeneste", "en": "Service"},
    "all_touchpoints": {"da": "Alle tjenester", "en": "All services"},
    "all_libraries": {"da": "Alle biblioteker", "en": "All libraries"},
    "all_periods": {"da": "Alle perioder", "en": "All periods"},
    "weekday_1": {"da": "mandag", "en": "Monday"},
    "weekday_2": {"da": "tirsdag", "en": "Tuesday"},
    "weekday_3": {"da": "onsdag", "en": "Wednesday"},
    "weekday_4": {"da": "torsdag", "en": "Thursday"},
    "weekday_5": {"da": "fredag", "en": "Friday"},
    "weekday_6": {"da": "lørdag", "en": "Saturday"},
    "weekday_7": {"da": "søndag", "en": "Sunday"},
    "measure": {"da": "Mål", "en": "Measure"},
    "measure_staff": {"da": "Medarbejdertrivsel", "en": "Staff wellbeing"},
    "measure_patron": {"da": "Borgertilfredshed", "en": "Patron satisfaction"},
    "measure_nps": {"da": "NPS (borgere)", "en": "NPS (patrons)"},
    "measure_enps": {"da": "eNPS (medarbejdere)", "en": "eNPS (staff)"},
    "index_axis": {"da": "Indeks (0-100)", "en": "Index (0-100)"},
    "ci_low": {"da": "95 %-interval fra", "en": "95 % interval from"},
    "ci_high": {"da": "95 %-interval til", "en": "95 % interval to"},
    "n_libraries": {"da": "Antal biblioteker", "en": "Libraries"},
    "side_staff": {"da": "Medarbejdere", "en": "Staff"},
    "side_patron": {"da": "Borgere", "en": "Patrons"},
    "source": {"da": "Kilde", "en": "Source"},
    "source_rows": {"da": "enkeltbesvarelser", "en": "individual responses"},
    "source_aggregates": {"da": "kun gennemsnit fra leverandør", "en": "vendor aggregates only"},
    "overview_scatter": {"da": "Bibliotekerne i {period}", "en": "The libraries in {period}"},
    "period_default_enough": {
        "da": "Viser {period}: den nyeste periode, hvor mindst {k} biblioteker har både "
        "medarbejder- og borgerdata ({n} biblioteker).",
        "en": "Showing {period}: the newest period in which at least {k} libraries have both staff "
        "and patron data ({n} libraries).",
    },
    "period_default_most": {
        "da": "Ingen periode har mindst {k} biblioteker med både medarbejder- og borgerdata. Viser "
        "{period}, som har flest ({n}).",
        "en": "No period has at least {k} libraries with both staff and patron data. Showing "
        "{period}, which has the most ({n}).",
    },
    "period_newer_thin": {
        "da": "Nyere periode(r) ({newer}) har endnu for få biblioteker med begge dele (under {k}); "
        "vælg dem i listen for at se dem.",
        "en": "Newer period(s) ({newer}) do not yet have enough libraries with both (under {k}); "
        "pick them in the list to see them.",
    },
    "period_one_library": {
        "da": "I {period} er der kun data fra ét bibliotek. Der er endnu intet at sammenligne med; "
        "vælg en tidligere periode, eller vent på de andre bibliotekers data.",
        "en": "In {period} there is data from only one library. There is nothing to compare with "
        "yet; pick an earlier period, or wait for the other libraries' data.",
    },
    "period_thin": {
        "da": "I {period} har {n_any} biblioteker data, men kun {n} har både medarbejder- og "
        "borgerdata: for få til at sammenligne bibliotekerne (mindst {k}).",
        "en": "In {period}, {n_any} libraries have data but only {n} have both staff and patron "
        "data: too few to compare the libraries (at least {k}).",
    },
    "regression_note": {
        "da": "Linjen er den bedste rette linje gennem de viste punkter; det skraverede bånd er dens "
        "95 %-interval. Skjulte biblioteker indgår ikke.",
        "en": "The line is the best straight line through the points shown; the shaded band is its "
        "95 % interval. Hidden libraries are left out of it.",
    },
    "scatter_unnamed": {
        "da": "{n} navne er udeladt i figuren, fordi de ville dække hinanden; de står i tabellen.",
        "en": "{n} names are left out of the chart because they would overlap; they are in the "
        "table.",
    },
    "low_n_note": {
        "da": "Et tal med \\* hviler på færre end {n} svar og er usikkert.",
        "en": "A figure with \\* rests on fewer than {n} answers and is uncertain.",
    },
    "regression_too_few": {
        "da": "For få biblioteker til en linje (mindst 3).",
        "en": "Too few libraries for a line (at least 3).",
    },
    "show_table": {"da": "Vis tallene som tabel", "en": "Show the numbers as a table"},
    "table_order_note": {
        "da": "Sorteret efter navn, ikke efter resultat: det er ikke en rangliste.",
        "en": "Ordered by name, not by result: this is not a league table.",
    },
    "overview_trends": {"da": "Udviklingen pr. bibliotek", "en": "Each library over time"},
    "overview_trends_view": {"da": "Vis udviklingen", "en": "Show the trends"},
    "overview_trends_off": {"da": "Nej", "en": "No"},
    "overview_heatmap": {"da": "Som varmekort", "en": "As a heatmap"},
    "overview_lines": {"da": "Som linjer pr. bibliotek", "en": "As lines per library"},
    "overview_heatmap_note": {
        "da": "Én række pr. bibliotek, én kolonne pr. periode; jo lysere, jo højere indeks. Hvert "
        "mål har sin egen farveskala. Et tomt felt: ingen data, eller skjult (færre end {k} svar).",
        "en": "One row per library, one column per period; the lighter, the higher the index. "
        "Each measure has its own colour scale. An empty cell: no data, or hidden (fewer than {k}).",
    },
    "library_title": {"da": "Ét bibliotek over tid", "en": "One library over time"},
    "library_empty": {
        "da": "Der er ingen data for {library} endnu. Indlæs bibliotekets undersøgelser under Indlæs.",
        "en": "No data for {library} yet. Load the library's surveys on the Upload page.",
    },
    "no_data_cell": {"da": "Ingen data i denne periode.", "en": "No data in this period."},
    "suppressed_short": {"da": "skjult (< {k})", "en": "hidden (< {k})"},
    "suppressed_help": {
        "da": "Færre end {k} medarbejdere svarede, så tallet vises ikke.",
        "en": "Fewer than {k} staff answered, so the figure is not shown.",
    },
    "metric_interval": {
        "da": "95 %-interval: {low} til {high}",
        "en": "95 % interval: {low} to {high}",
    },
    "aggregates_note": {
        "da": "Nogle tal i denne periode kom kun som gennemsnit fra leverandøren (ingen enkeltsvar): "
        "de har ingen spørgsmålsfordeling og ofte intet interval.",
        "en": "Some figures in this period arrived only as vendor aggregates (no individual answers): "
        "they have no item distribution and often no interval.",
    },
    "library_over_time": {"da": "Over tid, mod forummet", "en": "Over time, against the forum"},
    "library_over_time_note": {
        "da": "Blå: biblioteket med 95 %-interval. Stiplet: forummets median; gråt bånd: de midterste "
        "50 % af bibliotekerne (kun viste tal indgår).",
        "en": "Blue: the library with its 95 % interval. Dashed: the forum median; grey band: the middle "
        "50 % of libraries (only published figures count).",
    },
    "no_published_values": {
        "da": "Ingen tal, der må vises, for dette bibliotek.",
        "en": "No figures that may be shown for this library.",
    },
    "forum_median": {"da": "Forummets median", "en": "Forum median"},
    "forum_q1": {"da": "Forum, nedre kvartil", "en": "Forum, lower quartile"},
    "forum_q3": {"da": "Forum, øvre kvartil", "en": "Forum, upper quartile"},
    "suppressed_periods": {
        "da": "Medarbejdertal skjult i {periods} (færre end {k} svar).",
        "en": "Staff figures hidden in {periods} (fewer than {k} answers).",
    },
    "library_touchpoints": {"da": "De enkelte tjenester", "en": "Each service"},
    "no_touchpoints": {
        "da": "Ingen svar om de enkelte tjenester. Indlæs en borgerundersøgelse med spørgsmål om "
        "fx betjening eller Bogen Kommer.",
        "en": "No answers about individual services. Load a patron survey with questions about e.g. "
        "counter service or home delivery.",
    },
    "library_items": {"da": "Spørgsmål for spørgsmål, {period}", "en": "Item by item, {period}"},
    "items_none_staff": {
        "da": "Ingen medarbejderfordeling: enten færre end {k} svar, kun gennemsnit fra leverandøren, "
        "eller ingen medarbejderundersøgelse i perioden.",
        "en": "No staff distribution: fewer than {k} answers, vendor aggregates only, or no staff "
        "survey in this period.",
    },
    "items_none_patron": {
        "da": "Ingen enkeltsvar fra borgere i denne periode.",
        "en": "No individual patron answers in this period.",
    },
    "share_axis": {"da": "Andel af svarene", "en": "Share of answers"},
    "answer": {"da": "Svar", "en": "Answer"},
    "library_changes": {"da": "Det har ændret sig til {period}", "en": "What changed by {period}"},
    "changes_none": {
        "da": "Ingen tidligere periode at sammenligne med.",
        "en": "No earlier period to compare with.",
    },
    "library_verdict": {
        "da": "Har noget ændret sig i {period}?",
        "en": "Has anything changed in {period}?",
    },
    "verdict_improved": {"da": "Tydelig forbedring", "en": "Clear improvement"},
    "verdict_declined": {"da": "Tydelig tilbagegang", "en": "Clear decline"},
    "verdict_uncertain": {"da": "Kan være tilfældig", "en": "May be chance"},
    "verdict_unknown": {"da": "Kan ikke vurderes", "en": "Cannot be judged"},
    "verdict_column": {"da": "Vurdering", "en": "Verdict"},
    "verdict_line": {
        "da": "**{what}: {verdict}.** {now} i {period} mod {before} i {previous_period} "
        "({change} point).",
        "en": "**{what}: {verdict}.** {now} in {period} against {before} in {previous_period} "
        "({change} points).",
    },
    "verdict_interval": {
        "da": "Ændringens 95 %-interval: {low} til {high}.",
        "en": "The change's 95 % interval: {low} to {high}.",
    },
    "verdict_note": {
        "da": "Tydelig betyder, at ændringens 95 %-interval ligger helt på den ene side af 0. "
        "Kan være tilfældig betyder, at intervallet rummer 0: forskellen kan skyldes, hvem der "
        "tilfældigvis svarede. Ingen af delene siger, hvorfor tallet flyttede sig.",
        "en": "Clear means the change's 95 % interval lies entirely on one side of 0. May be "
        "chance means the interval includes 0: the difference may come from who happened to "
        "answer. Neither says why the figure moved.",
    },
    "verdict_none": {
        "da": "Der er ingen tidligere periode at sammenligne {period} med.",
        "en": "There is no earlier period to compare {period} with.",
    },
    "delta_since": {"da": "{change} siden {period}", "en": "{change} since {period}"},
    "previous_period": {"da": "Sidste periode", "en": "Last period"},
    "previous": {"da": "Før", "en": "Before"},
    "now": {"da": "Nu", "en": "Now"},
    "change": {"da": "Ændring", "en": "Change"},
    "library_comments": {"da": "Borgernes kommentarer", "en": "Patron comments"},
    "comments_manager_only": {
        "da": "Kommentarer vises kun for bibliotekets egen leder (slå navne til i sidepanelet).",
        "en": "Comments are shown only to the library's own manager (switch names on in the sidebar).",
    },
    "comments_below": {
        "da": "Kommentarer vises først, når mindst {k} borgere har svaret ({n} i denne periode).",
        "en": "Comments are shown only when at least {k} patrons answered ({n} in this period).",
    },
    "comments_none": {
        "da": "Ingen kommentarer i denne periode.",
        "en": "No comments in this period.",
    },
    "comments_scrubbed": {
        "da": "{n} kommentarer; e-mail, telefonnumre, CPR-numre og navne er fjernet.",
        "en": "{n} comments; e-mail addresses, phone numbers, CPR numbers and names are removed.",
    },
    "comment": {"da": "Kommentar", "en": "Comment"},
    # the comments page (views/comments.py): themes and tone
    "page_comments": {"da": "Kommentarer", "en": "Comments"},
    "comments_title": {"da": "Hvad skriver lånerne om?", "en": "What do patrons write about?"},
    "comments_intro": {
        "da": "Temaer og tone findes af en ordbog og en fast regel, ikke af et menneske: læs "
        "andelene som mønstre over mange kommentarer. Tal vises kun for grupper på mindst {k} "
        "svar; tekst kun for bibliotekets egen leder. Et tema tælles, når en kommentar nævner et af "
        'dets ord (også bøjet); tonen følger en ordliste, hvor "ikke" vender et ords tone og '
        '"meget" forstærker det.',
        "en": "Themes and tone come from a dictionary and a fixed rule, not a person: read the "
        "shares as patterns over many comments. Figures are shown only for groups of at least "
        "{k} respondents; text only to the library's own manager. A theme counts when a comment "
        'uses one of its words (in any form); tone follows a word list in which "not" turns a '
        'word\'s tone and "very" strengthens it.',
    },
    "comments_theme": {"da": "Tema", "en": "Theme"},
    "comments_all_themes": {"da": "Alle temaer", "en": "All themes"},
    "comments_themes_header": {"da": "Temaer og tone", "en": "Themes and tone"},
    "comments_group": {
        "da": "{n} kommentarer fra {group} svar i {period}.",
        "en": "{n} comments from {group} respondents in {period}.",
    },
    "comments_no_counts": {
        "da": "Ingen kommentartal for {library} i {period}: ingen kommentarer, eller færre end "
        "{k} har svaret.",
        "en": "No comment figures for {library} in {period}: no comments, or fewer than {k} "
        "respondents.",
    },
    "comments_share_axis": {"da": "Andel af kommentarerne", "en": "Share of comments"},
    "comments_spread": {
        "da": "Sort streg: forummets median; grå: den midterste halvdel af bibliotekerne.",
        "en": "Black tick: the forum's median; grey: the middle half of the libraries.",
    },
    "comments_n": {"da": "Kommentarer", "en": "Comments"},
    "comments_share": {"da": "Andel", "en": "Share"},
    "comments_forum_median": {"da": "Forum (median)", "en": "Forum (median)"},
    "tone": {"da": "Tone", "en": "Tone"},
    "tone_positive": {"da": "Positiv", "en": "Positive"},
    "tone_neutral": {"da": "Neutral", "en": "Neutral"},
    "tone_negative": {"da": "Negativ", "en": "Negative"},
    "tone_interval": {"da": "{share} ({low}-{high})", "en": "{share} ({low}-{high})"},
    "tone_table_help": {
        "da": "Andel af temaets kommentarer med 95 %-interval (Wilson).",
        "en": "Share of the theme's comments with a 95 % interval (Wilson).",
    },
    "comments_trend_header": {"da": "Udvikling over perioder", "en": "Trend over periods"},
    "comments_trend_pick": {
        "da": "Vælg et tema ovenfor for at se dets udvikling.",
        "en": "Pick a theme above to see its trend.",
    },
    "comments_this_library": {"da": "Dette bibliotek", "en": "This library"},
    "comments_examples_header": {"da": "Eksempler", "en": "Examples"},
    "comments_staff_header": {"da": "Medarbejdernes kommentarer", "en": "Staff comments"},
    "comments_staff_none": {
        "da": "Ingen medarbejderkommentarer at vise: de indlæses kun, hvis man beder om det, og "
        "vises kun for grupper på mindst {k}.",
        "en": "No staff comments to show: they are imported only when asked for, and shown only "
        "for groups of at least {k}.",
    },
    "theme_opening_hours": {"da": "Åbningstider", "en": "Opening hours"},
    "theme_staff": {"da": "Personale og venlighed", "en": "Staff and friendliness"},
    "theme_help": {"da": "Hjælp og vejledning", "en": "Help and guidance"},
    "theme_collection": {"da": "Materialer og ventelister", "en": "Collection and waiting lists"},
    "theme_self_service": {"da": "Selvbetjening", "en": "Self-service"},
    "theme_home_delivery": {"da": "Bogen Kommer", "en": "Home delivery (Bogen Kommer)"},
    "theme_book_a_librarian": {"da": "Book en bibliotekar", "en": "Book a librarian"},
    "theme_rooms": {"da": "Lokaler", "en": "Rooms"},
    "theme_noise_climate": {"da": "Støj og indeklima", "en": "Noise and indoor climate"},
    "theme_events": {"da": "Arrangementer", "en": "Events"},
    "theme_digital": {"da": "Digitale tilbud og appen", "en": "Digital services and the app"},
    "theme_access_parking": {"da": "Parkering og adgang", "en": "Parking and access"},
    "theme_children_families": {"da": "Børn og familier", "en": "Children and families"},
    "hyp_comments": {
        "da": "Udforskende: hvad lånerne skriver",
        "en": "Exploratory: what patrons write",
    },
    "hyp_comments_intro": {
        "da": "Andele af lånernes kommentarer (tone, ros og kritik af personalet) mod "
        "medarbejdertrivsel, ét punkt pr. bibliotek. I samme familie som tjenesterne "
        "(justeret p); afgør aldrig svaret ovenfor.",
        "en": "Shares of patron comments (tone, praise and criticism of the staff) against staff "
        "wellbeing, one point per library. In the same family as the services (adjusted p); "
        "never decides the answer above.",
    },
    "hyp_comment_outcome": {"da": "Udfald", "en": "Outcome"},
    "outcome_positive_share": {
        "da": "Andel positive kommentarer",
        "en": "Share of positive comments",
    },
    "outcome_negative_share": {
        "da": "Andel negative kommentarer",
        "en": "Share of negative comments",
    },
    "outcome_staff_praise_share": {
        "da": "Andel der roser personalet",
        "en": "Share praising the staff",
    },
    "outcome_staff_complaint_share": {
        "da": "Andel der kritiserer personalet",
        "en": "Share criticising the staff",
    },
    "services_title": {"da": "Tjenesterne", "en": "The services"},
    "services_matrix": {
        "da": "Borgertilfredshed pr. tjeneste, {period}",
        "en": "Patron satisfaction per service, {period}",
    },
    "services_matrix_note": {
        "da": "Indeks 0-100 ud fra spørgeskemaet; smiley-standerne er ikke med her.",
        "en": "Index 0-100 from the survey; the smiley kiosks are not included here.",
    },
    "services_empty": {
        "da": "Ingen svar om de enkelte tjenester i denne periode. Indlæs en borgerundersøgelse med "
        "spørgsmål om tjenesterne.",
        "en": "No answers about individual services in this period. Load a patron survey with "
        "questions about the services.",
    },
    "services_link": {
        "da": "Hænger medarbejdertrivsel sammen med tilfredsheden med den enkelte tjeneste?",
        "en": "Does staff wellbeing go with satisfaction with each service?",
    },
    "services_link_note": {
        "da": "Korrelation mellem bibliotekerne pr. tjeneste. Mange tests på én gang giver tilfældige "
        "fund, så p-værdierne er justeret (Benjamini-Hochberg). Sammenhæng, ikke årsag.",
        "en": "Correlation between libraries per service. Many tests at once produce chance findings, "
        "so the p-values are adjusted (Benjamini-Hochberg). Association, not causation.",
    },
    "services_link_none": {
        "da": "Kan ikke beregnes endnu: der skal være medarbejder- og tjenestedata fra flere biblioteker.",
        "en": "Cannot be computed yet: staff and service data from several libraries are needed.",
    },
    "link_axis": {"da": "Korrelation r (95 %-interval)", "en": "Correlation r (95 % interval)"},
    "link_r": {"da": "Korrelation r", "en": "Correlation r"},
    "p_raw": {"da": "p (ujusteret)", "en": "p (unadjusted)"},
    "p_adjusted": {"da": "p (justeret, BH)", "en": "p (adjusted, BH)"},
    "kiosk_title": {"da": "Smiley-standerne", "en": "The smiley kiosks"},
    "kiosk_note": {
        "da": "Tryk på smiley-standere er optællinger, ikke besvarelser: de holdes uden for "
        "borgertilfredshedsindekset. Score 0-100: surest smiley = 0, gladeste = 100.",
        "en": "Smiley-kiosk presses are counts, not respondents: they are kept out of the patron "
        "satisfaction index. Score 0-100: saddest face = 0, happiest = 100.",
    },
    "kiosk_empty": {
        "da": "Ingen data fra smiley-standere. Indlæs standerens eksport (optællinger pr. time) under Indlæs.",
        "en": "No smiley-kiosk data. Load the kiosk's export (counts per hour) on the Upload page.",
    },
    "hour": {"da": "Time", "en": "Hour"},
    "weekday": {"da": "Ugedag", "en": "Weekday"},
    "kiosk_score": {"da": "Smiley-score (0-100)", "en": "Smiley score (0-100)"},
    "kiosk_staffed": {"da": "Betjente timer", "en": "Staffed hours"},
    "kiosk_unstaffed": {"da": "Åbent bibliotek (ubetjent)", "en": "Unstaffed opening hours"},
    "kiosk_staffed_col": {"da": "Betjent?", "en": "Staffed?"},
    "kiosk_presses": {"da": "{n} tryk", "en": "{n} presses"},
    "kiosk_presses_col": {"da": "Tryk", "en": "Presses"},
    "kiosk_happiest": {"da": "Andel gladeste smiley", "en": "Share happiest face"},
    "kiosk_staffed_unknown": {
        "da": "Betjent eller ubetjent kendes ikke endnu: indlæs bibliotekets betjente "
        "åbningstider som biblioteksfakta (den time, betjeningen starter og slutter, for hver "
        "ugedag).",
        "en": "Staffed or unstaffed is not known yet: load the library's staffed opening hours as "
        "library facts (the hour staffing starts and ends, for each weekday).",
    },
    "quality_title": {"da": "Datakvalitet", "en": "Data quality"},
    "coverage_title": {"da": "Hvem har sendt hvad", "en": "Who sent what"},
    "coverage_note": {
        "da": "Antal besvarelser pr. bibliotek og periode. Medarbejdergrupper under {k} vises kun som "
        "'< {k}' og indgår ikke i nogen figur eller statistik.",
        "en": "Responses per library and period. Staff groups below {k} show only as '< {k}' and are "
        "left out of every figure and statistic.",
    },
    "coverage_hidden": {
        "da": "{n} medarbejdergruppe(r) er skjult, fordi færre end {k} svarede.",
        "en": "{n} staff group(s) hidden because fewer than {k} answered.",
    },
    "status": {"da": "Status", "en": "Status"},
    "reliability_title": {
        "da": "Hvor pålidelige er medarbejdertallene?",
        "en": "How reliable are the staff figures?",
    },
    "icc1_help": {
        "da": "Hvor stor en del af forskellen mellem medarbejdere der ligger mellem biblioteker.",
        "en": "How much of the difference between staff lies between libraries.",
    },
    "icc2_help": {
        "da": "Hvor pålideligt et biblioteks gennemsnit er (0-1; over 0,7 er godt).",
        "en": "How reliable a library's average is (0-1; above 0.7 is good).",
    },
    "alpha_min": {"da": "Laveste α", "en": "Lowest α"},
    "alpha_help": {
        "da": "Cronbachs α: hænger trivselsspørgsmålene sammen som én skala? Over 0,7 er godt.",
        "en": "Cronbach's α: do the wellbeing items hang together as one scale? Above 0.7 is good.",
    },
    "reliability_note": {
        "da": "Beregnet kun ud fra medarbejdergrupper, der må vises.",
        "en": "Computed only from staff groups that may be shown.",
    },
    "history_names_hidden": {
        "da": "Filnavne er skjult, fordi de ofte indeholder bibliotekets navn; slå navne til for at se dem.",
        "en": "File names are hidden because they often contain a library's name; switch names on to see them.",
    },
    # --- Upload, Hypothesis and Report pages (views/upload.py, hypothesis.py, report.py) ---
    "page_upload": {"da": "Indlæs", "en": "Upload"},
    "page_hypothesis": {"da": "Hypotese", "en": "Hypothesis"},
    "page_report": {"da": "Rapport", "en": "Report"},
    "upload_title": {"da": "Indlæs undersøgelser", "en": "Upload surveys"},
    "upload_intro": {
        "da": "Træk en eller flere eksportfiler fra jeres spørgeskemaværktøj hertil (CSV eller "
        "Excel). Du ser først, hvordan filen bliver læst; intet gemmes, før du bekræfter.",
        "en": "Drop one or more export files from your survey tool here (CSV or Excel). You first "
        "see how each file is read; nothing is saved until you confirm.",
    },
    "upload_files": {"da": "Filer", "en": "Files"},
    "upload_overrides": {
        "da": "Det, der ikke blev genkendt (valgfrit)",
        "en": "What was not detected (optional)",
    },
    "upload_overrides_help": {
        "da": "Udfyld kun, hvis filen ikke selv siger det. Tomt felt = find det i filen.",
        "en": "Fill in only what the file does not say itself. Blank = detect it from the file.",
    },
    "upload_auto": {"da": "Find automatisk", "en": "Detect"},
    "respondent_type": {"da": "Hvem har svaret", "en": "Who answered"},
    "respondent_staff": {"da": "Medarbejdere", "en": "Staff"},
    "respondent_patron": {"da": "Borgere", "en": "Patrons"},
    "respondent_mixed": {"da": "Blandet", "en": "Mixed"},
    "upload_library": {"da": "Bibliotek for alle rækker", "en": "Library for every row"},
    "upload_period": {
        "da": "Periode for alle rækker (fx 2024)",
        "en": "Period for every row (e.g. 2024)",
    },
    "upload_format": {"da": "Format", "en": "Format"},
    "upload_mapping_later": {
        "da": "Kolonne-for-kolonne-tilknytning kommer senere; indtil da kan du angive det ovenfor "
        "eller bruge kommandolinjen (`servicemirror load --help`).",
        "en": "A column-by-column mapping editor comes later; until then set what you can above "
        "or use the command line (`servicemirror load --help`).",
    },
    "preview_format": {"da": "Format", "en": "Format"},
    "preview_encoding": {"da": "Tegnsæt", "en": "Encoding"},
    "preview_records": {"da": "Rækker læst", "en": "Records read"},
    "preview_valid": {"da": "Gyldige besvarelser", "en": "Valid responses"},
    "preview_rejected": {"da": "Afviste rækker", "en": "Rejected rows"},
    "preview_libraries": {"da": "Biblioteker", "en": "Libraries"},
    "preview_items": {"da": "Spørgsmål og skalaer", "en": "Items and scales"},
    "preview_columns": {
        "da": "Hver kolonne i filen, og hvad den blev læst som",
        "en": "Every column of the file and what it was read as",
    },
    "col_role": {"da": "Rolle", "en": "Role"},
    "col_scale_source": {"da": "Skala fra", "en": "Scale from"},
    "preview_rejected_rows": {
        "da": "Afviste rækker og hvorfor",
        "en": "Rejected rows and why",
    },
    "preview_more_rejected": {
        "da": "… og {n} afviste rækker mere.",
        "en": "… and {n} more rejected rows.",
    },
    "preview_warnings": {"da": "Bemærk", "en": "Notes"},
    "col_row": {"da": "Række", "en": "Row"},
    "col_column": {"da": "Kolonne", "en": "Column"},
    "col_value": {"da": "Værdi", "en": "Value"},
    "col_reason": {"da": "Årsag", "en": "Reason"},
    "col_item": {"da": "Spørgsmål", "en": "Item"},
    "col_construct": {"da": "Måler", "en": "Measures"},
    "col_scale": {"da": "Skala", "en": "Scale"},
    "col_n": {"da": "Antal", "en": "n"},
    "col_mean": {"da": "Gennemsnit", "en": "Mean"},
    "col_nps": {"da": "NPS", "en": "NPS"},
    "col_responses": {"da": "Besvarelser", "en": "Responses"},
    "upload_refused": {
        "da": "Filen kan ikke indlæses: {message}",
        "en": "This file cannot be loaded: {message}",
    },
    "upload_confirm": {"da": "Indlæs {n} fil(er)", "en": "Load {n} file(s)"},
    "upload_none_ready": {
        "da": "Ingen af filerne kan indlæses endnu; se beskederne ovenfor.",
        "en": "None of the files can be loaded yet; see the messages above.",
    },
    "upload_progress": {
        "da": "Indlæser {name} ({i} af {n}) …",
        "en": "Loading {name} ({i} of {n}) …",
    },
    "upload_stage": {
        "da": "{name} ({i} af {n}): {stage}",
        "en": "{name} ({i} of {n}): {stage}",
    },
    "stage_reading": {"da": "læser", "en": "reading"},
    "stage_checking": {"da": "kontrollerer", "en": "checking"},
    "stage_writing": {"da": "skriver", "en": "writing"},
    "stage_done": {"da": "færdig", "en": "done"},
    "map_title": {"da": "Kolonnetilknytning", "en": "Column mapping"},
    "map_libraries_title": {
        "da": "Biblioteker i filen (koder og steder)",
        "en": "Libraries in the file (codes and locations)",
    },
    "map_libraries_help": {
        "da": "Skriv biblioteket ud for en kode (AO01) eller et sted fra en smiley-standers "
        "Location; tomme felter matches som de står.",
        "en": "Write the library next to a code (AO01) or a kiosk's Location; blank rows are "
        "matched as written.",
    },
    "map_help": {
        "da": "Sådan er kolonnerne forstået. Ret rollen (spørgsmål, bibliotek, filial, dato, "
        "respondent-id, kommentar, ignorér), spørgsmålets kode, begreb, skala og retning "
        "(omvendt: 1 er det bedste svar), og forhåndsvis igen. Tomme felter afgøres automatisk.",
        "en": "How the columns were understood. Correct the role (item, library, branch, date, "
        "respondent id, comment, ignore), the item code, construct, scale and direction "
        "(reversed: 1 is the best answer), then preview again. Blank cells are detected.",
    },
    "map_apply": {"da": "Forhåndsvis med denne tilknytning", "en": "Preview with this mapping"},
    "map_reset": {"da": "Glem min tilknytning", "en": "Discard my mapping"},
    "map_in_use": {
        "da": "Din tilknytning bruges for denne fil. Den gemmes som profil, når filen indlæses, "
        "så næste eksport fra samme undersøgelse indlæses i ét trin.",
        "en": "Your mapping is used for this file. It is saved as a profile when the file is "
        "loaded, so the next export from the same survey loads in one step.",
    },
    "map_profile_name": {"da": "Profilens navn", "en": "Profile name"},
    "map_invalid": {
        "da": "Tilknytningen kan ikke bruges: {message}",
        "en": "The mapping cannot be used: {message}",
    },
    "map_gap_library": {
        "da": "Ingen kolonne med biblioteket: vælg rollen »library« for den, eller angiv biblioteket ovenfor.",
        "en": "No library column: give a column the role 'library', or name the library above.",
    },
    "map_gap_date": {
        "da": "Ingen dato- eller periodekolonne: vælg rollen »date«, eller angiv perioden ovenfor.",
        "en": "No date or period column: give a column the role 'date', or set the period above.",
    },
    "map_gap_type": {
        "da": "Det fremgår ikke, om det er medarbejdere eller brugere: vælg respondenttype ovenfor.",
        "en": "Staff or patrons cannot be told: choose the respondent type above.",
    },
    "map_gap_role": {
        "da": "Kolonnen »{column}« er ikke forstået (ikke en skala): vælg dens rolle.",
        "en": "Column '{column}' is not understood (not a scale): choose its role.",
    },
    "map_gap_item": {
        "da": "Spørgsmålet »{column}« er ukendt: angiv kode og begreb.",
        "en": "Question '{column}' is unknown: give its code and construct.",
    },
    "map_gap_scale": {
        "da": "Skalaen for »{column}« er gættet ud fra svarene: angiv min og max.",
        "en": "The scale of '{column}' was guessed from the answers: give its min and max.",
    },
    "map_col_role": {"da": "Rolle", "en": "Role"},
    "map_col_scale_min": {"da": "Skala min", "en": "Scale min"},
    "map_col_scale_max": {"da": "Skala max", "en": "Scale max"},
    "map_col_reversed": {"da": "Omvendt", "en": "Reversed"},
    "map_col_note": {"da": "Note", "en": "Note"},
    "upload_loaded": {
        "da": "{name}: indlæst som indlæsning {id} ({n} gyldige besvarelser).",
        "en": "{name}: loaded as upload {id} ({n} valid responses).",
    },
    "upload_see_result": {
        "da": "Se resultatet for {period} på Overblik",
        "en": "See the result for {period} on the Overview",
    },
    "upload_see_library": {
        "da": "Se {period} på siden Bibliotek",
        "en": "See {period} on the Library page",
    },
    "preview_summary": {
        "da": "Filen indeholder **{n} {who}** fra **{libraries}** i perioden **{periods}**: "
        "{items} spørgsmål ({constructs}) og {comments} kommentarer. Genkendt som: {format}.",
        "en": "The file holds **{n} {who}** from **{libraries}** in the period **{periods}**: "
        "{items} questions ({constructs}) and {comments} comments. Recognised as: {format}.",
    },
    "who_patron": {"da": "borgerbesvarelser", "en": "patron responses"},
    "who_staff": {"da": "medarbejderbesvarelser", "en": "staff responses"},
    "who_any": {"da": "besvarelser", "en": "responses"},
    "and": {"da": "og", "en": "and"},
    "upload_duplicate": {
        "da": "{name}: er allerede indlæst; intet er ændret.",
        "en": "{name}: already loaded; nothing changed.",
    },
    "upload_failed": {
        "da": "{name}: ikke indlæst, databasen er uændret. {message}",
        "en": "{name}: not loaded; the database is unchanged. {message}",
    },
    "upload_history": {"da": "Indlæste filer", "en": "Upload history"},
    "upload_history_empty": {
        "da": "Der er ikke indlæst noget endnu.",
        "en": "Nothing has been uploaded yet.",
    },
    "col_upload_id": {"da": "Nr.", "en": "ID"},
    "col_file": {"da": "Fil", "en": "File"},
    "col_kind": {"da": "Slags", "en": "Kind"},
    "col_loaded": {"da": "Indlæst", "en": "Loaded"},
    "col_superseded": {"da": "Erstattet", "en": "Replaced"},
    "col_when": {"da": "Tidspunkt", "en": "When"},
    "col_status": {"da": "Status", "en": "Status"},
    "undo_choose": {"da": "Fortryd indlæsning", "en": "Undo upload"},
    "undo_button": {"da": "Fortryd", "en": "Undo"},
    "undo_done": {
        "da": "Indlæsning {id} ({name}) er fortrudt: dens {n} besvarelser er fjernet.",
        "en": "Upload {id} ({name}) undone: its {n} responses are removed.",
    },
    "undo_confirm": {
        "da": "Vil du fortryde indlæsning {id}, filen «{name}» (indlæst {when})? Det fjerner "
        "filens {n} {who} med alle deres svar og kommentarer, og det, filen erstattede, "
        "kommer tilbage.",
        "en": "Undo upload {id}, the file «{name}» (loaded {when})? This removes the file's {n} "
        "{who} with all their answers and comments, and what the file replaced comes back.",
    },
    "undo_yes": {"da": "Ja, fortryd «{name}»", "en": "Yes, undo «{name}»"},
    "undo_no": {"da": "Nej, behold den", "en": "No, keep it"},
    "undo_failed": {"da": "Kunne ikke fortryde: {message}", "en": "Could not undo: {message}"},
    "hyp_title": {
        "da": "Hænger glade medarbejdere sammen med tilfredse borgere?",
        "en": "Do happier staff go with more satisfied citizens?",
    },
    "hyp_verdict": {"da": "Svaret lige nu", "en": "The answer so far"},
    "hyp_for_us": {"da": "Hvad betyder det for os?", "en": "What does it mean for us?"},
    "hyp_for_us_positive": {
        "da": "I jeres data har biblioteker med gladere medarbejdere også mere tilfredse borgere. "
        "Det taler for at passe på medarbejdertrivslen, men viser ikke, at trivsel alene løfter "
        "borgernes tilfredshed.",
        "en": "In your data, libraries with happier staff also have more satisfied patrons. That "
        "speaks for looking after staff wellbeing, but does not show that wellbeing alone lifts "
        "patron satisfaction.",
    },
    "hyp_for_us_negative": {
        "da": "I jeres data går højere medarbejdertrivsel sammen med lavere borgertilfredshed. Det "
        "er usædvanligt: se efter forklaringer (travlhed, hvilke borgere der svarer), før I "
        "handler på det.",
        "en": "In your data, higher staff wellbeing goes with lower patron satisfaction. That is "
        "unusual: look for explanations (workload, which patrons answer) before acting on it.",
    },
    "hyp_for_us_small_or_none": {
        "da": "Sammenhængen er højst lille. Arbejd med medarbejdertrivsel og borgertilfredshed som "
        "to selvstændige mål.",
        "en": "The link is small at most. Work on staff wellbeing and patron satisfaction as two "
        "goals of their own.",
    },
    "hyp_for_us_inconclusive": {
        "da": "Data kan endnu ikke skelne mellem ingen og en tydelig sammenhæng. Bliv ved med at "
        "indsamle: flere biblioteker og flere år giver et klarere svar.",
        "en": "The data cannot yet tell no link from a clear one. Keep collecting: more libraries "
        "and more years give a clearer answer.",
    },
    "hyp_for_us_not_available": {
        "da": "Der er endnu ikke data nok til at regne. Indlæs medarbejder- og borgerdata for "
        "mindst fire biblioteker i samme periode.",
        "en": "There is not yet enough data to compute. Load staff and patron data for at least "
        "four libraries in the same period.",
    },
    "hyp_power_caveat": {
        "da": "Med {j} biblioteker kan kun en stor sammenhæng ses sikkert; en middelstor "
        "(r = 0,3) kræver ca. {n} biblioteker.",
        "en": "With {j} libraries only a strong link can be seen reliably; a moderate one "
        "(r = 0.3) needs about {n} libraries.",
    },
    "hyp_more": {"da": "Mere om svaret", "en": "More about the answer"},
    "hyp_all_statistics": {
        "da": "Al statistikken bag svaret",
        "en": "All the statistics behind the answer",
    },
    "glossary_title": {"da": "Ordliste", "en": "Glossary"},
    "glossary": {
        "da": "- **95 %-interval**: de værdier, data er forenelige med; rummer det 0, kan "
        "sammenhængen eller ændringen være tilfældig.\n"
        "- **p-værdi**: hvor overraskende resultatet ville være, hvis der ingen sammenhæng var; "
        "under 0,05 kaldes det normalt tydeligt.\n"
        "- **Pearson (r)**: korrelationen mellem bibliotekernes gennemsnit, fra −1 til 1.\n"
        "- **Spearman**: samme slags korrelation, men på rækkefølgen i stedet for tallene; "
        "tåler enkelte skæve biblioteker.\n"
        "- **Flerniveaumodel**: regner med, at svar fra samme bibliotek ligner hinanden.\n"
        "- **Klyngerobust OLS**: en almindelig regressionslinje med usikkerhed, der tager højde "
        "for svar fra samme bibliotek.\n"
        "- **REWB (inden for / mellem)**: deler sammenhængen i forskelle mellem bibliotekerne og "
        "ændringer inden for det enkelte bibliotek over tid.\n"
        "- **ICC(1)**: hvor stor en del af forskellene i medarbejdersvar, der ligger mellem "
        "bibliotekerne.\n"
        "- **ICC(2)**: hvor pålideligt et biblioteks medarbejdergennemsnit er (0 til 1; over 0,7 "
        "er godt).\n"
        "- **α (Cronbachs alfa)**: hvor godt spørgsmålene i et indeks måler det samme.\n"
        "- **Benjamini-Hochberg (BH)**: justerer p-værdierne, når mange tjenester testes på én "
        "gang, så tilfældige fund ikke ligner rigtige.\n"
        "- **Styrke**: chancen for at se en sammenhæng, der faktisk findes.\n"
        "- **Dæmpning**: usikre medarbejdergennemsnit gør en sand sammenhæng mindre synlig.\n"
        "- **NPS / eNPS**: andelen, der vil anbefale (9-10), minus andelen, der ikke vil (0-6); "
        "fra −100 til 100.\n"
        "- **k**: det mindste antal medarbejdersvar, før et tal vises.",
        "en": "- **95 % interval (CI)**: the values the data are compatible with; if it includes 0, "
        "the link or change may be chance.\n"
        "- **p-value**: how surprising the result would be if there were no link; below 0.05 is "
        "usually called clear.\n"
        "- **Pearson (r)**: the correlation of the libraries' averages, from −1 to 1.\n"
        "- **Spearman**: the same kind of correlation on ranks instead of values; withstands a "
        "few unusual libraries.\n"
        "- **Multilevel model**: allows for answers from one library resembling each other.\n"
        "- **Cluster-robust OLS**: an ordinary regression line whose uncertainty allows for "
        "answers from the same library.\n"
        "- **REWB (within / between)**: splits the link into differences between libraries and "
        "changes within one library over time.\n"
        "- **ICC(1)**: the share of the differences in staff answers that lies between "
        "libraries.\n"
        "- **ICC(2)**: how reliable a library's staff average is (0 to 1; above 0.7 is good).\n"
        "- **α (Cronbach's alpha)**: how well the questions of an index measure the same.\n"
        "- **Benjamini-Hochberg (BH)**: adjusts p-values when many services are tested at once, "
        "so chance findings do not look real.\n"
        "- **Power**: the chance of seeing a link that really exists.\n"
        "- **Attenuation**: uncertain staff averages make a true link look weaker.\n"
        "- **NPS / eNPS**: the share who would recommend (9-10) minus the share who would not "
        "(0-6); from −100 to 100.\n"
        "- **k**: the least number of staff answers before a figure is shown.",
    },
    "col_p": {"da": "p-værdi", "en": "p-value"},
    "hyp_power_kind_naive": {"da": "uden dæmpning", "en": "without attenuation"},
    "hyp_power_kind_attenuated": {"da": "med dæmpning", "en": "with attenuation"},
    "hyp_power_column_naive": {
        "da": "Styrke, r = {r} (uden dæmpning)",
        "en": "Power, r = {r} (without attenuation)",
    },
    "hyp_power_column_attenuated": {
        "da": "Styrke, r = {r} (med dæmpning)",
        "en": "Power, r = {r} (with attenuation)",
    },
    "hyp_kind_positive": {"da": "Positiv sammenhæng", "en": "Positive link"},
    "hyp_kind_negative": {"da": "Negativ sammenhæng", "en": "Negative link"},
    "hyp_kind_small_or_none": {"da": "Ingen eller lille sammenhæng", "en": "Little or no link"},
    "hyp_kind_inconclusive": {"da": "Endnu uafklaret", "en": "Not settled yet"},
    "hyp_kind_not_available": {"da": "Kan ikke beregnes endnu", "en": "Cannot be computed yet"},
    "hyp_failed": {
        "da": "Analysen kunne ikke gennemføres: {message}",
        "en": "The analysis could not be run: {message}",
    },
    "hyp_basis": {
        "da": "{libraries} biblioteker og {periods} perioder indgår ({staff} medarbejder- og "
        "{patron} borgersvar).",
        "en": "{libraries} libraries and {periods} periods included ({staff} staff and {patron} "
        "patron responses).",
    },
    "hyp_sensitivity_intro": {
        "da": "Andre måder at regne på. De ændrer ikke svaret ovenfor, men viser, om det holder.",
        "en": "Other ways to compute it. They do not change the answer above; they show whether it holds.",
    },
    "hyp_explain_pearson": {
        "da": "Har biblioteker med gladere medarbejdere også mere tilfredse borgere? -1 til 1; 0 = ingen sammenhæng.",
        "en": "Do libraries with happier staff also have more satisfied patrons? -1 to 1; 0 = no link.",
    },
    "hyp_explain_multilevel": {
        "da": "Hvor mange point højere borgertilfredshed pr. point højere medarbejdertrivsel, når hver borgers svar tæller.",
        "en": "How many points higher patron satisfaction per point of staff wellbeing, counting every patron's answer.",
    },
    "hyp_explain_within": {
        "da": "Når et biblioteks medarbejdertrivsel stiger, stiger dets borgertilfredshed så også?",
        "en": "When a library's staff wellbeing rises, does its patron satisfaction rise too?",
    },
    "hyp_explain_spearman": {
        "da": "Samme spørgsmål, men kun rækkefølgen tæller; mindre følsom for et enkelt afvigende bibliotek.",
        "en": "The same question using ranks only; less sensitive to one unusual library.",
    },
    "hyp_explain_between": {
        "da": "Forskellen mellem biblioteker, når udviklingen over tid er trukket ud.",
        "en": "The difference between libraries once change over time is taken out.",
    },
    "hyp_explain_cluster_robust_ols": {
        "da": "Samme spørgsmål regnet enklere, hvor hver borger vejer lige meget.",
        "en": "The same question computed more simply, each patron weighing the same.",
    },
    "hyp_details": {"da": "Detaljer (p-værdier m.m.)", "en": "Details (p-values etc.)"},
    "hyp_missing_part": {"da": "Ikke beregnet: {reason}", "en": "Not computed: {reason}"},
    "hyp_no_reason": {"da": "for få data", "en": "not enough data"},
    "hyp_wb_title": {
        "da": "Mellem biblioteker og over tid",
        "en": "Between libraries and over time",
    },
    "hyp_wb_intro": {
        "da": "'Mellem' sammenligner biblioteker med hinanden; 'inden for' følger det samme bibliotek over tid. "
        "De kan pege i hver sin retning.",
        "en": "'Between' compares libraries with each other; 'within' follows the same library over time. "
        "They can point different ways.",
    },
    "hyp_part": {"da": "Del", "en": "Part"},
    "hyp_slope_axis": {
        "da": "Borgerpoint pr. medarbejderpoint (95 %-interval)",
        "en": "Patron points per staff point (95 % interval)",
    },
    "hyp_between": {"da": "Mellem biblioteker", "en": "Between libraries"},
    "hyp_within": {"da": "Inden for bibliotek", "en": "Within library"},
    "hyp_lag_title": {"da": "Hvad kommer først?", "en": "Which comes first?"},
    "hyp_lag_intro": {
        "da": "Sidste periodes medarbejdertrivsel mod denne periodes borgertilfredshed, og omvendt. "
        "Det viser sammenhæng over tid, ikke årsag.",
        "en": "Last period's staff wellbeing against this period's patron satisfaction, and the other "
        "way round. This shows association over time, not cause.",
    },
    "hyp_lag_caveat": {
        "da": "I simulerede fora med 15 biblioteker var intervallerne for tidsforskydningen bredere "
        "end nødvendigt (de afviser for sjældent): læs dem som beskrivende, ikke som en test.",
        "en": "In simulated forums of 15 libraries the lag intervals were wider than needed (they "
        "reject too rarely): read them as descriptive, not as a test.",
    },
    "hyp_staff_to_patron": {"da": "Medarbejdere → borgere", "en": "Staff → patrons"},
    "hyp_patron_to_staff": {"da": "Borgere → medarbejdere", "en": "Patrons → staff"},
    "hyp_lag_axis": {"da": "Estimat (95 %-interval)", "en": "Estimate (95 % interval)"},
    "hyp_lag_used": {
        "da": "Forskydning: {lag} {unit}. Par pr. afstand i kalenderen: {counts}; kun par med "
        "denne afstand indgår. Begge retninger er målt i standardafvigelser af udviklingen inden "
        "for bibliotekerne.",
        "en": "Lag: {lag} {unit}. Pairs by calendar distance: {counts}; only pairs at this distance "
        "are used. Both directions are in standard deviations of change within libraries.",
    },
    "hyp_lag_unit_year": {"da": "år", "en": "year(s)"},
    "hyp_lag_unit_half": {"da": "halvår", "en": "half-year(s)"},
    "hyp_lag_unit_quarter": {"da": "kvartal(er)", "en": "quarter(s)"},
    "hyp_lag_unit_month": {"da": "måned(er)", "en": "month(s)"},
    "hyp_power_title": {
        "da": "Hvor mange biblioteker skal der til?",
        "en": "How many libraries would we need?",
    },
    "hyp_power_intro": {
        "da": "Sandsynligheden for at opdage en sammenhæng af en given styrke, alt efter antal biblioteker. "
        "80 % er det sædvanlige mål. Den lodrette streg er jeres antal i dag ({j}).",
        "en": "The chance of detecting a link of a given strength, by number of libraries. 80 % is the usual "
        "target. The vertical line is your number today ({j}).",
    },
    "hyp_power_axis_j": {"da": "Antal biblioteker", "en": "Number of libraries"},
    "hyp_power_axis_power": {"da": "Sandsynlighed for at opdage", "en": "Chance of detecting"},
    "hyp_power_r": {"da": "Sand sammenhæng r", "en": "True link r"},
    "hyp_power_needed": {
        "da": "r = {r}: ca. {n} biblioteker ({n_att}, når usikre medarbejdergennemsnit regnes med).",
        "en": "r = {r}: about {n} libraries ({n_att} once uncertain staff averages are counted).",
    },
    "hyp_power_needed_plain": {
        "da": "r = {r}: ca. {n} biblioteker.",
        "en": "r = {r}: about {n} libraries.",
    },
    "hyp_power_note": {
        "da": "Planlægningstal for antagne sande sammenhænge, ikke 'observeret styrke'.",
        "en": "Planning figures for assumed true links, not 'observed power'.",
    },
    "hyp_touchpoints": {"da": "De enkelte tjenester", "en": "Each service"},
    "hyp_touchpoints_intro": {
        "da": "Mange tests på én gang giver tilfældige fund; derfor er p-værdierne justeret (Benjamini-Hochberg).",
        "en": "Many tests at once produce chance findings, so the p-values are adjusted (Benjamini-Hochberg).",
    },
    "hyp_caveats": {"da": "Forbehold", "en": "Caveats"},
    "hyp_reliability": {
        "da": "Pålidelighed af medarbejdergennemsnit: ICC(1) = {icc1}, ICC(2) = {icc2}, laveste α = {alpha}.",
        "en": "Reliability of staff averages: ICC(1) = {icc1}, ICC(2) = {icc2}, lowest α = {alpha}.",
    },
    "report_intro": {
        "da": "Hent en selvstændig HTML-fil med svaret, figurerne og tallene bag dem. Den kan åbnes i en "
        "browser uden netværk og sendes videre. Bibliotekerne vises under nye dæknavne, medmindre de har "
        "sagt ja til at blive nævnt.",
        "en": "Download a self-contained HTML file with the answer, the charts and the numbers behind them. "
        "It opens in a browser without a network and can be passed on. Libraries appear under new "
        "pseudonyms unless they agreed to be named.",
    },
    "report_download": {"da": "Hent rapporten (HTML)", "en": "Download the report (HTML)"},
    "report_contents": {"da": "Rapporten indeholder", "en": "The report contains"},
    # --- Forum package page (views/forum_package.py) ---
    "page_forum_package": {"da": "Forumpakke", "en": "Forum package"},
    "page_audit": {"da": "Log over ændringer", "en": "Audit log"},
    "audit_title": {"da": "Log over ændringer", "en": "Audit log"},
    "audit_intro": {
        "da": "Hver ændring af databasen: hvem, hvornår, hvad og for hvilket bibliotek. Kun for administratorer.",
        "en": "Every change to the database: who, when, what and for which library. Admins only.",
    },
    "audit_empty": {"da": "Ingen ændringer registreret endnu.", "en": "No changes recorded yet."},
    "audit_not_allowed": {
        "da": "Kun administratorer kan læse loggen over ændringer.",
        "en": "Only administrators can read the audit log.",
    },
    "fp_title": {
        "da": "Forumpakke: det her forlader biblioteket",
        "en": "Forum package: this is what leaves the library",
    },
    "fp_intro": {
        "da": "Forummet får kun opsummerede tal: antal, gennemsnit, spredning og summer, som "
        "analysen skal bruge. Se præcis hvad pakken indeholder, før du henter filen og sender den.",
        "en": "The forum gets summary figures only: counts, means, spreads and sums the analysis "
        "needs. See exactly what the package holds before you download the file and send it.",
    },
    "fp_library": {"da": "Bibliotek", "en": "Library"},
    "fp_periods": {"da": "Perioder", "en": "Periods"},
    "fp_named_yes": {
        "da": "Biblioteket har sagt ja til at blive vist med navn i forummet.",
        "en": "The library has agreed to be shown by name in the forum.",
    },
    "fp_named_no": {
        "da": "Biblioteket vises under et pseudonym i forummet (intet samtykke til navn).",
        "en": "The library is shown under a pseudonym in the forum (no consent to be named).",
    },
    "fp_k": {
        "da": "Medarbejdertal kun for grupper med mindst {k} svar; mindre grupper sendes kun med antal.",
        "en": "Staff figures only for groups of at least {k}; smaller groups travel with their count only.",
    },
    "fp_contains": {"da": "Pakken indeholder", "en": "The package contains"},
    "fp_never": {"da": "Pakken indeholder aldrig", "en": "The package never contains"},
    "fp_never_list": {
        "da": "enkeltsvar eller rækker, fritekstkommentarer, respondent-id'er eller deres hashværdier, "
        "filial- og terminaldetaljer, baggrundsspørgsmål (alder, brugertype), medarbejdertal for "
        "grupper under k.",
        "en": "individual answers or rows, free-text comments, respondent ids or their hashes, "
        "branch and terminal detail, segment questions (age, user type), staff figures of groups "
        "below k.",
    },
    "fp_table_cells": {
        "da": "Celler: antal, gennemsnit (0-100), spredning, kvadratsum, NPS-tællinger",
        "en": "Cells: count, mean (0-100), sd, within sum of squares, NPS counts",
    },
    "fp_table_items": {
        "da": "Spørgsmål: antal, gennemsnit, spredning pr. spørgsmål",
        "en": "Items: count, mean, sd per question",
    },
    "fp_table_item_covariances": {
        "da": "Kovarianser mellem trivselsspørgsmål (til Cronbachs alfa)",
        "en": "Covariances between wellbeing items (for Cronbach's alpha)",
    },
    "fp_table_kiosk_days": {
        "da": "Smiley-tryk pr. dag og knap",
        "en": "Smiley presses per day and button",
    },
    "fp_table_facts": {
        "da": "Nøgletal (besøg, årsværk ...)",
        "en": "Library facts (visits, FTE ...)",
    },
    "fp_table_comment_themes": {
        "da": "Kommentarer: antal og tone pr. tema (aldrig tekst)",
        "en": "Comments: counts and tone per theme (never text)",
    },
    "fp_rows": {"da": "{n} rækker", "en": "{n} rows"},
    # headers of tables shown as they are stored (the forum package preview): stored_<column>
    "stored_period": {"da": "Periode", "en": "Period"},
    "stored_side": {"da": "Side", "en": "Side"},
    "stored_measure": {"da": "Mål", "en": "Measure"},
    "stored_touchpoint": {"da": "Tjeneste", "en": "Service"},
    "stored_n": {"da": "Antal", "en": "n"},
    "stored_theme": {"da": "Tema", "en": "Theme"},
    "stored_n_comments": {"da": "Kommentarer", "en": "Comments"},
    "stored_positive": {"da": "Positive", "en": "Positive"},
    "stored_neutral": {"da": "Neutrale", "en": "Neutral"},
    "stored_negative": {"da": "Negative", "en": "Negative"},
    "stored_n_group": {"da": "Svar i gruppen", "en": "Responses in the group"},
    "stored_mean": {"da": "Gennemsnit", "en": "Mean"},
    "stored_sd": {"da": "Spredning", "en": "SD"},
    "stored_ss_within": {"da": "Kvadratsum inden for", "en": "Within sum of squares"},
    "stored_promoters": {"da": "Anbefalere", "en": "Promoters"},
    "stored_passives": {"da": "Passive", "en": "Passives"},
    "stored_detractors": {"da": "Kritikere", "en": "Detractors"},
    "stored_source": {"da": "Kilde", "en": "Source"},
    "stored_instrument": {"da": "Spørgeskema", "en": "Questionnaire"},
    "stored_instrument_id": {"da": "Spørgeskema", "en": "Questionnaire"},
    "stored_suppressed": {"da": "Skjult", "en": "Hidden"},
    "stored_item_code": {"da": "Spørgsmål", "en": "Item"},
    "stored_construct": {"da": "Måler", "en": "Measures"},
    "stored_scale_min": {"da": "Skala fra", "en": "Scale from"},
    "stored_scale_max": {"da": "Skala til", "en": "Scale to"},
    "stored_scale": {"da": "Skala", "en": "Scale"},
    "stored_n_incomplete": {"da": "Ufuldstændige", "en": "Incomplete"},
    "stored_item_i": {"da": "Spørgsmål 1", "en": "Item 1"},
    "stored_item_j": {"da": "Spørgsmål 2", "en": "Item 2"},
    "stored_mean_i": {"da": "Gennemsnit 1", "en": "Mean 1"},
    "stored_mean_j": {"da": "Gennemsnit 2", "en": "Mean 2"},
    "stored_cov": {"da": "Kovarians", "en": "Covariance"},
    "stored_date": {"da": "Dato", "en": "Date"},
    "stored_question": {"da": "Spørgsmål", "en": "Question"},
    "stored_button": {"da": "Knap", "en": "Button"},
    "stored_name": {"da": "Nøgletal", "en": "Fact"},
    "stored_value": {"da": "Værdi", "en": "Value"},
    "stored_upload_id": {"da": "Nr.", "en": "ID"},
    "stored_library": {"da": "Bibliotek", "en": "Library"},
    "stored_created_at": {"da": "Lavet", "en": "Made"},
    "stored_loaded_at": {"da": "Indlæst", "en": "Loaded"},
    "stored_status": {"da": "Status", "en": "Status"},
    "yes": {"da": "ja", "en": "yes"},
    "no": {"da": "nej", "en": "no"},
    "fp_hidden_cells": {
        "da": "{n} medarbejderceller er skjult (under {k} svar) og sendes uden tal.",
        "en": "{n} staff cells are hidden (under {k} answers) and travel without figures.",
    },
    "fp_download": {"da": "Hent forumpakken", "en": "Download the forum package"},
    "fp_send": {
        "da": "Send filen til forummets koordinator. Den indlæses med `servicemirror load` eller på "
        "siden Indlæs.",
        "en": "Send the file to the forum coordinator, who loads it with `servicemirror load` or on "
        "the Upload page.",
    },
    "fp_not_allowed": {
        "da": "Kun administratorer og bibliotekets egen leder kan hente bibliotekets forumpakke.",
        "en": "Only administrators and the library's own manager can download its forum package.",
    },
    "fp_no_data": {
        "da": "Der er ingen data at pakke endnu. Indlæs bibliotekets undersøgelser først.",
        "en": "There is no data to package yet. Load the library's surveys first.",
    },
    "fp_received": {"da": "Modtagne forumpakker", "en": "Forum packages received"},
    # --- Projects page and the target/project layers (views/projects.py, data.py) ---
    "page_projects": {"da": "Projekter", "en": "Projects"},
    "projects_title": {
        "da": "Projekter og servicedeklarationer",
        "en": "Projects and service declarations",
    },
    "projects_intro": {
        "da": "Hvert biblioteks forumprojekt, og hvad det gjorde: ændringen i tjenestens borgertilfredshed "
        "efter starten sammenlignet med de samme tjenester i de andre biblioteker over de samme perioder.",
        "en": "Each library's forum project and what it did: the change in the service's patron "
        "satisfaction after the start, compared with the same service in the other libraries over "
        "the same periods.",
    },
    "projects_none": {
        "da": "Der er endnu ingen projekter. Tilføj et nedenfor eller med `servicemirror project add`.",
        "en": "No projects yet. Add one below or with `servicemirror project add`.",
    },
    "projects_effect": {"da": "Virkning (indekspoint)", "en": "Effect (index points)"},
    "projects_what_data_says": {"da": "Hvad data kan sige", "en": "What the data can say"},
    "project_verdict_improved": {"da": "Tydelig forbedring", "en": "Clear improvement"},
    "project_verdict_declined": {"da": "Tydelig tilbagegang", "en": "Clear decline"},
    "project_verdict_uncertain": {"da": "Kan være tilfældig", "en": "May be chance"},
    "project_verdict_unknown": {"da": "Intet estimat endnu", "en": "No estimate yet"},
    "projects_chart_note": {
        "da": "Punktet er projektets anslåede virkning på tjenestens borgertilfredshed, stregen "
        "dens 95 %-interval. Krydser stregen 0, kan virkningen være tilfældig.",
        "en": "The point is the project's estimated effect on the service's patron satisfaction, "
        "the line its 95 % interval. If the line crosses 0, the effect may be chance.",
    },
    "projects_how_title": {"da": "Sådan regnes virkningen", "en": "How the effect is worked out"},
    "projects_how": {
        "da": "Virkningen er forskellen i forskelle: hvor meget tilfredsheden med tjenesten "
        "ændrede sig i biblioteket fra før til efter projektets start, minus hvor meget den "
        "samme tjeneste ændrede sig i de andre biblioteker i de samme perioder. Så tæller et år, "
        "hvor alle gik op eller ned, ikke som projektets virkning.\n\n"
        "Usikkerheden er lært af de andre biblioteker: regnestykket gentages, som om hvert af "
        "dem havde haft projektet (placebo), og spredningen af de tal giver intervallet.\n\n"
        "Intet estimat endnu betyder, at der mangler målinger før eller efter starten, eller for "
        "få andre biblioteker at sammenligne med. Åbn projektet nedenfor for at se hvorfor.",
        "en": "The effect is a difference in differences: how much satisfaction with the service "
        "changed in the library from before to after the project's start, minus how much the "
        "same service changed in the other libraries over the same periods. A year in which "
        "everyone went up or down then does not count as the project's effect.\n\n"
        "The uncertainty is learned from the other libraries: the sum is repeated as if each of "
        "them had had the project (placebo), and the spread of those figures gives the "
        "interval.\n\n"
        "No estimate yet means measurements before or after the start are missing, or there are "
        "too few other libraries to compare with. Open the project below to see why.",
    },
    "project_add": {"da": "Tilføj et projekt", "en": "Add a project"},
    "project_title_field": {"da": "Titel", "en": "Title"},
    "project_start": {"da": "Startdato", "en": "Start date"},
    "project_end": {"da": "Slutdato (valgfri)", "en": "End date (optional)"},
    "project_owner": {"da": "Ansvarlig", "en": "Owner"},
    "project_description": {"da": "Beskrivelse", "en": "Description"},
    "project_expected": {"da": "Forventet virkning", "en": "Expected effect"},
    "project_notes": {"da": "Noter fra forummøderne", "en": "Notes from the forum meetings"},
    "project_saved": {"da": "Projekt {id} er gemt.", "en": "Project {id} saved."},
    "project_marker": {"da": "{title} (fra {start})", "en": "{title} (from {start})"},
    "save": {"da": "Gem", "en": "Save"},
    "targets_header": {"da": "Servicedeklarationens mål", "en": "Service-declaration targets"},
    "targets_none": {
        "da": "Ingen mål endnu. Tilføj et nedenfor eller indlæs en CSV med `servicemirror targets load`.",
        "en": "No targets yet. Add one below or load a CSV with `servicemirror targets load`.",
    },
    "target_add": {"da": "Sæt et mål", "en": "Set a target"},
    "target_measure": {"da": "Mål for", "en": "Measure"},
    "target_value": {"da": "Målværdi", "en": "Target value"},
    "target_source": {
        "da": "Kilde (fx servicedeklaration 2024)",
        "en": "Source (e.g. service declaration 2024)",
    },
    "target_saved": {"da": "Målet er gemt.", "en": "Target saved."},
    "target_short": {"da": "Mål {value}", "en": "Target {value}"},
    "target_no_data": {"da": "ingen måling endnu", "en": "no measurement yet"},
    "target_label": {
        "da": "{head}: {value} i {period} (95 % {low}–{high}), afstand {gap}",
        "en": "{head}: {value} in {period} (95 % {low}–{high}), gap {gap}",
    },
    "target_status": {"da": "Status", "en": "Status"},
    "measure_index": {"da": "Tilfredshedsindeks (0-100)", "en": "Satisfaction index (0-100)"},
    "measure_top2": {"da": "Andel tilfredse (%)", "en": "Share satisfied (%)"},
    "overall": {"da": "Samlet", "en": "Overall"},
    "segments_header": {"da": "Brugergrupper", "en": "Patron segments"},
    "segments_intro": {
        "da": "Tilfredshed efter brugergruppe. Grupper med færre end {n} svar vises ikke (og en nabogruppe "
        "skjules, hvis den ellers kunne regnes ud).",
        "en": "Satisfaction by patron segment. Segments with fewer than {n} answers are not shown (and a "
        "neighbouring segment is hidden when it could otherwise be worked out).",
    },
    "segment_dimension": {"da": "Opdel efter", "en": "Split by"},
    "segment": {"da": "Gruppe", "en": "Segment"},
    "segments_none": {
        "da": "Ingen brugergrupper i data for dette valg.",
        "en": "No patron segments in the data for this choice.",
    },
    "segments_hidden": {"da": "Skjult: {segments}.", "en": "Hidden: {segments}."},
    "personas_header": {"da": "Personas", "en": "Personas"},
    "personas_none": {"da": "Ingen personas defineret endnu.", "en": "No personas defined yet."},
    "persona_add": {"da": "Definér en persona", "en": "Define a persona"},
    "persona_name": {"da": "Navn", "en": "Name"},
    "persona_saved": {"da": "Personaen er gemt.", "en": "Persona saved."},
    "any_value": {"da": "(alle)", "en": "(any)"},
}


def t(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang`` (falls back to Danish), formatted with ``values``."""
    entry = TEXT[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def table(
    frame,
    lang: str,
    columns: dict[str, str],
    digits: dict[str, int] | None = None,
    percent: list[str] | tuple[str, ...] = (),
):
    """A copy of ``frame`` for display: only ``columns`` (in that order, renamed to their
    translated titles), numbers formatted per language (``digits`` per column, ``percent``
    columns as whole percent), missing values as '—'.
    """
    digits = digits or {}
    keep = [c for c in columns if c in frame.columns]
    out = frame[keep].copy()
    for col in keep:
        if col in percent:
            out[col] = [
                number(v * 100 if v == v and v is not None else v, lang, 0) + " %"
                if v == v and v is not None
                else "—"
                for v in out[col]
            ]
        elif col in digits:
            out[col] = [number(v, lang, digits[col]) for v in out[col]]
    return out.rename(columns={c: columns[c] for c in keep})


def _missing(value) -> bool:
    """None, NaN, NaT or pandas' NA (whose truth value cannot be asked)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _core_item_text(code: str, lang: str) -> str:
    """The wording of one of the forum's core questions (``etl.vocab.CORE_ITEMS``), else the code."""
    from servicemirror.etl.vocab import CORE_ITEMS

    texts = {row[0]: {"da": row[-2], "en": row[-1]} for row in CORE_ITEMS}
    return texts[code][lang] if code in texts else str(code)


def stored_table(frame, lang: str):
    """A stored table (e.g. a forum package's cells) for display: headers from the
    ``stored_<column>`` texts, codes of services, measures, constructs, sides, sources and
    statuses by their names in the label table, yes/no for flags, numbers per language, '—' for
    missing. English free-text reasons are left out (the flag says it)."""
    out = frame.drop(columns=[c for c in ("library_key", "suppressed_reason") if c in frame])
    out = out.copy()
    names = {
        "touchpoint": lambda v: labels.label("touchpoint", v, lang) if v else t("overall", lang),
        "measure": lambda v: labels.label("construct", v, lang),
        "construct": lambda v: labels.label("construct", v, lang),
        "side": lambda v: t(f"side_{v}", lang) if f"side_{v}" in TEXT else v,
        "source": lambda v: t(f"source_{v}", lang) if f"source_{v}" in TEXT else v,
        "status": lambda v: labels.label("status", v, lang),
        "theme": lambda v: t(f"theme_{v}", lang) if f"theme_{v}" in TEXT else v,
        "suppressed": lambda v: t("yes" if bool(v) else "no", lang),
        # the forum's core questions by their wording, not their code
        "item_code": lambda v: _core_item_text(v, lang),
    }
    for col in out.columns:
        if col in names:
            out[col] = ["—" if _missing(v) else names[col](v) for v in out[col]]
        elif out[col].dtype.kind == "f":
            out[col] = [number(v, lang, 2) for v in out[col]]
        elif out[col].dtype.kind == "O" or out[col].isna().any():
            # a column of objects (or with gaps): its numbers still written per language, and
            # the column all text, so the table needs no type guessing
            out[col] = ["—" if _missing(v) else _stored_value(v, lang) for v in out[col]]
    return out.rename(
        columns={c: t(f"stored_{c}", lang) for c in out.columns if f"stored_{c}" in TEXT}
    )


def _stored_value(value, lang: str) -> str:
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, numbers.Integral):
        return number(value, lang, 0)
    if isinstance(value, numbers.Real):
        return number(value, lang, 2)
    return str(value)


def coded(frame, lang: str, **kinds: str):
    """A copy of ``frame`` with code columns shown by their names from the label table:
    ``coded(history, lang, format="format", status="status")``."""
    out = frame.copy()
    for col, kind in kinds.items():
        if col in out:
            out[col] = [labels.label(kind, v, lang) for v in out[col]]
    return out


def _listing(counts: dict, lang: str) -> str:
    """'Alfa (40)' or 'Alfa (40) og Beta (12)': names with their number of responses."""
    parts = [f"{name} ({number(n, lang, 0)})" for name, n in counts.items()]
    if len(parts) <= 1:
        return "".join(parts) or "—"
    return ", ".join(parts[:-1]) + f" {t('and', lang)} " + parts[-1]


def preview_sentence(report: dict, lang: str) -> str:
    """What an uploaded file holds, in one sentence (the ``load --json`` report of a preview):
    whose answers, which libraries and periods, which questions, how many comments, and the
    format it was recognised as."""
    constructs = sorted(
        {labels.label("construct", i.get("construct"), lang) for i in report.get("items") or []}
    )
    who = f"who_{report.get('respondent_type')}"
    return t(
        "preview_summary",
        lang,
        n=number(report.get("valid_responses", 0), lang, 0),
        who=t(who if who in TEXT else "who_any", lang),
        libraries=_listing(report.get("libraries") or {}, lang),
        periods=_listing(report.get("periods") or {}, lang),
        items=len(report.get("items") or []),
        constructs=", ".join(constructs) or "—",
        comments=number(report.get("comments", 0), lang, 0),
        format=labels.label("format", report.get("format"), lang),
    )
