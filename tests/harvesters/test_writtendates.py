"""Dates as pages write them, in English and Welsh."""

from __future__ import annotations

import datetime as dt

import pytest

from harvesters.records import PartialDate
from harvesters.writtendates import parse_date, parse_day


@pytest.mark.parametrize(("text", "year", "expected"), [
    ("24th March 2016", None, PartialDate(dt.date(2016, 3, 24))),
    ("meeting on Wednesday, 4 December 2024", None, PartialDate(dt.date(2024, 12, 4))),
    ("Date Submitted 16th November 2021", None, PartialDate(dt.date(2021, 11, 16))),
    ("First published: 2019-06-24", None, PartialDate(dt.date(2019, 6, 24))),
    ("24 Mehefin 2019", None, PartialDate(dt.date(2019, 6, 24))),
    ("On 7th March people met", 2016, PartialDate(dt.date(2016, 3, 7))),
    ("Nov 2021", None, PartialDate(dt.date(2021, 11, 1), "month")),
    ("ran until November 2025", None, PartialDate(dt.date(2025, 11, 1), "month")),
    ("December 9, 2020", None, PartialDate(dt.date(2020, 12, 9))),
])
def test_dates_with_their_precision(text, year, expected):
    assert parse_date(text, year) == expected


def test_a_day_without_a_year_needs_one():
    assert parse_date("On 7th March people met") is None
    assert parse_day("On 7th March", 2016) == dt.date(2016, 3, 7)
    assert parse_day("November 2025") is None
    assert parse_date("31 February 2020") is None
    assert parse_date(None) is None
