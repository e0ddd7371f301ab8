"""Dates in the forms open government documents write them.

"18/01/2023", "16/06/23", "Thursday 22nd June 2023", "22 June 2023",
"June 22, 2023", "December 9 2020", "May 5th", "Wednesday 24th January",
"June 2023", "early April 2012", "end June (2023)", "summer 2021",
"April 2012 to October 2012", "April to October 2012", "2021-25", "2023"; in
Welsh (``language="cy"``) "24 Mehefin 2019" and "Mehefin 2019" too.

Every date comes back as a :class:`~harvesters.records.PartialDate` that keeps
its precision (day, month or year); a range as a start and an end. A date
written without a year is resolved against an anchor (the document's
publication date, else the last full date before it in the text): the year
that puts it nearest the anchor, the one whose weekday matches when a weekday
is written, and for the end of a range the first that is not before its start.
A text that reports what happened before it was written (notes of a meeting,
posted after it) asks for ``past=True``: a date without a year is then never
after the anchor. Numeric dates are read day first, as in the UK.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from harvesters.records import PartialDate

MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _number
        MONTHS[_name[:3].lower()] = _number
MONTHS["sept"] = 9

#: Welsh month names (gov.wales pages in Welsh), with their mutated forms
MONTHS_CY = {
    "ionawr": 1, "chwefror": 2, "mawrth": 3, "ebrill": 4, "mai": 5, "fai": 5, "mehefin": 6,
    "gorffennaf": 7, "awst": 8, "medi": 9, "hydref": 10, "tachwedd": 11, "rhagfyr": 12,
}

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name[:3].lower(): i for i, name in enumerate(calendar.day_name)})
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

#: Seasons as month ranges (northern hemisphere); winter runs into the next year
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

_MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
             r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_MONTH_CY_RE = r"(?:" + "|".join(MONTHS_CY) + r")"
_WEEKDAY_RE = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Weds|Wed|"
               r"Thurs|Thur|Thu|Fri|Sat|Sun)\.?")
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR_RE = r"(?:19|20)\d\d"
_QUAL_RE = r"(?:early|mid|late|end|end of|the end of|beginning of|the beginning of|start of|the start of)"
_CONNECT_RE = r"\s*(?:to|until|till|through|and|-|–|—)\s*"

_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    ("numeric", r"(?<![\d/.])(?P<d>[0-3]?\d)(?P<sep>[/.])(?P<m>[01]?\d)(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/])"),
    # 5-7 June 2023, 5 to 7 June
    ("day_range", rf"\b(?P<d1>{_DAY_RE}){_CONNECT_RE}(?P<d2>{_DAY_RE})\s+(?:of\s+)?(?P<mon>{_MONTH_RE})"
                  rf"(?:,?\s+(?P<y>{_YEAR_RE}))?\b"),
    # Thursday 22nd June 2023, 22 June 2023, 22nd of June, Wednesday, 4 December 2024
    ("dmy", rf"\b(?:(?P<wd>{_WEEKDAY_RE}),?\s+(?:the\s+)?)?(?P<d>{_DAY_RE})\s+(?:of\s+)?(?P<mon>{_MONTH_RE})"
            rf"(?:,?\s+(?P<y>{_YEAR_RE}))?\b"),
    # June 22, 2023; December 9 2020; May 5th; Wednesday December 9th
    ("mdy", rf"\b(?:(?P<wd>{_WEEKDAY_RE}),?\s+)?(?P<mon>{_MONTH_RE})\s+(?P<d>{_DAY_RE})\b(?!:)"
            rf"(?:,?\s+(?P<y>{_YEAR_RE}))?(?!\d)"),
    # April to October 2012, November 2012 to January 2013 is two "my" matches
    ("month_range", rf"\b(?P<mon1>{_MONTH_RE})(?:\s+(?P<y1>{_YEAR_RE}))?{_CONNECT_RE}(?P<mon2>{_MONTH_RE})"
                    rf"\s+\(?(?P<y>{_YEAR_RE})\)?"),
    # June 2023, early April 2012, end June (2023), mid-February 2013
    ("my", rf"\b(?:(?P<q>{_QUAL_RE})[\s-]+)?(?P<mon>{_MONTH_RE}),?\s+(?:of\s+)?\(?(?P<y>{_YEAR_RE})\)?"),
    # summer 2021, late Summer 2021
    ("season", rf"\b(?:(?P<q>{_QUAL_RE})[\s-]+)?(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?"
               rf"(?P<y>{_YEAR_RE})\b"),
    # 2021-25, 2023-2024, 2011 to 2013, 2021/22
    ("year_range", rf"\b(?P<y1>{_YEAR_RE})\s?(?:-|–|—|/|\s+to\s+)\s?(?P<y2>(?:19|20)?\d\d)\b(?![-/]\d)"),
    # mid-October, end of June, in June: a month without a day or year
    ("month", rf"(?:\b(?P<q>{_QUAL_RE})[\s-]+|"
              rf"\b(?P<prep>in|by|from|to|until|till|since|during|before|after)\s+)"
              rf"(?P<mon>{_MONTH_RE})\b(?!\s+(?:{_DAY_RE}|{_YEAR_RE})\b)"),
    ("year", rf"(?<![\d/.-])\b(?P<y>{_YEAR_RE})\b(?![\d/]|-\d)"),
]
_COMPILED = [(name, re.compile(rx, re.I)) for name, rx in _PATTERNS]
#: Welsh dates, read where the text is in Welsh: 24 Mehefin 2019, Mehefin 2019
_WELSH = [
    ("dmy_cy", re.compile(rf"\b(?P<d>{_DAY_RE})\s+(?P<mon>{_MONTH_CY_RE})(?:\s+(?P<y>{_YEAR_RE}))?\b",
                          re.I)),
    ("my_cy", re.compile(rf"\b(?P<mon>{_MONTH_CY_RE})\s+(?P<y>{_YEAR_RE})\b", re.I)),
]
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|through|-|–|—)\s*$", re.I)
_RANGE_BEFORE = re.compile(r"\b(?:from|between)\s*$", re.I)


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: where, as written, and what it means."""

    start: int
    end: int
    text: str
    date: PartialDate
    #: the end of a range ("April 2012 to October 2012"), if it is one
    until: PartialDate | None = None
    #: the year was not written and was resolved from an anchor
    inferred: bool = False
    #: "early", "mid", "late", "end" ... as written before a month
    qualifier: str | None = None
    kind: str = ""

    @property
    def is_range(self) -> bool:
        return self.until is not None


