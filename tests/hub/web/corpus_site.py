"""A data directory holding the whole recorded corpus, harvested through the
replay server, and the five seed documents imported (the UK forum's read-out
of 22 June 2023 among them): what the comparison view is tested on."""

from __future__ import annotations

from pathlib import Path

from hub.importer import import_files
from hub.settings import Config, load_config
from tests.conftest import SEEDS, run_harvest


def build_corpus_site(data_dir: Path, replay: object) -> Config:
    config = load_config(overrides={"hub.data_dir": str(data_dir), "http.min_interval": 0.0,
                                    "http.backoff": 0.01})
    runs = run_harvest(config, replay, *sorted(config.sources))
    failed = [r for r in runs if getattr(r, "outcome", None) == "failed"]
    assert not failed, failed
    result = import_files(config, sorted(SEEDS.glob("0*.txt")))
    assert not result["failed"], result["failed"]
    return config
