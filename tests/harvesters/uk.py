"""Helpers for the tests of the UK harvesters: harvest through the session's
replay server, read entities and graphs back, look at what was requested."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from hub import ids
from hub.provenance import RunResult
from hub.settings import Config, load_config
from hub.store import open_store
from tests.conftest import CORPUS, run_harvest
from tests.harvesters.scoring import load_expected

UK_SOURCES = ("govuk", "ukogn", "ukogn-forum")


def fresh_config(path: Path, **overrides: Any) -> Config:
    """A config over its own data directory, quick to fail: no waiting between
    requests, no retries, short timeouts."""
    path.mkdir(parents=True, exist_ok=True)
    values = {"hub.data_dir": str(path), "http.min_interval": 0.0, "http.retries": 0,
              "http.backoff": 0.0, "http.read_timeout": 2.0}
    values.update(overrides)
    return load_config(overrides=values)


def harvest(config: Config, replay: Any, *sources: str, urls: list[str] | None = None) -> list[RunResult]:
    replay.reset_log()
    return run_harvest(config, replay, *sources, urls=urls)


def harvest_ok(config: Config, replay: Any, *sources: str, urls: list[str] | None = None) -> list[RunResult]:
    results = harvest(config, replay, *sources, urls=urls)
    for r in results:
        assert r.outcome in ("succeeded", "unchanged"), f"{r.source}: {r.outcome}: {r.reason}"
    return results


def requested(replay: Any) -> list[tuple[str, int]]:
    """(URL, status) of every request since the last harvest, robots.txt aside."""
    return [(entry[0], entry[2]) for entry in replay.requests if not entry[0].endswith("/robots.txt")]


def source_graph(config: Config, source: str) -> Graph:
    graph = Graph()
    with open_store(config) as store:
        for t in store.triples(str(ids.source_graph(source))):
            graph.add(t)
    return graph


def expected(source: str) -> dict[str, Any]:
    return load_expected(CORPUS, source)


class Harvested:
    """One source harvested once, for tests that only read what it gave."""

    def __init__(self, config: Config, result: RunResult, asked: list[tuple[str, int]]) -> None:
        self.config = config
        self.result = result
        self.asked = asked

    @property
    def urls(self) -> list[str]:
        return [url for url, _ in self.asked]


def harvested_once(tmp_path_factory: Any, replay: Any, source: str) -> Harvested:
    config = fresh_config(tmp_path_factory.mktemp(source))
    [result] = harvest_ok(config, replay, source)
    return Harvested(config, result, requested(replay))
