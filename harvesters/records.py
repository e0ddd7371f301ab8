"""The typed records every harvester yields.

Harvesters know sites; :mod:`hub.mapping` knows the vocabulary. Between them
sit these records: plain dataclasses that say what a page states, in the
page's own words where the words matter (theme labels, headings), with the URL
it came from and the time it was fetched. A record without ``source_url`` or
``fetched_at`` is rejected by :func:`validate_record`.

Records refer to each other by *keys* (:class:`PlanRef`, :class:`CommitmentRef`,
:class:`MeetingRef`), never by IRIs: :mod:`hub.ids` turns keys into stable IRIs,
so two sources that describe the same plan land on the same entity.

Text fields take the record's ``language`` (a BCP 47 tag, ``en`` by default):
an English and a Welsh page about one plan yield two records with the same key
and different languages, and the mapping puts both titles on one entity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

Precision = Literal["day", "month", "year"]

JURISDICTIONS = ("uk", "scotland", "wales", "northern-ireland", "glasgow")

SECTORS = ("government", "civil_society", "other")

THEME_OUTCOMES = ("taken-forward", "further-discussion", "deferred", "not-taken-forward")

STAGES = (
    "planning",
    "outreach",
    "development",
    "reasoned-response-and-finalisation",
    "publication",
    "implementation",
    "review",
)

ATTENDANCE_STATUSES = ("present", "apologies", "deputy", "absent")


class RecordError(ValueError):
    """A record that cannot be mapped: says which record and which field."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to a precision: a day, a month or a year.

    ``value`` is the first day of the period when the precision is coarser
    than a day. ``iso()`` gives ``2023-06-22``, ``2023-06`` or ``2023``.
    """

    value: dt.date
    precision: Precision = "day"

    def iso(self) -> str:
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
        if not m:
            raise ValueError(f"not an ISO date, month or year: {text!r}")
        y, mo, d = m.groups()
        if d:
            return cls(dt.date(int(y), int(mo), int(d)), "day")
        if mo:
            return cls(dt.date(int(y), int(mo), 1), "month")
        return cls(dt.date(int(y), 1, 1), "year")

    @classmethod
    def of(cls, value: DateLike | None) -> PartialDate | None:
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            return cls(value.date(), "day")
        if isinstance(value, dt.date):
            return cls(value, "day")
        if isinstance(value, int):
            return cls(dt.date(value, 1, 1), "year")
        return cls.parse(value)

    def __str__(self) -> str:
        return self.iso()


DateLike = PartialDate | dt.date | int | str


# --------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class PlanRef:
    """What identifies an action plan: its jurisdiction and its period or number.

    Either the period (``start``/``end`` years) or the ``number`` is enough; the
    plan register in ``vocab/plans.csv`` reconciles one with the other, so that a
    source that only says "the 6th plan" and one that says "2024-2025" meet.
    """

    jurisdiction: str
    start: int | None = None
    end: int | None = None
    number: int | None = None
    title: str | None = None  # a last resort when neither period nor number is known


@dataclass(frozen=True)
class CommitmentRef:
    """A commitment: its plan and its number in that plan, or else its identifier
    (e.g. OGP's ``UK0090``) or title."""

    plan: PlanRef
    number: int | None = None
    identifier: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class MeetingRef:
    """A meeting: the body that met, the jurisdiction, and the day."""

    body: str
    jurisdiction: str
    date: dt.date


# ------------------------------------------------------------------------ records


@dataclass(kw_only=True)
class Record:
    """Fields every record has: where it came from and when."""

    source_url: str
    fetched_at: dt.datetime
    #: The public page a person would open, when it differs from ``source_url``
    #: (for an API response, the page it describes).
    page_url: str | None = None
    language: str = "en"

    @property
    def kind(self) -> str:
        return type(self).__name__


@dataclass(kw_only=True)
class Plan(Record):
    ref: PlanRef
    title: str | None = None
    #: A name for the plan that is not its publisher's title: a name another
    #: publisher gives it (OGP's "United Kingdom Action Plan 2019-2021"), or one
    #: made from what the page says when it gives no title. Written as
    #: ``rdfs:label``, so the publisher's own title stays the entity's title.
    label: str | None = None
    description: str | None = None
    published: DateLike | None = None
    modified: DateLike | None = None
    publisher: str | None = None
    status: str | None = None  # as written, e.g. "in development", "implementation"
    themes: list[str] = field(default_factory=list)  # as written
    identifier: str | None = None
    government_coordinator: str | None = None
    civil_society_coordinator: str | None = None
    #: ISO start/end dates finer than ``ref``'s years, where the source gives them
    start: DateLike | None = None
    end: DateLike | None = None


@dataclass(kw_only=True)
class Milestone(Record):
    commitment: CommitmentRef
    number: int
    title: str
    due: DateLike | None = None
    due_as_written: str | None = None
    status: str | None = None


@dataclass(kw_only=True)
class IRMAssessment:
    """The OGP Independent Reporting Mechanism's fields on a commitment."""

    verifiable: bool | None = None
    relevance: list[str] = field(default_factory=list)  # OGP values
    potential_impact: str | None = None
    completion: str | None = None
    starred: bool | None = None


@dataclass(kw_only=True)
class Commitment(Record):
    ref: CommitmentRef
    title: str | None = None
    #: A name that is not the plan publisher's title (see :attr:`Plan.label`).
    label: str | None = None
    description: str | None = None
    themes: list[str] = field(default_factory=list)  # as written: policy areas, themes
    leads: list[str] = field(default_factory=list)  # lead organisations, as written
    status: str | None = None
    identifiers: list[str] = field(default_factory=list)  # external ids (OGP's)
    ogp_values: list[str] = field(default_factory=list)
    irm: IRMAssessment | None = None
    start: DateLike | None = None
    end: DateLike | None = None
    milestones: list[Milestone] = field(default_factory=list)


@dataclass(kw_only=True)
class Person:
    name: str | None
    role: str | None = None


@dataclass(kw_only=True)
class Attendee:
    """One entry of an attendee list, as the minutes give it."""

    name: str | None
    role: str | None = None
    heading: str | None = None  # the list's heading, as written
    sector: str = "other"  # one of SECTORS
    status: str = "present"  # one of ATTENDANCE_STATUSES
    deputy_for: str | None = None  # the member a deputy stands in for


@dataclass(kw_only=True)
class AttendanceGroup:
    """Counts under one heading of an attendee list."""

    heading: str
    sector: str  # one of SECTORS
    present: int
    apologies: int = 0
    deputies: int = 0


@dataclass(kw_only=True)
class Attendance:
    """Who was at a meeting. ``total`` counts the people present: a member who
    sent apologies is not counted, a named deputy counts in their place."""

    total: int | None = None
    government: int | None = None
    civil_society: int | None = None
    other: int | None = None
    apologies: int | None = None
    deputies: int | None = None
    groups: list[AttendanceGroup] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)


