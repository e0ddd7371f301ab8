"""Dates in the forms documents write them, with their precision, and dates
without a year resolved from an anchor."""

from __future__ import annotations

import datetime as dt

import pytest

from harvesters.extract.dates import (
    DateScanner,
    find_dates,
    find_days,
    parse_date,
    parse_day,
    parse_range,
    resolve_year,
)
from harvesters.records import PartialDate


def d(text: str) -> PartialDate:
    return PartialDate.parse(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("18/01/2023", "2023-01-18"),
    ("16/06/23", "2023-06-16"),
    ("Thursday 22nd June 2023", "2023-06-22"),
    ("22 June 2023", "2023-06-22"),
    ("June 22, 2023", "2023-06-22"),
    ("December 9 2020, 10.30 – 12pm", "2020-12-09"),
    ("Wednesday, 4 December 2024", "2024-12-04"),
    ("11 Oct 2013", "2013-10-11"),
    ("October 12, 2012 at 1:57 pm", "2012-10-12"),
    ("2023-06-22", "2023-06-22"),
    ("June 2023", "2023-06"),
    ("in mid-February 2013", "2013-02"),
    ("end June (2023)", "2023-06"),
    ("the 2023 deadline", "2023"),
    # as pages' date fields write them
    ("24th March 2016", "2016-03-24"),
    ("meeting on Wednesday, 4 December 2024", "2024-12-04"),
    ("Date Submitted 16th November 2021", "2021-11-16"),
    ("First published: 2019-06-24", "2019-06-24"),
    ("Nov 2021", "2021-11"),
    ("ran until November 2025", "2025-11"),
    ("December 9, 2020", "2020-12-09"),
])
def test_written_dates_keep_their_precision(text: str, expected: str) -> None:
    found = parse_date(text)
    assert found == d(expected)
    assert found is not None and found.precision == d(expected).precision


@pytest.mark.parametrize(("text", "start", "end"), [
    ("April 2012 to October 2012", "2012-04", "2012-10"),
    ("April to October 2012", "2012-04", "2012-10"),
    ("November 2012 to January 2013", "2012-11", "2013-01"),
    ("summer 2021", "2021-06", "2021-08"),
    ("2021-25", "2021", "2025"),
    ("2011 to 2013", "2011", "2013"),
    ("5-7 June 2023", "2023-06-05", "2023-06-07"),
])
def test_ranges(text: str, start: str, end: str) -> None:
    assert parse_range(text) == (d(start), d(end))


def test_a_date_without_a_year_is_left_out_without_an_anchor() -> None:
    assert find_dates("Workshops fortnightly from May 5th.", running_anchor=False) == []
    assert parse_date("May 5th") is None


def test_a_date_without_a_year_takes_the_nearest_year_to_the_anchor() -> None:
    assert parse_date("May 5th", anchor=dt.date(2021, 6, 14)) == d("2021-05-05")
    assert parse_date("May 5th", anchor=dt.date(2021, 1, 27)) == d("2021-05-05")
    assert parse_date("4th July", anchor=dt.date(2023, 6, 22)) == d("2023-07-04")
    # late in the year, January is next year's
    assert parse_date("24th January", anchor=dt.date(2023, 12, 18)) == d("2024-01-24")


def test_a_written_weekday_picks_the_year() -> None:
    # 24 January was a Wednesday in 2024, a Tuesday in 2023
    assert parse_date("Wednesday 24th January", anchor=dt.date(2023, 6, 1)) == d("2024-01-24")
    assert resolve_year(1, 24, dt.date(2023, 6, 1), weekday=2) == 2024
    assert resolve_year(1, 24, dt.date(2023, 6, 1)) == 2024 - 1  # without it: nearest


def test_from_to_ordering_is_kept() -> None:
    [m] = find_dates("from 20th December to 10th January", anchor=dt.date(2022, 12, 1))
    assert (m.date, m.until) == (d("2022-12-20"), d("2023-01-10"))
    [m] = find_dates("from November to February", anchor=dt.date(2023, 1, 15))
    assert m.date.value < m.until.value  # type: ignore[union-attr]


def test_the_running_anchor_is_the_last_full_date_before() -> None:
    text = ("The plan was published on Monday 18th December 2023. The next meeting will take place "
            "on Wednesday 24th January.")
    found = find_dates(text)
    assert [m.date for m in found] == [d("2023-12-18"), d("2024-01-24")]
    assert found[1].inferred and not found[0].inferred


def test_spans_point_at_the_text() -> None:
    text = "Minutes of the meeting held on 23 February 2021 (draft)."
    [m] = find_dates(text)
    assert text[m.start:m.end] == "23 February 2021" == m.text


def test_times_versions_and_words_are_not_dates() -> None:
    assert find_dates("10.30 – 12pm, version 2.1.12, may 5 people") == []


def test_welsh_months() -> None:
    assert parse_date("24 Mawrth 2016", language="cy") == d("2016-03-24")
    assert parse_date("24 Mehefin 2019", language="cy") == d("2019-06-24")
    assert parse_date("Cyhoeddwyd Tachwedd 2021", language="cy") == d("2021-11")
    assert parse_day("24 Mehefin 2019") is None  # read as English, the month is no month


def test_a_day_is_only_a_whole_day() -> None:
    assert parse_day("Published Tuesday 20 October 2020") == dt.date(2020, 10, 20)
    assert parse_day("November 2025") is None
    assert parse_day("31 February 2020") is None
    assert parse_day("On 7th March people met") is None
    assert parse_day(None) is None and parse_day("") is None


def test_a_report_of_the_past_takes_the_last_such_day_before_its_anchor() -> None:
    posted = dt.date(2016, 3, 24)
    assert parse_day("On 7th March people met", posted, past=True) == dt.date(2016, 3, 7)
    # 7 May is nearer in 2016, but notes posted in March are of a meeting before
    assert parse_day("On 7th May people met", posted) == dt.date(2016, 5, 7)
    assert parse_day("On 7th May people met", posted, past=True) == dt.date(2015, 5, 7)
    assert resolve_year(5, 7, posted, not_after=posted) == 2015


def test_days_leave_out_months_ranges_and_dates_without_an_anchor() -> None:
    text = "Published June 2023: the forum met on 5-7 June 2023, then on 22 June, and 1 July 2023."
    assert [m.date.value for m in find_days(text)] == [dt.date(2023, 7, 1)]
    assert [m.date.value for m in find_days(text, dt.date(2023, 6, 30))] == [
        dt.date(2023, 6, 22), dt.date(2023, 7, 1)]


def test_scanner_carries_the_anchor_across_blocks() -> None:
    scanner = DateScanner()
    scanner.scan("iv. Finalising the plan (July 2013 to October 2013)")
    [m] = scanner.scan("one large group meeting was held on 1 October")
    assert m.date == d("2013-10-01")
