"""``ogh harvest --every``: runs on a schedule, one after another, each
summary printed; the per-source lock keeps two harvests of one source apart
and is released by the kernel when its holder dies."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from hub.cli import main
from hub.commands.harvest import interval
from hub.runner import source_lock
from hub.settings import load_config
from tests.hub.ni_pages import config_folder

CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"


@pytest.fixture
def pages_config(tmp_path: Path, data_dir: Path, monkeypatch):
    folder = config_folder(tmp_path / "config")
    monkeypatch.setenv("OGH_CONFIG", str(folder))
    monkeypatch.setenv("OGH_HOME", str(data_dir))
    return load_config(folder, overrides={"hub.data_dir": str(data_dir)})


@pytest.mark.parametrize(("text", "seconds"), [
    ("30m", 1800), ("6h", 21600), ("1d", 86400), ("90s", 90), ("1h30m", 5400), ("0.5s", 0.5), (" 2H ", 7200),
])
def test_intervals(text: str, seconds: float) -> None:
    assert interval(text) == seconds


@pytest.mark.parametrize("text", ["6", "6x", "h", "", "0m", "6h later"])
def test_bad_intervals_say_what_is_expected(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="interval|longer than nothing"):
        interval(text)


def test_cli_refuses_a_bad_interval(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["harvest", "--every", "soon"])
    assert "'soon' is not an interval" in capsys.readouterr().err
    assert main(["harvest", "--runs", "2"]) == 2
    assert "--runs needs --every" in capsys.readouterr().err


def runs_of(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_every_runs_one_after_another_and_logs_each(pages_config, capsys) -> None:
    started = time.monotonic()
    code = main(["harvest", "ni-pages", "--replay", str(CORPUS), "--every", "0.5s", "--runs", "3", "--json"])
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert code == 0
    runs = runs_of(captured.out)
    assert [r["runs"][0]["outcome"] for r in runs] == ["succeeded", "unchanged", "unchanged"]
    assert elapsed >= 1.0  # three runs on a 0.5 s schedule: the third starts at 1 s at the earliest
    assert captured.err.count("next run at") == 2
    assert "stopping after 3 run(s)" in captured.err


def _hold_lock(config, held) -> None:  # type: ignore[no-untyped-def]
    with source_lock(config, "ni-pages"):
        held.set()
        time.sleep(60)


def test_lock_of_a_live_harvest_is_respected_and_a_dead_ones_released(pages_config, capsys) -> None:
    """Another process harvesting the source (here: holding its lock) makes the
    scheduled run skip it; once that process is killed, whatever it was doing,
    the kernel has released the lock and the next run goes ahead."""
    ctx = multiprocessing.get_context("fork")
    held = ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(pages_config, held))
    holder.start()
    try:
        assert held.wait(10)
        assert main(["harvest", "ni-pages", "--replay", str(CORPUS), "--every", "1d", "--runs", "1",
                     "--json"]) == 1
        busy = runs_of(capsys.readouterr().out)[0]["runs"][0]
        assert busy["outcome"] == "failed"
        assert f"being harvested by process {holder.pid}" in busy["reason"]
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # type: ignore[arg-type]
        holder.join()
    lock_file = pages_config.data_dir / "locks" / "ni-pages.lock"
    assert f"process {holder.pid}" in lock_file.read_text()  # the stale note is still there...
    assert main(["harvest", "ni-pages", "--replay", str(CORPUS), "--every", "1d", "--runs", "1",
                 "--json"]) == 0  # ...but blocks nothing
    assert runs_of(capsys.readouterr().out)[0]["runs"][0]["outcome"] == "succeeded"
    # A manual run meets the same lock as a scheduled one.
    with source_lock(pages_config, "ni-pages"):
        assert main(["harvest", "ni-pages", "--replay", str(CORPUS), "--json"]) == 1
    assert "being harvested" in json.loads(capsys.readouterr().out)["runs"][0]["reason"]


def test_sigterm_between_runs_stops_the_schedule(pages_config, tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "OGH_CONFIG": str(pages_config.config_dir), "OGH_HOME": str(pages_config.data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "harvest", "ni-pages", "--replay", str(CORPUS), "--every", "1h"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    err = ""
    while "next run at" not in err and time.monotonic() < deadline:
        line = proc.stderr.readline()  # type: ignore[union-attr]
        if not line:
            break
        err += line
    assert "next run at" in err, err
    proc.send_signal(signal.SIGTERM)
    out, rest = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "stopped" in rest
    assert "ni-pages     succeeded" in out