def _month(token: str) -> int | None:
    token = token.rstrip(".").lower()
    return MONTHS.get(token) or MONTHS.get(token[:3]) if token else None


def _day(token: str) -> int:
    return int(re.sub(r"\D", "", token))


def _year(token: str) -> int:
    year = int(token)
    if year < 100:
        year += 2000 if year < 70 else 1900
    return year


def resolve_year(month: int, day: int | None, anchor: dt.date, weekday: int | None = None,
                 not_before: dt.date | None = None, not_after: dt.date | None = None) -> int:
    """The year for a day or month written without one: nearest the anchor; the
    nearest whose weekday matches when a weekday is written; never before
    ``not_before`` (the start of the range it ends), never after ``not_after``
    (the day a report of it was written)."""
    def candidate(year: int) -> dt.date | None:
        try:
            return dt.date(year, month, day or 1)
        except ValueError:
            return None

    span = range(anchor.year - 6, anchor.year + 7) if weekday is not None else range(
        anchor.year - 1, anchor.year + 2)
    options = [(y, d) for y in span if (d := candidate(y)) is not None]
    if not_before is not None:
        later = [(y, d) for y, d in options if d >= not_before]
        options = later or options
    if not_after is not None:
        earlier = [(y, d) for y, d in options if d <= not_after]
        options = earlier or options
    if weekday is not None and day is not None:
        matching = [(y, d) for y, d in options if d.weekday() == weekday]
        options = matching or [(y, d) for y, d in options if abs(y - anchor.year) <= 1]
    if not options:
        return anchor.year
    return min(options, key=lambda yd: (abs((yd[1] - anchor).days), -yd[0]))[0]


def _date(year: int, month: int, day: int | None) -> PartialDate | None:
    try:
        if day is None:
            return PartialDate(dt.date(year, month, 1), "month")
        return PartialDate(dt.date(year, month, day), "day")
    except ValueError:
        return None


