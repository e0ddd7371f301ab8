"""The vocabulary as documentation: classes, properties and concept schemes
read from ``vocab/*.ttl``, for the pages at ``/def/`` and the RDF of each term.

Nothing is written twice: every fact on a page comes from the Turtle files,
and a statement the page has no special place for is still listed under the
term (by its predicate), so what the vocabulary says is never hidden.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from vocab import BASE, BODIES, DEF, PREFIXES, VOCAB_FILES

SDO = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)

def vocabulary_files() -> list[Path]:
    """The files that make the vocabulary: all of ``vocab/`` but the register
    of known bodies, which is data about things (under /id/), not vocabulary."""
    return [p for p in VOCAB_FILES if p != BODIES]


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None
    iri: str


@dataclass
class Fact:
    label: str
    values: list[Link | str]


@dataclass
class Term:
    iri: str
    name: str  # the part after the namespace: "Commitment", "theme/open-data"
    kind: str  # "class", "property", "scheme", "concept", "ontology" or "term"
    label: str
    comment: str
    facts: list[Fact] = field(default_factory=list)
    #: For a scheme: its concepts, in order.
    members: list[Term] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.name.replace("/", "-")

    @property
    def href(self) -> str | None:
        return href(self.iri)


def href(iri: str) -> str | None:
    """A local path for the hub's own IRIs, the IRI for other http(s) IRIs,
    and no link for anything else."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    if iri.lower().startswith(("http://", "https://")):
        return iri
    return None


