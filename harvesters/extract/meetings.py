"""A meeting from its minutes, read-out or notes.

What a record of a meeting states: the date (labelled "Date of meeting", in
the title, in a line of its own under it, or "held on ..."), the body that met
(named as in ``vocab/bodies.ttl``), the chairs and co-chairs, attendance, the
agenda, actions and decisions, and updates on the commitments of the plan in
force ("Commitment 3: Open Justice"), each linked to that commitment.
"""

from __future__ import annotations

import datetime as dt
import re

from harvesters.extract.attendance import extract_attendance
from harvesters.extract.blocks import Block, Doc, parse, sentences
from harvesters.extract.bodies import KnownBody, bodies_jurisdiction, meeting_body
from harvesters.extract.context import Context
from harvesters.extract.dates import DateMatch, find_dates
from harvesters.extract.people import find_person_names, is_person_name, strip_title, surname
from harvesters.extract.plans import complete, find_plan_mentions, next_plan, plan_in_force
from harvesters.records import (
    Attendance,
    CommitmentRef,
    CommitmentUpdate,
    Meeting,
    MeetingRef,
    Person,
    PlanRef,
)
from hub.ids import find_plan

MEETING_DOC_TYPES = {"minutes", "read-out", "readout", "meeting-notes", "notes", "minutes-of-evidence",
                     "official-report", "meeting"}
_MEETING_TITLE = re.compile(
    r"\b(?:minutes|read[\s-]?outs?|meeting notes?|notes? (?:of|from)|official report|"
    r"minutes of evidence|meeting report|summary of (?:the )?meeting|record of (?:the )?meeting|"
    r"meeting summary)\b", re.I)
_DATE_LABEL = re.compile(r"^\s*(?:date of (?:the )?meeting|meeting date|date and time|when)\s*:?\s*", re.I)
_DATE_LABEL_WEAK = re.compile(r"^\s*date\s*:\s*", re.I)
_HELD = re.compile(
    r"(?:\bheld|\bmeeting|\bmet|\btook place|\btakes place|\bforum|\bgroup|\bcommittee|\bminutes)"
    r"(?:\s+\w+){0,2}?\s+(?:on|of)\s+(?:the\s+)?$", re.I)
_ON_AT_START = re.compile(r"(?:^|[.!?]\s+)On\s+$")
_MET = re.compile(r"\b(?:met|meeting|gathered|convened)\b", re.I)
_CHAIR_LABEL = re.compile(r"^\s*(?:co-?chairs?|chairs?|chairperson|chaired by)\s*:\s*(?P<who>.+)$", re.I)
_CHAIR_VERB = re.compile(r"\b(?:co-?chair(?:ed|ing)|(?:to|would|will) co-?chair|chaired|chairing|"
                         r"in the chair)\b", re.I)
_CHAIR_BY = re.compile(r"\b(?:co-?)?chaired\s+by\b", re.I)
_CHAIR_ROLE = re.compile(
    r"\b(?:the\s+)?(?P<role>(?:acting\s+|deputy\s+)?(?:co-?)?chair(?:person|man|woman)?)\s*\((?P<who>[^)]+)\)",
    re.I)
_COMMITMENT_HEADING = re.compile(
    r"^\s*commitment\s+(?P<n>\d{1,2})\s*(?:[:.\-–—]\s*|\s+)(?P<title>\S.*)$", re.I)
_THIS_COMMITMENT = re.compile(r"\bthis commitment\b", re.I)
_AGENDA_HEADING = re.compile(r"^\s*(?:agenda(?: items?)?|items(?: and actions)?|items discussed|"
                             r"business|order of business)\s*:?\s*$", re.I)
_AGENDA_INTRO = re.compile(r"\bagenda\b[^.]*:\s*$", re.I)
_ACTIONS_HEADING = re.compile(r"^\s*(?:actions?|action points?|actions? agreed|summary of actions|"
                              r"action log|actions arising)\s*:?\s*$", re.I)
_ACTION_LINE = re.compile(r"^\s*(?:action(?: point)?s?|ACTION)\s*(?:\d+)?\s*[:\-–]\s*(?P<what>.+)$", re.I)
_DECISION = re.compile(
    r"\b(?:it was (?:agreed|decided|resolved)|was agreed that|were agreed|"
    r"(?:the\s+)?(?:group|forum|committee|meeting|msf|members|steering group|board|network|"
    r"co-chairs)\s+(?:agreed|decided|resolved)|decision\s*:)", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]\s+", re.I)
_DRAFT_CONTEXT = re.compile(r"\b(?:consultation|draft|proposed|co-creation|development of)\b", re.I)


