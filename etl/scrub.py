"""Remove personal data from free text before it is stored (docs/privacy.md, "Scrubbing").

Every stored free-text column goes through :func:`scrub_text` / :func:`scrub_series`: comments
and the patron segment columns (user type, channel, ...), which a survey tool may fill with
whatever a respondent typed. What is replaced by a tag:

- e-mail addresses, also written ``navn(at)domæne.dk``, ``navn[at]domæne.dk`` or with spaces
  around ``@``;
- CPR numbers ``ddmmyy-xxxx`` with any dash (``-``, ``–``, ``—``), a slash, a dot, spaces, or
  none (the first six digits must be a valid day and month);
- phone numbers: Danish eight digits (``12345678``, ``12 34 56 78``, ``1234-5678``), with
  ``+45``/``0045``, and international numbers with ``+``/``00``. Dates in Danish and ISO form
  (``15-01-2024``, ``15.01.2024``, ``2024-01-15``) and year ranges (``2023-2024``) are never
  phone numbers;
- names, only in name position: a first name followed by a surname (``Mette Hansen``), or a
  first name after "tak til", "hilsen", "mvh", "spurgte" (``tak til Mette``), from the national
  lists in :mod:`etl.names_da`; and every capitalised occurrence of a name on the library's own
  list (setting ``comment_names``, its staff). Ordinary words ("per uge", "skov", "lund") stay.

Cost is linear in the length of the text: the patterns run on RE2 (``google-re2``), whose
matching time is linear by construction (Python's ``re`` backtracks: an e-mail pattern without
a nested quantifier still took quadratic time on a long run of word characters). RE2 has no
look-around, so the boundary checks (no digit right before a CPR number, ...) look at one
character on each side in Python, which keeps the whole pass linear. Two tiny patterns that
cannot backtrack (one character class, or one class and one greedy run) use Python's ``re``,
because the re2 wrapper's cost per call and per match would dominate short comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import re2

from servicemirror.etl import names_da

TAGS = {
    "email": "[e-mail fjernet]",
    "cpr": "[cpr fjernet]",
    "phone": "[telefon fjernet]",
    "name": "[navn fjernet]",
}
# which tag wins where two findings overlap (a CPR number also looks like a phone number)
PRIORITY = {"email": 0, "cpr": 1, "phone": 2, "name": 3}

_WORD = r"\pL\pN_"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, non-breaking, figure, en, em, minus
EMAIL = re2.compile(
    rf"[{_WORD}.+\-]+[ \t]{{0,3}}(?:@|\(at\)|\[at\]|\(snabel-a\))[ \t]{{0,3}}"
    rf"[{_WORD}\-]+(?:\.[{_WORD}\-]+)+"
)
# ddmmyy, optionally dotted (dd.mm.yy), then a separator (dash of any kind, slash, dot, spaces)
CPR = re2.compile(
    rf"(?:0[1-9]|[12]\d|3[01])\.?(?:0[1-9]|1[0-2])\.?\d\d"
    rf"(?:[ \t]{{0,3}}[{_DASHES}/.][ \t]{{0,3}}|[ \t]{{0,3}})\d{{4}}"
)
MONTHS = (
    "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
DATE = re2.compile(
    rf"\d{{4}}[{_DASHES}/.]\d{{1,2}}[{_DASHES}/.]\d{{1,2}}"  # ISO 2024-01-15
    rf"|\d{{1,2}}[{_DASHES}/.]\d{{1,2}}[{_DASHES}/.]\d{{2,4}}"  # Danish 15-01-2024, 15.1.24
    rf"|\d{{1,2}}\.?[ \t]*(?i:{MONTHS})\.?[ \t]*\d{{2,4}}"  # 15. januar 2024
    rf"|(?:19|20)\d\d(?:[ \t]*[{_DASHES}/][ \t]*|[ \t]+)(?:19|20)\d\d"  # years 2023-2024
)
PHONE = re2.compile(r"(?:(?:\+|00)\d{1,3}[ \t\-]{0,2})?\d(?:[ \t\-]?\d){7,11}")
# Capitalised words, for the name check. Python's re here, not RE2: the pattern is one class and
# one greedy run with nothing after it, so it cannot backtrack (linear), and the re2 wrapper's cost
# per match would make this, the one pattern that matches often, the slowest part of a comment.
CAPITALISED = re.compile(r"(?<![\w'\-])[A-ZÆØÅÄÖÜÉÈÁ][^\W\d_]*(?:[-'][^\W\d_]+)*")
_ANY_DIGIT = re.compile(r"\d")  # one character class, no backtracking: linear in Python's re
TRIGGERS = ("tak til", "hilsen", "mvh", "spurgte", "kh", "takket være", "hedder", "ved navn")


def _variants(name: str) -> set[str]:
    """A name and its spellings without Danish letters (Søren/Soeren, Østergaard/Oestergaard)."""
    plain = name.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    plain = plain.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    return {name, plain}


FIRST_NAMES = frozenset(
    v for n in (*names_da.FIRST_NAMES_WOMEN, *names_da.FIRST_NAMES_MEN) for v in _variants(n)
)
SURNAMES = frozenset(v for n in names_da.SURNAMES for v in _variants(n))
_SURNAME_ENDINGS = ("sen", "søn", "gaard", "gård")


def _is_surname(word: str) -> bool:
    return word in SURNAMES or (len(word) > 4 and word.lower().endswith(_SURNAME_ENDINGS))


def _digit_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isdigit()


def _word_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def _spans(pattern, text: str, kind: str, ok=None) -> list[tuple[int, int, str]]:
    out = []
    for m in pattern.finditer(text):
        start, end = m.span()
        if ok is None or ok(text, start, end):
            out.append((start, end, kind))
    return out


def _cpr_ok(text: str, start: int, end: int) -> bool:
    # a CPR number stands alone: no digit glued to either end
    return not _digit_at(text, start - 1) and not _digit_at(text, end)


def _phone_ok(text: str, start: int, end: int) -> bool:
    if _word_at(text, start - 1) or _word_at(text, end):
        return False
    # part of a longer number or amount (1.234.567,89; 12-34-56-78-90-12-34)
    before = text[start - 2 : start] if start >= 2 else ""
    after = text[end : end + 2]
    glued = (before[-1:] in "-./," and before[:1].isdigit()) or (
        after[:1] in "-./," and after[1:2].isdigit()
    )
    return not glued


def _date_free(spans: list[tuple[int, int, str]], dates: list[tuple[int, int, str]]):
    """The spans that do not overlap a date (both lists sorted by start): one linear sweep."""
    out, j = [], 0
    for start, end, kind in spans:
        while j < len(dates) and dates[j][1] <= start:
            j += 1
        if j < len(dates) and dates[j][0] < end:
            continue
        out.append((start, end, kind))
    return out


def _name_spans(text: str, own: frozenset[str]) -> list[tuple[int, int, str]]:
    """Names in name position (module docstring); linear: a constant look around each word."""
    words = [(m.start(), m.end(), m.group()) for m in CAPITALISED.finditer(text)]
    out = []
    i = 0
    while i < len(words):
        start, end, word = words[i]
        listed = word in FIRST_NAMES
        if not (listed or word in own):
            i += 1
            continue
        # extend over a middle name and a surname written right after (one space between)
        last = i
        while last + 1 < len(words):
            nxt = words[last + 1]
            if text[words[last][1] : nxt[0]] != " ":
                break
            if nxt[2] in FIRST_NAMES or nxt[2] in own or _is_surname(nxt[2]):
                last += 1
                continue
            break
        has_surname = last > i and _is_surname(words[last][2])
        before = text[max(0, start - 16) : start].rstrip(" \t\r\n,.:;").lower()
        after_trigger = any(
            before.endswith(t) and not _word_at(before, len(before) - len(t) - 1) for t in TRIGGERS
        )
        if word in own or has_surname or after_trigger:
            out.append((start, words[last][1], "name"))
            i = last + 1
        else:
            i += 1
    return out


def _own_names(names: Iterable[str]) -> frozenset[str]:
    """The library's list as capitalised single words (a two-word entry adds both words)."""
    out = set()
    for name in names:
        for part in str(name).split():
            part = part.strip()
            if part:
                out |= _variants(part[:1].upper() + part[1:])
    return frozenset(out)


