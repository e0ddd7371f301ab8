"""Harvest runs end to end over the replay server, with the plain-pages
harvester: success, unchanged re-harvest, failures that keep the graph,
count assertions, single URLs, and the per-source lock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from harvesters.replay import Fault
from hub import ids
from hub.cli import main
from hub.runner import harvest_source, source_lock
from hub.settings import load_config
from hub.store import open_store, rdflib_graph
from tests.hub.ni_pages import NETWORK, TOPIC, config_folder


@pytest.fixture
def pages_config(tmp_path: Path, data_dir: Path, monkeypatch):
    folder = config_folder(tmp_path / "config")
    monkeypatch.setenv("OGH_CONFIG", str(folder))
    monkeypatch.setenv("OGH_HOME", str(data_dir))
    return load_config(folder, overrides={"hub.data_dir": str(data_dir), "http.backoff": 0.01})


@pytest.fixture
def server(replay):
    replay.clear_faults()
    yield replay
    replay.clear_faults()


def run(config, server, **kw):
    return harvest_source(config, config.source("ni-pages"), rewrite=server.url, **kw)


def graph(config):
    with open_store(config) as store:
        return rdflib_graph(store.triples(str(ids.source_graph("ni-pages"))))


def test_harvest_then_unchanged(pages_config, server) -> None:
    first = run(pages_config, server)
    assert first.outcome == "succeeded", first.reason
    assert first.entities["Document"] == 2 and first.fetched == 2
    before = graph(pages_config)
    second = run(pages_config, server)
    assert second.outcome == "unchanged"
    assert second.fetched == 0 and second.not_modified == 2
    assert isomorphic(before, graph(pages_config))


def test_failed_entry_point_keeps_graph_and_sources_says_why(pages_config, server, capsys) -> None:
    assert run(pages_config, server).outcome == "succeeded"
    before = graph(pages_config)
    shutil.rmtree(pages_config.data_dir / "cache" / "http")  # no last good copy to fall back on
    server.inject(TOPIC, Fault("status", status=500))
    failed = run(pages_config, server)
    assert failed.outcome == "failed"
    assert "entry point" in failed.reason and "HTTP 500" in failed.reason
    assert isomorphic(before, graph(pages_config))
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    assert "failed" in out and "HTTP 500" in out and "keeps the graph" in out
    assert main(["sources", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)[0]
    assert status["last_run"]["outcome"] == "failed"
    assert status["last_run"]["errors"][0]["status"] == 500


def test_broken_page_falls_back_to_last_good_copy(pages_config, server) -> None:
    assert run(pages_config, server).outcome == "succeeded"
    before = graph(pages_config)
    server.inject(NETWORK, Fault("body", body=b"%PDF-1.4 not html", content_type="application/pdf"))
    result = run(pages_config, server)
    assert result.outcome == "succeeded"
    assert any("cannot parse" in e["reason"] for e in result.errors)
    assert isomorphic(before, graph(pages_config))


def test_count_assertion_failure_keeps_graph(pages_config, server) -> None:
    assert run(pages_config, server).outcome == "succeeded"
    before = graph(pages_config)
    source = pages_config.source("ni-pages")
    strict = source.__class__(**{**source.__dict__, "expect": {"Document": 5}})
    result = harvest_source(pages_config, strict, rewrite=server.url)
    assert result.outcome == "failed" and "expected at least 5 Document" in result.reason
    assert isomorphic(before, graph(pages_config))


def test_single_url_adds_and_removes_nothing_else(pages_config, server) -> None:
    result = run(pages_config, server, only_urls=[TOPIC])
    assert result.outcome == "succeeded" and result.entities == {"Body": 1, "Document": 1}
    run(pages_config, server)
    full = graph(pages_config)
    again = run(pages_config, server, only_urls=[TOPIC])
    assert again.outcome == "succeeded"
    assert isomorphic(full, graph(pages_config))


def test_two_harvests_of_one_source_are_refused(pages_config, server) -> None:
    with source_lock(pages_config, "ni-pages"):
        result = run(pages_config, server)
    assert result.outcome == "failed" and "being harvested" in result.reason


def test_cli_harvest_replay_json(pages_config, capsys) -> None:
    corpus = Path(__file__).parents[1] / "fixtures" / "corpus"
    assert main(["harvest", "ni-pages", "--replay", str(corpus), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["runs"][0]["outcome"] == "succeeded"
    assert main(["harvest", "nowhere"]) == 2
    assert "unknown source 'nowhere'" in capsys.readouterr().err
