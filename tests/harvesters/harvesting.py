"""Harvesting corpus sources once per test module, into a store of their own."""

from __future__ import annotations

from typing import Any

import pytest

from hub.entities import EntityReader
from hub.provenance import RunResult
from hub.settings import Config, load_config
from hub.store import open_store
from tests.conftest import run_harvest


def fresh_config(tmp_path_factory: pytest.TempPathFactory, name: str, **settings: Any) -> Config:
    """A config over a new data directory; ``settings`` override by name
    with ``__`` for the dot (``http__retries=0``)."""
    data = tmp_path_factory.mktemp(name)
    overrides = {"hub.data_dir": str(data), "http.min_interval": 0.0}
    overrides |= {k.replace("__", "."): v for k, v in settings.items()}
    return load_config(overrides=overrides)


def harvest_sources(config: Config, replay: object, *sources: str) -> dict[str, RunResult]:
    results = run_harvest(config, replay, *sources)
    for result in results:
        assert result.outcome == "succeeded", f"{result.source}: {result.reason}"
    return {r.source: r for r in results}


def entities(config: Config, kind: str) -> list[dict[str, Any]]:
    with open_store(config) as store:
        return EntityReader(store).list(kind)


def entity(config: Config, iri: object) -> dict[str, Any] | None:
    with open_store(config) as store:
        return EntityReader(store).get(str(iri))