class Vocabulary:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.prefixes = {**{p: str(ns) for p, ns in graph.namespaces() if p}, **PREFIXES}
        found = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
        self.ontology = found if isinstance(found, URIRef) else URIRef(DEF)
        self.terms: dict[str, Term] = {}
        self.classes: list[Term] = []
        self.properties: list[Term] = []
        self.schemes: list[Term] = []
        self._build()

    # -- names and labels ------------------------------------------------------
    def qname(self, iri: str) -> str:
        """``prefix:local`` by the longest namespace that fits, else the IRI."""
        best_ns, best = "", iri
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and len(ns) > len(best_ns):
                local = iri[len(ns):]
                if local and not any(c in local for c in "/#?"):
                    best_ns, best = ns, f"{prefix}:{local}"
        return best

    def label(self, node: Node) -> str:
        for prop in (RDFS.label, SKOS.prefLabel):
            values = list(self.graph.objects(node, prop))
            english = [v for v in values if isinstance(v, Literal) and v.language in ("en", None)]
            if english or values:
                return str((english or values)[0])
        return self.qname(str(node)) if isinstance(node, URIRef) else str(node)

    def text(self, node: Node, *props: URIRef) -> str:
        for prop in props:
            values = list(self.graph.objects(node, prop))
            english = [v for v in values if isinstance(v, Literal) and v.language in ("en", None)]
            if english or values:
                return str((english or values)[0])
        return ""

    def link(self, node: Node) -> Link | str:
        if isinstance(node, URIRef):
            iri = str(node)
            text = self.label(node) if iri.startswith(BASE) else self.qname(iri)
            return Link(text=text, href=href(iri), iri=iri)
        if isinstance(node, Literal):
            return f"{node} (@{node.language})" if node.language and node.language != "en" else str(node)
        return "(a blank node)"

    def links(self, nodes: Iterable[Node]) -> list[Link | str]:
        out = [self.link(n) for n in nodes]
        return sorted(out, key=lambda v: (v.text if isinstance(v, Link) else v).lower())

    # -- building ---------------------------------------------------------------
    def _own(self, node: Node) -> TypeGuard[URIRef]:
        return isinstance(node, URIRef) and str(node).startswith(DEF) and str(node) != DEF

    def _term(self, node: URIRef, kind: str) -> Term:
        name = str(node)[len(DEF):]
        term = Term(iri=str(node), name=name, kind=kind, label=self.label(node),
                    comment=self.text(node, RDFS.comment, SKOS.definition, SDO.description))
        self.terms[name] = term
        return term

    def _build(self) -> None:
        g = self.graph
        classes: set[URIRef] = {s for t in CLASS_TYPES for s in g.subjects(RDF.type, t) if self._own(s)}
        properties: set[URIRef] = {s for t in PROPERTY_TYPES for s in g.subjects(RDF.type, t)
                                   if self._own(s)}
        schemes: set[URIRef] = {s for s in g.subjects(RDF.type, SKOS.ConceptScheme)
                                if isinstance(s, URIRef) and str(s).startswith(DEF)}
        concepts: set[URIRef] = {s for s in g.subjects(SKOS.inScheme, None) if self._own(s)}
        concepts -= classes | properties
        for node in sorted(classes, key=str):
            self.classes.append(self._term(node, "class"))
        for node in sorted(properties, key=str):
            self.properties.append(self._term(node, "property"))
        for node in sorted(schemes, key=str):
            self.schemes.append(self._term(node, "scheme"))
        for node in sorted(concepts - schemes, key=str):
            self._term(node, "concept")
        # Anything else the files say about an IRI in the namespace.
        own: set[URIRef] = {s for s in g.subjects() if self._own(s)}
        for node in sorted(own, key=str):
            if str(node)[len(DEF):] not in self.terms:
                self._term(node, "term")
        self.classes.sort(key=lambda t: t.label.lower())
        self.properties.sort(key=lambda t: t.label.lower())
        self.schemes.sort(key=lambda t: t.label.lower())
        for term in self.terms.values():
            term.facts = self._facts(URIRef(term.iri), term.kind)
        for scheme in self.schemes:
            members = [self.terms[str(c)[len(DEF):]] if self._own(c) and str(c)[len(DEF):] in self.terms
                       else None for c in g.subjects(SKOS.inScheme, URIRef(scheme.iri))]
            outside = [c for c in g.subjects(SKOS.inScheme, URIRef(scheme.iri))
                       if isinstance(c, URIRef) and not self._own(c)]
            for node in outside:  # concepts of a /def/ scheme that live under /id/ (jurisdictions)
                term = Term(iri=str(node), name=str(node), kind="concept", label=self.label(node),
                            comment=self.text(node, SKOS.definition, RDFS.comment, DCTERMS.description))
                term.facts = self._facts(node, "concept")
                members.append(term)
            scheme.members = sorted((m for m in members if m is not None), key=self._order)

    def _order(self, term: Term) -> tuple[int, str]:
        notation = self.text(URIRef(term.iri), SKOS.notation)
        return (int(notation) if notation.isdigit() else 1 << 30, term.label.lower())

    def _facts(self, node: URIRef, kind: str) -> list[Fact]:
        g = self.graph
        facts: list[Fact] = []
        shown: set[URIRef] = {RDFS.label, SKOS.prefLabel, RDFS.comment, SKOS.definition, RDFS.isDefinedBy}

        def add(label: str, values: list[Link | str]) -> None:
            if values:
                facts.append(Fact(label, values))

        def objects(*props: URIRef) -> list[Node]:
            shown.update(props)
            return [o for p in props for o in g.objects(node, p)]

        if kind == "ontology":
            shown.update((DCTERMS.title, DCTERMS.description))
        types = [t for t in g.objects(node, RDF.type)]
        shown.add(RDF.type)
        add("Type", self.links(types))
        if kind == "class":
            add("Subclass of", self.links(objects(RDFS.subClassOf)))
            add("Subclasses", self.links(g.subjects(RDFS.subClassOf, node)))
            add("Equivalent to", self.links(objects(OWL.equivalentClass)))
            add("Properties of it", self.links(
                {s for p in (RDFS.domain, SDO.domainIncludes) for s in g.subjects(p, node)}))
            add("Values of", self.links(
                {s for p in (RDFS.range, SDO.rangeIncludes) for s in g.subjects(p, node)}))
        elif kind == "property":
            add("Domain", self.links(objects(RDFS.domain)))
            add("Used on", self.links(objects(SDO.domainIncludes)))
            add("Range", self.links(objects(RDFS.range)))
            add("Values", self.links(objects(SDO.rangeIncludes)))
            add("Subproperty of", self.links(objects(RDFS.subPropertyOf)))
            add("Subproperties", self.links(g.subjects(RDFS.subPropertyOf, node)))
            add("Equivalent to", self.links(objects(OWL.equivalentProperty)))
            add("Inverse of", self.links(objects(OWL.inverseOf)))
        elif kind in ("concept", "scheme"):
            add("Notation", self.links(objects(SKOS.notation)))
            add("In scheme", self.links(objects(SKOS.inScheme)))
            add("Also called", self.links(o for o in objects(SKOS.altLabel)))
            add("Broader", self.links(objects(SKOS.broader)))
            add("Narrower", self.links(set(objects(SKOS.narrower)) | set(g.subjects(SKOS.broader, node))))
            add("Top concepts", self.links(objects(SKOS.hasTopConcept)))
            add("Labels", self.links(o for o in g.objects(node, SKOS.prefLabel)
                                     if isinstance(o, Literal) and o.language not in ("en", None)))
        rest: dict[URIRef, list[Node]] = defaultdict(list)
        for p, o in g.predicate_objects(node):
            if p not in shown and isinstance(p, URIRef):
                rest[p].append(o)
        for p in sorted(rest, key=str):
            add(self.qname(str(p)), self.links(rest[p]))
        return facts

    def ontology_term(self) -> Term:
        """The vocabulary itself (the ``owl:Ontology``), as a term to show."""
        node = self.ontology
        term = Term(iri=str(node), name="", kind="ontology",
                    label=self.text(node, DCTERMS.title, RDFS.label) or "Vocabulary",
                    comment=self.text(node, DCTERMS.description, RDFS.comment))
        term.facts = self._facts(node, "ontology")
        return term

    # -- RDF of one term --------------------------------------------------------
    def describe(self, iri: str) -> Graph:
        """The term's concise bounded description: what the files say about it,
        following blank nodes."""
        out = Graph()
        for prefix, ns in self.prefixes.items():
            out.bind(prefix, ns)
        todo: list[Node] = [URIRef(iri)]
        seen: set[Node] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, o in self.graph.predicate_objects(node):
                out.add((node, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
        return out

    def whole(self) -> Graph:
        """The whole vocabulary, with its prefixes."""
        out = Graph()
        for prefix, ns in self.prefixes.items():
            out.bind(prefix, ns)
        for triple in self.graph:
            out.add(triple)
        return out


_cache: dict[tuple[tuple[str, float], ...], Vocabulary] = {}
_lock = threading.Lock()


def vocabulary() -> Vocabulary:
    """The vocabulary, read again when a file changes."""
    files = vocabulary_files()
    key = tuple((str(p), p.stat().st_mtime) for p in files)
    with _lock:
        if key not in _cache:
            graph = Graph()
            for path in files:
                graph.parse(path, format="turtle")
            _cache.clear()
            _cache[key] = Vocabulary(graph)
        return _cache[key]
