"""``/search`` through the Flask test client: results, facets, filters in the
URL, JSON, errors, and harvested markup shown as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

from hub.settings import Config
from tests.hub import sample
from tests.hub.conftest import build_site


def _json(client: FlaskClient, url: str) -> dict:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/json"
    return response.json


def test_results_come_from_every_jurisdiction_that_has_them(client: FlaskClient) -> None:
    data = _json(client, "/search?q=open+contracting")
    assert data["total"] == len(data["results"]) > 3
    assert {"uk", "scotland"} <= {r["jurisdiction"] for r in data["results"]}
    for result in data["results"]:
        assert set(result) >= {"iri", "title", "kind", "jurisdiction", "date", "url", "snippet", "page"}
        assert result["page"].startswith("/id/")
    facets = data["facets"]
    assert set(facets) == {"jurisdiction", "kind", "theme", "year"}
    assert {f["value"] for f in facets["jurisdiction"]} >= {"uk", "scotland"}
    assert all(isinstance(f["count"], int) and f["count"] > 0 for f in facets["kind"])


def test_format_json_and_accept_give_the_same_data(client: FlaskClient) -> None:
    by_param = client.get("/search?q=fiscal&format=json")
    by_accept = client.get("/search?q=fiscal", headers={"Accept": "application/json"})
    assert by_param.json == by_accept.json
    assert "Accept" in by_accept.headers["Vary"]
    html = client.get("/search?q=fiscal", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.mimetype == "text/html"


def test_facet_filters_narrow_and_are_repeatable_url_params(client: FlaskClient) -> None:
    everything = _json(client, "/search?q=open+contracting")
    scotland = _json(client, "/search?q=open+contracting&jurisdiction=scotland")
    assert 0 < scotland["total"] < everything["total"]
    assert {r["jurisdiction"] for r in scotland["results"]} == {"scotland"}
    assert scotland["filters"]["jurisdiction"] == ["scotland"]
    both = _json(client, "/search?q=open+contracting&jurisdiction=scotland&jurisdiction=uk")
    assert both["total"] == everything["total"]
    commitments = _json(client, "/search?q=open+contracting&kind=Commitment&kind=commitments")
    assert commitments["filters"]["kind"] == ["Commitment"]
    assert {r["kind"] for r in commitments["results"]} == {"Commitment"}
    themed = _json(client, "/search?theme=Fiscal+openness&year=2022")
    assert themed["total"] >= 1
    assert all(r["date"].startswith("2022") for r in themed["results"])


def test_sort_and_page_params(client: FlaskClient) -> None:
    by_date = _json(client, "/search?q=open+contracting&sort=date")
    dates = [r["date"] or "" for r in by_date["results"]]
    assert dates == sorted(dates, reverse=True)
    page2 = _json(client, "/search?q=open+contracting&page=2")
    assert page2["page"] == 2 and page2["results"] == []  # one page of 20 holds them all


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.inputs: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.scripts = 0
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a":
            self._href = a.get("href")
            self._text = []
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        elif tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def test_the_html_page_has_labelled_facet_checkboxes_and_working_links(client: FlaskClient) -> None:
    response = client.get("/search?q=open+contracting&jurisdiction=scotland")
    assert response.status_code == 200
    page = _Links()
    page.feed(response.data.decode())
    boxes = [i for i in page.inputs if i.get("type") == "checkbox"]
    assert boxes and all(b["id"] in page.labels for b in boxes)
    assert {(b["name"], b["value"]) for b in boxes} >= {("jurisdiction", "uk"), ("jurisdiction", "scotland")}
    assert "checked" in next(b for b in boxes if b["name"] == "jurisdiction" and b["value"] == "scotland")
    assert "q" in page.labels
    # The chosen filter can be removed with a link that keeps the query.
    remove = [href for href, text in page.links if text.startswith("Remove filter Scotland")]
    assert remove and parse_qs(urlsplit(remove[0]).query) == {"q": ["open contracting"]}
    # Result links lead to entity pages that answer.
    pages = [href for href, _ in page.links if href.startswith("/id/")]
    assert pages
    for href in pages:
        assert client.get(href).status_code == 200
    assert page.scripts == 0


def test_pagination_links(client: FlaskClient, tmp_path: Path) -> None:
    config = build_site(tmp_path / "data")
    from hub.web import create_app

    app = create_app(Config(values={**config.values, "search.page_size": 2}, sources=config.sources,
                            config_dir=config.config_dir))
    small = app.test_client()
    html = small.get("/search?q=open+contracting&page=2").data.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html and 'aria-current="page"' in html
    data = small.get("/search?q=open+contracting&page=2&format=json").json
    assert data["page"] == 2 and len(data["results"]) == 2 and data["pages"] >= 3
    from hub import search

    search.forget(config)


def test_script_in_a_title_is_shown_as_text(client: FlaskClient) -> None:
    response = client.get("/search?q=procurement+weekly")
    html = response.data.decode()
    assert "<script>" not in html
    assert "Procurement data &lt;script&gt;alert(1)&lt;/script&gt; update" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # in the snippet
    data = _json(client, "/search?q=procurement+weekly")
    hit = next(r for r in data["results"] if r["iri"] == sample.iri("xss"))
    assert hit["title"] == sample.XSS_TITLE  # JSON carries the data; the snippet is escaped HTML
    assert "<script" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]


def test_malformed_queries_answer_200(client: FlaskClient) -> None:
    for q in ['"open contracting', "AND", "(", "title:", "NOT", "^", "*", "[a TO", "\\", "%"]:
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 200, q
        assert "Search" in response.data.decode()


def test_an_oversized_query_gets_400_with_a_message(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "open " * 200})
    assert response.status_code == 400
    html = response.data.decode()
    assert "There is a problem" in html and 'href="#q"' in html and "500 characters or fewer" in html
    data = client.get("/search", query_string={"q": "x" * 501, "format": "json"})
    assert data.status_code == 400
    assert "500 characters or fewer" in data.json["errors"][0]["message"]
    huge = client.get("/search?" + "&".join(["theme=x"] * 2000))
    assert huge.status_code == 400


def test_bad_filter_values_get_400_naming_the_parameter(client: FlaskClient) -> None:
    for url, words in [
        ("/search?year=last", "year must be"),
        ("/search?jurisdiction=atlantis", "jurisdiction must be one of"),
        ("/search?kind=unicorns", "unknown kind"),
        ("/search?sort=random", "sort must be one of"),
        ("/search?page=-1", "page must be"),
        ("/search?page=999999", "page must be"),
        ("/search?q=open&page=9000", "too deep"),
    ]:
        response = client.get(url + "&format=json")
        assert response.status_code == 400, url
        assert words in response.json["errors"][0]["message"], url


def test_did_you_mean_links_to_the_corrected_search(client: FlaskClient) -> None:
    data = _json(client, "/search?q=contractin")
    assert data["total"] == 0
    assert data["suggestion"]["query"] == "contracting"
    assert parse_qs(urlsplit(data["suggestion"]["url"]).query) == {"q": ["contracting"]}
    html = client.get("/search?q=contractin").data.decode()
    assert re.search(r"Did you mean <a href=\"/search\?q=contracting\">contracting</a>", html)


def test_without_an_index_the_page_says_so(tmp_path: Path) -> None:
    config = build_site(tmp_path / "data", with_index=False)
    from hub.web import create_app

    client = create_app(config).test_client()
    response = client.get("/search?q=open")
    assert response.status_code == 503
    assert "ogh index" in response.data.decode()
    home = client.get("/")
    assert home.status_code == 200 and "has not been built" in home.data.decode()