def _month_capitalised(text: str) -> bool:
    return text[:1].isupper()


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_dates(text: str, anchor: dt.date | None = None, language: str = "en",
               running_anchor: bool = True, past: bool = False) -> list[DateMatch]:
    """Every date in ``text``, in order, ranges joined.

    A date without a year is resolved against ``anchor``; without one, against
    the last date with a year before it (``running_anchor``); where neither
    exists it is left out. With ``past``, such a date is never after the date
    it is resolved against."""
    raw: list[tuple[int, int, str, dict[str, str | None]]] = []
    taken: list[tuple[int, int]] = []
    compiled = list(_COMPILED)
    if language.startswith("cy"):
        compiled[3:3] = _WELSH
    for kind, rx in compiled:
        for m in rx.finditer(text):
            if _overlaps(taken, m.start(), m.end()):
                continue
            groups = m.groupdict()
            month_tokens = [groups.get(k) for k in ("mon", "mon1", "mon2") if groups.get(k)]
            if not kind.endswith("_cy") and any(not _month_capitalised(t) for t in month_tokens if t):
                continue
            if groups.get("wd") and not groups["wd"][:1].isupper():
                groups["wd"] = None
            start = m.start("mon") if kind == "month" and not groups.get("q") else m.start()
            raw.append((start, m.end(), kind, groups))
            taken.append((start, m.end()))
    raw.sort(key=lambda r: r[0])

    out: list[DateMatch] = []
    last_full: dt.date | None = None
    for start, end, kind, g in raw:
        base = anchor or (last_full if running_anchor else None)
        match = _interpret(text, start, end, kind, g, base, past)
        if match is None:
            continue
        if not match.inferred:
            last_full = (match.until or match.date).value if kind != "year_range" else match.date.value
        out.append(match)
    return _join_ranges(text, out, anchor)


def _interpret(text: str, start: int, end: int, kind: str, g: dict[str, str | None],
               anchor: dt.date | None, past: bool) -> DateMatch | None:
    written = text[start:end]
    not_after = anchor if past else None

    def make(date: PartialDate | None, until: PartialDate | None = None, inferred: bool = False,
             qualifier: str | None = None) -> DateMatch | None:
        if date is None:
            return None
        return DateMatch(start, end, written, date, until, inferred, qualifier, kind)

    if kind in ("iso", "numeric"):
        number = int(g["m"] or 0)
        if kind == "numeric" and (not 1 <= number <= 12 or (g.get("sep") == "." and len(g["y"] or "") < 4)):
            return None
        return make(_date(_year(g["y"] or ""), number, int(g["d"] or 0)))
    if kind in ("dmy", "mdy", "dmy_cy", "day_range"):
        found = MONTHS_CY.get((g["mon"] or "").lower()) if kind == "dmy_cy" else _month(g["mon"] or "")
        if found is None:
            return None
        month = found
        day = _day((g["d"] if kind != "day_range" else g["d1"]) or "")
        weekday = WEEKDAYS.get((g.get("wd") or "").rstrip(".").lower()) if g.get("wd") else None
        inferred = not g.get("y")
        if g.get("y"):
            year = _year(g["y"] or "")
        elif anchor is not None:
            year = resolve_year(month, day, anchor, weekday, not_after=not_after)
        else:
            return None
        until = _date(year, month, _day(g["d2"] or "")) if kind == "day_range" else None
        return make(_date(year, month, day), until, inferred)
    if kind == "month_range":
        m1, m2 = _month(g["mon1"] or ""), _month(g["mon2"] or "")
        if m1 is None or m2 is None:
            return None
        y2 = _year(g["y"] or "")
        y1 = _year(g["y1"] or "") if g.get("y1") else (y2 if m1 <= m2 else y2 - 1)
        return make(_date(y1, m1, None), _date(y2, m2, None))
    if kind in ("my", "my_cy"):
        named = MONTHS_CY.get((g["mon"] or "").lower()) if kind == "my_cy" else _month(g["mon"] or "")
        if named is None:
            return None
        return make(_date(_year(g["y"] or ""), named, None), qualifier=_qualifier(g.get("q")))
    if kind == "season":
        year = _year(g["y"] or "")
        first, last = SEASONS[(g["season"] or "").lower()]
        until = _date(year + 1 if last < first else year, last, None)
        return make(_date(year, first, None), until, qualifier=_qualifier(g.get("q")))
    if kind == "year_range":
        y1 = _year(g["y1"] or "")
        y2 = int(g["y2"] or 0)
        if y2 < 100:
            century = y1 - y1 % 100
            y2 = century + y2 if century + y2 >= y1 else century + 100 + y2
        if not y1 < y2 <= y1 + 10:
            return None
        return make(PartialDate(dt.date(y1, 1, 1), "year"), PartialDate(dt.date(y2, 1, 1), "year"))
    if kind == "month":
        bare = _month(g["mon"] or "")
        if bare is None or anchor is None:
            return None
        return make(_date(resolve_year(bare, None, anchor, not_after=not_after), bare, None), inferred=True,
                    qualifier=_qualifier(g.get("q")))
    if kind == "year":
        return make(PartialDate(dt.date(int(g["y"] or 0), 1, 1), "year"))
    return None


