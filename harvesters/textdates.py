"""Days in text and timestamps in APIs, as the web harvesters need them.

Dates as pages write them ("22nd June 2023", "18/01/2023", "Wednesday 24th
January") are read by the extraction library (:mod:`harvesters.extract.dates`);
:func:`find_dates` keeps the days among them. A date without a year is placed
in the year that puts it nearest a reference date (the page's publication): an
announcement posted on 21 September 2012 for "11 October" means 11 October
2012, a read-out posted in May 2023 of the meeting "held on April 27th" means
27 April 2023; a written weekday must agree.

API timestamps carry any offset ("+01:00", "Z"); :func:`london_date` gives the
calendar day a person in the UK saw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from harvesters.extract import dates

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class FoundDate:
    """A day found in text: where, as written, and which day."""

    start: int
    end: int
    as_written: str
    date: dt.date
    year_written: bool


def find_dates(text: str, reference: dt.date | None = None) -> list[FoundDate]:
    """Every day-precise date in ``text``, in order. Dates without a year are
    resolved against ``reference``, and left out without one."""
    out = []
    for m in dates.find_dates(text, reference, running_anchor=False):
        if m.date.precision == "day" and not m.is_range:
            out.append(FoundDate(m.start, m.end, m.text, m.date.value, not m.inferred))
    return out


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
