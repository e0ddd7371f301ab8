"""Meetings in posts and threads: is this a read-out, of which body, of which day,
and which commitments did it update?

Shared by the WordPress and Discourse harvesters (and any site that publishes
read-outs as posts). The knowledge a read-out holds beyond these (attendance,
chairs, theme decisions) is the extraction library's (:mod:`harvesters.extract`).

Which body a meeting belongs to is configured per source, in its ``options``:
``meeting_bodies`` is a list of ``{pattern, name, kind}``; the first pattern
(a regular expression, case-insensitive) found in the title, else near the top
of the text, names the body. Without a match the meeting is the source
publisher's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag

from harvesters import planrefs
from harvesters.base import HarvestContext
from harvesters.extract import Context, extract_all
from harvesters.extract.dates import find_days
from harvesters.html import HEADINGS, section_text
from harvesters.records import (
    CommitmentRef,
    CommitmentUpdate,
    Meeting,
    MeetingRef,
    PlanRef,
    Record,
    ThemeDecision,
)

#: Titles of posts that record a meeting.
READOUT_TITLE = re.compile(
    r"\bread[- ]?outs?\b|\bminutes\b|\bmeeting notes?\b|\bnotes? (?:of|from)\b.*\bmeeting\b|"
    r"\bmeeting (?:summary|report)\b",
    re.IGNORECASE)
#: An announcement: "When: 11 October, 10:00 to 16:00".
WHEN_LINE = re.compile(r"^\s*When\s*:\s*(?P<rest>.+)$", re.IGNORECASE | re.MULTILINE)
#: A section of commitment updates: "Part One: Updates on NAP5 progress".
UPDATES_HEADING = re.compile(r"\bupdates?\b|\bprogress\b|\boversight\b", re.IGNORECASE)

TOP = 600  # characters of text where the meeting's day is looked for


@dataclass(frozen=True)
class MeetingBody:
    """The body a read-out's meeting belongs to, and its kind (forum, network...)."""

    name: str
    kind: str = "organisation"


def configured_bodies(options: dict[str, Any]) -> list[tuple[re.Pattern[str], MeetingBody]]:
    """The source's ``meeting_bodies``, compiled; a bad entry is an error that names it."""
    out = []
    for entry in options.get("meeting_bodies") or []:
        try:
            out.append((re.compile(str(entry["pattern"]), re.IGNORECASE),
                        MeetingBody(str(entry["name"]), str(entry.get("kind", "organisation")))))
        except (KeyError, TypeError, re.error) as exc:
            raise ValueError(f"options.meeting_bodies: bad entry {entry!r}: {exc}") from None
    return out


def meeting_body(options: dict[str, Any], title: str, text: str, default: str) -> MeetingBody:
    bodies = configured_bodies(options)
    for where in (title, text[:1000]):
        for pattern, body in bodies:
            if pattern.search(where):
                return body
    return MeetingBody(default)


def names_a_body(options: dict[str, Any], title: str) -> bool:
    return any(pattern.search(title) for pattern, _ in configured_bodies(options))


def is_meeting(title: str, text: str, categories: list[str], options: dict[str, Any],
               reference: dt.date | None = None) -> bool:
    """A read-out or notes of a meeting (by title or category), a post whose
    title names a meeting body and whose text opens with the day, or an
    announcement with a "When:" line."""
    wanted = {c.lower() for c in options.get("meeting_categories") or []}
    if READOUT_TITLE.search(title) or wanted & {c.lower() for c in categories}:
        return True
    if names_a_body(options, title) and find_days(text[:200], reference):
        return True
    return bool(WHEN_LINE.search(text[:TOP * 2]) and re.search(r"\bmeeting\b", text, re.IGNORECASE))


def meeting_date(title: str, text: str, reference: dt.date | None) -> dt.date | None:
    """The day of the meeting: the first date in the title, else on a "When:"
    line, else the first near the top of the text. Dates without a year take
    the year nearest ``reference`` (the day the post was published)."""
    dates = find_days(title, reference)
    if dates:
        return dates[0].date.value
    when = WHEN_LINE.search(text[:TOP * 2])
    if when:
        dates = find_days(when.group("rest"), reference)
        if dates:
            return dates[0].date.value
    dates = find_days(text[:TOP], reference)
    return dates[0].date.value if dates else None


def stated_date(text: str, verb: str, reference: dt.date | None) -> dt.date | None:
    """The date after "published on", "came out on" ... (``verb`` a regular
    expression)."""
    for m in re.finditer(r"\b(?:" + verb + r")\s+(?:on\s+)?(?P<rest>.{0,60})", text, re.IGNORECASE):
        dates = find_days(m.group("rest"), reference)
        if dates and dates[0].start < 25:
            return dates[0].date.value
    return None


