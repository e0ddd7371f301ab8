"""Harvests killed with SIGKILL at random points, many times over.

Two versions of a recorded corpus differ in one page of each of two sources;
``ogh harvest`` runs in a child process against one version or the other and
is killed at a random moment: half the kills at a uniformly random time of a
run, half just after a store write begins (the dirty marker appears), some of
those during the restore that follows an earlier kill. After every kill the
published store opens, validates without a violation, and holds for each
source either its graph of the first version or of the second, never a mix;
the store opened for writing holds the same. After the last kill, a complete
harvest of each version gives exactly that version's graphs (nothing left
half-way in the HTTP cache or the run state makes the hub miss a change).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from hub.search import SearchRequest, open_current, search
from hub.store import OxigraphStore, open_store
from hub.validate import validate_store
from tests.reliability.helpers import REVISED, ROOT, SOURCES, child_env, graphs, versions

KILLS = 22  # runs killed while alive (at least 20)


def start(config, corpus: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hub.cli", "harvest", *SOURCES, "--replay", str(corpus)],
                            cwd=ROOT, env=child_env(config), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def difference(graph: Graph, other: Graph) -> str:
    """What differs from ``other``, for the failure message."""
    from rdflib.compare import graph_diff, to_isomorphic

    _, extra, missing = graph_diff(to_isomorphic(graph), to_isomorphic(other))
    return (f"{len(extra)} triples more than version A, {len(missing)} fewer: "
            f"{sorted(map(str, extra))[:5]} / {sorted(map(str, missing))[:5]}")


def check(config, known: dict[str, dict[str, Graph]], tally, when: str) -> dict[str, str]:
    """The published store and the working store after a kill: valid, and
    each source's graph one of the known versions. Returns the version of each."""
    found: dict[str, str] = {}
    with open_store(config) as reader:
        report = validate_store(reader)
        assert not report.violations, f"{when}: {report.text()}"
        for source, graph in graphs(reader).items():
            assert tally.kept(f"{source} {when}", graph, known["A"][source], known["B"][source]), (
                f"{source} {when}: neither version; " + difference(graph, known["A"][source]))
            found[source] = "A" if isomorphic(graph, known["A"][source]) else "B"
    # The search index: a whole generation is current, and it answers.
    generation = open_current(config)
    assert generation is not None, f"{when}: no search index"
    assert search(generation, SearchRequest(q="open government")).total > 0, f"{when}: search"
    writer = OxigraphStore(config.data_dir)  # restores a working store left dirty
    try:
        for source, graph in graphs(writer).items():
            assert isomorphic(graph, known[found[source]][source]), f"{source} {when}: working store"
    finally:
        writer.close()
    return found


@pytest.mark.slow
def test_harvest_killed_many_times_loses_nothing(config, tmp_path, tally) -> None:
    seed = int(os.environ.get("OGH_KILL_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    corpora = versions(tmp_path / "corpus")
    known: dict[str, dict[str, Graph]] = {}
    durations = []
    for name in ("A", "B"):
        started = time.monotonic()
        child = start(config, corpora[name])
        _, err = child.communicate(timeout=120)
        durations.append(time.monotonic() - started)
        assert child.returncode == 0, err.decode()
        with open_store(config) as reader:
            known[name] = graphs(reader)
    for source in SOURCES:
        assert not isomorphic(known["A"][source], known["B"][source]), f"{source}: the versions differ"
    run_time = max(durations)
    dirty = config.data_dir / "store.dirty"

    kills = in_write = attempts = 0
    while kills < KILLS:
        attempts += 1
        assert attempts < KILLS * 3, f"only {kills} of {attempts} runs were alive when killed (seed {seed})"
        version = "AB"[attempts % 2]
        child = start(config, corpora[version])
        started = time.monotonic()
        mode = "in a write" if attempts % 2 else "at a random time"
        if mode == "in a write":
            while not dirty.exists() and child.poll() is None and time.monotonic() - started < run_time * 2:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.03))
        else:
            time.sleep(rng.uniform(0, run_time))
        was_writing = dirty.exists()
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
            in_write += was_writing
            tally.fault("SIGKILL of a harvest" + (" (in a store write)" if was_writing else ""))
        child.communicate(timeout=60)
        check(config, known, tally, f"after kill {kills} ({mode}, version {version}, seed {seed})")

    assert in_write >= KILLS // 4, f"only {in_write} kills landed in a write (seed {seed})"
    # Complete runs converge on each version, whatever the kills left behind,
    # and so does the search index (the revised titles are found in B only).
    for version in ("A", "B", "A"):
        child = start(config, corpora[version])
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
        found = check(config, known, tally, f"after a complete harvest of version {version}")
        assert found == dict.fromkeys(SOURCES, version), (found, f"seed {seed}")
        assert (revised_hits(config) > 0) == (version == "B"), (version, f"seed {seed}")
    # `ogh index` rebuilds the index from the graph.
    done = subprocess.run([sys.executable, "-m", "hub.cli", "index"], cwd=ROOT, env=child_env(config),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert revised_hits(config) == 0
    check(config, known, tally, "after ogh index")


def revised_hits(config) -> int:
    """Documents whose title carries the second version's word."""
    results = search(open_current(config), SearchRequest(q=REVISED, page_size=50))
    return sum(REVISED in (hit.get("title") or "") for hit in results.hits)


def test_a_run_that_dies_after_fetching_does_not_hide_the_change(config, tmp_path, tally) -> None:
    """What a kill between fetching and writing leaves, made deterministic by
    a run that fails after fetching (a count assertion): the HTTP cache holds
    the new page, the store the old graph. The next run must not call the
    source unchanged: it must harvest the new version."""
    import dataclasses

    from harvesters.replay import ReplayServer
    from tests.reliability.helpers import harvest

    corpora = versions(tmp_path / "corpus")
    with ReplayServer(corpora["A"]) as server:
        assert harvest(config, server, "ni").outcome == "succeeded"
        with open_store(config) as reader:
            old = graphs(reader)["ni"]
    strict = dataclasses.replace(config.source("ni"), expect={"Document": 1000})
    tally.fault("harvest failing after its fetches")
    with ReplayServer(corpora["B"]) as server:
        assert harvest(config, server, strict).outcome == "failed"
        with open_store(config) as reader:
            assert isomorphic(graphs(reader)["ni"], old)
        again = harvest(config, server, "ni")
        assert again.outcome == "succeeded", again.outcome
        with open_store(config) as reader:
            assert not isomorphic(graphs(reader)["ni"], old), "the change was missed"
