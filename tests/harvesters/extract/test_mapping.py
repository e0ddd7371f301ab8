"""Extracted records map to triples that conform to the shapes."""

from __future__ import annotations

import datetime as dt

from rdflib import Literal, URIRef

from harvesters.extract import extract_all
from harvesters.records import Record
from hub.mapping import map_records
from hub.validate import validate_triples
from tests.harvesters.extract.conftest import corpus_document, seed, seed_context
from tests.harvesters.extract.corpus_docs import meeting_documents
from vocab import OGH

INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


def all_records() -> list[Record]:
    records: list[Record] = []
    published = {"000": dt.date.fromisoformat(str(corpus_document("ukogn", "000")["modified"]))}
    for number in ("000", "001", "002", "003", "004"):
        ctx = seed_context(number, jurisdiction="uk", published=published.get(number))
        records += extract_all(seed(number), ctx)
    for doc in meeting_documents():
        records += extract_all(doc.text, doc.context)
    return records


def test_every_kind_is_extracted_and_maps_without_violations() -> None:
    records = all_records()
    assert {r.kind for r in records} == {"Meeting", "ThemeDecision", "TimelineEvent", "ThematicGroup"}
    triples = list(map_records(records))
    report = validate_triples(triples)
    assert report.violations == [], report.text()
    graph = set(triples)
    meeting = URIRef("https://w3id.org/ogh/id/meeting/uk-multi-stakeholder-forum/2023-06-22")
    assert (meeting, OGH.attendeesTotal, Literal(38, datatype=INTEGER)) in graph
    assert (meeting, OGH.attendeesGovernment, Literal(21, datatype=INTEGER)) in graph
    assert (meeting, OGH.attendeesCivilSociety, Literal(17, datatype=INTEGER)) in graph
    fifth_commitment_1 = URIRef("https://w3id.org/ogh/id/plan/uk/2021-2023/commitment/1")
    assert (meeting, OGH.discusses, fifth_commitment_1) in graph
    month = [o for s, p, o in graph if p == OGH.datePrecision and str(o) == "month"]
    assert month  # the 2013-15 plan's stages keep their month precision
