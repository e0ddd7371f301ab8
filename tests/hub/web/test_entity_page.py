"""``/id/...``: entity pages, their links and provenance, and linked data
by content negotiation."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from tests.hub import sample
from vocab import ID


def _path(iri: str) -> str:
    assert iri.startswith(ID)
    return "/id/" + iri[len(ID):]


def _data(client: FlaskClient, iri: str) -> dict:
    response = client.get(_path(iri) + "?format=json")
    assert response.status_code == 200, response.data[:300]
    return response.json


@pytest.mark.parametrize("name", ["uk-plan", "uk-commitment-1", "scot-plan", "meeting", "minutes", "xss",
                                  "welsh", "wales-network", "milestone"])
def test_every_kind_has_a_page(client: FlaskClient, name: str) -> None:
    iri = sample.iri(name)
    html = client.get(_path(iri))
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "Accept" in html.headers["Vary"]
    data = _data(client, iri)
    assert data["entity"]["iri"] == iri
    assert data["entity"]["title"]
    assert data["provenance"], "every sample entity is stated by a source"


def test_a_plan_links_to_its_commitments_and_back(client: FlaskClient) -> None:
    plan = _data(client, sample.iri("uk-plan"))
    groups = {g["heading"]: g for g in plan["links"]}
    commitments = groups["Commitments in this plan"]["items"]
    assert [c["number"] for c in commitments] == [1, 2]
    assert commitments[0]["title"] == "Open contracting: publishing procurement data"
    assert commitments[0]["page"] == _path(sample.iri("uk-commitment-1"))
    assert "Theme decisions for this plan" in groups and "How the plan was made" in groups
    assert "Meetings that discussed it" in groups
    commitment = _data(client, sample.iri("uk-commitment-1"))
    groups = {g["heading"]: g for g in commitment["links"]}
    assert [i["iri"] for i in groups["Action plan"]["items"]] == [sample.iri("uk-plan")]
    assert [i["iri"] for i in groups["Milestones"]["items"]] == [sample.iri("milestone")]
    assert [i["iri"] for i in groups["Meetings that discussed it"]["items"]] == [sample.iri("meeting")]
    assert commitment["updates"][0]["text"].startswith("The Cabinet Office reported")
    html = client.get(_path(sample.iri("uk-commitment-1"))).data.decode()
    assert f'href="{_path(sample.iri("uk-plan"))}"' in html


def test_a_meeting_page_shows_attendance_and_what_it_discussed(client: FlaskClient) -> None:
    data = _data(client, sample.iri("meeting"))
    e = data["entity"]
    assert e["attendance"] == {"total": 38, "government": 21, "civil_society": 17}
    groups = {g["heading"]: g for g in data["links"]}
    assert [i["iri"] for i in groups["Commitments discussed"]["items"]] == [sample.iri("uk-commitment-1")]
    assert [i["iri"] for i in groups["Recorded in"]["items"]] == [sample.iri("minutes")]
    assert groups["The body that met"]["items"][0]["title"] == "UK Multi-Stakeholder Forum"
    assert data["meeting"]["agenda"] == ["Next action plan", "Update on open contracting"]
    assert {g["sector"]: g["present"] for g in data["meeting"]["attendance_groups"]} == {
        "government": 21, "civil-society": 17}
    html = client.get(_path(sample.iri("meeting"))).data.decode()
    assert "21 government" in html and "17 civil society" in html


def test_provenance_names_the_source_and_when_it_was_harvested(client: FlaskClient) -> None:
    data = _data(client, sample.iri("scot-plan"))
    assert data["provenance"] == [{
        "source": "govscot",
        "source_name": "gov.scot (Scottish Government)",
        "graph": "https://w3id.org/ogh/graph/source/govscot",
        "url": "https://www.gov.scot/publications/open-government-action-plan-2021-25/",
        "retrieved_at": "2025-11-03T09:30:00+00:00",
    }]
    html = client.get(_path(sample.iri("scot-plan"))).data.decode()
    assert "gov.scot (Scottish Government)" in html and "2025-11-03 09:30" in html


def test_markup_in_a_title_is_text_on_its_page(client: FlaskClient) -> None:
    html = client.get(_path(sample.iri("xss"))).data.decode()
    assert "<script" not in html
    assert "Procurement data &lt;script&gt;alert(1)&lt;/script&gt; update" in html


def test_a_javascript_url_never_becomes_a_link(client: FlaskClient) -> None:
    data = _data(client, sample.iri("wales-network"))
    assert data["entity"]["homepage"] == "javascript:alert(4)"  # the data as harvested
    html = client.get(_path(sample.iri("wales-network"))).data.decode()
    assert "javascript:alert(4)" in html  # shown as text...
    assert 'href="javascript:' not in html.lower()  # ...never as a link


RDF = [
    ("text/turtle", ox.RdfFormat.TURTLE, ".ttl"),
    ("application/ld+json", ox.RdfFormat.JSON_LD, ".jsonld"),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES, ".nt"),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML, ".rdf"),
]


@pytest.mark.parametrize(("media", "fmt", "ext"), RDF)
def test_rdf_by_accept_and_by_extension(client: FlaskClient, media: str, fmt: ox.RdfFormat, ext: str) -> None:
    iri = sample.iri("uk-commitment-1")
    by_accept = client.get(_path(iri), headers={"Accept": media})
    assert by_accept.status_code == 200
    assert by_accept.mimetype == media
    assert "Accept" in by_accept.headers["Vary"]
    by_ext = client.get(_path(iri) + ext)
    assert by_ext.status_code == 200 and by_ext.mimetype == media
    assert by_ext.data == by_accept.data
    triples = list(ox.parse(by_accept.data, fmt))
    subjects = {t.subject for t in triples}
    assert ox.NamedNode(iri) in subjects
    titles = [t.object.value for t in triples if t.predicate == ox.NamedNode("http://purl.org/dc/terms/title")]
    assert titles == ["Open contracting: publishing procurement data"]


def test_rdf_holds_what_the_store_says_from_every_graph(client: FlaskClient, site_config) -> None:
    from hub.store import open_store

    iri = sample.iri("meeting")
    with open_store(site_config) as store:
        expected = {(str(p), str(o)) for p, o in
                    ((r["p"], r["o"]) for r in store.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"))}
    graph = Graph().parse(data=client.get(_path(iri) + ".ttl").data, format="turtle")
    got = {(str(p), str(o)) for p, o in graph.predicate_objects(URIRef(iri))}
    assert got == expected
    # The nodes it owns (attendance counts) come with it.
    owned = set(graph.objects(URIRef(iri), URIRef("https://w3id.org/ogh/def/attendance")))
    assert owned and all(set(graph.predicate_objects(node)) for node in owned)


def test_negotiation_prefers_html_for_browsers_and_json_when_asked(client: FlaskClient) -> None:
    path = _path(sample.iri("uk-plan"))
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get(path, headers={"Accept": browser}).mimetype == "text/html"
    assert client.get(path, headers={"Accept": "*/*"}).mimetype == "text/html"
    assert client.get(path).mimetype == "text/html"
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json" and as_json.json["entity"]["kind"] == "ActionPlan"
    assert client.get(path + ".json").json == as_json.json
    assert client.get(path + "?format=ttl").mimetype == "text/turtle"
    ld = client.get(path, headers={"Accept": "application/ld+json"})
    assert json.loads(ld.data)  # JSON-LD, not the hub's JSON
    assert "entity" not in ld.data.decode()
    refused = client.get(path, headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "Link" in as_json.headers and ".ttl>" in as_json.headers["Link"]


def test_unknown_and_unsafe_paths_are_404(client: FlaskClient) -> None:
    assert client.get("/id/plan/uk/1999-2000").status_code == 404
    assert client.get("/id/plan/uk/1999-2000.ttl").status_code == 404
    assert client.get("/id/plan/uk/1999-2000?format=json").status_code == 404
    assert client.get("/id/plan/uk/1999-2000?format=json").json["error"]["status"] == 404
    assert client.get("/id/a%3E%20%3Fs%20%3Fp%20%3Fo%20%7B").status_code == 404  # no SPARQL injection
    assert client.get("/id/" + "x" * 600).status_code == 404


def test_other_hub_iris_get_a_generic_page(client: FlaskClient) -> None:
    response = client.get("/id/jurisdiction/scotland?format=json")
    assert response.status_code == 200
    data = response.json
    assert data["entity"]["title"] == "Scotland"
    assert any(s["predicate_label"] == "skos:prefLabel" for s in data["statements"])
    assert client.get("/id/jurisdiction/scotland").status_code == 200
