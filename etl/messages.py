"""The importer's refusal and warning texts in Danish and English, in one place.

Each key holds {"da": ..., "en": ...} with ``{named}`` fields; :func:`message` fills them in.
Cell values are clipped by :func:`clip` before they go into a message: a 6 KB cell must never be
echoed back. The loader's refusal line (``etl.load.prepare``/``load_file`` ``lang``) is Danish on
the upload page when the page is in Danish, English on the command line; the row reasons inside
it come from the readers and are still English.
"""

from __future__ import annotations

MAX_ECHO = 80

MESSAGES: dict[str, dict[str, str]] = {
    "not_a_file": {
        "da": "{path}: filen findes ikke.",
        "en": "{path}: no such file.",
    },
    "folder": {
        "da": "{path}: er en mappe, ikke en fil. Upload én eksportfil (for SurveyXact: zip-filen "
        "eller dataset.csv).",
        "en": "{path}: is a folder, not a file. Upload one export file (for SurveyXact: the .zip "
        "or dataset.csv).",
    },
    "no_rating_questions": {
        "da": "{file}: ingen spørgsmål med en svarskala i filen ({columns} kolonner læst: "
        "{roles}). Angiv skalaen for et spørgsmål i kolonnetildelingen (load --mapping eller "
        "Upload-siden).",
        "en": "{file}: no rating questions found ({columns} columns read: {roles}). Give a "
        "question's scale in the mapping step (load --mapping or the Upload page).",
    },
    "no_valid": {
        "da": "{file}: ingen gyldige besvarelser i filen. Flest rækker ({count} af {total}) blev "
        "afvist fordi: {reason}. Eksempel: {example}. {todo}",
        "en": "{file}: no valid responses found in the file. Most rejected rows ({count} of "
        "{total}) were rejected because: {reason}. Example: {example}. {todo}",
    },
    "where_row": {"da": "række {row}", "en": "row {row}"},
    "where_column": {"da": "kolonne '{column}'", "en": "column '{column}'"},
    "where_value": {"da": "værdi '{value}'", "en": "value '{value}'"},
    "no_valid_bare": {
        "da": "{file}: ingen gyldige besvarelser i filen (ingen besvarelse har en gyldig "
        "vurdering).",
        "en": "{file}: no valid responses found in the file (no respondent gave a valid rating).",
    },
    "todo_library": {
        "da": "Knyt bibliotekskolonnen til biblioteker i kolonnetildelingen (load --mapping eller "
        "Upload-siden), eller angiv biblioteket med --library.",
        "en": "Map the library column to libraries in the mapping step (load --mapping or the "
        "Upload page), or give the library with --library.",
    },
    "todo_period": {
        "da": "Angiv perioden med --period.",
        "en": "Give the period with --period.",
    },
    "todo_mapping": {
        "da": "Ret cellerne, eller ret kolonnernes roller og skalaer i kolonnetildelingen "
        "(load --mapping eller Upload-siden; load --dry-run --json viser hver kolonnes rolle).",
        "en": "Fix the cells, or correct the columns' roles and scales in the mapping step "
        "(load --mapping or the Upload page; load --dry-run --json shows each column's role).",
    },
    "implausible_library": {
        "da": "ikke et biblioteksnavn ({why}); ret cellen eller angiv biblioteket med --library",
        "en": "not a library name ({why}); fix the cell or give the library with --library",
    },
    "decimal_answer": {
        "da": "et decimaltal er ikke et svar på denne skala (svarene er hele point); ret cellen",
        "en": "a decimal is not an answer on this scale (answers are whole points); fix the cell",
    },
    "not_completed": {
        "da": "ikke en gennemført besvarelse (status): tælles ikke med",
        "en": "not a completed response (status): not counted",
    },
    "why_formula": {"da": "en formel", "en": "a formula"},
    "why_url": {"da": "en webadresse", "en": "a web address"},
    "why_long": {"da": "over 100 tegn", "en": "over 100 characters"},
    "why_code": {
        "da": 'en kode; knyt koden til et bibliotek i kolonnetildelingen ("libraries")',
        "en": 'a code; map the code to a library in the mapping step ("libraries")',
    },
    "other_counts_nowhere": {
        "da": "spørgsmål '{item}' har ingen kendt dimension ('other') og tæller ikke i noget "
        "indeks; angiv construct (fx trivsel, tilfredshed) i filen eller kolonnetildelingen",
        "en": "item '{item}' has no known construct ('other') and counts in no index; give its "
        "construct (e.g. trivsel, tilfredshed) in the file or the mapping step",
    },
}


def message(key: str, lang: str = "en", **values) -> str:
    """The text of ``key`` in ``lang`` ("da" or "en", English when unknown), fields filled in."""
    texts = MESSAGES[key]
    return texts.get(lang, texts["en"]).format(**values)


def clip(value, limit: int = MAX_ECHO) -> str:
    """A cell value as it may appear in a message: at most ``limit`` characters, one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