def readout_meeting(options: dict[str, Any], common: dict[str, Any], *, title: str, text: str,
                    markup: str | Tag, categories: list[str], published: dt.date | None,
                    jurisdiction: str, publisher: str, plans: list[PlanRef],
                    recorded_in: str) -> tuple[Meeting, list[Update]] | None:
    """The meeting a post or thread is the read-out of (:func:`is_meeting`): on
    its day (:func:`meeting_date`), of the body that met (:func:`meeting_body`),
    with the commitments whose progress it reports (:func:`commitment_updates`
    in ``markup``); and those updates. None when the text is no read-out or
    gives no day. ``common`` holds the record's provenance fields."""
    if not is_meeting(title, text, categories, options, published):
        return None
    day = meeting_date(title, text, published)
    if day is None:
        return None
    body = meeting_body(options, title, text, publisher)
    updates = commitment_updates(markup, jurisdiction)
    meeting = Meeting(
        **common, ref=MeetingRef(body=body.name, jurisdiction=jurisdiction, date=day), title=title,
        body_kind=body.kind, plans=plans, updates=[u.record() for u in updates], recorded_in=recorded_in)
    return meeting, updates


@dataclass
class Update:
    """What a read-out says of one commitment's progress, under its heading."""

    commitment: CommitmentRef
    title: str
    text: str
    heading: str

    def record(self) -> CommitmentUpdate:
        return CommitmentUpdate(commitment=self.commitment, text=self.text, heading=self.heading)


def commitment_updates(markup: str | Tag, jurisdiction: str) -> list[Update]:
    """Commitment updates in a read-out: under a heading that names a plan and
    speaks of updates or progress ("Part One: Updates on NAP5 progress"), each
    sub-heading is one commitment, "Commitment N: Title" or only its title."""
    root = BeautifulSoup(markup, "lxml") if isinstance(markup, str) else markup
    out: list[Update] = []
    for heading in root.find_all(HEADINGS):
        words = heading.get_text(" ", strip=True)
        if not UPDATES_HEADING.search(words):
            continue
        plans = planrefs.plans_mentioned(words, jurisdiction)
        if len(plans) != 1:
            continue
        plan = plans[0]
        level = int(heading.name[1])
        sub_level: int | None = None
        for sibling in heading.find_next_siblings():
            if sibling.name in HEADINGS:
                this = int(sibling.name[1])
                if this <= level:
                    break
                if sub_level is None:
                    sub_level = this
                if this == sub_level:
                    out.append(_update(plan, sibling))
    return out


def _update(plan: PlanRef, heading: Tag) -> Update:
    written = " ".join(heading.get_text(" ", strip=True).split())
    m = planrefs.COMMITMENT_HEADING.match(written)
    text = section_text(heading)
    if m:
        title = m.group("title").strip()
        return Update(CommitmentRef(plan=plan, number=int(m.group("num"))), title, text, written)
    return Update(CommitmentRef(plan=plan, title=written), written, text, written)


# ------------------------------------------------------- the extraction library


def knowledge(ctx: HarvestContext, markup: str, *, source_url: str, fetched_at: dt.datetime,
              page_url: str | None, jurisdiction: str, published: dt.date | None, title: str | None,
              doc_type: str | None, plan: PlanRef | None, meeting: Meeting | None,
              accept_meeting: bool = False, language: str = "en") -> tuple[Meeting | None, list[Record]]:
    """What the extraction library (:mod:`harvesters.extract`) reads in a
    document: attendance, chairs, agenda, actions and decisions go into the
    harvester's own ``meeting`` (whose day and body the harvester decided);
    theme decisions, timeline events and thematic groups come back as records.
    A meeting the library finds in a document the harvester does not take for
    a meeting's record is dropped, unless ``accept_meeting`` (minutes known
    as such, whose day and body only the text gives). A failure of the
    library is recorded as the document's error and costs only the extracted
    records."""
    try:
        found = extract_all(markup, Context(
            source_url=source_url, fetched_at=fetched_at, page_url=page_url,
            jurisdiction=jurisdiction, published=published, title=title, doc_type=doc_type,
            plan=plan, language=language))
    except Exception as exc:  # the library meeting a page it cannot read: the page still counts
        ctx.error(page_url or source_url, f"extraction failed: {type(exc).__name__}: {exc}"[:400])
        return meeting, []
    extracted = next((r for r in found if isinstance(r, Meeting)), None)
    others = [r for r in found if not isinstance(r, Meeting)]
    if extracted is not None and meeting is not None:
        meeting.chairs = meeting.chairs or extracted.chairs
        meeting.attendance = meeting.attendance or extracted.attendance
        meeting.agenda = meeting.agenda or extracted.agenda
        meeting.actions = meeting.actions or extracted.actions
        meeting.decisions = meeting.decisions or extracted.decisions
        meeting.updates = meeting.updates or extracted.updates
        for ref in extracted.plans:
            if not any(planrefs.same_plan(ref, p) for p in meeting.plans):
                meeting.plans.append(ref)
    elif extracted is not None and accept_meeting:
        meeting = extracted
    for record in others:
        if isinstance(record, ThemeDecision) and extracted is not None and record.meeting == extracted.ref:
            record.meeting = meeting.ref if meeting is not None else None
    return meeting, others