def scrub_text(text: str, names: Iterable[str] = ()) -> str:
    """The text with e-mails, CPR numbers, phone numbers and names replaced by tags."""
    if not text:
        return text
    own = names if isinstance(names, frozenset) else _own_names(names)
    found = []
    # each RE2 call converts the text to UTF-8 first: skip the patterns that cannot match
    if "@" in text or "at)" in text or "at]" in text:
        found += _spans(EMAIL, text, "email")
    if _ANY_DIGIT.search(text):
        found += _spans(CPR, text, "cpr", _cpr_ok)
        dates = _spans(DATE, text, "date")
        found += _date_free(_spans(PHONE, text, "phone", _phone_ok), dates)
    found += _name_spans(text, own)
    if not found:
        return text
    found.sort(key=lambda s: (s[0], PRIORITY[s[2]]))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:
            # overlap: the more specific finding wins, covering both
            if PRIORITY[span[2]] < PRIORITY[kept[-1][2]]:
                kept[-1] = (kept[-1][0], max(span[1], kept[-1][1]), span[2])
            else:
                kept[-1] = (kept[-1][0], max(span[1], kept[-1][1]), kept[-1][2])
            continue
        kept.append(span)
    parts, pos = [], 0
    for start, end, kind in kept:
        parts.append(text[pos:start])
        parts.append(TAGS[kind])
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def scrub_series(texts: pd.Series, names: Iterable[str] = ()) -> pd.Series:
    """Scrub every text in a Series (None and NaN stay None)."""
    own = _own_names(names)
    return texts.map(lambda t: scrub_text(str(t), own) if t is not None and t == t else None)
