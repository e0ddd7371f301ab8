"""The ontology declares every term the hub uses, and only those; the W3C and
community terms it and the mapping reuse exist in their vocabularies."""

from __future__ import annotations

import ast
import typing
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

import hub
import vocab
from hub.mapping import map_records
from hub.provenance import RunResult, run_triples
from tests.vocab.samples import FETCHED, full_records, minimal_records
from vocab import DEF, OGH, ONTOLOGY

# The namespaces are reached through rdflib.namespace (rns): DefinedNamespace
# classes bound at module level upset pytest's collection.
ONT = URIRef(DEF)
VANN = "http://purl.org/vocab/vann/"
REUSED = ("DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDO", "SKOS", "TIME", "XSD")
#: rdflib's closed copies of the vocabularies the hub reuses
KNOWN: dict[str, type[rns.DefinedNamespace]] = {
    str(getattr(rns, name)): getattr(rns, name) for name in REUSED
}
PROPERTY_TYPES = (rns.OWL.ObjectProperty, rns.OWL.DatatypeProperty, rns.RDF.Property)


@cache
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def ogh_terms() -> set[str]:
    """The names of the OGH namespace class in vocab/__init__.py."""
    return {name for name in typing.get_type_hints(OGH) if not name.startswith("_")}


def declared() -> dict[str, set[URIRef]]:
    """ogh: terms typed in the ontology, by local name, with their types."""
    out: dict[str, set[URIRef]] = {}
    for s, o in ontology().subject_objects(rns.RDF.type):
        if isinstance(s, URIRef) and str(s).startswith(DEF) and s != ONT:
            out.setdefault(str(s)[len(DEF):], set()).add(o)  # type: ignore[arg-type]
    return out


def test_every_ogh_term_is_declared_in_the_ontology() -> None:
    missing = sorted(ogh_terms() - set(declared()))
    assert not missing, f"in OGH (vocab/__init__.py) but not declared in ontology.ttl: {missing}"


def test_every_term_the_ontology_declares_is_in_ogh() -> None:
    extra = sorted(set(declared()) - ogh_terms())
    assert not extra, f"declared in ontology.ttl but missing from OGH (vocab/__init__.py): {extra}"


def test_each_term_has_one_kind_matching_its_case() -> None:
    for name, types in declared().items():
        if name[0].isupper():
            assert types == {rns.OWL.Class}, f"ogh:{name} is capitalised, so a class: {types}"
        elif rns.SKOS.ConceptScheme in types:
            assert types == {rns.SKOS.ConceptScheme}, name
        else:
            kinds = types & set(PROPERTY_TYPES)
            assert len(kinds) == 1 and types == kinds, f"ogh:{name} must be one kind of property: {types}"


