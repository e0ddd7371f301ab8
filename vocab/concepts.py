"""Labels as sources write them, resolved onto the vocabulary's concepts.

Every SKOS concept scheme in ``vocab/`` (themes, co-creation stages, statuses,
outcomes, sectors) carries ``skos:prefLabel``, ``skos:altLabel`` and
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

from vocab import DEF, SCHEMES, STAGES, THEMES

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
    for concept in graph.subjects(SKOS.inScheme, URIRef(scheme)):
        assert isinstance(concept, URIRef)
        labels = [
            *graph.objects(concept, SKOS.prefLabel),
            *graph.objects(concept, SKOS.altLabel),
            *graph.objects(concept, SKOS.hiddenLabel),
            *graph.objects(concept, SKOS.notation),
        ]
        labels.append(str(concept).rsplit("/", 1)[-1].replace("-", " "))
        for label in labels:
            key = normalise(str(label))
            if key and concept not in index.setdefault(key, []):
                index[key].append(concept)
    return {k: tuple(v) for k, v in index.items()}


def resolve(path: Path, scheme: str, label: str) -> tuple[URIRef, ...]:
    """Every concept of ``scheme`` (in the file ``path``) that carries ``label``."""
    return _index(path, scheme).get(normalise(label), ())


THEME_SCHEME = DEF + "theme"
STAGE_SCHEME = DEF + "stage"
STATUS_SCHEME = DEF + "status"
OUTCOME_SCHEME = DEF + "outcome"
SECTOR_SCHEME = DEF + "sector"
ATTENDANCE_SCHEME = DEF + "attendance"


def resolve_theme(label: str) -> tuple[URIRef, ...]:
    """The common themes a source's theme or policy-area label lands on."""
    found = resolve(THEMES, THEME_SCHEME, label)
    if found:
        return found
    # "Open Contracting (Procurement)": try the words outside and inside brackets.
    outer = re.sub(r"\(.*?\)", " ", label)
    inner = re.findall(r"\((.*?)\)", label)
    for part in [outer, *inner, *re.split(r"\s*[/;,]\s*|\s+-\s+", label)]:
        if part.strip() and part != label:
            found = resolve(THEMES, THEME_SCHEME, part)
            if found:
                return found
    return ()


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
        for label in graph.objects(concept, SKOS.prefLabel):
            if getattr(label, "language", None) in (None, "en"):
                labels[concept] = str(label)  # type: ignore[index]
    return labels


def concepts(path: Path, scheme: str) -> list[URIRef]:
    graph = _graph(path)
    return sorted(
        c for c in graph.subjects(SKOS.inScheme, URIRef(scheme))
        if isinstance(c, URIRef) and (c, RDF.type, SKOS.Concept) in graph
    )
