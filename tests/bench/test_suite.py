"""The benchmark suite runs end to end (at a tiny scale, timed by nobody) and
writes every figure the results file promises: so it cannot rot unseen."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import FIGURES
from tests.conftest import require_service
from tests.hub.sparql.server import PROJECT, hub_env

REQUIRED = ("sparql.p95_ms", "sparql.vs_rdflib", "sparql.vs_oxigraph_raw", "sparql.vs_virtuoso",
            "search.p95_ms_100k_facets", "search.vs_fts5", "harvest.docs_per_s",
            "harvest.reharvest_ratio", "web.search_rps", "web.compare_p95_ms", "memory.peak_mb")


def _value(results: dict, path: str) -> object:
    value: object = results
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, f"{path}: no {part!r} in the results"
        value = value[part]
    return value


def test_every_required_figure_has_a_goal_or_says_it_has_none() -> None:
    assert {path for path, *_ in FIGURES} >= set(REQUIRED)


@pytest.mark.slow
@pytest.mark.virtuoso
def test_the_suite_writes_every_figure(tmp_path: Path) -> None:
    from tests.virtuoso import available

    if not available():  # the suite starts a Virtuoso of its own for its baseline
        require_service("Virtuoso (virtuoso-t from the virtuoso-opensource package)")
    output = tmp_path / "latest.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--scale", "tiny", "--output", str(output)],
                          cwd=PROJECT, env=hub_env(tmp_path / "unused"), capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads(output.read_text())
    assert results["machine"]["cores"] >= 1
    assert {"python", "pyoxigraph", "rdflib", "whoosh-reloaded", "sqlite", "virtuoso"} <= \
        set(results["versions"])
    for path in REQUIRED:
        value = _value(results, path)
        assert isinstance(value, int | float) and not isinstance(value, bool), f"{path} = {value!r}"
        assert math.isfinite(value) and value > 0, f"{path} = {value!r}"
    assert results["web"]["search_failed"] == 0
    assert results["goals"] and {row["figure"] for row in results["goals"]} >= set(REQUIRED)
    # The table names every figure.
    for path in REQUIRED:
        assert path in done.stdout
