"""What the benchmarks share: percentiles, `ogh serve` on loopback, child
processes whose peak memory is read when they end, and the machine's
description."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1), interpolated between the nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and max in milliseconds of times given in seconds."""
    return {"p50_ms": round(percentile(seconds, 0.5) * 1000, 2),
            "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
            "max_ms": round(max(seconds) * 1000, 2) if seconds else float("nan"),
            "n": len(seconds)}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir: Path, **settings: Any) -> dict[str, str]:
    """The environment of an ``ogh`` process on ``data_dir``; settings by
    name with underscores (``sparql_timeout=120`` is ``OGH_SPARQL_TIMEOUT``)."""
    env = dict(os.environ)
    env["OGH_HOME"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT), env.get("PYTHONPATH")) if p)
    for name, value in settings.items():
        env[f"OGH_{name.upper()}"] = str(value)
    return env


def vm_peak_mb(pid: int) -> float:
    """A live process's peak resident memory (VmHWM), in MB; 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def session_processes(session: int) -> list[int]:
    """The processes of a session (a server started with start_new_session)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.getsid(int(entry.name)) == session:
                    found.append(int(entry.name))
    return found


class Served(str):
    """A running server's base URL; ``peak_mb()`` reads its processes' peaks."""

    pid: int

    def peak_mb(self) -> dict[str, float]:
        """Peak resident memory of each process of the server, by role."""
        peaks: dict[str, float] = {}
        for pid in session_processes(self.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            role = ("sparql-worker" if "hub.sparql.worker" in cmdline
                    else "master" if pid == self.pid else "web-worker")
            peaks[role] = max(peaks.get(role, 0.0), vm_peak_mb(pid))
        return peaks


@contextlib.contextmanager
def serving(data_dir: Path, workers: int = 2, threads: int = 4, **settings: Any) -> Iterator[Served]:
    """``ogh serve`` (gunicorn) on a free loopback port over ``data_dir``.
    The rate limit is off unless asked for: a benchmark's clients all come
    from 127.0.0.1."""
    settings.setdefault("server_rate_limit", 0)
    port = free_port()
    env = env_for(data_dir, server_host="127.0.0.1", server_port=port,
                  hub_base_url=f"http://127.0.0.1:{port}", server_workers=workers,
                  server_threads=threads, **settings)
    log_path = data_dir.parent / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve"], env=env, cwd=PROJECT,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    import requests

    base = Served(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"ogh serve stopped at start:\n{log_path.read_text()[-2000:]}")
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/sparql", headers={"Accept": "text/turtle"},
                                timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("ogh serve did not answer within 120 seconds")
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_child(args: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> Any:
    """Run ``python -m ARGS`` and return the JSON of the last line it prints
    (a child reports its own peak memory there, see :func:`own_peak_mb`)."""
    process = subprocess.Popen([sys.executable, "-m", *args], env=env or env_for_project(), cwd=PROJECT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise RuntimeError(f"python -m {' '.join(args)} ran past {timeout:g} s") from None
    if process.returncode != 0:
        raise RuntimeError(f"python -m {' '.join(args)} failed ({process.returncode}):\n"
                           f"{err.decode(errors='replace')[-3000:]}")
    lines = [line for line in out.decode().splitlines() if line.strip()]
    return json.loads(lines[-1])


def env_for_project() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT), env.get("PYTHONPATH")) if p)
    return env


def own_peak_mb() -> float:
    """This process's peak resident memory, in MB."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def versions() -> dict[str, str]:
    """The versions of what the figures depend on."""
    import importlib.metadata as md
    import sqlite3

    out = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for name in ("pyoxigraph", "rdflib", "whoosh-reloaded", "flask", "gunicorn", "requests", "lxml",
                 "beautifulsoup4"):
        with contextlib.suppress(md.PackageNotFoundError):
            out[name] = md.version(name)
    try:
        done = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, timeout=10, check=False)
        text = done.stdout + done.stderr
        found = next((line.strip() for line in text.splitlines() if "Version" in line), "")
        if found:
            out["virtuoso"] = found
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=PROJECT, timeout=10, check=False)
        if done.returncode == 0:
            out["commit"] = done.stdout.strip()
    except OSError:
        pass
    return out


def machine() -> dict[str, Any]:
    return {"cores": os.cpu_count(), "platform": platform.platform(),
            "memory_mb": _memory_mb(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def _memory_mb() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0
