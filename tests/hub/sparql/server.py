"""Running the hub for real on loopback: ``ogh load`` to fill a data
directory, ``ogh serve`` (the production server) on a free port."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_env(data_dir: Path, **settings: object) -> dict[str, str]:
    """The environment for an ``ogh`` process on ``data_dir``; settings by
    name (``sparql_timeout=2`` sets ``OGH_SPARQL_TIMEOUT``)."""
    env = dict(os.environ)
    env["OGH_HOME"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT), env.get("PYTHONPATH")) if p)
    for name, value in settings.items():
        env[f"OGH_{name.upper()}"] = str(value)
    return env


def ogh(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run an ``ogh`` command; fails the test with its output if it fails."""
    done = subprocess.run([sys.executable, "-m", "hub.cli", *args], env=env, cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"ogh {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


def _serve_command(port: int) -> list[str]:
    if importlib.util.find_spec("hub.commands.serve") is not None:
        return [sys.executable, "-m", "hub.cli", "serve"]
    # Before `ogh serve` exists: the same app under waitress.
    return [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={port}",
            "--threads=8", "--call", "hub.web:create_app"]


class Server(str):
    """The base URL of a running server; ``pid`` is its process (and session) id."""

    pid: int

    def processes(self, needle: str) -> list[int]:
        """Processes of the server's session whose command line holds ``needle``."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getsid(int(entry.name)) != self.pid:
                    continue
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError):
                continue
            if needle in cmdline:
                found.append(int(entry.name))
        return found


@contextlib.contextmanager
def serving(data_dir: Path, **settings: object) -> Iterator[Server]:
    """``ogh serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    env = hub_env(data_dir, server_host="127.0.0.1", server_port=port,
                  hub_base_url=f"http://127.0.0.1:{port}", **settings)
    log = open(data_dir.parent / f"serve-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(_serve_command(port), env=env, cwd=PROJECT, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.flush()
                raise AssertionError("ogh serve stopped at start:\n"
                                     + (data_dir.parent / f"serve-{port}.log").read_text())
            try:
                if requests.get(f"{base}/sparql", headers={"Accept": "text/turtle"},
                                timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("ogh serve did not answer within 60 seconds")
            time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
