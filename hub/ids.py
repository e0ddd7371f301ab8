"""Stable IRIs from what identifies a thing in the world.

A plan is its jurisdiction and period, a commitment its plan and number, a
meeting its body and day, a document its canonical URL. Nothing here depends
on run order, the machine, the deployment's base URL or a random number: the
same input gives the same IRI everywhere, forever.

Two registers in ``vocab/`` make different ways of naming one thing meet: the
plan register (``plans.csv``: numbers, canonical periods, the periods other
publishers give) and the body register (``bodies.ttl``: a body's names).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit, urlunsplit

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from harvesters.records import CommitmentRef, MeetingRef, PlanRef
from vocab import DEF, GRAPH, ID, OGH, PLANS

# --------------------------------------------------------------------- helpers


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII, lower case, words joined by hyphens: "Open Contracting (Procurement)"
    gives "open-contracting-procurement"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_length:
        text = text[:max_length].rsplit("-", 1)[0] or text[:max_length]
    return text or "untitled"


def normalise_label(text: str) -> str:
    """A label reduced for matching: case, accents, punctuation and "the" ignored."""
    words = slugify(text, max_length=500).split("-")
    return " ".join(w for w in words if w not in {"the", "and", "of"})


def normalise_url(url: str) -> str:
    """The form of a URL that identifies a document: scheme and host lower-cased,
    ``http`` as ``https``, the fragment dropped, a trailing slash on paths kept
    as the source gives it except for the bare host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, parts.query, ""))


def _digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


# --------------------------------------------------------------------- registers


@dataclass(frozen=True)
class PlanEntry:
    jurisdiction: str
    number: int | None
    start: int
    end: int
    aliases: tuple[tuple[int, int], ...]
    note: str


@cache
def plan_register() -> tuple[PlanEntry, ...]:
    """The rows of ``vocab/plans.csv``."""
    rows: list[PlanEntry] = []
    with PLANS.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(lines):
        aliases = tuple(
            (int(a), int(b))
            for a, b in (alias.split("-") for alias in (row["aliases"] or "").split())
        )
        rows.append(
            PlanEntry(
                jurisdiction=row["jurisdiction"],
                number=int(row["number"]) if row["number"] else None,
                start=int(row["start"]),
                end=int(row["end"]),
                aliases=aliases,
                note=row["note"],
            )
        )
    return tuple(rows)


def find_plan(ref: PlanRef) -> PlanEntry | None:
    """The register's entry for a plan reference, by number or by period."""
    for entry in plan_register():
        if entry.jurisdiction != ref.jurisdiction:
            continue
        if ref.number is not None and entry.number == ref.number:
            return entry
    if ref.start is not None and ref.end is not None:
        period = (ref.start, normalise_end_year(ref.start, ref.end))
        for entry in plan_register():
            if entry.jurisdiction == ref.jurisdiction and (
                period == (entry.start, entry.end) or period in entry.aliases
            ):
                return entry
    if ref.start is not None and ref.end is None:
        for entry in plan_register():
            if entry.jurisdiction == ref.jurisdiction and entry.start == ref.start:
                return entry
    return None


def normalise_end_year(start: int, end: int) -> int:
    """"2021-25" gives 2025: a two-digit end year is read in the start's century."""
    if end < 100:
        century = start - start % 100
        end = century + end
        if end < start:
            end += 100
    return end


@cache
def _body_labels() -> dict[tuple[str | None, str], str]:
    from vocab import BODIES

    graph = Graph().parse(BODIES, format="turtle")
    labels: dict[tuple[str | None, str], str] = {}
    for subject in set(graph.subjects(OGH.jurisdiction, None)):
        jurisdiction = str(graph.value(subject, OGH.jurisdiction)).rsplit("/", 1)[-1]
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(subject, prop):
                key = normalise_label(str(label))
                labels.setdefault((jurisdiction, key), str(subject))
                labels.setdefault((None, key), str(subject))
    return labels


# ------------------------------------------------------------------------- IRIs


def jurisdiction(code: str) -> URIRef:
    return URIRef(f"{ID}jurisdiction/{code}")


