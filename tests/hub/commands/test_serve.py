"""``ogh serve``: gunicorn serving the app on loopback, for real."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from hub.commands.serve import url_for_bind
from tests.hub.conftest import build_site, running_server


def _get(url: str, accept: str = "text/html") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    build_site(tmp_path / "data")
    with running_server(tmp_path / "data", "--workers", "2", "--threads", "4") as url:
        assert url.startswith("http://127.0.0.1:")
        status, headers, body = _get(url + "/")
        assert status == 200 and b"Open Government Hub" in body
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        status, _, body = _get(url + "/search?q=open+contracting", accept="application/json")
        data = json.loads(body)
        assert status == 200 and data["total"] > 0
        assert {r["jurisdiction"] for r in data["results"]} >= {"uk", "scotland"}
        status, headers, body = _get(url + "/id/plan/uk/2024-2025", accept="text/turtle")
        assert status == 200 and headers["Content-Type"].startswith("text/turtle")
        status, _, _ = _get(url + "/search?q=" + "x" * 600)
        assert status == 400
        status, _, _ = _get(url + "/static/ogh.css")
        assert status == 200


def test_serve_says_when_there_is_no_index(tmp_path: Path) -> None:
    build_site(tmp_path / "data", with_index=False)
    with running_server(tmp_path / "data") as url:
        status, _, _ = _get(url + "/search?q=open")
        assert status == 503


def test_urls_printed_for_binds() -> None:
    assert url_for_bind("127.0.0.1", 8080) == "http://127.0.0.1:8080/"
    assert url_for_bind("::1", 8080) == "http://[::1]:8080/"
    assert url_for_bind("0.0.0.0", 80) == "http://127.0.0.1:80/"