@dataclass(kw_only=True)
class CommitmentUpdate:
    """A meeting's update on one commitment of the plan in force."""

    commitment: CommitmentRef
    text: str
    heading: str | None = None  # e.g. "Commitment 3: Open Justice"


@dataclass(kw_only=True)
class Meeting(Record):
    ref: MeetingRef
    title: str | None = None
    body_kind: str | None = None  # forum, steering-group, network, committee, ...
    chairs: list[Person] = field(default_factory=list)
    attendance: Attendance | None = None
    agenda: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    updates: list[CommitmentUpdate] = field(default_factory=list)
    plans: list[PlanRef] = field(default_factory=list)  # plans discussed
    #: The document that records the meeting (minutes, read-out), by URL
    recorded_in: str | None = None


@dataclass(kw_only=True)
class Post:
    """One post of a forum thread or one comment on a page."""

    number: int
    author: str | None = None
    date: dt.datetime | dt.date | None = None
    likes: int | None = None
    text: str = ""


@dataclass(kw_only=True)
class Document(Record):
    """Any page or file: minutes, read-outs, reports, forum threads, news.

    ``url`` identifies the document (its canonical URL; for an imported file,
    ``file:`` plus its SHA-256). Its IRI is derived from it.
    """

    url: str
    title: str | None = None
    text: str | None = None
    doc_type: str | None = None  # minutes, read-out, forum-thread, news, report, ...
    jurisdiction: str | None = None
    publisher: str | None = None
    published: DateLike | None = None
    modified: DateLike | None = None
    authors: list[str] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    likes: int | None = None
    plans: list[PlanRef] = field(default_factory=list)  # plans it is about
    commitments: list[CommitmentRef] = field(default_factory=list)
    meetings: list[MeetingRef] = field(default_factory=list)
    #: Other-language versions of this document (hreflang → URL); the
    #: alternates are the same entity, not new ones
    alternates: dict[str, str] = field(default_factory=dict)
    #: Links to hosts outside the source: recorded, never followed
    links: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Body(Record):
    """A forum, steering group, network, secretariat, committee or organisation."""

    name: str
    jurisdiction: str | None = None
    body_kind: str = "organisation"  # forum, steering-group, network, secretariat,
    # thematic-group, committee, organisation
    alt_names: list[str] = field(default_factory=list)
    homepage: str | None = None
    description: str | None = None