def plan(ref: PlanRef) -> URIRef:
    """``id/plan/<jurisdiction>/<start>-<end>`` with the register's canonical
    period; an unregistered plan keeps the period it was given, or else its
    number or title."""
    entry = find_plan(ref)
    if entry is not None:
        return URIRef(f"{ID}plan/{ref.jurisdiction}/{entry.start}-{entry.end}")
    if ref.start is not None and ref.end is not None:
        end = normalise_end_year(ref.start, ref.end)
        return URIRef(f"{ID}plan/{ref.jurisdiction}/{ref.start}-{end}")
    if ref.number is not None:
        return URIRef(f"{ID}plan/{ref.jurisdiction}/number-{ref.number}")
    if ref.title:
        return URIRef(f"{ID}plan/{ref.jurisdiction}/{slugify(ref.title, 60)}")
    raise ValueError(f"a plan of {ref.jurisdiction} needs a period, a number or a title")


def plan_number(ref: PlanRef) -> int | None:
    entry = find_plan(ref)
    return entry.number if entry else ref.number


def plan_period(ref: PlanRef) -> tuple[int, int] | None:
    entry = find_plan(ref)
    if entry:
        return entry.start, entry.end
    if ref.start is not None and ref.end is not None:
        return ref.start, normalise_end_year(ref.start, ref.end)
    return None


def commitment(ref: CommitmentRef) -> URIRef:
    """``<plan>/commitment/<number>``; without a number, the external identifier
    (``<plan>/commitment/id-uk0090``), else the title."""
    base = f"{plan(ref.plan)}/commitment/"
    if ref.number is not None:
        return URIRef(f"{base}{ref.number}")
    if ref.identifier:
        return URIRef(f"{base}id-{slugify(ref.identifier)}")
    if ref.title:
        return URIRef(f"{base}{slugify(ref.title, 60)}")
    raise ValueError("a commitment needs a number, an identifier or a title")


def milestone(commitment_iri: str, number: int) -> URIRef:
    return URIRef(f"{commitment_iri}/milestone/{number}")


def body(name: str, jurisdiction_code: str | None = None) -> URIRef:
    """A body by name: the register's IRI when the name is one of its labels,
    else ``id/body/<jurisdiction>/<slug>``."""
    key = normalise_label(name)
    labels = _body_labels()
    found = labels.get((jurisdiction_code, key)) or labels.get((None, key))
    if found:
        return URIRef(found)
    return URIRef(f"{ID}body/{jurisdiction_code or 'any'}/{slugify(name, 60)}")


def meeting(ref: MeetingRef) -> URIRef:
    """``id/meeting/<body slug>/<date>``, the body's slug taken from its IRI."""
    body_iri = str(body(ref.body, ref.jurisdiction))
    body_slug = body_iri.removeprefix(f"{ID}body/").replace("/", "-")
    return URIRef(f"{ID}meeting/{body_slug}/{ref.date.isoformat()}")


def document(url: str) -> URIRef:
    """``id/document/<16 hex>``: a digest of the normalised URL (an imported
    file's URL is ``urn:sha256:<digest of its bytes>``)."""
    return URIRef(f"{ID}document/{_digest(normalise_url(url) if '://' in url else url)}")


def person(name: str) -> URIRef:
    return URIRef(f"{ID}person/{slugify(name, 60)}")


def theme_decision(plan_iri: str, theme_label: str) -> URIRef:
    return URIRef(f"{plan_iri}/theme-decision/{slugify(theme_label, 60)}")


def timeline_event(plan_iri: str, date_iso: str, title: str) -> URIRef:
    return URIRef(f"{plan_iri}/event/{date_iso}-{_digest(normalise_label(title), 8)}")


def thematic_group(jurisdiction_code: str, title: str) -> URIRef:
    return URIRef(f"{ID}body/{jurisdiction_code}/group-{slugify(title, 60)}")


def source_graph(source_id: str) -> URIRef:
    return URIRef(f"{GRAPH}source/{source_id}")


PROVENANCE_GRAPH = URIRef(f"{GRAPH}provenance")
VOCAB_GRAPH = URIRef(f"{GRAPH}vocab")


def harvest_run(source_id: str, started: dt.datetime) -> URIRef:
    stamp = started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return URIRef(f"{ID}run/{source_id}/{stamp}")


def theme(slug: str) -> URIRef:
    return URIRef(f"{DEF}theme/{slug}")


def stage(slug: str) -> URIRef:
    return URIRef(f"{DEF}stage/{slug}")


def outcome(slug: str) -> URIRef:
    return URIRef(f"{DEF}outcome/{slug}")


def sector(slug: str) -> URIRef:
    return URIRef(f"{DEF}sector/{slug.replace('_', '-')}")


def attendance_status(slug: str) -> URIRef:
    return URIRef(f"{DEF}attendance/{slug}")


def is_hub_iri(iri: str) -> bool:
    return iri.startswith(ID) or iri.startswith(DEF)
