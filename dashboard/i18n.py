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
        "da": "Serveren har hverken kommunalt login eller en brugerfil. Se docs/privacy.md.",
        "en": "This server has neither a municipal log-in nor a user file. See docs/privacy.md.",
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
    "pseudonym": {"da": "Bibliotek {letter}", "en": "Library {letter}"},
    "touchpoint": {"da": "Tjeneste", "en": "Service"},
    "all_touchpoints": {"da": "Alle tjenester", "en": "All services"},
    "all_libraries": {"da": "Alle biblioteker", "en": "All libraries"},
    "all_periods": {"da": "Alle perioder", "en": "All periods"},
    "touchpoint_counter": {"da": "Betjening", "en": "Counter service"},
    "touchpoint_self_service": {"da": "Selvbetjening", "en": "Self-service"},
    "touchpoint_home_delivery": {"da": "Bogen Kommer", "en": "Home delivery (Bogen Kommer)"},
    "touchpoint_book_a_librarian": {"da": "Book en bibliotekar", "en": "Book a librarian"},
    "touchpoint_events": {"da": "Arrangementer", "en": "Events"},
    "touchpoint_web": {"da": "Web", "en": "Web"},
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
    "regression_note": {
        "da": "Linjen er den bedste rette linje gennem de viste punkter; det skraverede bånd er dens "
        "95 %-interval. Skjulte biblioteker indgår ikke.",
        "en": "The line is the best straight line through the points shown; the shaded band is its "
        "95 % interval. Hidden libraries are left out of it.",
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
        "da": "Betjent eller ubetjent kendes ikke: indlæs biblioteksfakta staffed_start_1..7 og "
        "staffed_end_1..7 (time for betjeningens start og slut pr. ugedag, 1 = mandag).",
        "en": "Staffed or unstaffed is not known: load library facts staffed_start_1..7 and "
        "staffed_end_1..7 (hour staffing starts and ends per weekday, 1 = Monday).",
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
    "status_ok": {"da": "enkeltsvar", "en": "individual responses"},
    "status_aggregates": {"da": "kun gennemsnit", "en": "aggregates only"},
    "status_suppressed": {"da": "skjult (under k)", "en": "hidden (below k)"},
    "status_none": {"da": "ingen data", "en": "no data"},
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
        "da": "Indlæsning {id} ({name}) er fortrudt: {n} rækker fjernet.",
        "en": "Upload {id} ({name}) undone: {n} rows removed.",
    },
    "undo_failed": {"da": "Kunne ikke fortryde: {message}", "en": "Could not undo: {message}"},
    "hyp_title": {
        "da": "Hænger glade medarbejdere sammen med tilfredse borgere?",
        "en": "Do happier staff go with more satisfied citizens?",
    },
    "hyp_verdict": {"da": "Svaret lige nu", "en": "The answer so far"},
    "hyp_kind_positive": {"da": "Positiv sammenhæng", "en": "Positive link"},
    "hyp_kind_negative": {"da": "Negativ sammenhæng", "en": "Negative link"},
    "hyp_kind_small_or_none": {"da": "Ingen eller lille sammenhæng", "en": "Little or no link"},
    "hyp_kind_inconclusive": {"da": "Endnu uafklaret", "en": "Not settled yet"},
    "hyp_kind_not_available": {"da": "Kan ikke beregnes endnu", "en": "Cannot be computed yet"},
    "hyp_not_ready": {
        "da": "Den statistiske analyse er ikke tilgængelig i denne installation endnu.",
        "en": "The statistical analysis is not available in this installation yet.",
    },
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
    "hyp_tests": {"da": "Testene", "en": "The tests"},
    "hyp_primary": {"da": "Primær", "en": "Primary"},
    "hyp_secondary": {"da": "Sekundær", "en": "Secondary"},
    "hyp_sensitivity": {"da": "Følsomhedsanalyser", "en": "Sensitivity analyses"},
    "hyp_sensitivity_intro": {
        "da": "Andre måder at regne på. De ændrer ikke svaret ovenfor, men viser, om det holder.",
        "en": "Other ways to compute it. They do not change the answer above; they show whether it holds.",
    },
    "hyp_test_pearson": {
        "da": "Korrelation mellem bibliotekerne (ét punkt pr. bibliotek)",
        "en": "Correlation between libraries (one point per library)",
    },
    "hyp_explain_pearson": {
        "da": "Har biblioteker med gladere medarbejdere også mere tilfredse borgere? -1 til 1; 0 = ingen sammenhæng.",
        "en": "Do libraries with happier staff also have more satisfied patrons? -1 to 1; 0 = no link.",
    },
    "hyp_test_multilevel": {
        "da": "Flerniveaumodel (borgere inden for biblioteker)",
        "en": "Multilevel model (patrons within libraries)",
    },
    "hyp_explain_multilevel": {
        "da": "Hvor mange point højere borgertilfredshed pr. point højere medarbejdertrivsel, når hver borgers svar tæller.",
        "en": "How many points higher patron satisfaction per point of staff wellbeing, counting every patron's answer.",
    },
    "hyp_test_within": {
        "da": "Inden for det enkelte bibliotek over tid",
        "en": "Within each library over time",
    },
    "hyp_explain_within": {
        "da": "Når et biblioteks medarbejdertrivsel stiger, stiger dets borgertilfredshed så også?",
        "en": "When a library's staff wellbeing rises, does its patron satisfaction rise too?",
    },
    "hyp_test_spearman": {"da": "Rangkorrelation (Spearman)", "en": "Rank correlation (Spearman)"},
    "hyp_explain_spearman": {
        "da": "Samme spørgsmål, men kun rækkefølgen tæller; mindre følsom for et enkelt afvigende bibliotek.",
        "en": "The same question using ranks only; less sensitive to one unusual library.",
    },
    "hyp_test_between": {"da": "Mellem bibliotekerne (REWB)", "en": "Between libraries (REWB)"},
    "hyp_explain_between": {
        "da": "Forskellen mellem biblioteker, når udviklingen over tid er trukket ud.",
        "en": "The difference between libraries once change over time is taken out.",
    },
    "hyp_test_cluster_robust_ols": {
        "da": "Almindelig regression med robuste fejl",
        "en": "Ordinary regression with cluster-robust errors",
    },
    "hyp_explain_cluster_robust_ols": {
        "da": "Samme spørgsmål regnet enklere, hvor hver borger vejer lige meget.",
        "en": "The same question computed more simply, each patron weighing the same.",
    },
    "hyp_role": {"da": "Rolle", "en": "Role"},
    "hyp_estimate": {"da": "Estimat", "en": "Estimate"},
    "hyp_interval": {"da": "95 %-interval", "en": "95 % interval"},
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
    "hyp_excluded": {
        "da": "Holdt uden for beregningerne: {library} ({reason})",
        "en": "Left out of the statistics: {library} ({reason})",
    },
    "hyp_reliability": {
        "da": "Pålidelighed af medarbejdergennemsnit: ICC(1) = {icc1}, ICC(2) = {icc2}, laveste α = {alpha}.",
        "en": "Reliability of staff averages: ICC(1) = {icc1}, ICC(2) = {icc2}, lowest α = {alpha}.",
    },
    "hyp_causation": {
        "da": "Sammenhæng er ikke årsag: gladere medarbejdere kan give mere tilfredse borgere, tilfredse "
        "borgere kan give gladere medarbejdere, eller begge kan skyldes noget tredje.",
        "en": "Association is not causation: happier staff may make patrons more satisfied, satisfied "
        "patrons may make staff happier, or both may follow something else.",
    },
    "report_title": {"da": "Rapport til forummøde", "en": "Report for a forum meeting"},
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
    # --- Forum package page (views/forum_package.py) ---
    "page_forum_package": {"da": "Forumpakke", "en": "Forum package"},
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
    "fp_rows": {"da": "{n} rækker", "en": "{n} rows"},
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
    "fp_no_data": {
        "da": "Der er ingen data at pakke endnu. Indlæs bibliotekets undersøgelser først.",
        "en": "There is no data to package yet. Load the library's surveys first.",
    },
    "fp_received": {"da": "Modtagne forumpakker", "en": "Forum packages received"},
    # --- Projects page and the target/project layers (issue 9; views/projects.py, data.py) ---
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
    "projects_no_estimate": {"da": "Intet estimat", "en": "No estimate"},
    "projects_method_note": {
        "da": "Forskel-i-forskelle med biblioteks- og periodeeffekter; usikkerheden er lært af de andre "
        "biblioteker (placebo). Se docs/projects.md.",
        "en": "Difference-in-differences with library and period effects; the uncertainty is learned "
        "from the other libraries (placebo). See docs/projects.md.",
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
    "status_met": {"da": "nået", "en": "met"},
    "status_missed": {"da": "ikke nået", "en": "missed"},
    "status_unclear": {"da": "kan ikke afgøres", "en": "unclear"},
    "status_no data": {"da": "ingen data", "en": "no data"},
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
    "dim_age_band": {"da": "Alder", "en": "Age band"},
    "dim_visit_frequency": {"da": "Besøgshyppighed", "en": "Visit frequency"},
    "dim_user_type": {"da": "Brugertype", "en": "User type"},
    "dim_channel": {"da": "Kanal", "en": "Channel"},
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


def number(value, lang: str, digits: int = 1) -> str:
    """A number formatted per language: decimal comma in Danish, point in English; '—' if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "da":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


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
