"""Hostile XML in feeds, sitemaps, pages and RDF: entity expansion ("billion
laughs", quadratic blow-up) and external entities (a file on this machine, a
URL on loopback, a parameter entity, an external DTD). Each is refused before
it is parsed, or parsed without expansion; no file is opened (inotify watches
the marker file), no request reaches the loopback listener, memory stays
bounded (measured in a child process), and the source keeps its graph."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvesters import xmlsafe
from harvesters.replay import Fault
from hub.cli import main
from hub.store import StoreError, open_store
from tests.reliability.helpers import (
    FileWatch,
    Listener,
    dataset_text,
    harvest,
    run_child,
    source_graph,
    variant,
)
from tests.reliability.payloads import ATTACKS, payload

REFUSED = [a for a in ATTACKS if a != "external-dtd"]
SITEMAP = "https://www.gov.scot/sitemap.xml"
GOVSCOT_PAGE = "https://www.gov.scot/publications/scotlands-open-government-action-plan-2021-25/"
ATOM = ("https://www.gov.uk/search/policy-papers-and-consultations.atom?keywords=%22national+action"
        "+plan+for+open+government%22&organisations%5B%5D=cabinet-office")
GRAPH = "https://w3id.org/ogh/graph/source/loaded"


class Bait:
    """A marker file watched for any open, and a listener counting requests."""

    def __init__(self, folder: Path) -> None:
        self.token = f"OGH-MARKER-{uuid.uuid4().hex}"
        self.file = folder / "secret.txt"
        self.file.write_text(self.token)
        self.watch = FileWatch(self.file)
        self.listener = Listener()

    def payload(self, document: str, attack: str) -> bytes:
        return payload(document, attack, self.file, self.listener.url)

    def assert_untouched(self, *texts: str) -> None:
        assert self.watch.events() == 0, "the marker file was opened"
        assert self.listener.hits == [], f"requests reached the listener: {self.listener.hits}"
        for text in texts:
            assert self.token not in text and "FETCHED-OVER-THE-NETWORK" not in text
            assert "lollollol" not in text and "A" * 1000 not in text  # nothing expanded

    def close(self) -> None:
        self.watch.close()
        self.listener.close()


@pytest.fixture
def bait(tmp_path: Path) -> Iterator[Bait]:
    b = Bait(tmp_path)
    try:
        yield b
    finally:
        b.close()


# ------------------------------------------------------------- the parsers alone
@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("document", ["rss", "atom", "sitemap", "rdfxml"])
def test_xml_readers_refuse_entities(document, attack, bait, tally) -> None:
    data = bait.payload(document, attack)
    tally.input(f"hostile XML ({document})")
    if attack == "external-dtd":
        # An external DTD alone is allowed, and never fetched.
        xmlsafe.check(data)
        if document in ("rss", "atom"):
            assert xmlsafe.feed(data).entries[0].title == "safe text"
        else:
            xmlsafe.fromstring(data)
    else:
        with pytest.raises(xmlsafe.UnsafeXML, match="refused"):
            xmlsafe.check(data)
        with pytest.raises(ValueError, match="refused"):
            xmlsafe.feed(data) if document in ("rss", "atom") else xmlsafe.fromstring(data)
    bait.assert_untouched()


def test_feed_body_naming_a_file_is_not_read(bait, tally) -> None:
    """feedparser opens bytes that name a file: a body that is a path must be
    read as the (broken) feed it is, never as the file it names."""
    bait.file.write_text('<rss version="2.0"><channel><title>' + bait.token
                         + "</title></channel></rss>")
    bait.watch.events()
    tally.input("feed body naming a local file")
    with pytest.raises(ValueError):
        xmlsafe.feed(str(bait.file).encode())
    bait.assert_untouched()


# ------------------------------------------------------------- harvests
CASES = {
    # document kind, source, the URL that serves it
    "rss (WordPress)": ("rss", "ukogn", "https://opengovernment.org.uk/feed/"),
    "rss (Discourse)": ("rss", "ukogn-forum", "https://discuss.opengovernment.org.uk/latest.rss"),
    "atom (GOV.UK)": ("atom", "govuk", ATOM),
    "sitemap (gov.scot)": ("sitemap", "govscot", SITEMAP),
    "xhtml page (NI)": ("xhtml", "ni", "https://www.finance-ni.gov.uk/topics/transparency-and-open-government"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_harvest_refuses_hostile_xml_and_keeps_the_graph(case, config, server, bait, tally) -> None:
    document, source_id, url = CASES[case]
    source = config.source(source_id)
    if document == "sitemap":
        # The recording has no sitemap: serve one listing a page the source reads anyway.
        source = variant(config, source_id, entry_points=(*source.entry_points, SITEMAP))
        server.inject(SITEMAP, Fault("body", content_type="application/xml", body=(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{GOVSCOT_PAGE}</loc></url></urlset>").encode()))
    first = harvest(config, server, source)
    assert first.outcome == "succeeded", first.reason
    before = source_graph(config, source_id)
    content_type = {"rss": "application/rss+xml", "atom": "application/atom+xml",
                    "sitemap": "application/xml", "xhtml": "application/xhtml+xml"}[document]
    for attack in ATTACKS:
        server.inject(url, Fault("body", content_type=content_type, body=bait.payload(document, attack)))
        tally.input(f"hostile XML ({document})")
        tally.fault("hostile document in a harvest")
        result = harvest(config, server, source)
        assert result.outcome == "succeeded", f"{attack}: {result.reason}"
        refused = [e for e in result.errors if "refused" in e["reason"]]
        if document == "xhtml":
            # An HTML parser reads no DTD: the page is read, its entities are text.
            assert refused == []
        elif attack == "external-dtd":
            assert refused == [], refused
        else:
            assert refused and refused[0]["url"] == url, result.errors
            assert tally.kept(f"{source_id} after {attack} in its {document}",
                              source_graph(config, source_id), before)
        bait.assert_untouched(dataset_text(config), json.dumps(result.errors))


# ------------------------------------------------------------- ogh load
@pytest.fixture
def loaded(config, tmp_path, monkeypatch) -> Path:
    """A store holding one loaded graph; the environment points ``ogh`` at it."""
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    good = tmp_path / "good.ttl"
    good.write_text("<https://example.org/a> <https://example.org/p> \"kept\" .\n")
    assert main(["load", str(good), "--graph", GRAPH]) == 0
    return good


def graph_of(config) -> list:
    with open_store(config) as store:
        return list(store.triples(GRAPH))


@pytest.mark.parametrize("attack", ATTACKS)
def test_load_rdfxml_refuses_entities(attack, config, loaded, bait, tmp_path, capsys, tally) -> None:
    before = graph_of(config)
    path = tmp_path / "hostile.rdf"
    path.write_bytes(bait.payload("rdfxml", attack))
    tally.input("hostile XML (rdfxml, ogh load)")
    code = main(["load", str(path), "--graph", GRAPH])
    err = capsys.readouterr().err
    if attack == "external-dtd":
        assert code == 0, err
        assert [str(o) for _, _, o in graph_of(config)] == ["safe text"]
    else:
        assert code == 2 and "entity declarations are refused" in err, err
        from rdflib import Graph
        expected = Graph()
        for t in before:
            expected.add(t)
        assert tally.kept(f"loaded graph after {attack}", graph_of(config), expected)
    bait.assert_untouched(dataset_text(config), err)


def test_load_jsonld_fetches_no_remote_context(config, loaded, bait, tmp_path, capsys, tally) -> None:
    for context in (f"{bait.listener.url}/context.jsonld", bait.file.as_uri()):
        path = tmp_path / "remote.jsonld"
        path.write_text(json.dumps({"@context": context, "@id": "https://example.org/a",
                                    "@graph": [{"@id": "https://example.org/b", "name": "x"}]}))
        tally.input("JSON-LD with a remote context")
        assert main(["load", str(path)]) == 2
        assert "remote context" in capsys.readouterr().err
    bait.assert_untouched(dataset_text(config))


def test_store_load_refuses_in_the_store_too(writer, bait) -> None:
    """Every caller of ``load`` is guarded, not the command only."""
    with pytest.raises(StoreError, match="refused"):
        writer.load(bait.payload("rdfxml", "billion-laughs"), "rdfxml", graph=GRAPH)
    assert writer.graphs() == []


# ------------------------------------------------------------- memory, measured
MEMORY_LIMIT = 3 * 2**30  # a child that tried to expand would die here, not take the machine
MARGIN_KB = 64 * 1024


@pytest.mark.slow
def test_memory_stays_bounded(config, tmp_path, bait, tally) -> None:
    """``ogh load`` and a harvest, each in a child process: the peak memory
    with the worst payloads stays within a margin of the same work on a benign
    document of the same kind."""
    limit = ["--max-memory", str(MEMORY_LIMIT)]
    benign = tmp_path / "benign.rdf"
    benign.write_bytes(bait.payload("rdfxml", "external-dtd"))
    base = run_child(config, *limit, "cli", "load", str(benign), "--graph", GRAPH)
    assert base["rc"] == 0, base["stderr"]
    for attack in ("billion-laughs", "quadratic-blowup"):
        path = tmp_path / f"{attack}.rdf"
        path.write_bytes(bait.payload("rdfxml", attack))
        tally.input("hostile XML (rdfxml, measured)")
        report = run_child(config, *limit, "cli", "load", str(path), "--graph", GRAPH, timeout=60)
        assert report["rc"] == 2 and "refused" in report["stderr"], report["stderr"][-2000:]
        assert report["maxrss_kb"] < base["maxrss_kb"] + MARGIN_KB, (attack, report["maxrss_kb"])

    from tests.conftest import CORPUS

    feed = "https://discuss.opengovernment.org.uk/latest.rss"
    reports = {}
    for attack in ("external-dtd", "billion-laughs", "quadratic-blowup"):
        body = tmp_path / f"{attack}.xml"
        body.write_bytes(bait.payload("rss", attack))
        spec = tmp_path / f"{attack}.json"
        spec.write_text(json.dumps({"corpus": str(CORPUS), "sources": ["ukogn-forum"], "faults": [
            {"url": feed, "kind": "body", "content_type": "application/rss+xml",
             "body_file": str(body)}]}))
        tally.input("hostile XML (rss, measured)")
        tally.fault("hostile document in a harvest")
        reports[attack] = run_child(config, *limit, "harvest", str(spec), timeout=120)
        assert reports[attack]["results"], reports[attack]["stderr"][-2000:]
    for attack in ("billion-laughs", "quadratic-blowup"):
        report = reports[attack]
        errors = report["results"][0]["errors"]
        assert any(e["url"] == feed and "refused" in e["reason"] for e in errors), errors
        assert report["maxrss_kb"] < reports["external-dtd"]["maxrss_kb"] + MARGIN_KB, (
            attack, report["maxrss_kb"])
    bait.assert_untouched(dataset_text(config))
