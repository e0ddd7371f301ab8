"""A load generator for loopback: N concurrent clients, each on one
keep-alive connection, asking a list of paths in turn for a fixed time.

``wrk`` (Debian's package) is used when it is installed: it costs the machine
least, so most of the cores go to the server being measured. Otherwise the
clients are asyncio coroutines in this process (:func:`asyncio_load`), which
cost more CPU; the result says which generator ran.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import percentile


def load(base: str, paths: list[str], connections: int = 20, seconds: float = 10.0,
         generator: str = "auto") -> dict[str, Any]:
    """Requests per second, latency and failures for ``paths`` against ``base``."""
    if generator == "wrk" or (generator == "auto" and shutil.which("wrk")):
        return wrk_load(base, paths, connections, seconds)
    return asyncio.run(asyncio_load(base, paths, connections, seconds))


_LUA = """
local paths = %s
local counter = 0
local offset = 0
setup = function(thread)
  thread:set("offset", offset)
  offset = offset + 7
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[((counter + offset) %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %%d, "duration_us": %%d, "socket_errors": %%d, ' ..
    '"non_2xx": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def wrk_load(base: str, paths: list[str], connections: int, seconds: float) -> dict[str, Any]:
    lua_paths = "{" + ", ".join(json.dumps(p) for p in paths) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % lua_paths)
    try:
        threads = min(2, connections)
        done = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
             "-s", script.name, base],
            capture_output=True, text=True, timeout=seconds + 120, check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    found = re.search(r"^WRK (\{.*\})$", done.stdout, re.M)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-1000:]}{done.stderr[-1000:]}")
    data = json.loads(found.group(1))
    duration = data["duration_us"] / 1e6
    version = next(iter(done.stderr.split()), "") if done.stderr else ""
    return {
        "generator": "wrk" + (f" {version}" if version.startswith("4") else ""),
        "connections": connections, "seconds": round(duration, 2), "requests": data["requests"],
        "rps": round(data["requests"] / duration, 1),
        "failed": data["socket_errors"] + data["non_2xx"],
        "p50_ms": round(data["p50_us"] / 1000, 2), "p95_ms": round(data["p95_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2), "max_ms": round(data["max_us"] / 1000, 2),
    }


async def asyncio_load(base: str, paths: list[str], connections: int, seconds: float) -> dict[str, Any]:
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    failed = 0
    deadline = time.monotonic() + seconds

    async def client(n: int) -> None:
        nonlocal failed
        reader, writer = await asyncio.open_connection(host, port)
        i = n * 7
        try:
            while time.monotonic() < deadline:
                path = paths[i % len(paths)]
                i += 1
                started = time.perf_counter()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if length:
                    await reader.readexactly(int(length.group(1)))
                else:  # no length: the body ends with the connection
                    await reader.read()
                latencies.append(time.perf_counter() - started)
                if status >= 400:
                    failed += 1
                if re.search(rb"(?i)connection:\s*close", head) or not length:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        except (OSError, asyncio.IncompleteReadError):
            failed += 1
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(connections)))
    duration = time.monotonic() - started
    return {
        "generator": "asyncio", "connections": connections, "seconds": round(duration, 2),
        "requests": len(latencies), "rps": round(len(latencies) / duration, 1), "failed": failed,
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2) if latencies else 0.0,
    }
