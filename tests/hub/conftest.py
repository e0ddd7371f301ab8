"""Fixtures for the search and web tests: the sample graph in a store, its
index built, and a Flask test client over it."""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from hub import index, search
from hub.settings import Config, load_config
from hub.store import open_store
from tests.hub import sample


def build_site(data_dir: Path, only: list[str] | None = None, with_index: bool = True) -> Config:
    """A data directory holding the sample graph (and its index)."""
    config = load_config(overrides={"hub.data_dir": str(data_dir), "http.min_interval": 0.0})
    writer = open_store(config, write=True)
    try:
        sample.load(writer, only)
    finally:
        writer.close()
    if with_index:
        with open_store(config) as store:
            index.rebuild(config, store)
    return config


@pytest.fixture(scope="session")
def site_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    """The sample site, built once for the session; tests only read it."""
    config = build_site(tmp_path_factory.mktemp("site"))
    yield config
    search.forget(config)


@pytest.fixture(scope="session")
def site_index(site_config: Config) -> search.Generation:
    gen = search.open_current(site_config)
    assert gen is not None
    return gen


@pytest.fixture
def client(site_config: Config) -> FlaskClient:
    from hub.web import create_app

    app = create_app(site_config)
    app.testing = True
    return app.test_client()


@contextlib.contextmanager
def running_server(data_dir: Path, *args: str, timeout: float = 30.0) -> Iterator[str]:
    """``ogh serve`` on a free loopback port over ``data_dir``, as a real
    process; yields its base URL (read from what it prints) and stops it by
    its process id."""
    env = {**os.environ, "OGH_HOME": str(data_dir), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve", "--host", "127.0.0.1", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        url = None
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                line = proc.stdout.readline()
                if not line:
                    break
                lines.append(line)
                found = re.search(r"serving at (http://\S+)", line)
                if found:
                    url = found.group(1)
                    break
            if proc.poll() is not None:
                break
        if url is None:
            raise AssertionError("ogh serve did not start:\n" + "".join(lines))
        yield url.rstrip("/")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
