"""Action plans and commitments as pages name them.

A plan is named by its number ("the 6th National Action Plan", "NAP5", "the
fifth National Action Plan"), by its period ("National Action Plan for Open
Government 2024-2025", "2016-18 UK Open Government Action Plan", "2021 to
2023"), or both. :func:`plan_in_title` reads a title that *is* a plan's;
:func:`plans_mentioned` finds every plan a text talks about. Both give
:class:`~harvesters.records.PlanRef` keys, which ``vocab/plans.csv`` reconciles
(a number with a period), so the same plan named two ways by two sources is
one entity.

Commitments are headed "Commitment 3: Open Justice" (or "Commitment 1 –
Grants data") in headings and lists, or listed in order under a heading
"Commitments"; :func:`commitments_in_html` finds them in either form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from harvesters.extract.dates import find_dates
from harvesters.html import HEADINGS, section_text
from harvesters.records import PlanRef
from hub.ids import find_plan

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}
_ORDINAL = r"(?P<ord>" + "|".join(ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))"
_PLAN_WORDS = r"(?:(?:UK|United Kingdom)\s+)?(?:Open\s+Government\s+)?National\s+Action\s+Plan"
_PERIOD = (r"(?P<start>(?:19|20)\d\d)\s*(?:-|–|—|to|/)\s*(?P<end>(?:19|20)?\d\d)(?!\d)")

#: "the 6th National Action Plan", "Sixth National Action Plan on Open Government"
ORDINAL_PLAN = re.compile(r"\b" + _ORDINAL + r"\s+" + _PLAN_WORDS + r"\b", re.IGNORECASE)
#: "NAP5", "NAP 6", "the 6th NAP"
NAP_NUMBER = re.compile(r"\bNAP\s?(?P<num>\d{1,2})\b")
ORDINAL_NAP = re.compile(r"\b" + _ORDINAL + r"\s+NAP\b", re.IGNORECASE)
#: "Action Plan for Open Government 2024-2025", "Action Plan 2013 to 2015",
#: "2016-18 UK Open Government Action Plan", "Action Plan (2021 to 2023)"
PLAN_THEN_PERIOD = re.compile(
    r"\bAction\s+Plan(?!s)(?:\s+(?:for|on)\s+Open\s+Government)?\s*[(:,]?\s*(?:for\s+)?" + _PERIOD,
    re.IGNORECASE)
PERIOD_THEN_PLAN = re.compile(
    _PERIOD + r"\s+(?:(?:UK|United Kingdom)\s+)?(?:(?:Open\s+Government|National)\s+){0,2}Action\s+Plan(?!s)",
    re.IGNORECASE)
#: The name of a plan inside a longer title: "the 6th National Action Plan for Open Government"
PLAN_NAME = re.compile(
    r"\b" + _ORDINAL + r"\s+" + _PLAN_WORDS + r"(?:\s+(?:for|on)\s+Open\s+Government)?"
    r"(?:\s*\(?\s*" + _PERIOD + r"\s*\)?)?", re.IGNORECASE)

COMMITMENT_HEADING = re.compile(
    r"^\s*Commitment\s+(?P<num>\d{1,2})\s*[:.–—-]\s*(?P<title>.+?)\s*$", re.IGNORECASE)


def _ordinal(text: str) -> int | None:
    text = text.lower()
    if text in ORDINALS:
        return ORDINALS[text]
    m = re.match(r"(\d{1,2})(?:st|nd|rd|th)$", text)
    return int(m.group(1)) if m else None


def _end_year(start: int, end_text: str) -> int:
    end = int(end_text)
    if end < 100:
        end += start - start % 100
        if end < start:
            end += 100
    return end


def _period(m: re.Match[str]) -> tuple[int, int] | None:
    if not m.group("start"):
        return None
    start = int(m.group("start"))
    end = _end_year(start, m.group("end"))
    return (start, end) if 0 <= end - start <= 6 else None


def plan_in_title(title: str, jurisdiction: str) -> PlanRef | None:
    """The plan a title is the title of: it names one action plan (singular)
    by number or period. "2019-20 UK and Devolved Administration Action Plans"
    names several and gives None."""
    if re.search(r"\baction\s+plans\b", title, re.IGNORECASE):
        return None
    number = None
    period = None
    for pattern in (ORDINAL_PLAN, ORDINAL_NAP):
        m = pattern.search(title)
        if m:
            number = _ordinal(m.group("ord"))
            break
    if number is None:
        m = NAP_NUMBER.search(title)
        if m:
            number = int(m.group("num"))
    for pattern in (PLAN_THEN_PERIOD, PERIOD_THEN_PLAN):
        m = pattern.search(title)
        if m:
            period = _period(m)
            break
    if period is None and (number is not None) and re.search(r"action\s+plan", title, re.IGNORECASE):
        m = re.search(r"\(\s*" + _PERIOD + r"\s*\)", title)
        if m:
            period = _period(m)
    if number is None and period is None:
        return None
    return PlanRef(jurisdiction=jurisdiction, start=period[0] if period else None,
                   end=period[1] if period else None, number=number)


def plan_of_period(title: str | None, jurisdiction: str) -> PlanRef | None:
    """The plan a title names by its period alone, the first span of up to ten
    years it writes: "Action plan – Glasgow, United Kingdom, 2021 – 2023",
    "Scotland's open government action plan: 2021 to 2025", "Action Plan 2021-25"."""
    for match in find_dates(title or ""):
        if match.kind == "year_range" and match.until is not None:
            start, end = match.date.value.year, match.until.value.year
            if start < end <= start + 10:
                return PlanRef(jurisdiction, start, end)
    return None


def plan_name(text: str) -> str | None:
    """The name of a plan as the text writes it ("6th National Action Plan for
    Open Government"), for a record whose title is about a plan rather than
    the plan's own title."""
    m = PLAN_NAME.search(text)
    if not m:
        return None
    return " ".join(re.sub(r"^the\s+", "", m.group(0), flags=re.IGNORECASE).split()).rstrip(" (")


def plans_mentioned(text: str, jurisdiction: str) -> list[PlanRef]:
    """Every plan a text names, each once, in order of first mention. Only
    national plans ("National Action Plan", "NAP"): "Scotland's third action
    plan" is another jurisdiction's and is left alone. A plan named by number
    only is kept when the plan register knows it, so that its key is stable."""
    found: list[tuple[int, PlanRef]] = []
    for pattern in (ORDINAL_PLAN, ORDINAL_NAP):
        for m in pattern.finditer(text):
            number = _ordinal(m.group("ord"))
            if number:
                found.append((m.start(), PlanRef(jurisdiction=jurisdiction, number=number)))
    for m in NAP_NUMBER.finditer(text):
        found.append((m.start(), PlanRef(jurisdiction=jurisdiction, number=int(m.group("num")))))
    for pattern in (PLAN_THEN_PERIOD, PERIOD_THEN_PLAN):
        for m in pattern.finditer(text):
            if not re.search(r"national|open\s+government|\bUK\b", m.group(0), re.IGNORECASE):
                continue
            period = _period(m)
            if period:
                found.append((m.start(), PlanRef(jurisdiction=jurisdiction, start=period[0],
                                                 end=period[1])))
    found.sort(key=lambda x: x[0])
    out: list[PlanRef] = []
    seen: set[object] = set()
    for _, ref in found:
        if not stable(ref):
            continue  # "the seventh plan" before the register knows its period: no stable key yet
        key = _plan_key(ref)
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return out


def stable(ref: PlanRef) -> bool:
    """Whether a plan's key is stable: it has a period, or the register knows
    it (a plan named only by a number the register lacks would change IRI
    once its period is known)."""
    return (ref.start is not None and ref.end is not None) or registered(ref)


def registered(ref: PlanRef) -> bool:
    """Whether ``vocab/plans.csv`` knows the plan."""
    return find_plan(ref) is not None


def _plan_key(ref: PlanRef) -> object:
    """What two keys of one plan share: the register's plan, else the key itself."""
    entry = find_plan(ref)
    if entry is not None:
        return (entry.jurisdiction, entry.start, entry.end)
    return (ref.jurisdiction, ref.start, ref.end, ref.number)


def same_plan(a: PlanRef, b: PlanRef) -> bool:
    """Whether two keys name one plan (by number and by period, say)."""
    return _plan_key(a) == _plan_key(b)


@dataclass
class CommitmentHeading:
    """A commitment as a page heads or lists it."""

    number: int | None
    title: str
    text: str  # what follows the heading, up to the next heading of its level or above
    heading: str  # the heading as written


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" .:;")


