"""Replay of a recorded corpus over real HTTP on loopback.

``ReplayServer(DIR)`` serves every ``DIR/<source>/manifest.json`` (the format
is described in the corpus README): each recorded URL answers with its
recorded status, headers and body; anything else answers 404, as a live site
does. Requests name the site they want in ``Host`` (and the scheme in
``X-Forwarded-Proto``), which is how :class:`harvesters.http.HttpClient`
talks to it under replay: only the connection's scheme and host change.

Conditional requests are answered as a real server would: 304 when
``If-None-Match`` matches the ETag or ``If-Modified-Since`` is not older than
``Last-Modified``. A recording without an ETag is given one derived from its
body, as static file servers do, so that an unchanged corpus re-harvests as
304s.

Two sources may record one URL differently; a request naming its source in
``X-Replay-Source`` (as every harvest under replay does) gets that source's
recording, and any source's otherwise.

Tests inject faults by URL (:meth:`ReplayServer.inject`): a status, a delay,
a malformed body, a slow or endless or huge or truncated body, a dropped
connection, a redirect.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

Key = tuple[str, str, str, tuple[tuple[str, str], ...]]

#: The request header a harvest under replay names its source with.
SOURCE_HEADER = "X-Replay-Source"


def url_key(url: str, scheme: str | None = None) -> Key:
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return (scheme or parts.scheme, (parts.hostname or "").lower(), unquote(parts.path) or "/", query)


@dataclass
class Recorded:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Fault:
    """What to do instead of the recorded answer."""

    kind: str  # status, delay, malformed, slow, endless, huge, truncated, drop, redirect, body
    status: int = 200
    seconds: float = 0.0
    size: int = 0
    location: str = ""
    body: bytes = b""
    content_type: str = ""
    times: int | None = None  # how many requests it applies to (None: all)


def load_manifests(root: Path, sources: list[str] | None = None) -> dict[Key, Recorded]:
    """Every recorded response under ``root``, by URL key (where two sources
    recorded one URL, the source whose folder sorts last)."""
    entries: dict[Key, Recorded] = {}
    for recorded in load_manifests_by_source(root, sources).values():
        entries.update(recorded)
    return entries


def load_manifests_by_source(root: Path, sources: list[str] | None = None
                             ) -> dict[str, dict[Key, Recorded]]:
    """The recorded responses of each source folder under ``root``, by URL key."""
    by_source: dict[str, dict[Key, Recorded]] = {}
    manifests = sorted(root.glob("*/manifest.json"))
    if not manifests:
        raise FileNotFoundError(f"{root}: no <source>/manifest.json files to replay")
    for manifest in manifests:
        source = manifest.parent.name
        if sources and source not in sources:
            continue
        entries: dict[Key, Recorded] = by_source.setdefault(source, {})
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{manifest}: cannot read the manifest: {exc}") from None
        for i, response in enumerate(data.get("responses", [])):
            try:
                url = response["url"]
                status = int(response["status"])
            except (KeyError, ValueError, TypeError):
                raise ValueError(f"{manifest}: response #{i + 1} lacks a url or status") from None
            body = b""
            if response.get("file"):
                path = manifest.parent / response["file"]
                try:
                    body = path.read_bytes()
                except OSError as exc:
                    raise ValueError(f"{manifest}: response #{i + 1}: {path}: {exc.strerror}") from None
            headers = {k: str(v) for k, v in (response.get("headers") or {}).items()}
            if response.get("content_type") and not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = response["content_type"]
            if status == 200 and not any(k.lower() == "etag" for k in headers):
                headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            entries[url_key(url)] = Recorded(url=url, status=status, headers=headers, body=body)
    return by_source


class ReplayServer:
    """A threaded HTTP server on loopback answering from recordings."""

    def __init__(self, root: str | Path, sources: list[str] | None = None) -> None:
        self.root = Path(root)
        #: each source's own recordings: two sources may record one URL
        #: differently (OGP's pages about Glasgow in the glasgow and ogp folders)
        self.by_source = load_manifests_by_source(self.root, sources)
        self.entries: dict[Key, Recorded] = {}
        for recorded in self.by_source.values():
            self.entries.update(recorded)
        self.faults: dict[Key, Fault] = {}
        #: (url, method, status, request headers) of every request answered
        self.requests: list[tuple[str, str, int, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        server = ThreadingHTTPServer((host, port), _handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="replay", daemon=True)
        self._thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not started"
        host, port = self._server.server_address[:2]
        assert isinstance(host, str), "an IP socket's address"
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def inject(self, url: str, fault: Fault) -> None:
        with self._lock:
            self.faults[url_key(url)] = fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _take_fault(self, key: Key) -> Fault | None:
        with self._lock:
            fault = self.faults.get(key)
            if fault is None:
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self.faults[key]
            return fault

    def _log(self, url: str, method: str, status: int, headers: Any = None) -> None:
        with self._lock:
            self.requests.append((url, method, status, dict(headers or {})))


def _not_modified(request_headers: Any, recorded: Recorded) -> bool:
    headers = {k.lower(): v for k, v in recorded.headers.items()}
    inm = request_headers.get("If-None-Match")
    if inm and "etag" in headers:
        tags = {t.strip() for t in inm.split(",")}
        return headers["etag"] in tags or "*" in tags
    ims = request_headers.get("If-Modified-Since")
    if ims and "last-modified" in headers:
        try:
            return parsedate_to_datetime(headers["last-modified"]) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _handler(replay: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ogh-replay"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's
            # algorithm and the client's delayed ACK hold each response ~40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _target(self) -> tuple[str, Key]:
            host = self.headers.get("Host", "")
            scheme = self.headers.get("X-Forwarded-Proto", "https")
            url = f"{scheme}://{host}{self.path}"
            return url, url_key(url, scheme)

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool,
                  length: int | None = None) -> None:
            self.send_response(status)
            sent = set()
            for k, v in headers.items():
                if k.lower() in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                    continue
                self.send_header(k, v)
                sent.add(k.lower())
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            if not head and body:
                self.wfile.write(body)

        def _answer(self, head: bool) -> None:
            url, key = self._target()
            fault = replay._take_fault(key)
            # A harvest names its source (X-Replay-Source): its own recording
            # of a URL comes first, then any source's.
            own = replay.by_source.get(self.headers.get(SOURCE_HEADER, ""), {})
            recorded = own.get(key) or replay.entries.get(key)
            if fault is not None:
                replay._log(url, self.command, fault.status, self.headers)
                self._fault(fault, recorded, head)
                return
            if recorded is None:
                replay._log(url, self.command, 404, self.headers)
                self._send(404, {"Content-Type": "text/plain; charset=utf-8"},
                           b"Not found in the recorded corpus\n", head)
                return
            if recorded.status == 200 and _not_modified(self.headers, recorded):
                replay._log(url, self.command, 304, self.headers)
                keep = {k: v for k, v in recorded.headers.items()
                        if k.lower() in ("etag", "last-modified", "cache-control", "date")}
                self.send_response(304)
                for k, v in keep.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            replay._log(url, self.command, recorded.status, self.headers)
            self._send(recorded.status, recorded.headers, recorded.body, head)

        def _fault(self, fault: Fault, recorded: Recorded | None, head: bool) -> None:
            ctype = fault.content_type or (
                recorded.headers.get("Content-Type", "text/html") if recorded else "text/html")
            if fault.kind == "status":
                self._send(fault.status, {"Content-Type": "text/plain", **(
                    {"Retry-After": str(int(fault.seconds))} if fault.seconds else {})},
                    fault.body or f"Error {fault.status}\n".encode(), head)
            elif fault.kind == "delay":
                time.sleep(fault.seconds)
                if recorded:
                    self._send(recorded.status, recorded.headers, recorded.body, head)
                else:
                    self._send(404, {}, b"", head)
            elif fault.kind in ("malformed", "body"):
                body = fault.body or b"{\"unterminated\": [1, 2, <html><broken"
                self._send(fault.status, {"Content-Type": ctype}, body, head)
            elif fault.kind == "redirect":
                self._send(fault.status if fault.status in (301, 302, 303, 307, 308) else 302,
                           {"Location": fault.location}, b"", head)
            elif fault.kind == "slow":
                body = recorded.body if recorded else b"x" * 100
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for i in range(len(body)):
                        self.wfile.write(body[i:i + 1])
                        self.wfile.flush()
                        time.sleep(fault.seconds or 1.0)
                except OSError:
                    pass
            elif fault.kind in ("endless", "huge"):
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                if fault.kind == "huge":
                    self.send_header("Content-Length", str(fault.size))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"a" * 65530 + b"</p>"
                sent = 0
                try:
                    while fault.kind == "endless" or sent < fault.size:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except OSError:
                    pass
                self.close_connection = True
            elif fault.kind == "truncated":
                body = recorded.body if recorded else b"<html><body>" + b"x" * 1000
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) * 2))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif fault.kind == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            else:
                self._send(500, {}, f"unknown fault {fault.kind}".encode(), head)

    return Handler