# ------------------------------------------------------------------ detection


def is_meeting_document(doc: Doc, title: str | None, ctx: Context) -> bool:
    """Whether a document records (or announces) one meeting."""
    if ctx.doc_type and ctx.doc_type.lower() in MEETING_DOC_TYPES:
        return True
    if title and _MEETING_TITLE.search(title):
        return True
    top = doc.blocks[:12]
    if any(_MEETING_TITLE.search(b.text) and len(b.text) < 160 for b in top[:4]):
        return True
    has_chair_label = any(_CHAIR_LABEL.match(b.text) for b in top)
    has_when = any(_DATE_LABEL.match(b.text) and re.match(r"\s*(?:when|date of|meeting date)", b.text, re.I)
                   for b in doc.blocks[:30])
    mentions_meeting = bool(re.search(r"\bmeeting\b", doc.text[:4000], re.I))
    return ((has_chair_label and mentions_meeting) or (has_chair_label and _date_block(top) is not None)) or (
        has_when and mentions_meeting)


# ------------------------------------------------------------------------ date


def _day_dates(text: str, anchor: dt.date | None) -> list[DateMatch]:
    return [m for m in find_dates(text, anchor) if m.date.precision == "day"]


def _date_block(blocks: list[Block], anchor: dt.date | None = None) -> dt.date | None:
    """A block near the top that is only a date ("Thursday 22nd June 2023"),
    or ends with one ("read-out for publication – Wednesday 18th January 2023")."""
    for b in blocks[:14]:
        for line in b.lines:
            found = _day_dates(line, anchor)
            if not found:
                continue
            m = found[0]
            rest = (line[:m.start] + line[m.end:]).strip(" ,–—-|:")
            if len(rest) <= 3 or (m.end >= len(line.rstrip(" .")) - 1 and len(line) < 160) or \
                    re.fullmatch(r"[\d.:\s–—-]*(?:am|pm)?[\d.:\s–—-]*", rest, re.I):
                return m.date.value
    return None


def _page_date(doc: Doc) -> dt.date | None:
    """The first full date near the top of a page (often its publication
    date): the anchor for dates written without a year when nothing else is known."""
    for b in doc.blocks[:14]:
        found = _day_dates(b.text, None)
        if found and not found[0].inferred:
            return found[0].date.value
    return None


def meeting_date(doc: Doc, title: str | None, anchor: dt.date | None) -> dt.date | None:
    """The day of the meeting a document records."""
    # 1. a labelled date: "Date of meeting: 9 December 2020", "When: 11 October"
    for rx in (_DATE_LABEL, _DATE_LABEL_WEAK):
        for b in doc.blocks[:40]:
            m = rx.match(b.text)
            if m and len(b.text) < 200:
                found = _day_dates(b.text[m.end():], anchor)
                if found:
                    return found[0].date.value
        if rx is _DATE_LABEL:
            # "Committee for Finance, meeting on Wednesday, 4 December 2024";
            # "Minutes of the Steering Group meeting held on 23 February 2021"
            for source in [title or "", *(b.text for b in doc.blocks[:15])]:
                for match in _day_dates(source, anchor):
                    before = source[max(0, match.start - 60):match.start]
                    if _HELD.search(before):
                        return match.date.value
                    if _ON_AT_START.search(before) and _MET.search(source[match.end:match.end + 200]):
                        return match.date.value
    # 2. the title's date: "Read out from the UK Multi-Stakeholder Forum | Wednesday 18th January 2023"
    if title:
        found = _day_dates(title, anchor)
        if found:
            return found[0].date.value
    # 3. a line that is only a date, near the top
    return _date_block(doc.blocks, anchor)


# ---------------------------------------------------------------------- chairs


def _add_person(out: list[Person], name: str, role: str | None = None) -> None:
    name = strip_title(name.strip().rstrip(".,"))
    last = surname(name)
    for i, person in enumerate(out):
        if person.name and surname(person.name) == last:
            if len(name.split()) > len(person.name.split()) and not person.name.startswith(("Mr ", "Ms ")):
                out[i] = Person(name=name, role=person.role or role)
            return
    out.append(Person(name=name, role=role))


def _role_after(text: str, end: int) -> str | None:
    """The role written right after a name: "Sue Bateman, Interim Chief Data
    Officer from CDDO (...), and ..." or "Kevin Keith (UK OGN Chair)"."""
    rest = text[end:]
    m = re.match(r"\s*\(([^()]{3,80})\)", rest)
    if m:
        return m.group(1).strip()
    m = re.match(r",\s+(?!and\b)([^,()]{3,120}?)(?=\s*(?:\(|,|\s+and\s|\s+co-?chair|\.|$))", rest)
    if m and not find_person_names(m.group(1)):
        return m.group(1).strip()
    return None