def commitments_in_html(markup: str | Tag) -> list[CommitmentHeading]:
    """Commitments a plan's page lists: "Commitment N: Title" headings (with
    the text under each), "Commitment N: Title" list items, or the items of a
    list under a heading "Commitments". Each number once, first form found wins."""
    root = BeautifulSoup(markup, "lxml") if isinstance(markup, str) else markup
    found: dict[int, CommitmentHeading] = {}
    for heading in root.find_all(HEADINGS):
        m = COMMITMENT_HEADING.match(heading.get_text(" ", strip=True))
        if m and int(m.group("num")) not in found:
            found[int(m.group("num"))] = CommitmentHeading(
                int(m.group("num")), _clean(m.group("title")), section_text(heading),
                _clean(heading.get_text(" ", strip=True)))
    if not found:
        for item in root.find_all("li"):
            m = COMMITMENT_HEADING.match(item.get_text(" ", strip=True))
            if m and int(m.group("num")) not in found:
                found[int(m.group("num"))] = CommitmentHeading(
                    int(m.group("num")), _clean(m.group("title")), "", _clean(item.get_text(" ")))
    if not found:
        for heading in root.find_all(HEADINGS):
            if not re.fullmatch(r"\s*(?:the\s+)?commitments\s*", heading.get_text(" "), re.IGNORECASE):
                continue
            listing = heading.find_next(["ol", "ul"])
            if listing is None:
                continue
            for n, item in enumerate(listing.find_all("li", recursive=False), start=1):
                title = _clean(item.get_text(" "))
                if title:
                    found[n] = CommitmentHeading(n, title, "", title)
            break
    return [found[n] for n in sorted(found)]
