"""The comment theme dictionary: the shipped one and a library's own, read and validated.

A dictionary is a CSV with one term per row (UTF-8 or cp1252, comma or semicolon separated):

    theme,lang,term
    opening_hours,da,åbningstid
    home_delivery,da,bogen kommer
    access_parking,da,*parkering*

``theme`` is a key of lower-case letters, digits and ``_`` (the 13 shipped keys or a library's
own), ``lang`` is ``da`` or ``en``, ``term`` a word, a phrase of several words, or a word with
``*`` at its start and/or end to match inside compound words (see ``etl/comment_tags.py``).
An optional ``label`` column names a library's own theme on screen. The shipped dictionary is
``etl/templates/comment_themes.csv``: copy it, edit it, load it with
``servicemirror comments --load-themes FILE``.
"""

from __future__ import annotations

import io
import re
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from servicemirror.core import labels
from servicemirror.etl.comment_tags import LANGS
from servicemirror.etl.readers.base import ReadError

THEME_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TERM = re.compile(r"^\*?[\w'’\- ]+\*?$")
COLUMNS = ["theme", "lang", "term", "label"]
MAX_TERMS = 5000


def default_dictionary() -> pd.DataFrame:
    """The dictionary shipped with the package (13 themes, Danish and English)."""
    return _default_dictionary().copy()


@cache
def _default_dictionary() -> pd.DataFrame:
    text = (
        resources.files("servicemirror.etl")
        .joinpath("templates/comment_themes.csv")
        .read_text(encoding="utf-8")
    )
    return validate(_parse(text, "comment_themes.csv"), "comment_themes.csv")


def read_dictionary(path: Path) -> pd.DataFrame:
    """A library's dictionary file, validated; ReadError (one line) when it cannot be used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError.of(
            "read_themes_unreadable", file=path, error=labels.clip(exc.strerror)
        ) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReadError.of("read_text_encoding", file=path)
    return validate(_parse(text, path.name), path.name)


def _parse(text: str, name: str) -> pd.DataFrame:
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ReadError.of(
            "read_targets_unreadable", file=name, error=labels.clip(str(exc).splitlines()[0])
        ) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def validate(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check every row; the frame (theme, lang, term, label) or ReadError naming file, row, column."""
    missing = [c for c in ("theme", "lang", "term") if c not in frame.columns]
    if missing:
        raise ReadError.of("read_themes_columns", file=name, missing=", ".join(missing))
    if frame.empty:
        raise ReadError.of("read_themes_empty", file=name)
    if len(frame) > MAX_TERMS:
        raise ReadError.of("read_themes_too_many", file=name, count=len(frame), limit=MAX_TERMS)
    frame = frame.assign(label=frame["label"] if "label" in frame.columns else "")
    frame = frame[COLUMNS].apply(lambda col: col.astype(str).str.strip())
    frame["theme"] = frame["theme"].str.lower()
    frame["lang"] = frame["lang"].str.lower()
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        if not THEME_KEY.match(row.theme):
            raise ReadError.of(
                "read_themes_bad_theme", file=name, row=i, value=labels.clip(row.theme)
            )
        if row.lang not in LANGS:
            raise ReadError.of(
                "read_themes_bad_lang", file=name, row=i, value=labels.clip(row.lang)
            )
        if not row.term or not TERM.match(row.term) or row.term.strip("*").strip() == "":
            raise ReadError.of(
                "read_themes_bad_term", file=name, row=i, value=labels.clip(row.term)
            )
    return frame.drop_duplicates(["theme", "lang", "term"]).reset_index(drop=True)
