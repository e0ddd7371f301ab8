"""What every page shares: security headers, no inline script or style,
nothing from other hosts, the layout's accessibility landmarks, and errors
without stack traces."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from hub.web import create_app
from hub.web.site import safe_url
from tests.hub import sample

PAGES = [
    "/", "/search", "/search?q=open+contracting", "/search?q=open&jurisdiction=wales",
    "/id/" + sample.iri("meeting")[len("https://w3id.org/ogh/id/"):],
    "/id/" + sample.iri("welsh")[len("https://w3id.org/ogh/id/"):],
    "/no/such/page", "/search?year=abc", "/sources",
]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_script_or_style_and_nothing_from_other_hosts(client: FlaskClient, path: str) -> None:
    html = client.get(path).data.decode()
    assert "<script" not in html
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html)
    for url in re.findall(r"<(?:link|img|script|iframe|source)\b[^>]*?\s(?:href|src)=\"([^\"]*)\"", html):
        assert url.startswith("/"), url


@pytest.mark.parametrize("path", PAGES)
def test_layout_landmarks(client: FlaskClient, path: str) -> None:
    html = client.get(path).data.decode()
    assert re.search(r'<html lang="en">', html)
    body = html[html.index("<body"):]
    first_link = re.search(r"<a [^>]*>", body)
    assert first_link and 'href="#main-content"' in first_link.group(0)  # the skip link comes first
    assert 'id="main-content"' in html and "<main" in html
    assert '<meta name="viewport"' in html
    assert html.count("<h1") == 1
    for name in ("Search", "Compare", "SPARQL", "Sources"):
        assert f">{name}</a>" in html
    assert "GDS Transport" not in html and "crown" not in html.lower()


def test_the_stylesheet_is_served_with_focus_styles(client: FlaskClient) -> None:
    css = client.get("/static/ogh.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    text = css.data.decode()
    assert ":focus-visible" in text and "ogh-skip-link" in text
    assert "GDS Transport" not in text and "@import" not in text and "url(http" not in text
    assert client.get("/static/favicon.svg").status_code == 200


def test_errors_never_show_a_trace(site_config) -> None:
    app = create_app(site_config)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.data.decode() and "Traceback" not in response.data.decode()
    assert "Sorry, there is a problem" in response.data.decode()
    as_json = client.get("/boom?format=json")
    assert as_json.status_code == 500 and as_json.json["error"]["status"] == 500
    assert client.post("/search").status_code == 405


@pytest.mark.parametrize(("url", "ok"), [
    ("https://www.gov.uk/a", True), ("http://example.org/x?y=1", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example/x", False), ("/relative", False), ("https://", False), ("vbscript:x", False),
    ('https://a.example/"onmouseover="x', False), ("https://a.example/\nx", False), (None, False),
])
def test_only_http_urls_become_links(url: object, ok: bool) -> None:
    assert (safe_url(url) is not None) == ok
