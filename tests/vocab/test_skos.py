"""Every Turtle file parses, and the concept schemes, the jurisdictions and the
body register keep SKOS's integrity conditions and agree with the closed lists
of harvesters/records.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

from harvesters import records as r
from hub import ids
from vocab import (
    BODIES,
    DEF,
    JURISDICTIONS,
    OGH,
    SCHEMES,
    SHAPES,
    STAGES,
    THEMES,
    VOCAB_DIR,
    VOCAB_FILES,
    concepts,
)

SKOS, RDF = rns.SKOS, rns.RDF
#: file -> the concept schemes it holds
SCHEME_FILES = {
    THEMES: [OGH.themes],
    STAGES: [OGH.stages],
    SCHEMES: [OGH.statuses, OGH.outcomes, OGH.sectors, OGH.attendanceStatuses],
    JURISDICTIONS: [OGH.jurisdictions],
}
ALL_SCHEMES = [(path, scheme) for path, schemes in SCHEME_FILES.items() for scheme in schemes]


@cache
def graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.mark.parametrize("path", sorted(VOCAB_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_every_turtle_file_parses(path: Path) -> None:
    g = Graph().parse(path, format="turtle")
    assert len(g) > 20, f"{path.name} parsed to almost nothing"


def test_vocabulary_files_are_all_there() -> None:
    ttl = set(VOCAB_DIR.glob("*.ttl"))
    assert set(VOCAB_FILES) | {SHAPES} == ttl, "a Turtle file is neither vocabulary nor shapes"


def concepts_of(path: Path, scheme: URIRef) -> list[URIRef]:
    found = sorted(c for c in graph(path).subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef))
    assert found, f"no concepts in {scheme}"
    return found


@pytest.mark.parametrize(("path", "scheme"), ALL_SCHEMES, ids=lambda v: getattr(v, "name", str(v)))
def test_scheme_structure(path: Path, scheme: URIRef) -> None:
    g = graph(path)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    assert g.value(scheme, SKOS.prefLabel) is not None, f"{scheme} has no name"
    members = set(concepts_of(path, scheme))
    tops = set(g.objects(scheme, SKOS.hasTopConcept))
    assert tops <= members, f"top concepts outside the scheme: {tops - members}"
    assert tops == set(g.subjects(SKOS.topConceptOf, scheme)), "hasTopConcept and topConceptOf disagree"
    for concept in members:
        assert (concept, RDF.type, SKOS.Concept) in g, f"{concept} is not a skos:Concept"
        assert list(g.objects(concept, SKOS.inScheme)) == [scheme], f"{concept} in several schemes"
        broader = set(g.objects(concept, SKOS.broader))
        assert broader <= members, f"{concept} has a broader concept outside its scheme"
        assert broader or concept in tops, f"{concept} has no broader concept and is not a top concept"
        for b in broader:
            assert (b, SKOS.narrower, concept) in g, f"{b} skos:narrower {concept} is missing"


@pytest.mark.parametrize(("path", "scheme"), ALL_SCHEMES, ids=lambda v: getattr(v, "name", str(v)))
def test_labels_keep_skos_integrity(path: Path, scheme: URIRef) -> None:
    """One preferred label per language, an English one; preferred, alternative
    and hidden labels pairwise disjoint; every concept defined."""
    g = graph(path)
    for concept in concepts_of(path, scheme):
        pref = [o for o in g.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)]
        languages = Counter(p.language for p in pref)
        assert languages["en"] == 1, f"{concept} needs exactly one English skos:prefLabel"
        assert all(n == 1 for n in languages.values()), f"{concept}: two prefLabels in one language"
        alt = set(g.objects(concept, SKOS.altLabel))
        hidden = set(g.objects(concept, SKOS.hiddenLabel))
        assert not (set(pref) & alt), f"{concept}: a label both preferred and alternative"
        assert not (set(pref) & hidden) and not (alt & hidden), f"{concept}: a hidden label also shown"
        assert all(isinstance(label, Literal) and label.language for label in alt | hidden), (
            f"{concept}: labels must carry their language")
        assert g.value(concept, SKOS.definition) or g.value(concept, rns.DCTERMS.description), (
            f"{concept} is not defined (skos:definition)")


@pytest.mark.parametrize(("path", "scheme"), ALL_SCHEMES, ids=lambda v: getattr(v, "name", str(v)))
def test_shown_labels_name_one_concept(path: Path, scheme: URIRef) -> None:
    """A preferred or alternative label (as the resolver normalises it) belongs
    to one concept of its scheme; only hidden labels may name two on purpose."""
    g = graph(path)
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for concept in concepts_of(path, scheme):
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(concept, p):
                owners[concepts.normalise(str(label))].add(concept)
    shared = {label: sorted(c) for label, c in owners.items() if len(c) > 1}
    assert not shared, f"labels on two concepts (make them skos:hiddenLabel if meant): {shared}"


def test_stages_follow_the_records_order() -> None:
    g = graph(STAGES)
    by_notation = {int(str(g.value(c, SKOS.notation))): c for c in concepts_of(STAGES, OGH.stages)}
    assert sorted(by_notation) == list(range(1, len(r.STAGES) + 1))
    assert [str(by_notation[n]) for n in sorted(by_notation)] == [str(ids.stage(s)) for s in r.STAGES]
    for slug in r.STAGES:
        assert concepts.resolve_stage(slug) == ids.stage(slug)
        assert (ids.stage(slug), RDF.type, OGH.Stage) in g
    assert concepts.resolve_stage("Planning for the process") == ids.stage("planning")
    assert concepts.resolve_stage("Action plan development") == ids.stage("development")


def test_closed_lists_of_records_have_their_concepts() -> None:
    """Every value harvesters may give for an outcome, a sector or an attendance
    status lands on a concept of its scheme, through the IRI hub.ids mints."""
    g = graph(SCHEMES)
    for values, mint, scheme in (
        (r.THEME_OUTCOMES, ids.outcome, OGH.outcomes),
        (r.SECTORS, ids.sector, OGH.sectors),
        (r.ATTENDANCE_STATUSES, ids.attendance_status, OGH.attendanceStatuses),
    ):
        members = set(concepts_of(SCHEMES, scheme))
        minted = {mint(v) for v in values}
        assert minted == members, f"{scheme}: records give {sorted(minted)}, the scheme has {sorted(members)}"
        for concept in minted:
            assert (concept, SKOS.inScheme, scheme) in g


@pytest.mark.parametrize(("label", "expected"), [
    ("In development", "in-development"), ("implementation", "in-implementation"),
    ("Complete", "complete"), ("substantial progress", "substantial"),
    ("No evidence available", "not-started"), ("Ongoing", "in-progress"), ("Withdrawn", "withdrawn"),
])
def test_statuses_resolve(label: str, expected: str) -> None:
    assert concepts.resolve_status(label) == URIRef(f"{DEF}status/{expected}")


def test_jurisdictions_are_the_records_jurisdictions() -> None:
    g = graph(JURISDICTIONS)
    members = concepts_of(JURISDICTIONS, OGH.jurisdictions)
    assert sorted(str(g.value(j, SKOS.notation)) for j in members) == sorted(r.JURISDICTIONS)
    for code in r.JURISDICTIONS:
        iri = ids.jurisdiction(code)
        assert (iri, RDF.type, OGH.Jurisdiction) in g
        assert str(g.value(iri, SKOS.notation)) == code
    assert (ids.jurisdiction("glasgow"), SKOS.broader, ids.jurisdiction("scotland")) in g


def test_body_register() -> None:
    """Each registered body is an ogh:Body of one known jurisdiction with one
    preferred name per language, and no name is shared by two bodies (hub.ids
    matches names against the register)."""
    g = graph(BODIES)
    bodies = sorted(set(g.subjects(RDF.type, OGH.Body)))
    assert len(bodies) >= 10
    jurisdictions = {ids.jurisdiction(code) for code in r.JURISDICTIONS}
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for body in bodies:
        assert isinstance(body, URIRef)
        assert [j for j in g.objects(body, OGH.jurisdiction) if j in jurisdictions] == list(
            g.objects(body, OGH.jurisdiction)), f"{body}: unknown jurisdiction"
        assert len(list(g.objects(body, OGH.jurisdiction))) == 1, f"{body} needs one jurisdiction"
        pref = list(g.objects(body, SKOS.prefLabel))
        languages = Counter(getattr(p, "language", None) for p in pref)
        assert languages["en"] == 1 and all(n == 1 for n in languages.values()), body
        alt = set(g.objects(body, SKOS.altLabel))
        assert not (set(pref) & alt), f"{body}: a name both preferred and alternative"
        for label in [*pref, *alt]:
            owners[ids.normalise_label(str(label))].add(body)
        assert ids.body(str(g.value(body, SKOS.prefLabel))) == body
    shared = {label: sorted(b) for label, b in owners.items() if len(b) > 1}
    assert not shared, f"names two registered bodies share: {shared}"
