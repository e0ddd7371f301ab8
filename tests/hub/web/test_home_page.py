"""``/``: what the hub holds per nation."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.hub import sample


def test_home_counts_each_nation_and_lists_its_latest_documents(client: FlaskClient) -> None:
    data = client.get("/?format=json").json
    nations = {n["jurisdiction"]: n for n in data["nations"]}
    assert list(nations) == ["uk", "scotland", "wales", "northern-ireland", "glasgow"]
    assert nations["uk"]["counts"] == {"ActionPlan": 1, "Commitment": 2, "Meeting": 1, "Document": 2}
    assert nations["scotland"]["counts"]["Commitment"] == 2
    assert nations["glasgow"]["counts"] == {"ActionPlan": 0, "Commitment": 0, "Meeting": 0, "Document": 0}
    latest = [d["iri"] for d in nations["uk"]["latest_documents"]]
    assert latest == [sample.iri("xss"), sample.iri("minutes")]  # newest first
    assert nations["uk"]["last_harvest"] == "2025-11-03T09:30:00+00:00"
    assert nations["glasgow"]["last_harvest"] is None
    assert {s["id"]: s["last_harvest"] for s in nations["uk"]["sources"]}["govuk"] is not None
    assert data["index"]["documents"] > 20


def test_home_html(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.data.decode()
    for label in ("United Kingdom", "Scotland", "Wales", "Northern Ireland", "Glasgow"):
        assert label in html
    assert '<label class="ogh-label" for="home-q">' in html
    assert "Procurement data &lt;script&gt;alert(1)&lt;/script&gt; update" in html
    assert "<script" not in html
    assert 'lang="cy"' in html  # the Welsh document's title is marked as Welsh
    assert "Not harvested yet." in html
