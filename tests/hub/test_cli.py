"""The ``ogh`` command line as a user meets it: help for every command, clear
errors with non-zero exits, validation that fails on broken data, and an
export that loads back into an isomorphic dataset."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from harvesters import records as r
from hub import ids
from hub.cli import build_parser, main
from hub.mapping import map_records
from hub.store import OxigraphStore, open_store, rdflib_graph
from hub.vocabgraph import ensure_vocabulary
from vocab import OGH

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


@pytest.fixture
def env(config, monkeypatch):
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    return config


def sample(writer) -> None:
    ensure_vocabulary(writer)  # as every harvest does
    plan = r.PlanRef("scotland", 2021, 2025)
    writer.replace_graph(str(ids.source_graph("sample")), map_records([
        r.Plan(source_url="https://www.gov.scot/p", fetched_at=NOW, ref=plan, title="Plan"),
        r.Commitment(source_url="https://www.gov.scot/p", fetched_at=NOW,
                     ref=r.CommitmentRef(plan, number=1), title="Open data", themes=["open data"]),
        r.Meeting(source_url="https://www.gov.scot/m", fetched_at=NOW,
                  ref=r.MeetingRef("Steering Group", "scotland", dt.date(2023, 5, 17)),
                  attendance=r.Attendance(total=10, government=4, civil_society=5, other=1)),
    ]))


def test_every_command_has_help() -> None:
    assert {"harvest", "sources", "replay", "stats", "entities", "validate", "export", "load",
            "import", "index", "serve", "demo", "dump"} <= set(COMMANDS)
    for command in COMMANDS:
        done = subprocess.run([sys.executable, "-m", "hub.cli", command, "--help"],
                              capture_output=True, text=True, cwd=Path(__file__).parents[2])
        assert done.returncode == 0, (command, done.stderr)
        assert f"usage: ogh {command}" in done.stdout


def test_unknown_options_and_values_fail_clearly(env, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["entities", "--kind", "Planet"])
    assert exit_.value.code == 2 and "unknown kind 'Planet'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["entities", "--kind", "Meeting", "--jurisdiction", "narnia"])
    assert exit_.value.code == 2 and "unknown jurisdiction 'narnia'" in capsys.readouterr().err
    assert main(["load", "missing.nq"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["export", "--graph", "https://example.org/none"]) == 1


def test_stats_and_entities(env, capsys) -> None:
    with open_store(env, write=True) as w:
        sample(w)
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["classes"]["Commitment"] == {"scotland": 1, "total": 1}
    assert stats["graphs"][str(ids.source_graph("sample"))] > 0
    assert main(["entities", "--kind", "meeting", "--jurisdiction", "scotland", "--json"]) == 0
    [meeting] = json.loads(capsys.readouterr().out)
    assert meeting["date"] == "2023-05-17" and meeting["jurisdiction"] == "scotland"
    assert meeting["attendance"] == {"total": 10, "government": 4, "civil_society": 5, "other": 1}
    assert meeting["body"] == "Open Government Partnership Steering Group"


def test_validate_exits_1_with_a_readable_report(env, capsys) -> None:
    with open_store(env, write=True) as w:
        sample(w)
        assert main(["validate"]) == 0
        capsys.readouterr()
        meeting = ids.meeting(r.MeetingRef("Steering Group", "scotland", dt.date(2023, 5, 17)))
        broken = [*w.triples(str(ids.source_graph("sample"))),
                  (meeting, OGH.attendeesTotal, Literal(-3))]
        w.replace_graph(str(ids.source_graph("sample")), broken)
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "Violation" in out and str(meeting) in out and str(OGH.attendeesTotal) in out
    assert main(["validate", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["conforms"]
    assert any(f["focus"] == str(meeting) for f in report["findings"])


@pytest.mark.parametrize("fmt,name", [("nquads", "dump.nq.gz"), ("trig", "dump.trig"),
                                      ("jsonld", "dump.jsonld")])
def test_export_then_load_is_isomorphic(env, tmp_path, capsys, fmt, name) -> None:
    with open_store(env, write=True) as w:
        sample(w)
        w.replace_graph("https://example.org/graph/other",
                        [(URIRef("https://example.org/a"), URIRef("https://example.org/b"),
                          Literal("ü", lang="de"))])
    target = tmp_path / name
    assert main(["export", "--format", fmt, "-o", str(target)]) == 0
    other = tmp_path / "other"
    done = subprocess.run([sys.executable, "-m", "hub.cli", "load", str(target)],
                          env={"OGH_HOME": str(other), "PATH": ""}, capture_output=True, text=True,
                          cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    with open_store(env) as original:
        loaded = OxigraphStore(other)
        try:
            assert set(loaded.graphs()) == set(original.graphs())
            for g in original.graphs():
                assert isomorphic(rdflib_graph(original.triples(g)), rdflib_graph(loaded.triples(g))), g
        finally:
            loaded.close()