def extract_chairs(doc: Doc, listed_chairs: list[str], attendance: Attendance | None) -> list[Person]:
    """Chairs and co-chairs: marked in the attendee list, labelled
    ("Co-chairs: A and B"), or in sentences ("co-chaired by A and B", "A
    joined the meeting to co-chair", "The Acting Chairperson (Dr Aiken)")."""
    roles = {a.name: a.role for a in (attendance.attendees if attendance else []) if a.name}
    out: list[Person] = []
    for name in listed_chairs:
        _add_person(out, name, roles.get(name))
    for b in doc.blocks:
        m = _CHAIR_LABEL.match(b.text)
        if m and b.kind != "item":
            for _s, _e, name in find_person_names(m.group("who")):
                _add_person(out, name)
        for sentence in sentences(b.text):
            for rm in _CHAIR_ROLE.finditer(sentence):
                who = rm.group("who").strip()
                if is_person_name(who):
                    _add_person(out, who, rm.group("role").strip().title())
            verb = _CHAIR_VERB.search(sentence)
            if not verb:
                continue
            by = _CHAIR_BY.search(sentence)
            scope = sentence[by.end():] if by else sentence[:verb.start()]
            for _s, e, name in find_person_names(scope):
                _add_person(out, name, _role_after(scope, e))
    # a short name ("Dr Aiken") takes the full form the attendee list gives
    full = [n for n in roles if n]
    for i, person in enumerate(out):
        if person.name:
            match = [n for n in full if surname(n) == surname(person.name) and len(n) > len(person.name)]
            if len(match) == 1:
                out[i] = Person(name=match[0], role=person.role or roles.get(match[0]))
    return out


# ---------------------------------------------------------- agenda, actions


def _strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text).strip()


def agenda_items(doc: Doc) -> list[str]:
    items: list[str] = []
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if b.is_heading and _AGENDA_HEADING.match(b.text):
            section = doc.section(i)
            levels = [s.level for s in section if s.is_heading]
            for sub in section:
                subheading = sub.is_heading and sub.level == min(levels) \
                    and not _ACTIONS_HEADING.match(sub.text)
                if subheading or (sub.kind == "item" and sub.level <= 1 and not levels):
                    items.append(_strip_numbering(sub.text))
        elif b.kind == "para" and _AGENDA_INTRO.search(b.text):
            for sub in blocks[i + 1:]:
                if sub.kind != "item":
                    break
                if sub.level <= 1:
                    items.append(_strip_numbering(sub.text))
    if not items:
        # minutes whose items are numbered headings: "1. Welcome", "2. Progress on commitments"
        numbered = [b for b in blocks if b.is_heading and _NUMBERING.match(b.text)
                    and not _ACTIONS_HEADING.match(_strip_numbering(b.text))]
        if len(numbered) >= 2:
            items = [_strip_numbering(b.text) for b in numbered]
    return list(dict.fromkeys(i for i in items if i))


def action_items(doc: Doc) -> list[str]:
    items: list[str] = []
    in_section: set[int] = set()
    for i, b in enumerate(doc.blocks):
        if b.is_heading and _ACTIONS_HEADING.match(_strip_numbering(b.text)):
            in_section.update(range(i + 1, i + 1 + len(doc.section(i))))
            continue
        if b.is_heading:
            continue
        lines = [m.group("what").strip() for line in b.lines if (m := _ACTION_LINE.match(line))]
        if lines:
            items.extend(lines)
        elif i in in_section:
            items.append(_strip_numbering(b.text))
    return list(dict.fromkeys(i for i in items if i))


def decision_sentences(doc: Doc) -> list[str]:
    out: list[str] = []
    for b in doc.blocks:
        if b.is_heading:
            continue
        for sentence in sentences(b.text):
            if _DECISION.search(sentence):
                out.append(sentence)
    return list(dict.fromkeys(out))


# ----------------------------------------------------------- commitment updates


