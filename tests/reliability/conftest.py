"""The reliability suite's fixtures, and its summary at the end of the run:
inputs tried, faults injected, graphs checked and data lost (none)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harvesters.replay import ReplayServer
from hub.settings import Config
from tests.reliability.tally import TALLY, Tally


@pytest.fixture
def tally() -> Tally:
    return TALLY


@pytest.fixture
def server(replay: ReplayServer) -> Iterator[ReplayServer]:
    """The session's replay server, without faults before and after the test."""
    replay.clear_faults()
    replay.reset_log()
    yield replay
    replay.clear_faults()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY.used():
        return
    terminalreporter.section("reliability and security")
    for line in TALLY.lines():
        terminalreporter.line(line)


# ------------------------------------------------------------------ a hub fed hostile markup
@pytest.fixture(scope="session")
def hostile_hub(tmp_path_factory: pytest.TempPathFactory, replay: ReplayServer) -> Iterator[Config]:
    """A data directory harvested from the corpus with markup, script and
    ``javascript:`` links planted in a JSON API document (GOV.UK), an HTML
    page (Northern Ireland) and an imported file; its search index built."""
    from hub import search
    from tests.reliability.markup import build_hostile_hub

    data = tmp_path_factory.mktemp("hostile") / "data"
    config = build_hostile_hub(data, replay, tmp_path_factory.mktemp("hostile-files"))
    yield config
    search.forget(config)
