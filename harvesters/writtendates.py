"""Dates as pages write them, read with the precision they are written to.

"24th March 2016", "Wednesday, 4 December 2024" and "2019-06-24" are days;
"November 2025" and "Nov 2021" are months; "7th March" takes its year from
the context it is read in. Welsh month names are read too ("24 Mehefin 2019").
"""

from __future__ import annotations

import datetime as dt
import re

from harvesters.records import PartialDate

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Welsh
    "ionawr": 1, "chwefror": 2, "mawrth": 3, "ebrill": 4, "mai": 5, "mehefin": 6,
    "gorffennaf": 7, "awst": 8, "medi": 9, "hydref": 10, "tachwedd": 11, "rhagfyr": 12,
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?(?:\s+(\d{{4}}))?\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_date(text: str | None, year: int | None = None) -> PartialDate | None:
    """The first date written in ``text``: a day when the text gives one (its
    year from ``year`` when the text leaves it out), else a month. None when
    there is no date, or a day with no year and none given."""
    if not text:
        return None
    m = _ISO.search(text)
    if m:
        try:
            return PartialDate(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day")
        except ValueError:
            pass
    impossible: list[tuple[int, int]] = []  # "31 February 2020" is no date, not February
    for m in _DAY_MONTH_YEAR.finditer(text):
        y = int(m.group(3)) if m.group(3) else year
        if y is None:
            continue
        try:
            return PartialDate(dt.date(y, MONTHS[m.group(2).lower()], int(m.group(1))), "day")
        except ValueError:
            impossible.append(m.span())
    m = _MONTH_DAY_YEAR.search(text)
    if m:
        try:
            return PartialDate(dt.date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))),
                               "day")
        except ValueError:
            impossible.append(m.span())
    for m in _MONTH_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in impossible):
            return PartialDate(dt.date(int(m.group(2)), MONTHS[m.group(1).lower()], 1), "month")
    return None


def parse_day(text: str | None, year: int | None = None) -> dt.date | None:
    """Like :func:`parse_date`, but only a whole day."""
    found = parse_date(text, year)
    return found.value if found is not None and found.precision == "day" else None
