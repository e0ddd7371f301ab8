"""Timestamps as APIs give them, and the day they fall on in the UK.

API timestamps (GOV.UK's Content API, WordPress's REST API, Discourse) carry
any offset ("+01:00", "Z"); :func:`london_date` gives the calendar day a
person in the UK saw. Dates as pages write them ("22nd June 2023") are read by
:mod:`harvesters.extract.dates`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


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
