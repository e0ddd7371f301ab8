"""API timestamps and the day they fall on in London."""

from __future__ import annotations

import datetime as dt

from harvesters.timestamps import london_date, timestamp


def test_the_london_day_of_a_timestamp_with_any_offset() -> None:
    assert london_date("2019-05-28T09:00:00.000+01:00") == dt.date(2019, 5, 28)
    # 23:30 UTC in summer is the next day in London
    assert london_date("2023-06-21T23:30:00Z") == dt.date(2023, 6, 22)
    assert london_date("2023-12-18T23:30:00Z") == dt.date(2023, 12, 18)
    assert london_date("2023-06-21T23:30:00") == dt.date(2023, 6, 21)  # already local time
    assert london_date("2023-06-21") == dt.date(2023, 6, 21)
    assert london_date("yesterday") is None and london_date(None) is None


def test_timestamps_are_aware() -> None:
    assert timestamp("2023-06-21T23:30:00Z") == dt.datetime(2023, 6, 21, 23, 30, tzinfo=dt.UTC)
    assert timestamp("2023-06-21T23:30:00") == dt.datetime(2023, 6, 21, 23, 30, tzinfo=dt.UTC)
    assert timestamp("2023-06-21T23:30:00+01:00") == dt.datetime(2023, 6, 21, 22, 30, tzinfo=dt.UTC)
    assert timestamp("") is None and timestamp("not a time") is None
