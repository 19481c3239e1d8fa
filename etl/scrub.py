"""Remove personal data from free text before it is stored (ARCHITECTURE.md, Privacy rules).

E-mail addresses, phone numbers (Danish 8-digit, +45, international), CPR numbers (ddmmyy-xxxx,
with or without the dash) and the names on a library's name list are replaced by a tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
CPR = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")
PHONE = re.compile(r"(?<![\w])(?:\+|00)?(?:\d[\s.-]?){8,12}(?!\w)")

TAGS = {
    "email": "[e-mail fjernet]",
    "cpr": "[cpr fjernet]",
    "phone": "[telefon fjernet]",
    "name": "[navn fjernet]",
}


def scrub_text(text: str, names: Iterable[str] = ()) -> str:
    """The text with e-mails, CPR numbers, phone numbers and listed names replaced by tags."""
    out = EMAIL.sub(TAGS["email"], text)
    out = CPR.sub(TAGS["cpr"], out)
    out = PHONE.sub(TAGS["phone"], out)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", TAGS["name"], out, flags=re.IGNORECASE)
    return out


def scrub_series(texts: pd.Series, names: Iterable[str] = ()) -> pd.Series:
    """Scrub every text in a Series (None stays None)."""
    names = list(names)
    return texts.map(lambda t: scrub_text(str(t), names) if t is not None and t == t else None)
