"""Helpers of the reliability suite: a loopback listener that counts the
requests it gets, a watch on a file that sees any process open it (inotify),
harvests of sources (or variants of them) over the replay server, and child
processes for what must be measured or killed from outside."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal

from harvesters.replay import ReplayServer
from hub import ids
from hub.provenance import RunResult
from hub.runner import derived_updates, harvest_source
from hub.settings import Config, Source
from hub.store import open_store, rdflib_graph
from tests.conftest import CORPUS
from vocab import OGH

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ listener
class Listener:
    """An HTTP server on loopback that answers anything and counts the requests:
    what an external entity, a remote context or a DTD would be fetched from."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                listener.hits.append(self.path)
                body = b'<!ENTITY e "FETCHED-OVER-THE-NETWORK">'
                self.send_response(200)
                self.send_header("Content-Type", "application/xml-dtd")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------------ file watch
_IN_ACCESS, _IN_OPEN, _IN_NONBLOCK = 0x001, 0x020, 0o4000


class FileWatch:
    """Sees any process open or read one file (Linux inotify), C libraries
    (expat, libxml2, pyoxigraph) as much as Python."""

    def __init__(self, path: Path) -> None:
        self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._fd = self._libc.inotify_init1(_IN_NONBLOCK)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        if self._libc.inotify_add_watch(self._fd, str(path).encode(), _IN_ACCESS | _IN_OPEN) < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {path}")

    def events(self) -> int:
        """How many opens and reads happened since the watch began (or the last call)."""
        count = 0
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return count
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                offset += 16 + length
                count += 1

    def close(self) -> None:
        os.close(self._fd)


# ------------------------------------------------------------------ harvests
def variant(config: Config, source_id: str, **changes: Any) -> Source:
    """A configured source with some fields changed (entry points, hosts...)."""
    return dataclasses.replace(config.source(source_id), **changes)


def harvest(config: Config, server: ReplayServer | str | None, source: Source | str) -> RunResult:
    """One harvest run as ``ogh harvest`` makes it; ``server`` None is live mode."""
    if isinstance(source, str):
        source = config.source(source)
    rewrite = server.url if isinstance(server, ReplayServer) else server
    return harvest_source(config, source, rewrite=rewrite, after_write=derived_updates)


def source_graph(config: Config, source_id: str) -> Graph:
    with open_store(config) as store:
        return rdflib_graph(store.triples(str(ids.source_graph(source_id))))


def dataset_text(config: Config) -> str:
    """The whole published dataset as N-Quads."""
    import io

    buffer = io.BytesIO()
    with open_store(config) as store:
        store.export(buffer, "nquads")
    return buffer.getvalue().decode("utf-8")


# ------------------------------------------------------------------ two versions
#: Two sources, and the page of each that the second version of the corpus changes.
SOURCES = ("ni", "govwales")
#: A word only the second version has.
REVISED = "Zephyrwood"
CHANGED = {
    "ni": "topics/transparency-and-open-government.html",
    "govwales": "written-statement-publication-welsh-governments-open-government-commitments-2019-21.html",
}


def versions(folder: Path) -> dict[str, Path]:
    """The corpus of the two sources as recorded (A), and with one page of each changed (B)."""
    out = {}
    for name in ("A", "B"):
        root = folder / name
        for source in SOURCES:
            shutil.copytree(CORPUS / source, root / source)
        if name == "B":
            for source, page in CHANGED.items():
                path = root / source / page
                html = path.read_text(encoding="utf-8")
                assert "</h1>" in html and "</title>" in html
                for tag in ("</h1>", "</title>"):
                    html = html.replace(tag, f" ({REVISED} revision){tag}", 1)
                path.write_text(html, encoding="utf-8")
                # A server gives a changed page new validators.
                manifest = root / source / "manifest.json"
                data = json.loads(manifest.read_text(encoding="utf-8"))
                for response in data["responses"]:
                    if response.get("file") == page:
                        response["headers"] = {k: v for k, v in response.get("headers", {}).items()
                                               if k.lower() not in ("etag", "last-modified")}
                manifest.write_text(json.dumps(data), encoding="utf-8")
        out[name] = root
    return out


def graphs(store: Any) -> dict[str, Graph]:
    """The graphs of :data:`SOURCES`, with the time a page was retrieved set
    aside: a page fetched again carries the time of that fetch, in either version."""
    return {s: rdflib_graph((t[0], t[1], RETRIEVED) if t[1] == OGH.retrievedAt else t
                            for t in store.triples(str(ids.source_graph(s))))
            for s in SOURCES}


RETRIEVED = Literal("retrieved")


# ------------------------------------------------------------------ children
def child_env(config: Config, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["OGH_HOME"] = str(config.data_dir)
    env["OGH_CONFIG"] = str(config.config_dir)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_child(config: Config, *args: str, timeout: float = 120, **extra: str) -> dict[str, Any]:
    """``python -m tests.reliability.child ARGS`` to its end; its report (exit code,
    peak memory, results) with its stderr."""
    proc = subprocess.run([sys.executable, "-m", "tests.reliability.child", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env=child_env(config, **extra))
    lines = proc.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        report = {}
    report.setdefault("rc", proc.returncode)
    report["exit"] = proc.returncode
    report["stderr"] = proc.stderr
    report["stdout"] = proc.stdout
    return report


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()