@dataclass(kw_only=True)
class ThemeDecision(Record):
    """A theme proposed for a plan and what became of it."""

    theme: str  # as written
    outcome: str  # one of THEME_OUTCOMES
    plan: PlanRef
    date: DateLike | None = None
    meeting: MeetingRef | None = None
    document_url: str | None = None  # the document that records it
    note: str | None = None
    #: What the decision narrows the theme to, as written ("Budget Transparency"
    #: taken forward "with a focus on Aid Transparency"); its themes count too.
    focus: str | None = None


@dataclass(kw_only=True)
class TimelineEvent(Record):
    """A dated event in the making of a plan."""

    plan: PlanRef
    title: str
    stage: str  # one of STAGES
    date: PartialDate
    end: PartialDate | None = None
    document_url: str | None = None


@dataclass(kw_only=True)
class ThematicGroup(Record):
    """A thematic group working on a plan's theme, with its civil society lead."""

    title: str
    jurisdiction: str
    lead: str | None = None
    start: PartialDate | None = None
    plan: PlanRef | None = None
    theme: str | None = None  # as written, mapped onto the theme scheme
    note: str | None = None


AnyRecord = (
    Plan | Commitment | Milestone | Meeting | Document | Body | ThemeDecision | TimelineEvent
    | ThematicGroup
)

RECORD_TYPES: tuple[type[Record], ...] = (
    Plan, Commitment, Milestone, Meeting, Document, Body, ThemeDecision, TimelineEvent,
    ThematicGroup,
)


def validate_record(record: Record) -> None:
    """Reject a record the mapping could not place: no provenance, unknown
    jurisdiction, a value outside its closed list. Says which field and why."""
    name = f"{record.kind} from {getattr(record, 'source_url', '?')}"
    if not isinstance(record, RECORD_TYPES):
        raise RecordError(f"{type(record).__name__} is not a record type")
    if not record.source_url:
        raise RecordError(f"{name}: source_url is empty; every record keeps where it came from")
    if not isinstance(record.fetched_at, dt.datetime) or record.fetched_at.tzinfo is None:
        raise RecordError(f"{name}: fetched_at must be a timezone-aware datetime")

    def check_jurisdiction(value: str | None, where: str) -> None:
        if value is not None and value not in JURISDICTIONS:
            raise RecordError(
                f"{name}: {where} is {value!r}; expected one of {', '.join(JURISDICTIONS)}"
            )

    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, PlanRef):
            check_jurisdiction(value.jurisdiction, f"{f.name}.jurisdiction")
        elif isinstance(value, CommitmentRef):
            check_jurisdiction(value.plan.jurisdiction, f"{f.name}.plan.jurisdiction")
        elif isinstance(value, MeetingRef):
            check_jurisdiction(value.jurisdiction, f"{f.name}.jurisdiction")
    if isinstance(record, Document | Body | ThematicGroup):
        check_jurisdiction(record.jurisdiction, "jurisdiction")
    if isinstance(record, ThemeDecision) and record.outcome not in THEME_OUTCOMES:
        raise RecordError(
            f"{name}: outcome is {record.outcome!r}; expected one of {', '.join(THEME_OUTCOMES)}"
        )
    if isinstance(record, TimelineEvent) and record.stage not in STAGES:
        raise RecordError(f"{name}: stage is {record.stage!r}; expected one of {', '.join(STAGES)}")
    if isinstance(record, Meeting) and record.attendance:
        for a in record.attendance.attendees:
            if a.sector not in SECTORS:
                raise RecordError(f"{name}: attendee sector {a.sector!r} not in {SECTORS}")
            if a.status not in ATTENDANCE_STATUSES:
                raise RecordError(f"{name}: attendee status {a.status!r} not in {ATTENDANCE_STATUSES}")
        for g in record.attendance.groups:
            if g.sector not in SECTORS:
                raise RecordError(f"{name}: attendance group sector {g.sector!r} not in {SECTORS}")
    if isinstance(record, Document) and not record.url:
        raise RecordError(f"{name}: a document needs its url")
    if isinstance(record, Body) and not record.name.strip():
        raise RecordError(f"{name}: a body needs a name")
