"""The W3C SPARQL 1.1 Protocol test manifest, read into plain objects.

Each test is one or more HTTP requests (``ht:Request``) with the expected
status classes, result format (``boolean``, ``tabular`` or ``RDF``) and boolean
answer, and the data files to load into named graphs first
(``ut:graphData``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")


@dataclass
class Request:
    method: str
    path: str  # as written: starts with /sparql/
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4, 5
    format: str | None  # "boolean", "tabular", "RDF"
    boolean: bool | None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def carries_update(self) -> bool:
        """An update request: an update body, an ``update`` parameter (in the
        URL or a form), or USING graphs."""
        if self.content_type == "application/sparql-update":
            return True
        text = self.path + "&" + (self.body.decode("utf-8", "replace") if self.body else "")
        return any(f"{sep}{name}=" in text for sep in "?&"
                   for name in ("update", "using-graph-uri", "using-named-graph-uri"))


@dataclass
class ProtocolTest:
    iri: str
    name: str
    title: str
    requests: list[Request]
    data: dict[str, Path] = field(default_factory=dict)  # graph IRI -> file

    @property
    def is_update(self) -> bool:
        return any(r.carries_update for r in self.requests)


def _status_classes(graph: Graph, response: URIRef) -> set[int]:
    out = set()
    for code in graph.objects(response, MF.expectedStatus):
        name = str(code).rsplit("#", 1)[-1]  # StatusCode2xx
        out.add(int(name[len("StatusCode")]))
    return out


def read_manifest(path: Path) -> list[ProtocolTest]:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    tests = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for h in Collection(graph, header_list):
                    headers[str(graph.value(h, HT.fieldName)).lower()] = str(graph.value(h, HT.fieldValue))
            body = None
            body_node = graph.value(req, HT.body)
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            resp = graph.value(req, HT.resp)
            expected_format = graph.value(resp, MF.expectedFormat)
            expected_boolean = graph.value(resp, MF.expectedBoolean)
            requests.append(Request(
                method=str(graph.value(req, HT.methodName)),
                path=str(graph.value(req, HT.absolutePath)),
                headers=headers,
                body=body,
                statuses=_status_classes(graph, resp),
                format=str(expected_format) if expected_format is not None else None,
                boolean=expected_boolean.toPython() if expected_boolean is not None else None,
            ))
        data = {}
        for node in graph.objects(entry, UT.graphData):
            file_iri = str(graph.value(node, UT.graph))
            data[str(graph.value(node, RDFS.label))] = path.parent / file_iri.rsplit("/", 1)[-1]
        tests.append(ProtocolTest(
            iri=str(entry),
            name=str(entry).rsplit("#", 1)[-1],
            title=str(graph.value(entry, MF.name)),
            requests=requests,
            data=data,
        ))
    return tests