def test_each_class_and_property_is_documented_for_researchers() -> None:
    g = ontology()
    for name, types in declared().items():
        term = OGH[name]
        assert (term, rns.RDFS.isDefinedBy, ONT) in g, f"ogh:{name} lacks rdfs:isDefinedBy ogh:"
        if rns.SKOS.ConceptScheme in types:
            continue
        labels = [o for o in g.objects(term, rns.RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        comments = [o for o in g.objects(term, rns.RDFS.comment)
                    if isinstance(o, Literal) and o.language == "en"]
        assert len(labels) == 1, f"ogh:{name} needs one English rdfs:label"
        assert len(comments) == 1, f"ogh:{name} needs one English rdfs:comment"
        assert str(comments[0]).endswith((".", ")")) and len(str(comments[0]).split()) >= 6, (
            f"ogh:{name}'s comment should be a sentence a researcher can use: {comments[0]!r}")


def test_ontology_header() -> None:
    g = ontology()
    assert (ONT, rns.RDF.type, rns.OWL.Ontology) in g
    dc = rns.DCTERMS
    for p in (rns.OWL.versionInfo, dc.title, dc.description, dc.license, dc.creator):
        assert g.value(ONT, p) is not None, f"the ontology lacks {g.qname(p)}"
    assert str(g.value(ONT, URIRef(VANN + "preferredNamespacePrefix"))) == "ogh"
    assert str(g.value(ONT, URIRef(VANN + "preferredNamespaceUri"))) == DEF
    assert DEF == "https://w3id.org/ogh/def/" and vocab.PREFIXES["ogh"] == DEF


def test_every_class_reuses_a_w3c_or_community_class() -> None:
    """Each class is tied, directly or through an ogh: superclass, to a class of
    a vocabulary other software knows."""
    g = ontology()

    def external_ancestor(cls: URIRef, seen: frozenset[URIRef] = frozenset()) -> bool:
        for sup in g.objects(cls, rns.RDFS.subClassOf):
            if not str(sup).startswith(DEF):
                return True
            if sup not in seen and external_ancestor(sup, seen | {cls}):  # type: ignore[arg-type]
                return True
        return False

    lonely = [name for name, types in declared().items()
              if rns.OWL.Class in types and not external_ancestor(OGH[name])]
    assert not lonely, f"classes with no W3C or community superclass: {lonely}"


def test_body_kinds_are_bodies_and_bodies_are_organisations() -> None:
    g = ontology()
    for kind in (OGH.MultiStakeholderForum, OGH.SteeringGroup, OGH.CivilSocietyNetwork,
                 OGH.Secretariat, OGH.ThematicGroup, OGH.Committee):
        assert OGH.Body in g.transitive_objects(kind, rns.RDFS.subClassOf), kind
    assert (OGH.Body, rns.RDFS.subClassOf, rns.ORG.Organization) in g
    assert (OGH.HarvestRun, rns.RDFS.subClassOf, rns.PROV.Activity) in g
    assert (OGH.Meeting, rns.RDFS.subClassOf, rns.SDO.Event) in g


def test_external_terms_of_the_ontology_exist() -> None:
    """Every IRI the ontology borrows from a vocabulary rdflib knows is a term
    of that vocabulary (a misspelt schema:Comment or prov:Persn would pass
    unnoticed in Turtle)."""
    unknown = []
    for triple in ontology():
        for term in triple:
            if not isinstance(term, URIRef):
                continue
            for base, ns in KNOWN.items():
                if str(term).startswith(base) and str(term) != base and term not in ns:
                    unknown.append(str(term))
    assert not unknown, f"not terms of their vocabularies: {sorted(set(unknown))}"


def _namespace_attributes(path: Path) -> set[tuple[str, str]]:
    """(namespace, term) for every ``NS.term`` and ``NS["term"]`` in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and (node.value.id in REUSED or node.value.id == "OGH")):
            found.add((node.value.id, node.attr))
    return found


ROOT = Path(hub.__file__).parent.parent
HUB_MODULES = sorted([*(ROOT / "hub").rglob("*.py"), *(ROOT / "harvesters").rglob("*.py")])


def test_the_mapping_entities_and_provenance_use_vocabulary_terms() -> None:
    for name in ("mapping.py", "entities.py", "provenance.py"):
        assert _namespace_attributes(ROOT / "hub" / name), f"no vocabulary terms found in hub/{name}"


@pytest.mark.parametrize("module", HUB_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_terms_used_by_the_hub_exist(module: Path) -> None:
    """Every ogh: term the hub's code uses (the mapping, the entity reader, the
    provenance of runs...) is declared in the ontology, and every external term
    is a term of its vocabulary."""
    g = ontology()
    used = _namespace_attributes(module)
    for ns_name, term in sorted(used):
        if ns_name == "OGH":
            assert (OGH[term], rns.RDF.type, None) in g, f"{module.name} uses ogh:{term}, not in the ontology"
        else:
            ns = getattr(rns, ns_name)
            assert URIRef(str(ns) + term) in ns, f"{module.name} uses {ns_name}.{term}, not a term"


def _mapped() -> Graph:
    """What the mapping makes of the sample records, and a harvest run as the
    provenance graph records it."""
    g = Graph()
    for t in map_records([*full_records(), *minimal_records()]):
        g.add(t)
    run = RunResult(source="govuk", started=FETCHED, ended=FETCHED, outcome="failed", reason="no plans",
                    entities={"ActionPlan": 3}, failed=1,
                    errors=[{"url": "https://www.gov.uk/x", "status": 500, "reason": "Server Error"}])
    for t in run_triples(run):
        g.add(t)
    return g


def test_mapped_records_use_only_declared_or_known_terms() -> None:
    g = _mapped()
    ont = ontology()
    predicates = set(g.predicates())
    classes = set(g.objects(None, rns.RDF.type))
    for term in predicates | classes:
        assert isinstance(term, URIRef)
        if str(term).startswith(DEF):
            assert (term, rns.RDF.type, None) in ont, f"the mapping writes {term}, not in the ontology"
        else:
            ns = next((ns for base, ns in KNOWN.items() if str(term).startswith(base)), None)
            assert ns is not None and term in ns, f"the mapping writes {term}, from no known vocabulary"
    # the samples reach every class the hub writes
    assert {OGH.HarvestRun, OGH.HarvestError, OGH.ActionPlan, OGH.Commitment, OGH.Milestone,
            OGH.Meeting, OGH.Document, OGH.Post, OGH.Body, OGH.Person, OGH.Attendee,
            OGH.AttendanceCount, OGH.CommitmentUpdate, OGH.ThemeDecision, OGH.TimelineEvent,
            OGH.ThematicGroup} <= classes


def test_mapped_literals_have_the_datatypes_the_ontology_gives() -> None:
    """Datatype properties' rdfs:range is what the mapping really writes: counts
    are xsd:integer, text is language-tagged, codes are plain strings."""
    ont = ontology()
    g = _mapped()
    checked = set()
    for s, p, o in g:
        if not str(p).startswith(DEF) or (p, rns.RDF.type, rns.OWL.DatatypeProperty) not in ont:
            continue
        assert isinstance(o, Literal), f"{p} is a datatype property but {s} has {o!r}"
        expected = ont.value(p, rns.RDFS.range)
        if expected is None:
            allowed = {URIRef(str(dt)) for dt in ont.objects(p, rns.SDO.rangeIncludes)}
            assert o.datatype in allowed, f"{p}: {o!r} not one of {allowed}"
        elif expected == rns.RDF.langString:
            assert o.language, f"{p} takes language-tagged text; {s} has {o!r}"
        elif expected == rns.XSD.string:
            assert o.datatype in (None, rns.XSD.string) and not o.language, f"{p}: {o!r} not a plain string"
        else:
            assert o.datatype == expected, f"{p} ranges over {expected}; {s} has {o!r}"
        checked.add(p)
    assert {OGH.attendeesTotal, OGH.number, OGH.themeLabel, OGH.documentType, OGH.irmVerifiable,
            OGH.dueDate, OGH.retrievedAt, OGH.present, OGH.datePrecision, OGH.url, OGH.httpStatus,
            OGH.entityCount, OGH.runOutcome, OGH.source, OGH.reason} <= checked
