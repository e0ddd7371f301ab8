"""The dataset description served at ``/.well-known/void``: VoID and DCAT.

It says what the hub holds and how to get it: the number of triples,
entities per class, the SPARQL endpoint, the full dump, the vocabularies used,
and one ``void:subset`` per named graph; a source's graph carries the source's
name, publisher, home page and licence from ``config/sources.toml``.

Counting a large store takes a moment, so :func:`statistics` results are kept
per published snapshot by the web process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from hub import ids
from hub.dumps import MEDIA_TYPE, DumpInfo
from hub.settings import Config
from hub.store import GraphStore
from vocab import DEF, ID, PREFIXES, SD, VOID

IANA = Namespace("http://www.iana.org/assignments/media-types/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")


@dataclass
class Statistics:
    triples: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> distinct instances
    entities: int = 0  # distinct subjects under the hub's id/ namespace
    subjects: int = 0
    properties: int = 0


def _int(value: object) -> int:
    return int(str(value)) if value is not None else 0


def statistics(store: GraphStore) -> Statistics:
    graphs = {}
    for row in store.select("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        graphs[str(row["g"])] = _int(row["n"])
    classes = {}
    for row in store.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c"):
        classes[str(row["c"])] = _int(row["n"])
    counts = store.select(
        "SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties) "
        "(COUNT(DISTINCT ?e) AS ?entities) "
        f'{{ ?s ?p ?o BIND(IF(STRSTARTS(STR(?s), "{ID}"), ?s, ?unbound) AS ?e) }}'
    )[0]
    return Statistics(
        triples=sum(graphs.values()), graphs=dict(sorted(graphs.items())),
        classes=dict(sorted(classes.items())),
        entities=_int(counts["entities"]), subjects=_int(counts["subjects"]),
        properties=_int(counts["properties"]),
    )


_cache: dict[str, Statistics] = {}
_lock = threading.Lock()


def cached_statistics(store: GraphStore) -> Statistics:
    """:func:`statistics`, once per published snapshot."""
    key = str(getattr(store, "snapshot", None))
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = statistics(store)
        with _lock:
            _cache.clear()
            _cache[key] = found
    return found


def description(config: Config, stats: Statistics, dump: DumpInfo | None) -> Graph:
    base = config["hub.base_url"].rstrip("/")
    doc = URIRef(f"{base}/.well-known/void")
    dataset = URIRef(f"{base}/.well-known/void#dataset")
    endpoint = URIRef(f"{base}/sparql")
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF),
                       ("sd", SD), ("xsd", XSD)):
        g.bind(prefix, ns)

    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, Literal(f"A description of the {config['hub.name']} dataset", lang="en")))
    g.add((doc, FOAF.primaryTopic, dataset))

    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(config["hub.name"], lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Open government action plans, commitments, milestones, meetings and documents of the "
        "United Kingdom, Scotland, Wales, Northern Ireland and Glasgow, harvested from public "
        "sources into one graph; one named graph per source.", lang="en")))
    g.add((dataset, DCTERMS.rights, Literal(
        "Each source's graph is published under that source's licence (see the subsets).", lang="en")))
    g.add((dataset, FOAF.homepage, URIRef(f"{base}/")))
    g.add((dataset, DCAT.landingPage, URIRef(f"{base}/")))
    g.add((dataset, VOID.uriSpace, Literal(ID)))
    g.add((dataset, VOID.sparqlEndpoint, endpoint))
    g.add((dataset, VOID.rootResource, URIRef(ID + "jurisdiction/uk")))
    used = {DEF, *(PREFIXES[p] for p in ("dcterms", "skos", "org", "prov", "schema", "foaf", "dcat",
                                         "time"))}
    for namespace in sorted(used):
        g.add((dataset, VOID.vocabulary, URIRef(namespace)))
    g.add((dataset, VOID.triples, Literal(stats.triples)))
    g.add((dataset, VOID.entities, Literal(stats.entities)))
    g.add((dataset, VOID.distinctSubjects, Literal(stats.subjects)))
    g.add((dataset, VOID.properties, Literal(stats.properties)))
    g.add((dataset, VOID.classes, Literal(len(stats.classes))))
    for cls, n in stats.classes.items():
        partition = BNode()
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(cls)))
        g.add((partition, VOID.entities, Literal(n)))

    # The endpoint, as a DCAT data service.
    service = URIRef(f"{base}/sparql#service")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal(f"{config['hub.name']}: SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCAT.servesDataset, dataset))

    if dump is not None:
        url = URIRef(f"{base}/dumps/{dump.name}")
        g.add((dataset, VOID.dataDump, url))
        dist = URIRef(f"{base}/dumps/{dump.name}#distribution")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal("The full dataset, every graph, as gzipped N-Quads", lang="en")))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, IANA[MEDIA_TYPE]))
        g.add((dist, DCAT.compressFormat, IANA["application/gzip"]))
        g.add((dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.modified, Literal(dump.modified.isoformat(timespec="seconds"),
                                               datatype=XSD.dateTime)))
        checksum = BNode()
        g.add((dist, URIRef("http://spdx.org/rdf/terms#checksum"), checksum))
        g.add((checksum, URIRef("http://spdx.org/rdf/terms#algorithm"),
               URIRef("http://spdx.org/rdf/terms#checksumAlgorithm_sha256")))
        g.add((checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"),
               Literal(dump.sha256, datatype=XSD.hexBinary)))

    sources = {str(ids.source_graph(s.id)): s for s in config.sources.values()}
    titles = {str(ids.VOCAB_GRAPH): "The vocabulary (classes, properties, themes, stages, registers)",
              str(ids.PROVENANCE_GRAPH): "Harvest provenance: runs, outcomes and errors"}
    for graph_iri in sorted(set(stats.graphs) | set(sources)):
        subset = URIRef(graph_iri)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, subset))
        g.add((subset, VOID.triples, Literal(stats.graphs.get(graph_iri, 0))))
        g.add((subset, VOID.sparqlEndpoint, endpoint))
        source = sources.get(graph_iri)
        if source is not None:
            g.add((subset, DCTERMS.title, Literal(source.name, lang="en")))
            g.add((subset, DCTERMS.license, URIRef(source.licence)))
            g.add((subset, DCTERMS.source, URIRef(source.base_url)))
            g.add((subset, DCTERMS.identifier, Literal(source.id)))
            g.add((subset, DCTERMS.spatial, ids.jurisdiction(source.jurisdiction)))
            publisher = BNode()
            g.add((subset, DCTERMS.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Organization))
            g.add((publisher, FOAF.name, Literal(source.publisher)))
        elif graph_iri in titles:
            g.add((subset, DCTERMS.title, Literal(titles[graph_iri], lang="en")))
        else:
            g.add((subset, RDFS.comment, Literal("A graph of the store that no configured source "
                                                 "names (loaded by hand).", lang="en")))
    return g


def void_graph(config: Config, store: GraphStore) -> Graph:
    from hub.dumps import current

    return description(config, cached_statistics(store), current(config))


__all__ = ["Statistics", "cached_statistics", "description", "statistics", "void_graph"]

