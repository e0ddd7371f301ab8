"""Shared fixtures: a config over a temporary data directory, stores opened on
it, and the project's copies of the recorded corpus, seeds and W3C suite."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.settings import Config, load_config
from hub.store import GraphStore, open_store

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
SEEDS = FIXTURES / "seeds"
W3C = FIXTURES / "w3c"


def require_service(what: str) -> None:
    """Skip a test that needs a service missing here; fail instead in CI
    (``OGH_REQUIRE_SERVICES=1``), where ``.ci/run`` installs every service."""
    if os.environ.get("OGH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available here")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def config(data_dir: Path) -> Config:
    return load_config(overrides={"hub.data_dir": str(data_dir), "http.min_interval": 0.0,
                                  "http.backoff": 0.01})


@pytest.fixture
def writer(config: Config) -> Iterator[GraphStore]:
    store = open_store(config, write=True)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def reader(config: Config) -> Iterator[GraphStore]:
    store = open_store(config)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests write artefacts worth looking at (screenshots, reports)."""
    path = Path(__file__).parent / "output"
    path.mkdir(exist_ok=True)
    return path


def has(program: str) -> bool:
    return shutil.which(program) is not None


@pytest.fixture(scope="session")
def replay() -> Iterator[object]:
    """One loopback server over the project's recorded corpus for the whole
    session. Tests that inject faults must clear them (``replay.clear_faults()``)."""
    from harvesters.replay import ReplayServer

    server = ReplayServer(CORPUS)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def run_harvest(config: Config, replay_server: object, *sources: str, urls: list[str] | None = None):
    """Harvest sources through the replay server; the run results."""
    from hub.runner import derived_updates, harvest_source

    return [
        harvest_source(config, config.source(s), rewrite=replay_server.url,  # type: ignore[attr-defined]
                       only_urls=urls, after_write=derived_updates)
        for s in sources
    ]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One private Virtuoso for the whole session (tests/virtuoso.py): started
    from the Debian package's configuration with its files in a temporary
    folder and free ports, stopped by its process id at the end."""
    from tests.virtuoso import Virtuoso, available

    if not available():
        require_service("Virtuoso (virtuoso-t from the virtuoso-opensource package)")
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def remote(virtuoso):  # type: ignore[no-untyped-def]
    """The session's Virtuoso, emptied of the graphs earlier tests stored."""
    virtuoso.reset()
    return virtuoso


# ------------------------------------------------------------------ the browser

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (no browser download), one per
    test module."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        require_service("chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service("playwright (pip install playwright)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
