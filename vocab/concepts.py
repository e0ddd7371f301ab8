"""Labels as sources write them, resolved onto the vocabulary's concepts.

Every SKOS concept scheme in ``vocab/`` (themes, co-creation stages, statuses,
outcomes, sectors, attendance statuses) carries ``skos:prefLabel``, ``skos:altLabel`` and
``skos:hiddenLabel``s for the words sources really use. A label resolves to
every concept that carries it, after normalisation (case, accents, punctuation
and small words ignored), so "Open Contracting (Procurement)" and
"open contracting" meet. A label may name two concepts on purpose ("Open data /
digital" is both open data and digital governance).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from vocab import OGH, SCHEMES, STAGES, THEMES

_SMALL_WORDS = {"the", "and", "of", "a", "an", "in", "for", "on", "to"}


def normalise(label: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in _SMALL_WORDS)


@cache
def _graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@cache
def _index(path: Path, scheme: str) -> dict[str, tuple[URIRef, ...]]:
    graph = _graph(path)
    index: dict[str, list[URIRef]] = {}
    members = [c for c in graph.subjects(SKOS.inScheme, URIRef(scheme)) if isinstance(c, URIRef)]
    for concept in sorted(members):
        labels = [
            str(label)
            for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, SKOS.notation)
            for label in graph.objects(concept, p)
        ]
        labels.append(str(concept).rsplit("/", 1)[-1].replace("-", " "))
        for label in labels:
            key = normalise(label)
            if key and concept not in index.setdefault(key, []):
                index[key].append(concept)
    return {k: tuple(v) for k, v in index.items()}


def resolve(path: Path, scheme: str, label: str) -> tuple[URIRef, ...]:
    """Every concept of ``scheme`` (in the file ``path``) that carries ``label``."""
    return _index(path, scheme).get(normalise(label), ())


THEME_SCHEME = str(OGH.themes)
STAGE_SCHEME = str(OGH.stages)
STATUS_SCHEME = str(OGH.statuses)
OUTCOME_SCHEME = str(OGH.outcomes)
SECTOR_SCHEME = str(OGH.sectors)
ATTENDANCE_SCHEME = str(OGH.attendanceStatuses)
JURISDICTION_SCHEME = str(OGH.jurisdictions)

#: Single words that name a theme when they are the whole label ("Data",
#: "Engagement") but say too little inside a longer title ("legal aid",
#: "data integrity", "local transparency" has its own label).
_TOO_GENERIC_INSIDE = frozenset({
    "data", "local", "aid", "land", "planning", "media", "business", "engagement",
    "integrity", "accountability", "environment", "regulation", "construction",
})

#: Where a label is split into parts: brackets are handled apart; slashes,
#: semicolons, commas and dashes (a hyphen only with spaces round it) split.
_SEPARATORS = re.compile(r"\s*[/;,\u2013\u2014]\s*|\s+-\s+")


def _parts(label: str) -> list[str]:
    outer = re.sub(r"\(.*?\)", " ", label)
    inner = re.findall(r"\((.*?)\)", label)
    parts: list[str] = []
    for text in (outer, *inner):
        for part in _SEPARATORS.split(text):
            if part.strip() and part.strip() != label.strip():
                parts.append(part.strip())
    return parts


def _contained(path: Path, scheme: str, text: str) -> tuple[URIRef, ...]:
    """Concepts whose labels occur inside ``text`` as whole words, longest
    labels first, each word of the text used once."""
    words = normalise(text).split()
    if not words:
        return ()
    index = _index(path, scheme)
    longest = max((len(k.split()) for k in index), default=0)
    taken = [False] * len(words)
    found: list[tuple[int, URIRef]] = []
    for size in range(min(longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if any(taken[start:start + size]):
                continue
            key = " ".join(words[start:start + size])
            if size == 1 and key in _TOO_GENERIC_INSIDE:
                continue
            concepts = index.get(key)
            if concepts:
                taken[start:start + size] = [True] * size
                found.extend((start, c) for c in concepts)
    out: list[URIRef] = []
    for _, concept in sorted(found, key=lambda pair: pair[0]):
        if concept not in out:
            out.append(concept)
    return tuple(out)


def resolve_theme(label: str) -> tuple[URIRef, ...]:
    """The common themes a source's theme or policy-area label lands on.

    In order: the label as a whole ("Open Contracting (Procurement)"); else
    every part of it, split at brackets, slashes, commas and dashes ("Civic
    Space, Natural Resources, and Open Parliaments" gives three themes); else
    the theme labels found inside it, so that a commitment's title serves as a
    label ("Health information standards" gives health)."""
    found = resolve(THEMES, THEME_SCHEME, label)
    if found:
        return found
    out: list[URIRef] = []
    parts = _parts(label)
    for part in parts:
        for concept in resolve(THEMES, THEME_SCHEME, part) or _contained(THEMES, THEME_SCHEME, part):
            if concept not in out:
                out.append(concept)
    if out:
        return tuple(out)
    return _contained(THEMES, THEME_SCHEME, label)


def resolve_status(label: str) -> URIRef | None:
    found = resolve(SCHEMES, STATUS_SCHEME, label)
    return found[0] if found else None


def resolve_stage(label: str) -> URIRef | None:
    found = resolve(STAGES, STAGE_SCHEME, label)
    return found[0] if found else None


def theme_labels() -> dict[URIRef, str]:
    """Each theme's English preferred label."""
    graph = _graph(THEMES)
    labels: dict[URIRef, str] = {}
    for concept in graph.subjects(SKOS.inScheme, URIRef(THEME_SCHEME)):
        if not isinstance(concept, URIRef):
            continue
        for label in graph.objects(concept, SKOS.prefLabel):
            if getattr(label, "language", None) in (None, "en"):
                labels[concept] = str(label)
    return labels


def concepts(path: Path, scheme: str) -> list[URIRef]:
    graph = _graph(path)
    return sorted(
        c for c in graph.subjects(SKOS.inScheme, URIRef(scheme))
        if isinstance(c, URIRef) and (c, RDF.type, SKOS.Concept) in graph
    )
