"""The polite HTTP client against a real server on loopback (the replay
server, with faults injected by URL)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from harvesters.http import ClientSettings, FetchError, HttpClient
from harvesters.replay import Fault, ReplayServer

GOVUK = "https://www.gov.uk/api/content/government/collections/uk-national-action-plans-for-open-government"
WALES_APEX = "https://gov.wales/node/49716"


@pytest.fixture
def server(replay: ReplayServer):
    replay.clear_faults()
    replay.reset_log()
    yield replay
    replay.clear_faults()


class Sleeps(list):
    """Records the waits the client asks for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(server: ReplayServer, tmp_path: Path, sleeps: Sleeps | None = None, **overrides) -> HttpClient:
    options = {"min_interval": 0, "backoff": 0.01, "retries": 3, **overrides}
    settings = ClientSettings(user_agent="OpenGovernmentHub/test (+https://w3id.org/ogh/)", **options)
    return HttpClient(settings, tmp_path / "cache", ["www.gov.uk", "gov.uk", "www.gov.wales", "gov.wales"],
                      rewrite=server.url, sleep=sleeps if sleeps is not None else Sleeps())


def requests_for(server: ReplayServer, url: str) -> list[tuple]:
    return [r for r in server.requests if r[0] == url]


def test_user_agent_and_conditional_get(server, tmp_path) -> None:
    c = client(server, tmp_path)
    first = c.fetch(GOVUK)
    assert first.status == 200 and not first.not_modified and first.json()["title"]
    second = c.fetch(GOVUK)
    assert second.not_modified and second.content == first.content
    sent = requests_for(server, GOVUK)
    assert [r[2] for r in sent] == [200, 304]
    assert sent[0][3]["User-Agent"].startswith("OpenGovernmentHub/")
    assert sent[1][3]["If-None-Match"] == first.headers["etag"]


def test_retries_on_5xx_then_succeeds(server, tmp_path) -> None:
    server.inject(GOVUK, Fault("status", status=503, times=2))
    page = client(server, tmp_path).fetch(GOVUK)
    assert page.status == 200
    assert [r[2] for r in requests_for(server, GOVUK)] == [503, 503, 200]


def test_retry_after_is_honoured(server, tmp_path) -> None:
    sleeps = Sleeps()
    server.inject(GOVUK, Fault("status", status=429, seconds=7, times=1))
    client(server, tmp_path, sleeps).fetch(GOVUK)
    assert 7 in sleeps


def test_retry_after_beyond_limit_fails(server, tmp_path) -> None:
    server.inject(GOVUK, Fault("status", status=503, seconds=3600))
    with pytest.raises(FetchError, match="retry after 3600"):
        client(server, tmp_path).fetch(GOVUK)


def test_gives_up_after_retries(server, tmp_path) -> None:
    server.inject(GOVUK, Fault("status", status=500))
    with pytest.raises(FetchError) as err:
        client(server, tmp_path).fetch(GOVUK)
    assert err.value.status == 500
    assert len(requests_for(server, GOVUK)) == 4  # one try and three retries


def test_size_limit(server, tmp_path) -> None:
    server.inject(GOVUK, Fault("huge", size=3_000_000))
    with pytest.raises(FetchError, match="over the limit"):
        client(server, tmp_path, max_bytes=1_000_000).fetch(GOVUK)


def test_endless_body_is_cut(server, tmp_path) -> None:
    server.inject(GOVUK, Fault("endless"))
    with pytest.raises(FetchError, match="over the limit"):
        client(server, tmp_path, max_bytes=500_000).fetch(GOVUK)


def test_slow_body_hits_deadline(server, tmp_path) -> None:
    server.inject(GOVUK, Fault("slow", seconds=0.2))
    with pytest.raises(FetchError, match="took over"):
        client(server, tmp_path, max_seconds=0.5).fetch(GOVUK)


def test_redirect_within_hosts_is_followed(server, tmp_path) -> None:
    page = client(server, tmp_path).fetch(WALES_APEX)
    assert page.url == "https://www.gov.wales/node/49716"
    assert page.redirects == ["https://www.gov.wales/node/49716"]


def test_permanent_redirect_is_remembered(server, tmp_path) -> None:
    c = client(server, tmp_path)
    c.fetch(WALES_APEX)
    server.reset_log()
    again = c.fetch(WALES_APEX)
    assert again.not_modified
    assert [r[0] for r in server.requests] == ["https://www.gov.wales/node/49716"]


def test_redirect_outside_hosts_not_followed(server, tmp_path) -> None:
    server.inject(GOVUK, Fault("redirect", status=302, location="https://attacker.example/x"))
    with pytest.raises(FetchError, match="outside the source's hosts"):
        client(server, tmp_path).fetch(GOVUK)
    server.inject(GOVUK, Fault("redirect", status=302, location="http://127.0.0.1:22/"))
    with pytest.raises(FetchError, match="outside the source's hosts"):
        client(server, tmp_path).fetch(GOVUK)


def test_redirect_loop(server, tmp_path) -> None:
    a, b = "https://www.gov.uk/loop-a", "https://www.gov.uk/loop-b"
    server.inject(a, Fault("redirect", status=302, location=b))
    server.inject(b, Fault("redirect", status=302, location=a))
    with pytest.raises(FetchError, match="redirect loop"):
        client(server, tmp_path).fetch(a)


def test_other_hosts_never_fetched(server, tmp_path) -> None:
    with pytest.raises(FetchError, match="not one of the source's hosts"):
        client(server, tmp_path).fetch("https://example.com/")
    assert server.requests == []


def test_robots_txt_obeyed(server, tmp_path) -> None:
    server.inject("https://www.gov.uk/robots.txt",
                  Fault("body", body=b"User-agent: *\nDisallow: /api/\n", content_type="text/plain"))
    with pytest.raises(FetchError, match="robots.txt disallows"):
        client(server, tmp_path).fetch(GOVUK)
    assert requests_for(server, GOVUK) == []


def test_rate_limit_per_host(server, tmp_path) -> None:
    sleeps = Sleeps()
    c = client(server, tmp_path, sleeps, min_interval=5.0)
    c.fetch(GOVUK)
    c.fetch("https://www.gov.uk/api/content/government/collections/open-government")
    assert sleeps and max(sleeps) > 4.0


def test_connection_refused(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = ClientSettings(user_agent="t", min_interval=0, backoff=0, retries=1)
    c = HttpClient(settings, tmp_path, ["www.gov.uk"], rewrite=f"http://127.0.0.1:{port}", sleep=Sleeps())
    with pytest.raises(FetchError, match="connection refused"):
        c.fetch(GOVUK)


def test_stale_copy_after_failure(server, tmp_path) -> None:
    c = client(server, tmp_path)
    good = c.fetch(GOVUK)
    server.inject(GOVUK, Fault("status", status=500))
    with pytest.raises(FetchError):
        c.fetch(GOVUK)
    stale = c.stored(GOVUK)
    assert stale is not None and stale.stale and stale.content == good.content