def _section_plan(doc: Doc, index: int, jurisdiction: str, date: dt.date) -> PlanRef | None:
    """The plan whose commitments a run of "Commitment N" headings updates: the
    plan the section heading or its introduction names, the next plan when it
    speaks of a draft or consultation, else the plan in force."""
    for j in range(index - 1, -1, -1):
        b = doc.blocks[j]
        if b.is_heading and not _COMMITMENT_HEADING.match(b.text):
            intro = " ".join(x.text for x in doc.body_until_heading(j)[:2])
            for source in (b.text, intro):
                mentions = [m for m in find_plan_mentions(source, jurisdiction, date)
                            if find_plan(m.ref) is not None]
                if mentions:
                    return mentions[0].ref
            if _DRAFT_CONTEXT.search(b.text) or _DRAFT_CONTEXT.search(intro[:300]):
                return next_plan(jurisdiction, date) or plan_in_force(jurisdiction, date)
            break
    return plan_in_force(jurisdiction, date)


def commitment_updates(doc: Doc, jurisdiction: str, date: dt.date) -> list[CommitmentUpdate]:
    """Updates under "Commitment N: Title" headings, each linked to commitment N
    of the plan of its section; a heading after such a run whose text speaks of
    "this commitment" is an update on the commitment it names."""
    updates: list[CommitmentUpdate] = []
    plan: PlanRef | None = None
    level: int | None = None
    for i, b in enumerate(doc.blocks):
        if not b.is_heading:
            continue
        m = _COMMITMENT_HEADING.match(b.text)
        body = " ".join(x.text for x in doc.body_until_heading(i))
        if m:
            if plan is None or level is None or b.level < level:
                plan = _section_plan(doc, i, jurisdiction, date)
            level = b.level
            if plan is None:
                continue
            title = m.group("title").strip()
            updates.append(CommitmentUpdate(
                commitment=CommitmentRef(plan=plan, number=int(m.group("n")), title=title),
                text=body, heading=b.text))
        elif plan is not None and level is not None and b.level == level and _THIS_COMMITMENT.search(body):
            updates.append(CommitmentUpdate(
                commitment=CommitmentRef(plan=plan, title=b.text.strip()), text=body, heading=b.text))
        elif level is not None and b.level <= level:
            plan, level = None, None
    return [u for u in updates if u.text]


def plans_discussed(doc: Doc, jurisdiction: str, date: dt.date) -> list[PlanRef]:
    out: list[PlanRef] = []
    for mention in find_plan_mentions(doc.text, jurisdiction, date):
        if find_plan(mention.ref) is None:
            continue
        ref = complete(mention.ref)
        if ref not in out:
            out.append(ref)
    return out


# ---------------------------------------------------------------------- meeting


def _fallback_body(title: str | None) -> str | None:
    """A body named in a title the register does not know: "X minutes",
    "Minutes of the X meeting"."""
    if not title:
        return None
    m = re.match(r"^(?P<body>.+?)\s+(?:meeting\s+)?(?:minutes|meeting notes|notes|read-?out)\b", title, re.I)
    if not m:
        m = re.search(r"\b(?:minutes|read-?out|notes?)\s+(?:of|from)\s+(?:the\s+)?(?P<body>.+?)"
                      r"(?:\s+meeting\b|\s+held\b|\s+on\b|\s*[|:–—]|$)", title, re.I)
    if not m:
        return None
    body = re.sub(r"\b(?:the|a)\b", "", m.group("body"), flags=re.I).strip(" |:–—-")
    return body if len(body) > 3 else None


def extract_meeting(text_or_html: str | Doc, ctx: Context) -> Meeting | None:
    """The meeting a document records, or None when it records none (or its
    day or body cannot be told)."""
    doc = parse(text_or_html)
    title = ctx.title or doc.title
    if not is_meeting_document(doc, title, ctx):
        return None
    date = meeting_date(doc, title, ctx.published or _page_date(doc))
    if date is None:
        return None
    known: KnownBody | None = meeting_body(title, doc.text, ctx.jurisdiction)
    body_name = known.name if known else _fallback_body(title)
    if not body_name:
        return None
    jurisdiction = ctx.jurisdiction or (known.jurisdiction if known else None) or \
        bodies_jurisdiction(doc.text) or "uk"
    default_sector = "civil_society" if known and known.kind == "network" else "other"
    attendance, listed_chairs = extract_attendance(doc, default_sector)
    return Meeting(
        **ctx.provenance(),
        ref=MeetingRef(body=body_name, jurisdiction=jurisdiction, date=date),
        title=title,
        body_kind=known.kind if known else None,
        chairs=extract_chairs(doc, listed_chairs, attendance),
        attendance=attendance,
        agenda=agenda_items(doc),
        actions=action_items(doc),
        decisions=decision_sentences(doc),
        updates=commitment_updates(doc, jurisdiction, date),
        plans=plans_discussed(doc, jurisdiction, date),
        recorded_in=ctx.document_url,
    )
