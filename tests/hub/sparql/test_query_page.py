"""The query page: an editor that works without JavaScript, every named
query of ``hub/queries/`` with its title and permalink, results as a table."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

import hub.sparql.examples as named
from hub.sparql.examples import parse
from hub.store import open_store
from tests.hub.sparql.test_endpoint import make_config

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
QUERIES = Path(named.__file__).resolve().parent.parent / "queries"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from hub.web import create_app

    data_dir = tmp_path_factory.mktemp("page") / "data"
    config = make_config(data_dir)
    with open_store(config, write=True) as store:
        from hub.vocabgraph import ensure_vocabulary

        ensure_vocabulary(store)
    app = create_app(config)
    yield app
    app.extensions["ogh_sparql"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, path: str = "/sparql", **kwargs: object) -> tuple[int, BeautifulSoup]:
    response = client.get(path, headers=BROWSER, **kwargs)  # type: ignore[arg-type]
    assert response.headers["Content-Type"].startswith("text/html")
    return response.status_code, BeautifulSoup(response.data, "html.parser")


def titles_on_disk() -> dict[str, str]:
    out = {}
    for path in QUERIES.glob("*.rq"):
        match = re.search(r"^#\s*title:\s*(.+)$", path.read_text(encoding="utf-8"), re.M)
        assert match, f"{path.name} has no '# title:' line"
        out[path.stem] = match.group(1).strip()
    return out


def test_the_page_works_without_javascript(client: FlaskClient) -> None:
    status, soup = page(client)
    assert status == 200
    assert soup.find("script") is None
    form = soup.find("form")
    assert form["method"] == "post" and form["action"] == "/sparql"
    textarea = form.find("textarea", attrs={"name": "query"})
    assert textarea is not None and "SELECT" in textarea.text
    assert soup.find("label", attrs={"for": "query"}) is not None
    assert form.find("button", attrs={"type": "submit"}) is not None


def test_every_named_query_is_listed_with_its_title_and_permalink(client: FlaskClient) -> None:
    titles = titles_on_disk()
    assert len(titles) >= 4
    _, soup = page(client)
    examples = soup.find(id="examples").find_next("ul")
    for name, title in titles.items():
        link = examples.find("a", href=f"/sparql?example={name}")
        assert link is not None and link.text.strip() == title, name
        item = link.find_parent("li")
        permalinks = [a["href"] for a in item.find_all("a") if "query=" in a["href"]]
        assert len(permalinks) == 1
        query = parse_qs(urlsplit(permalinks[0]).query)["query"][0]
        assert query == (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def test_a_new_query_file_shows_up(client: FlaskClient, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for path in QUERIES.glob("*.rq"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "zz-extra.rq").write_text("# title: An extra query\nASK {}\n", encoding="utf-8")
    monkeypatch.setattr(named, "QUERIES_DIR", tmp_path)
    _, soup = page(client)
    assert soup.find("a", href="/sparql?example=zz-extra").text.strip() == "An extra query"


def test_loading_an_example_into_the_editor(client: FlaskClient) -> None:
    name = next(iter(titles_on_disk()))
    status, soup = page(client, query_string={"example": name})
    assert status == 200
    assert soup.find("textarea").text == (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    assert page(client, query_string={"example": "no-such-query"})[0] == 404
    assert page(client, query_string={"example": "../secrets"})[0] == 404


def test_results_as_a_table_with_a_permalink(client: FlaskClient) -> None:
    query = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?j ?label WHERE { "
             "?j a <https://w3id.org/ogh/def/Jurisdiction> ; skos:prefLabel ?label "
             "FILTER(lang(?label) = 'en') } ORDER BY ?label")
    response = client.post("/sparql", data={"query": query, "format": "html"}, headers=BROWSER)
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    table = soup.find("table")
    assert [th.text for th in table.find_all("th")] == ["?j", "?label"]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    assert ["https://w3id.org/ogh/id/jurisdiction/wales", "Wales @en"] in rows
    # The hub's own IRIs link to this deployment's pages.
    assert table.find("a", href="/id/jurisdiction/wales") is not None
    permalink = soup.find("a", string=re.compile("Permalink"))["href"]
    assert parse_qs(urlsplit(permalink).query)["query"] == [query]
    downloads = {a.text: a["href"] for a in soup.find_all("a") if a.text.startswith("Download as")}
    assert "Download as CSV" in downloads and "format=csv" in downloads["Download as CSV"]
    # The permalink runs the query again.
    again = client.get(html.unescape(permalink), headers=BROWSER)
    assert again.status_code == 200 and b"Wales" in again.data


def test_results_never_become_live_markup(client: FlaskClient) -> None:
    query = ('SELECT ?link ?text WHERE { BIND(IRI("javascript:alert(1)") AS ?link) '
             'BIND("<script>alert(2)</script>" AS ?text) }')
    response = client.post("/sparql", data={"query": query, "format": "html"}, headers=BROWSER)
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find("script") is None
    assert not [a for a in soup.find_all("a") if a["href"].lower().startswith("javascript")]
    assert "<script>alert(2)</script>" in soup.find("table").get_text()


def test_an_error_is_shown_with_the_query_kept(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "SELECT * WHERE {", "format": "html"},
                           headers=BROWSER)
    assert response.status_code == 400
    soup = BeautifulSoup(response.data, "html.parser")
    summary = soup.find(class_="ogh-error-summary")
    assert "syntax error" in summary.get_text()
    assert summary.find("a", href="#query") is not None
    assert soup.find("textarea").text == "SELECT * WHERE {"


def test_ask_and_construct_on_the_page(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}", "format": "html"}, headers=BROWSER)
    assert b"The answer is <strong>yes</strong>" in response.data
    response = client.post("/sparql", data={
        "query": "CONSTRUCT { <https://w3id.org/ogh/id/x> <http://example.org/p> 'v' } WHERE {}",
        "format": "html"}, headers=BROWSER)
    soup = BeautifulSoup(response.data, "html.parser")
    assert [th.text for th in soup.find("table").find_all("th")] == ["subject", "predicate", "object"]


def test_parse_leading_comments() -> None:
    e = parse("x", "# title: T\n# description: first\n#   second line\n\nSELECT * {}\n")
    assert (e.title, e.description) == ("T", "first second line")
    assert parse("meetings-by-year", "SELECT * {}").title == "Meetings by year"
