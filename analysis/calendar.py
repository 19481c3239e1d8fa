"""The period calendar: where a period label sits in time, so lags count calendar steps.

Periods are stored as text labels whose form follows the ``period_length`` setting (the loader's
``period_of``): ``2023`` (year), ``2023-H1`` (half), ``2023-Q1`` (quarter) and, for files
labelled by hand, ``2023-01`` (month). Each label maps to an integer step on that calendar, so
2019, 2021 and 2023 are two steps apart whether or not any library has data for 2020; the
lag models use these distances instead of the order of the periods that happen to be in the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["PERIOD_LENGTHS", "UNIT_NAMES", "calendar_steps", "period_step"]

PERIOD_LENGTHS = ("year", "half", "quarter", "month")

# label form per period length and the number of steps in a year
_FORMS = {
    "year": (re.compile(r"^(\d{4})$"), 1),
    "half": (re.compile(r"^(\d{4})-H([12])$"), 2),
    "quarter": (re.compile(r"^(\d{4})-Q([1-4])$"), 4),
    "month": (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), 12),
}

# the unit in words, for "lag: 2 years" (English; Danish in the dashboard's texts)
UNIT_NAMES = {"year": "year", "half": "half-year", "quarter": "quarter", "month": "month"}


def period_step(label: str, period_length: str = "year") -> int | None:
    """The label's position on the ``period_length`` calendar (None when it is not on it).

    ``period_step("2021") - period_step("2019") == 2``; ``period_step("2024-Q1", "quarter") -
    period_step("2023-Q4", "quarter") == 1``. A label of another form (e.g. ``2023-H1`` on a
    yearly calendar) is not on the calendar: the caller must say so rather than guess a distance.
    """
    if period_length not in _FORMS:
        raise ValueError(
            f"unknown period_length {period_length!r}; use one of {', '.join(PERIOD_LENGTHS)}"
        )
    pattern, per_year = _FORMS[period_length]
    m = pattern.match(str(label).strip())
    if m is None:
        return None
    year = int(m.group(1))
    sub = int(m.group(2)) - 1 if per_year > 1 else 0
    return year * per_year + sub


def calendar_steps(
    labels: Iterable[str], period_length: str = "year"
) -> tuple[dict[str, int], list[str]]:
    """Steps for every label that is on the calendar, and the labels that are not.

    Returns
    -------
    (dict, list)
        ``{label: step}`` for the labels of the ``period_length`` form, and the sorted list of
        labels of another form (empty when every label fits).
    """
    steps: dict[str, int] = {}
    off: list[str] = []
    for label in sorted({str(x) for x in labels}):
        s = period_step(label, period_length)
        if s is None:
            off.append(label)
        else:
            steps[label] = s
    return steps, off
