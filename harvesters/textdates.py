"""Dates as pages write them: "22nd June 2023", "Thursday 27th April 2023",
"December 9 2020", "18/01/2023", "16/06/23", "2023-06-22", and dates without
a year ("11 October", "Wednesday 24th January").

A date without a year is placed in the year that puts it nearest to a
reference date (the page's publication): an announcement posted on 21 September
2012 for "11 October" means 11 October 2012, a read-out posted in May 2023 of
the meeting "held on April 27th" means 27 April 2023. A weekday, when written,
must agree with the year chosen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from harvesters.records import PartialDate

LONDON = ZoneInfo("Europe/London")

MONTHS = {
    name: n
    for n, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
WEEKDAYS = {name: n for n, names in enumerate(
    [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thurs"),
     ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]) for name in names}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS = [
    # 2023-06-22
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    # 18/01/2023, 16/06/23, 18.01.2023 (day first, as in the UK)
    re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<mnum>[01]?\d)[/.](?P<year>(?:19|20)?\d\d)\b"),
    # Thursday 22nd June 2023, 22 June, 22nd of June 2023
    re.compile(_WEEKDAY + r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?\b",
               re.IGNORECASE),
    # Wednesday, June 22nd 2023; December 9 2020; April 27th
    re.compile(_WEEKDAY + r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+" + _YEAR + r")?", re.IGNORECASE),
]
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r"\s+" + _YEAR + r"\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: where, as written, and the day it means."""

    start: int
    end: int
    as_written: str
    date: dt.date
    year_written: bool


def _resolve(year: int | None, month: int, day: int, weekday: int | None,
             reference: dt.date | None) -> tuple[dt.date, bool] | None:
    if year is not None:
        try:
            value = dt.date(year, month, day)
        except ValueError:
            return None
        return value, True
    if reference is None:
        return None
    candidates = []
    for y in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = dt.date(y, month, day)
        except ValueError:
            continue
        if weekday is None or candidate.weekday() == weekday:
            candidates.append(candidate)
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - reference).days)), False


def find_dates(text: str, reference: dt.date | None = None) -> list[FoundDate]:
    """Every day-precise date in ``text``, in order of appearance. Dates
    without a year are resolved against ``reference`` (skipped without one)."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            groups = m.groupdict()
            month = MONTHS[groups["month"].lower().rstrip(".")] if groups.get("month") else int(
                groups["mnum"])
            if not 1 <= month <= 12:
                continue
            year = None
            if groups.get("year"):
                year = int(groups["year"])
                if year < 100:
                    year += 2000
            weekday = WEEKDAYS.get((groups.get("weekday") or "").lower().rstrip("."))
            resolved = _resolve(year, month, int(groups["day"]), weekday, reference)
            if resolved is None:
                continue
            value, year_written = resolved
            if year_written and weekday is not None and value.weekday() != weekday:
                continue  # "Monday 22 June 2023" is no date: one of the two is wrong
            taken.append((m.start(), m.end()))
            found.append(FoundDate(m.start(), m.end(), m.group(0).strip(), value, year_written))
    found.sort(key=lambda f: f.start)
    return found


def first_date(text: str, reference: dt.date | None = None) -> dt.date | None:
    dates = find_dates(text, reference)
    return dates[0].date if dates else None


def find_month(text: str) -> PartialDate | None:
    """The first "June 2023" in ``text``, as a month."""
    m = _MONTH_YEAR.search(text)
    if not m:
        return None
    return PartialDate(dt.date(int(m.group("year")), MONTHS[m.group("month").lower().rstrip(".")], 1),
                       "month")


def london_date(value: str | None) -> dt.date | None:
    """The calendar day in London of an ISO 8601 timestamp with any offset
    ("2019-05-28T09:00:00.000+01:00", "2023-12-18T09:30:00Z"); a timestamp
    without an offset is taken as London local time."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    if stamp.tzinfo is None:
        return stamp.date()
    return stamp.astimezone(LONDON).date()


def timestamp(value: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp as an aware datetime (UTC when no offset is given)."""
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
