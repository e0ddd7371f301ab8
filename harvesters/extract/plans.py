"""Action plans named in text, and the plan in force at a date.

Documents name plans as "NAP5", "the Fifth National Action Plan", "the 6th
NAP", "Scotland's third open government action plan", "the 2013-15 ... National
Action Plan", "the next National Action Plan". Each mention becomes a
:class:`~harvesters.records.PlanRef` completed from the plan register
(``vocab/plans.csv`` through :func:`hub.ids.plan_register`), so "NAP5" and
"2021-2023" give the same reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from harvesters.records import PlanRef
from hub.ids import PlanEntry, find_plan, normalise_end_year, plan_register

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6,
    "7th": 7, "8th": 8, "9th": 9, "10th": 10,
}
_ORD_RE = "|".join(sorted(ORDINALS, key=len, reverse=True))
_PLAN_WORDS = r"(?:national\s+action\s+plan|action\s+plan|NAP|plan)"
_FILLER = r"(?:[\w’'&-]+\s+){0,5}?"

_NAP_NUMBER = re.compile(r"\bNAP\s?(\d{1,2})\b")
_ORDINAL_PLAN = re.compile(rf"\b(?P<ord>{_ORD_RE})\s+{_FILLER}{_PLAN_WORDS}\b", re.I)
_PERIOD_BEFORE = re.compile(
    rf"\b(?P<y1>(?:19|20)\d\d)\s?(?:-|–|—|/|\s+to\s+)\s?(?P<y2>(?:19|20)?\d\d)\s+{_FILLER}{_PLAN_WORDS}\b",
    re.I)
_PERIOD_AFTER = re.compile(
    rf"\b{_PLAN_WORDS}\s+(?:[\w’'&-]+\s+){{0,4}}?\(?(?P<y1>(?:19|20)\d\d)\s?(?:-|–|—|/|\s+to\s+)\s?"
    rf"(?P<y2>(?:19|20)?\d\d)\b", re.I)
_RELATIVE = re.compile(
    rf"\b(?P<rel>next|current|previous|last|upcoming|new|forthcoming|latest)\s+{_FILLER}{_PLAN_WORDS}\b",
    re.I)

#: Words before a mention that name the jurisdiction the plan belongs to
_NATIONS = [
    ("glasgow", re.compile(r"\bGlasgow(?:’s|'s)?\b")),
    ("scotland", re.compile(r"\b(?:Scotland(?:’s|'s)?|Scottish)\b")),
    ("wales", re.compile(r"\b(?:Wales(?:’|')?s?|Welsh|Cymru)\b")),
    ("northern-ireland", re.compile(r"\b(?:Northern Ireland(?:’s|'s)?|NI)\b")),
    ("uk", re.compile(r"\b(?:UK(?:’s|'s)?|United Kingdom(?:’s|'s)?)\b")),
]
_DEVELOPING = re.compile(
    r"\b(?:develop\w*|co-creat\w*|drafting|preparing|prepar\w+ of|process (?:to|of|for))\b", re.I)


@dataclass(frozen=True)
class PlanMention:
    start: int
    end: int
    text: str
    ref: PlanRef
    relation: str = "explicit"  # explicit, next, current, previous


def entry_ref(entry: PlanEntry) -> PlanRef:
    return PlanRef(jurisdiction=entry.jurisdiction, start=entry.start, end=entry.end, number=entry.number)


def complete(ref: PlanRef) -> PlanRef:
    """A reference with its number and canonical period from the register."""
    entry = find_plan(ref)
    return entry_ref(entry) if entry else ref


def plans_of(jurisdiction: str) -> list[PlanEntry]:
    return sorted((e for e in plan_register() if e.jurisdiction == jurisdiction), key=lambda e: e.start)


def plan_in_force(jurisdiction: str, date: dt.date) -> PlanRef | None:
    """The plan of a jurisdiction in force at a date.

    The register gives years only; where two plans share a year (one ending,
    the next starting), the older one is taken, since a new plan is usually
    published late in its first year."""
    entries = [e for e in plans_of(jurisdiction) if e.start <= date.year <= e.end]
    if not entries:
        earlier = [e for e in plans_of(jurisdiction) if e.end < date.year]
        if not earlier:
            return None
        entries = [earlier[-1]]
    return entry_ref(min(entries, key=lambda e: e.start))


def next_plan(jurisdiction: str, date: dt.date) -> PlanRef | None:
    """The plan after the one in force at a date."""
    current = plan_in_force(jurisdiction, date)
    entries = plans_of(jurisdiction)
    if current is None:
        later = [e for e in entries if e.start > date.year]
        return entry_ref(later[0]) if later else None
    for i, entry in enumerate(entries):
        if (entry.start, entry.end) == (current.start, current.end) and i + 1 < len(entries):
            return entry_ref(entries[i + 1])
    return None


def previous_plan(jurisdiction: str, date: dt.date) -> PlanRef | None:
    current = plan_in_force(jurisdiction, date)
    entries = plans_of(jurisdiction)
    for i, entry in enumerate(entries):
        if current and (entry.start, entry.end) == (current.start, current.end) and i > 0:
            return entry_ref(entries[i - 1])
    return None


def _jurisdiction_before(text: str, start: int, default: str) -> str:
    window = text[max(0, start - 40):start]
    best: tuple[int, str] | None = None
    for code, rx in _NATIONS:
        for m in rx.finditer(window):
            if best is None or m.start() > best[0]:
                best = (m.start(), code)
    return best[1] if best else default


def find_plan_mentions(text: str, jurisdiction: str = "uk", at: dt.date | None = None) -> list[PlanMention]:
    """Every plan named in ``text``. Relative mentions ("the next National
    Action Plan") need ``at``, the date the text speaks from."""
    out: list[PlanMention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], ref: PlanRef | None, relation: str = "explicit") -> None:
        if ref is None or any(m.start() < e and s < m.end() for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        out.append(PlanMention(m.start(), m.end(), m.group(), complete(ref), relation))

    for m in _NAP_NUMBER.finditer(text):
        add(m, PlanRef(jurisdiction=jurisdiction, number=int(m.group(1))))
    for rx in (_PERIOD_BEFORE, _PERIOD_AFTER):
        for m in rx.finditer(text):
            y1 = int(m.group("y1"))
            y2 = normalise_end_year(y1, int(m.group("y2")))
            if y1 < y2 <= y1 + 6:
                code = _jurisdiction_before(text, m.start(), jurisdiction)
                add(m, PlanRef(jurisdiction=code, start=y1, end=y2))
    for m in _ORDINAL_PLAN.finditer(text):
        code = _jurisdiction_before(text, m.start(), jurisdiction)
        add(m, PlanRef(jurisdiction=code, number=ORDINALS[m.group("ord").lower()]))
    if at is not None:
        for m in _RELATIVE.finditer(text):
            code = _jurisdiction_before(text, m.start(), jurisdiction)
            rel = m.group("rel").lower()
            if rel in ("next", "upcoming", "forthcoming", "new"):
                add(m, next_plan(code, at), "next")
            elif rel in ("current", "latest"):
                add(m, plan_in_force(code, at), "current")
            else:
                add(m, previous_plan(code, at), "previous")
    out.sort(key=lambda p: p.start)
    return out


def main_plan(text: str, jurisdiction: str = "uk", at: dt.date | None = None,
              title: str | None = None) -> PlanRef | None:
    """The plan a document is about: the one its title names, else the first
    one named as being developed ("the process to develop the 6th National
    Action Plan"), else the one it names most often."""
    if title:
        mentions = find_plan_mentions(title, jurisdiction, at)
        if mentions:
            return mentions[0].ref
    mentions = find_plan_mentions(text, jurisdiction, at)
    if not mentions:
        return None
    for mention in mentions:
        before = text[max(0, mention.start - 60):mention.start]
        if _DEVELOPING.search(before) and mention.relation in ("explicit", "next"):
            return mention.ref
    counts = Counter(_key(m.ref) for m in mentions)
    best = counts.most_common(1)[0][0]
    return next(m.ref for m in mentions if _key(m.ref) == best)


def most_mentioned(text: str, jurisdiction: str = "uk", at: dt.date | None = None) -> PlanRef | None:
    """The registered plan a text names most often (the first named on a tie)."""
    mentions = [m for m in find_plan_mentions(text, jurisdiction, at) if find_plan(m.ref) is not None]
    if not mentions:
        return None
    counts = Counter(_key(m.ref) for m in mentions)
    top = max(counts.values())
    return next(m.ref for m in mentions if counts[_key(m.ref)] == top)


def _key(ref: PlanRef) -> tuple[object, ...]:
    return (ref.jurisdiction, ref.start, ref.end, ref.number)


def same_plan(a: PlanRef | None, b: PlanRef | None) -> bool:
    return a is not None and b is not None and _key(complete(a)) == _key(complete(b))
