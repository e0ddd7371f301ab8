"""The SPARQL service description (``sd:``) answered at ``/sparql`` when it is
asked without a query: the endpoint, the language and result formats it
supports, its default dataset (the union of the named graphs) and the graphs."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from hub.settings import Config
from hub.sparql.endpoint import endpoint_url
from vocab import SD, VOID

FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

RESULT_FORMAT_IRIS = (
    FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
    FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["N-Triples"], FORMATS["JSON-LD"],
    FORMATS.RDF_XML,
)


def description(config: Config, graphs: list[str]) -> Graph:
    base = config["hub.base_url"].rstrip("/")
    endpoint = URIRef(endpoint_url(config))
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    g.bind("formats", FORMATS)
    g.add((endpoint, RDF.type, SD.Service))
    g.add((endpoint, SD.endpoint, endpoint))
    g.add((endpoint, DCTERMS.title, Literal(f"{config['hub.name']}: SPARQL endpoint", lang="en")))
    g.add((endpoint, SD.supportedLanguage, SD.SPARQL11Query))
    for iri in RESULT_FORMAT_IRIS:
        g.add((endpoint, SD.resultFormat, iri))
    g.add((endpoint, SD.feature, SD.UnionDefaultGraph))
    g.add((endpoint, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    g.add((endpoint, RDFS.comment, Literal(
        "Read-only: SPARQL Update and federated queries (SERVICE) are refused. "
        f"A query may run for {float(config['sparql.timeout']):g} seconds and return at most "
        f"{int(config['sparql.max_rows'])} rows. Without FROM or protocol graphs, the default "
        "graph is the union of all named graphs.", lang="en")))
    g.add((endpoint, RDFS.seeAlso, URIRef(f"{base}/.well-known/void")))

    dataset = BNode()
    g.add((endpoint, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.title, Literal(config["hub.name"], lang="en")))
    g.add((dataset, RDFS.seeAlso, URIRef(f"{base}/.well-known/void")))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    for name in graphs:
        node = BNode()
        g.add((dataset, SD.namedGraph, node))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, URIRef(name)))
    return g