def _qualifier(q: str | None) -> str | None:
    if not q:
        return None
    q = q.lower()
    for word in ("early", "mid", "late", "end", "beginning", "start"):
        if word in q:
            return word
    return q


def _join_ranges(text: str, matches: list[DateMatch], anchor: dt.date | None) -> list[DateMatch]:
    """"April 2012 to October 2012", "from May 5th to June 2nd": one range."""
    out: list[DateMatch] = []
    i = 0
    while i < len(matches):
        m = matches[i]
        if (i + 1 < len(matches) and m.until is None and matches[i + 1].until is None
                and _RANGE_JOIN.match(text[m.end:matches[i + 1].start])
                and m.kind not in ("year",) and matches[i + 1].kind not in ("year",)):
            n = matches[i + 1]
            start_date, end_date = m.date, n.date
            if n.inferred and n.date.value < m.date.value:
                year = resolve_year(n.date.value.month,
                                    n.date.value.day if n.date.precision == "day" else None,
                                    m.date.value, not_before=m.date.value)
                end_date = PartialDate(n.date.value.replace(year=year), n.date.precision)
            if m.inferred and m.date.value > end_date.value:
                try:
                    start_date = PartialDate(m.date.value.replace(year=end_date.value.year), m.date.precision)
                except ValueError:
                    start_date = m.date
                if start_date.value > end_date.value:
                    start_date = PartialDate(start_date.value.replace(year=end_date.value.year - 1),
                                             start_date.precision)
            out.append(DateMatch(m.start, n.end, text[m.start:n.end], start_date, end_date,
                                 m.inferred and n.inferred, m.qualifier, "range"))
            i += 2
            continue
        out.append(m)
        i += 1
    return out


def parse_date(text: str, anchor: dt.date | None = None, language: str = "en",
               past: bool = False) -> PartialDate | None:
    """The date a short text gives ("Thursday 22nd June 2023", "16/06/23",
    "May 5th" with an anchor), to the finest precision it gives (its first
    day, else its first month, else its first year); None when it gives none."""
    found = find_dates(text, anchor, language, past=past)
    if not found:
        return None
    best = max(found, key=lambda m: ({"day": 3, "month": 2, "year": 1}[m.date.precision], -m.start))
    return best.date


def parse_day(text: str | None, anchor: dt.date | None = None, language: str = "en",
              past: bool = False) -> dt.date | None:
    """The day a short text gives ("Tuesday 20 October 2020", "2019-06-24",
    "7th March" with an anchor), or None when it gives none to the day."""
    if not text:
        return None
    found = parse_date(text, anchor, language, past)
    return found.value if found is not None and found.precision == "day" else None


def find_days(text: str, anchor: dt.date | None = None) -> list[DateMatch]:
    """The dates to the day in ``text``, in order, ranges left out. A day
    without a year is resolved against ``anchor`` alone (not against dates
    earlier in the text), and left out without one."""
    return [m for m in find_dates(text, anchor, running_anchor=False)
            if m.date.precision == "day" and not m.is_range]


def parse_range(text: str, anchor: dt.date | None = None,
                language: str = "en") -> tuple[PartialDate, PartialDate | None] | None:
    """The first date or range in ``text`` as (start, end)."""
    found = find_dates(text, anchor, language)
    if not found:
        return None
    return found[0].date, found[0].until


class DateScanner:
    """Finds dates block after block of one document, resolving dates without a
    year against the document's date when known, else against the last date
    with a year seen so far."""

    def __init__(self, anchor: dt.date | None = None, language: str = "en") -> None:
        self.anchor = anchor
        self.language = language
        self.last: dt.date | None = None

    def scan(self, text: str) -> list[DateMatch]:
        found = find_dates(text, self.anchor or self.last, self.language)
        for m in found:
            if not m.inferred and m.kind not in ("year", "year_range"):
                self.last = (m.until or m.date).value
        return found
