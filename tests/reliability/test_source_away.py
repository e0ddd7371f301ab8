"""A source that goes away for a run (its host name no longer resolves, its
server refuses connections): the run fails and says why, the source keeps its
graph, ``ogh sources`` shows both, and the next run recovers."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from harvesters.replay import ReplayServer
from hub.cli import main
from hub.settings import DEFAULT_CONFIG_DIR, load_config
from tests.conftest import CORPUS
from tests.reliability.helpers import harvest, source_graph

HOST = "www.ogh-away.invalid"  # .invalid never resolves (RFC 6761)
PAGES = {
    f"https://{HOST}/topics/open-government": "ni/topics/transparency-and-open-government.html",
    f"https://{HOST}/news/key-commitment": "ni/news/o-muilleoir-open-government-key-commitment.html",
}
SOURCES = f"""
[[source]]
id = "away"
name = "A source that goes away"
jurisdiction = "northern-ireland"
publisher = "Department of Finance"
harvester = "pages"
base_url = "https://{HOST}"
hosts = ["{HOST}"]
entry_points = {json.dumps(list(PAGES))}
licence = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
expect = {{ Document = 2 }}
"""


@pytest.fixture
def away(tmp_path: Path, data_dir: Path, monkeypatch):
    """A config with the one source, its recording, and ``ogh`` pointed at both."""
    folder = tmp_path / "config"
    folder.mkdir()
    shutil.copy(DEFAULT_CONFIG_DIR / "hub.toml", folder / "hub.toml")
    (folder / "sources.toml").write_text(SOURCES)
    corpus = tmp_path / "corpus"
    (corpus / "away").mkdir(parents=True)
    responses = []
    for n, (url, file) in enumerate(PAGES.items()):
        shutil.copy(CORPUS / file, corpus / "away" / f"{n}.html")
        responses.append({"url": url, "status": 200, "file": f"{n}.html",
                          "content_type": "text/html; charset=utf-8"})
    (corpus / "away" / "manifest.json").write_text(json.dumps({"responses": responses}))
    monkeypatch.setenv("OGH_CONFIG", str(folder))
    monkeypatch.setenv("OGH_HOME", str(data_dir))
    config = load_config(folder, overrides={"hub.data_dir": str(data_dir), "http.backoff": 0.01,
                                            "http.retries": 1, "http.connect_timeout": 2.0})
    return config, corpus


def sources_says(capsys) -> tuple[str, dict]:
    assert main(["sources"]) == 0
    text = capsys.readouterr().out
    assert main(["sources", "--json"]) == 0
    return text, json.loads(capsys.readouterr().out)[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_source_away_keeps_its_graph_and_recovers(away, capsys, tally) -> None:
    config, corpus = away
    with ReplayServer(corpus) as server:
        assert harvest(config, server, "away").outcome == "succeeded"
    before = source_graph(config, "away")
    assert len(before) > 10

    outages = {
        # live mode: the host name does not resolve
        "DNS failure": (None, "cannot resolve host"),
        # the server's address refuses connections
        "connection refused": (f"http://127.0.0.1:{closed_port()}", "connection refused"),
    }
    for outage, (rewrite, reason) in outages.items():
        tally.fault(f"source away ({outage})")
        result = harvest(config, rewrite, "away")
        assert result.outcome == "failed"
        assert "could not be reached" in result.reason and reason in result.reason, result.reason
        assert tally.kept(f"away after {outage}", source_graph(config, "away"), before)
        text, status = sources_says(capsys)
        assert "failed" in text and "could not be reached" in text and reason in text, text
        assert "keeps the graph of" in text, text
        assert status["last_run"]["outcome"] == "failed"
        assert status["last_success"]["outcome"] == "succeeded"
        assert status["triples"] == len(before)

    # Back: the next run (through the command line) recovers.
    assert main(["harvest", "away", "--replay", str(corpus)]) == 0
    capsys.readouterr()
    text, status = sources_says(capsys)
    assert status["last_run"]["outcome"] in ("succeeded", "unchanged"), status["last_run"]
    assert "keeps the graph" not in text
    assert tally.kept("away after it came back", source_graph(config, "away"), before)
