"""Redirects that loop, run on too long, or lead off the source: to another
host, another port, another scheme, a loopback, private or link-local address
(cloud metadata). None is followed: each is that document's error, nothing is
requested from the target, the rest of the source is harvested and its graph
kept. A source's own host that resolves to a loopback or private address is
not fetched either."""

from __future__ import annotations

import pytest

from harvesters.replay import Fault
from hub.settings import load_config
from tests.reliability.helpers import harvest, listening, source_graph, variant

API = "https://www.gov.uk/api/content/government/publications/"
P24 = API + "uk-national-action-plan-for-open-government-2024-2025"
P21 = API + "uk-national-action-plan-for-open-government-2021-2023"
P19 = API + "uk-national-action-plan-for-open-government-2019-2021"


def targets(listener: str) -> dict[str, str]:
    port = listener.rsplit(":", 1)[1]
    return {
        "loopback address": f"{listener}/stolen",
        "localhost": f"http://localhost:{port}/stolen",
        "IPv6 loopback": f"http://[::1]:{port}/stolen",
        "cloud metadata": "http://169.254.169.254/latest/meta-data/",
        "private address": "http://10.0.0.1/admin",
        "user-info trick": f"https://www.gov.uk@127.0.0.1:{port}/stolen",
        "scheme-relative": f"//127.0.0.1:{port}/stolen",
        "other port of an allowed host": "https://www.gov.uk:8443/admin",
        "another host": "https://attacker.example/",
        "file scheme": "file:///etc/passwd",
        "javascript scheme": "javascript:alert(1)",
    }


@pytest.mark.slow
def test_redirects_off_the_source_are_not_followed(config, server, tally) -> None:
    assert harvest(config, server, "govuk").outcome == "succeeded"
    before = source_graph(config, "govuk")
    with listening() as listener:
        for i, (name, target) in enumerate(targets(listener.url).items()):
            server.clear_faults()
            server.reset_log()
            status = (301, 302, 307, 308)[i % 4]  # permanent ones too: they are remembered
            server.inject(P24, Fault("redirect", status=status, location=target))
            tally.fault(f"redirect to {name}")
            result = harvest(config, server, "govuk")
            assert result.outcome == "succeeded", (name, result.reason)
            errors = [e["reason"] for e in result.errors if e["url"] == P24]
            assert errors and "outside the source's hosts; not followed" in errors[0], (name, errors)
            # Nothing was asked of the target: not of the listener, not of the
            # replay server standing in for every allowed host.
            assert listener.hits == [], (name, listener.hits)
            asked = [url for url, *_ in server.requests]
            assert not any("stolen" in u or "admin" in u or "meta-data" in u for u in asked), asked
            assert tally.kept(f"govuk after a redirect to {name}", source_graph(config, "govuk"), before)


@pytest.mark.slow
def test_redirect_loops_and_chains_are_cut(config, server, tally) -> None:
    config = load_config(overrides={"hub.data_dir": str(config.data_dir), "http.min_interval": 0.0,
                                    "http.max_redirects": 3})
    assert harvest(config, server, "govuk").outcome == "succeeded"
    before = source_graph(config, "govuk")
    hop = "https://www.gov.uk/hop/"
    server.inject(P24, Fault("redirect", status=301, location=P24))  # to itself
    server.inject(P21, Fault("redirect", status=302, location=f"{hop}a"))  # a loop of two
    server.inject(f"{hop}a", Fault("redirect", status=302, location=P21))
    server.inject(P19, Fault("redirect", status=307, location=f"{hop}1"))  # a chain too long
    for n in range(1, 6):
        server.inject(f"{hop}{n}", Fault("redirect", status=302, location=f"{hop}{n + 1}"))
    tally.fault("redirect loop", 2)
    tally.fault("redirect chain")
    result = harvest(config, server, "govuk")
    assert result.outcome == "succeeded", result.reason
    def error(url: str) -> str:  # the error names the hop where the redirect was refused
        return next((e["reason"] for e in result.errors if url in e["url"] + e["reason"]), "")

    assert "redirect loop" in error(P24) and "redirect loop" in error(P21), result.errors
    assert "more than 3 redirects" in error(P19), result.errors
    assert len([u for u, *_ in server.requests if u.startswith(hop)]) <= 4
    assert tally.kept("govuk after redirect loops", source_graph(config, "govuk"), before)


@pytest.mark.slow
def test_source_host_resolving_to_loopback_is_not_fetched(config, tally) -> None:
    """Live mode (no replay): a source's own host whose address is loopback,
    as a public name pointed at an internal service would be, is refused before
    any connection is made."""
    for host in ("localhost", "127.0.0.1"):
        base = f"http://{host}"
        source = variant(config, "ni", hosts=(host,), base_url=base,
                         entry_points=(f"{base}/topics/open-government",))
        tally.fault(f"source host resolving to {host}")
        result = harvest(config, None, source)
        assert result.outcome == "failed"
        assert "resolves to a private address" in result.reason, result.reason
        assert result.errors and result.fetched == 0
        assert all(e["url"] == source.entry_points[0] and "resolves to a private address" in e["reason"]
                   for e in result.errors), result.errors


def test_address_check_refuses_every_non_public_address(tmp_path) -> None:
    from harvesters.http import ClientSettings, FetchError, HttpClient

    client = HttpClient(ClientSettings(user_agent="t"), tmp_path, ["localhost"])
    for address in ("127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                    "100.64.0.1", "0.0.0.0", "::ffff:127.0.0.1", "fd00::1", "fe80::1", "224.0.0.1"):
        with pytest.raises(FetchError, match="private address"):
            client._check_address(address)
    assert not client.is_allowed_host("http://localhost:8080/")
    assert client.is_allowed_host("https://localhost:443/") and client.is_allowed_host("http://localhost/")


def test_a_name_that_turns_private_after_the_check_is_not_fetched(tmp_path, monkeypatch, tally) -> None:
    """DNS rebinding: the source's host answers a public address when the
    client checks it and a loopback one when the connection resolves it again.
    The connection checks the address it reached and sends nothing there.

    No DNS server can be run here, so the resolver is the one stand-in: it
    answers a public address to a lookup without a port (the check) and the
    loopback listener's address to a lookup with one (the connection)."""
    import socket

    from harvesters.http import ClientSettings, FetchError, HttpClient

    real = socket.getaddrinfo
    with listening() as listener:
        port = listener.server.server_address[1]

        def rebinding(host, service, *args, **kwargs):  # type: ignore[no-untyped-def]
            if host != "rebinding.example":
                return real(host, service, *args, **kwargs)
            if service is None:
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 0))]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        client = HttpClient(ClientSettings(user_agent="t", retries=0, obey_robots=False), tmp_path,
                            ["rebinding.example"])
        tally.fault("host rebinding to loopback between the check and the connection")
        try:
            with pytest.raises(FetchError, match="connected to a private address 127.0.0.1"):
                client.fetch("http://rebinding.example/internal")
        finally:
            client.close()
        assert listener.hits == []
