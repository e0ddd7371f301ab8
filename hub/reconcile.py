"""One entity for one thing seen through several sources.

The hub reconciles by *keys*, not by merging graphs after the fact: two
harvesters that describe the same plan or commitment build the same key
(:class:`~harvesters.records.PlanRef`, :class:`~harvesters.records.CommitmentRef`),
:mod:`hub.ids` turns it into the same IRI, and each source's named graph states
its own facts about that IRI. So a merge keeps both sources in its provenance
and is reversible: re-harvesting one source replaces only that source's graph.

What is here helps harvesters build keys that meet, deterministically (never
from what another source happened to harvest first):

- a plan from the periods and cycle years publishers give it
  (:func:`plan_for_period`, :func:`plan_for_cycle`), through the plan register
  ``vocab/plans.csv``;
- a commitment's number in its plan from its OGP identifier
  (:func:`number_in_series`): OGP numbers a member's commitments in sequence,
  and the register's ``ogp_first`` column gives the identifier of each plan's
  first commitment, so ``UK0096`` is the seventh commitment of the plan that
  starts at ``UK0090``;
- titles compared after normalisation (:func:`same_title`), for the matches
  that must fall back on a title.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from harvesters.records import PlanRef
from hub.ids import find_plan, normalise_end_year, normalise_label, plan_register
from vocab import PLANS

#: A period as publishers write it: "2019-2021", "2021 – 2025", "2013-15",
#: "2016 to 2018", "2019-21".
PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|—|to)\s*((?:19|20)?\d\d)\b")

#: An OGP commitment identifier: letters then digits (UK0090, SCO0001,
#: GBSC0004, GBGLG0001).
OGP_IDENTIFIER = re.compile(r"\b([A-Z]{2,6})(\d{3,5})\b")

#: OGP members of the hub's jurisdictions, by the names and URL slugs OGP uses.
OGP_MEMBERS = {
    "united-kingdom": "uk",
    "united kingdom": "uk",
    "scotland-united-kingdom": "scotland",
    "scotland, united kingdom": "scotland",
    "scotland": "scotland",
    "glasgow-united-kingdom": "glasgow",
    "glasgow, united kingdom": "glasgow",
    "glasgow": "glasgow",
    "northern-ireland-united-kingdom": "northern-ireland",
    "northern ireland, united kingdom": "northern-ireland",
    "northern ireland": "northern-ireland",
}


def period_in(text: str | None) -> tuple[int, int] | None:
    """The first period written in ``text``, with a two-digit end year read
    in the start's century: "Commitments 2019-21" gives (2019, 2021)."""
    if not text:
        return None
    m = PERIOD.search(text)
    if not m:
        return None
    start = int(m.group(1))
    end = normalise_end_year(start, int(m.group(2)))
    if end < start or end - start > 10:
        return None
    return start, end


def plan_for_period(jurisdiction: str, start: int, end: int) -> PlanRef:
    """The plan of that period: the register's canonical period when the
    register knows it (as period or alias), else the period as given."""
    ref = PlanRef(jurisdiction, start=start, end=end)
    entry = find_plan(ref)
    if entry is None:
        return ref
    return PlanRef(jurisdiction, start=entry.start, end=entry.end, number=entry.number)


def plan_for_cycle(jurisdiction: str, year: int) -> PlanRef | None:
    """The plan of an OGP "action plan cycle" year (the year a plan starts,
    as OGP counts it): the register's plan starting that year, or one a
    publisher lists as starting that year (an alias)."""
    for entry in plan_register():
        if entry.jurisdiction == jurisdiction and entry.start == year:
            return PlanRef(jurisdiction, start=entry.start, end=entry.end, number=entry.number)
    for entry in plan_register():
        if entry.jurisdiction == jurisdiction and any(a[0] == year for a in entry.aliases):
            return PlanRef(jurisdiction, start=entry.start, end=entry.end, number=entry.number)
    return None


def plan_containing(jurisdiction: str, year: int) -> PlanRef | None:
    """The registered plan in force in ``year`` (the latest to start by then)."""
    found = None
    for entry in plan_register():
        if entry.jurisdiction == jurisdiction and entry.start <= year <= entry.end and (
            found is None or entry.start > found.start
        ):
            found = entry
    if found is None:
        return None
    return PlanRef(jurisdiction, start=found.start, end=found.end, number=found.number)


def member_jurisdiction(name_or_slug: str | None) -> str | None:
    """The hub's jurisdiction of an OGP member, by its name or URL slug."""
    if not name_or_slug:
        return None
    key = " ".join(name_or_slug.strip().lower().split())
    if key in OGP_MEMBERS:
        return OGP_MEMBERS[key]
    m = re.search(r"/(?:members|countries|country)/([a-z-]+)", key)
    if m:
        return OGP_MEMBERS.get(m.group(1))
    return None


def split_identifier(identifier: str) -> tuple[str, int] | None:
    m = OGP_IDENTIFIER.fullmatch(identifier.strip().upper())
    return (m.group(1), int(m.group(2))) if m else None


@dataclass(frozen=True)
class Series:
    """The OGP identifiers of one plan's commitments start at ``prefix`` + ``first``."""

    jurisdiction: str
    start: int
    end: int
    number: int | None
    prefix: str
    first: int
    width: int  # digits in the identifier


@cache
def ogp_series() -> tuple[Series, ...]:
    """The register's ``ogp_first`` column, plan by plan."""
    with PLANS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    out = []
    for row in rows:
        first = (row.get("ogp_first") or "").strip()
        parts = split_identifier(first)
        if parts:
            out.append(Series(row["jurisdiction"], int(row["start"]), int(row["end"]),
                              int(row["number"]) if row["number"] else None, *parts,
                              width=len(first) - len(parts[0])))
    return tuple(out)


def number_in_series(identifier: str, plan: PlanRef) -> int | None:
    """A commitment's number in its plan from its OGP identifier, when the
    register gives the identifier of the plan's first commitment. None when it
    does not, or when the identifier falls outside the plan's series (before
    its first, or at or after the next plan's first with the same prefix)."""
    parts = split_identifier(identifier)
    entry = find_plan(plan)
    if parts is None or entry is None:
        return None
    prefix, seq = parts
    mine = [s for s in ogp_series() if s.prefix == prefix and s.jurisdiction == plan.jurisdiction]
    own = next((s for s in mine if (s.start, s.end) == (entry.start, entry.end)), None)
    if own is None or seq < own.first:
        return None
    later = [s.first for s in mine if s.first > own.first]
    if later and seq >= min(later):
        return None
    return seq - own.first + 1


def identifier_for(plan: PlanRef, number: int) -> str | None:
    """The OGP identifier of commitment ``number`` of a plan, where the register
    knows the plan's series (the inverse of :func:`number_in_series`)."""
    entry = find_plan(plan)
    if entry is None:
        return None
    for s in ogp_series():
        if s.jurisdiction == plan.jurisdiction and (s.start, s.end) == (entry.start, entry.end):
            return f"{s.prefix}{s.first + number - 1:0{s.width}d}"
    return None


def same_title(a: str | None, b: str | None) -> bool:
    """Two titles of one thing: equal after normalisation (case, accents,
    punctuation and small words ignored)."""
    return bool(a and b and normalise_label(a) == normalise_label(b))
