"""The one HTTP client every harvester uses.

Polite and bounded: a User-Agent naming the hub and its URL; connect and read
timeouts and a deadline for a whole response; retries with exponential backoff
on connection errors, 429 and 5xx, honouring ``Retry-After``; a per-host rate
limit; a maximum body size; robots.txt obeyed; only the source's own hosts
fetched (redirects elsewhere are refused, links elsewhere recorded by the
harvester, never followed); redirects followed by hand so each hop is checked.

Incremental: every response is kept on disk with its validators (ETag,
Last-Modified), and the next request for the same URL is conditional. A 304
answers with the stored body, flagged ``not_modified``. When a fetch fails and
a stored copy exists, the stored copy is returned flagged ``stale`` (and the
failure is still reported), so a source that breaks for a day loses nothing.

Replay: with ``rewrite`` set, requests go to a recording server on loopback
(:mod:`harvesters.replay`) while every URL the harvester sees stays the live
one: only the scheme and host of the connection change; the original host is
sent in ``Host`` and the scheme in ``X-Forwarded-Proto``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import ipaddress
import json
import logging
import os
import socket
import tempfile
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchError(Exception):
    """A URL that could not be fetched; ``status`` is the HTTP status if any."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


@dataclass
class Page:
    """A fetched document."""

    url: str  # the final URL, after redirects (the live URL, also under replay)
    status: int
    content: bytes
    headers: dict[str, str]
    fetched_at: dt.datetime  # when this body was fetched (from the cache on 304)
    requested_url: str = ""
    not_modified: bool = False  # answered 304: the body is the stored one
    stale: bool = False  # the fetch failed; this is the last good copy
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def encoding(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"').strip()
        return None

    @property
    def text(self) -> str:
        encoding = self.encoding or "utf-8"
        try:
            return self.content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            sent = f"; the server sent {self.content_type}" if self.content_type and (
                "json" not in self.content_type) else ""
            raise FetchError(self.url, f"malformed JSON ({exc.msg} at line {exc.lineno}){sent}",
                             self.status) from None


@dataclass
class ClientSettings:
    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_seconds: float = 120.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    min_interval: float = 1.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    obey_robots: bool = True

    @classmethod
    def from_config(cls, config: Any) -> ClientSettings:
        return cls(
            user_agent=config["http.user_agent"],
            connect_timeout=config["http.connect_timeout"],
            read_timeout=config["http.read_timeout"],
            max_seconds=config["http.max_seconds"],
            retries=config["http.retries"],
            backoff=config["http.backoff"],
            max_retry_after=config["http.max_retry_after"],
            min_interval=config["http.min_interval"],
            max_bytes=config["http.max_bytes"],
            max_redirects=config["http.max_redirects"],
            obey_robots=config["http.obey_robots"],
        )


class HttpCache:
    """Responses on disk, one JSON file per URL (validators, headers, body)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, url: str) -> dict[str, Any] | None:
        path = self._path(url)
        try:
            with path.open(encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, json.JSONDecodeError):
            return None
        return data if data.get("url") == url else None

    def body(self, entry: dict[str, Any]) -> bytes:
        return bytes.fromhex(entry["body_hex"]) if "body_hex" in entry else entry["body"].encode(
            "utf-8", "surrogateescape")

    def put(self, url: str, page: Page) -> None:
        self._path(url)
        entry: dict[str, Any] = {
            "url": url,
            "final_url": page.url,
            "status": page.status,
            "headers": page.headers,
            "fetched_at": page.fetched_at.isoformat(),
            "redirects": page.redirects,
        }
        try:
            entry["body"] = page.content.decode("utf-8")
        except UnicodeDecodeError:
            entry["body_hex"] = page.content.hex()
        current = self.get(url)
        if current is not None and current.get("status") == 200 and (
            current.get("body") != entry.get("body") or current.get("body_hex") != entry.get("body_hex")
        ):
            with contextlib.suppress(OSError):
                os.replace(self._path(url), self._path(url).with_suffix(".prev"))
        self._write(url, entry)

    def _write(self, url: str, entry: dict[str, Any]) -> None:
        path = self._path(url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot cache %s: %s", url, exc)

    def previous(self, url: str) -> Page | None:
        """The good copy before the current one (kept when a new body arrives,
        so a body that turns out broken can be rolled back)."""
        path = self._path(url).with_suffix(".prev")
        try:
            with path.open(encoding="utf-8") as f:
                entry = json.load(f)
        except (OSError, json.JSONDecodeError):
            return None
        return self.page(url, entry, stale=True) if entry.get("url") == url else None

    def restore_previous(self, url: str) -> None:
        path = self._path(url)
        with contextlib.suppress(OSError):
            os.replace(path.with_suffix(".prev"), path)

    def put_redirect(self, url: str, status: int, location: str) -> None:
        self._write(url, {"url": url, "status": status, "location": location})

    def page(self, url: str, entry: dict[str, Any], **flags: bool) -> Page:
        return Page(
            url=entry.get("final_url", url),
            status=entry["status"],
            content=self.body(entry),
            headers=entry.get("headers", {}),
            fetched_at=dt.datetime.fromisoformat(entry["fetched_at"]),
            requested_url=url,
            redirects=entry.get("redirects", []),
            **flags,
        )


def is_public_address(text: str) -> bool:
    """A public unicast address: not loopback, private, link-local (cloud
    metadata), shared (100.64/10), reserved, multicast, or an IPv4-mapped form
    of these."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    return address.is_global and not address.is_multicast


class PrivatePeer(Exception):
    """A connection reached a non-public address (raised past urllib3's
    retries, which must not try again)."""


class _PublicPeer:
    """A connection that checks the address it actually reached. The host was
    checked before the request (:meth:`HttpClient._check_address`), but the
    connection resolves the name again: a name that answers a public address
    first and a private one next (DNS rebinding) is caught here, before a byte
    of the request is sent."""

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        peer = str(sock.getpeername()[0])
        if not is_public_address(peer):
            sock.close()
            raise PrivatePeer(f"host {self.host} connected to a private address {peer}; "  # type: ignore[attr-defined]
                              "not fetched")
        return sock


class _PublicHTTPConnection(_PublicPeer, urllib3.connection.HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicPeer, urllib3.connection.HTTPSConnection):
    pass


class _PublicHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter whose connections refuse non-public peers."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool, "https": _PublicHTTPSPool}


class HttpClient:
    """Fetches URLs for one source: ``allowed_hosts`` bounds where it may go."""

    def __init__(
        self,
        settings: ClientSettings,
        cache_dir: Path,
        allowed_hosts: tuple[str, ...] | list[str],
        rewrite: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.cache = HttpCache(cache_dir)
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.rewrite = rewrite.rstrip("/") if rewrite else None
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.trust_env = False  # no proxies from the environment: fetch what we are told
        if not self.rewrite:  # under replay every connection is to loopback, by design
            self.session.mount("http://", _PublicOnlyAdapter())
            self.session.mount("https://", _PublicOnlyAdapter())
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._lock = threading.Lock()
        self.requests_made = 0

    # -- policy ---------------------------------------------------------------
    def is_allowed_host(self, url: str) -> bool:
        """An http(s) URL on one of the source's hosts, on a web port (a
        redirect to another port of an allowed host reaches another service)."""
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            return False
        return (parts.scheme in ("http", "https") and (parts.hostname or "").lower() in self.allowed_hosts
                and port in (None, 80, 443))

    def _check_address(self, host: str, url: str = "") -> None:
        """Refuse a public source's host that resolves to a private address
        (not under replay, where the connection is to loopback by design)."""
        if self.rewrite:
            return
        try:
            infos = socket.getaddrinfo(host, None)
        except socket.gaierror as exc:
            raise FetchError(url or host, f"cannot resolve host {host}: {exc.strerror}") from None
        for info in infos:
            address = str(info[4][0]).split("%", 1)[0]
            if not is_public_address(address):
                raise FetchError(url or host,
                                 f"host {host} resolves to a private address {address}; not fetched")

    def _robots_allows(self, url: str) -> bool:
        if not self.settings.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                response = self._send(origin + "/robots.txt", {}, stream=True)
                body = self._read(origin + "/robots.txt", response)
                if response.status_code >= 500:
                    # RFC 9309: an unreachable robots.txt means "disallow all".
                    parser.disallow_all = True  # type: ignore[union-attr]
                elif response.status_code >= 400:
                    parser.allow_all = True  # type: ignore[union-attr]
                else:
                    parser.parse(body.decode("utf-8", errors="replace").splitlines())  # type: ignore[union-attr]
            except (requests.RequestException, FetchError):
                parser = None  # unreachable: the fetch itself will fail and say why
            self._robots[origin] = parser
        parser = self._robots[origin]
        if parser is None:
            return True
        return parser.can_fetch(self.settings.user_agent, url)

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            last = self._last_request.get(host)
            now = time.monotonic()
            if last is not None and self.settings.min_interval > 0:
                delay = last + self.settings.min_interval - now
                if delay > 0:
                    self.sleep(delay)
            self._last_request[host] = time.monotonic()

    # -- transport --------------------------------------------------------------
    def _send(self, url: str, headers: dict[str, str], stream: bool) -> requests.Response:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        self._wait_turn(host)
        send_headers = dict(headers)
        target = url
        if self.rewrite:
            target = urlunsplit((*urlsplit(self.rewrite)[:2], parts.path or "/", parts.query, ""))
            send_headers["Host"] = parts.netloc
            send_headers["X-Forwarded-Proto"] = parts.scheme
        else:
            self._check_address(host, url)
        self.requests_made += 1
        try:
            return self.session.get(
                target,
                headers=send_headers,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                allow_redirects=False,
                stream=stream,
            )
        except PrivatePeer as exc:
            raise FetchError(url, str(exc)) from None

    def _read(self, url: str, response: requests.Response) -> bytes:
        """The body, bounded by size and by a deadline for the whole response."""
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            response.close()
            raise FetchError(url, f"response of {declared} bytes is over the limit of {limit}",
                             response.status_code)
        # A body that trickles in (a byte a second) never trips the read timeout:
        # a watchdog closes the connection when the whole response takes too long.
        expired = threading.Event()

        def abort() -> None:
            expired.set()
            connection = getattr(response.raw, "connection", None) or getattr(
                response.raw, "_connection", None)
            sock = getattr(connection, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        watchdog = threading.Timer(self.settings.max_seconds, abort)
        watchdog.daemon = True
        watchdog.start()
        chunks: list[bytes] = []
        size = 0
        too_slow = FetchError(url, f"response took over {self.settings.max_seconds:g} s",
                              response.status_code)
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"response is over the limit of {limit} bytes",
                                     response.status_code)
                chunks.append(chunk)
        except requests.RequestException as exc:
            if expired.is_set():
                raise too_slow from None
            reason = _reason(exc)
            raise FetchError(url, "timed out while reading (no data for "
                             f"{self.settings.read_timeout:g} s)" if reason == "timed out"
                             else f"connection broke while reading: {reason}",
                             response.status_code) from None
        finally:
            watchdog.cancel()
            response.close()
        if expired.is_set():
            raise too_slow
        return b"".join(chunks)

    def _retry_delay(self, attempt: int, response: requests.Response | None) -> float:
        delay = self.settings.backoff * (2 ** attempt)
        if response is not None and "Retry-After" in response.headers:
            value = response.headers["Retry-After"].strip()
            if value.isdigit():
                delay = float(value)
            else:
                try:
                    when = email.utils.parsedate_to_datetime(value)
                    delay = max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
                except (TypeError, ValueError):
                    pass
        return delay

    def _request(self, url: str, headers: dict[str, str]) -> tuple[requests.Response, bytes]:
        """One URL (no redirects followed), with retries."""
        attempt = 0
        while True:
            response = None
            try:
                response = self._send(url, headers, stream=True)
                if response.status_code in RETRY_STATUSES and attempt < self.settings.retries:
                    delay = self._retry_delay(attempt, response)
                    response.close()
                    if delay > self.settings.max_retry_after:
                        raise FetchError(url, f"asked to retry after {delay:g} s, over the limit of "
                                         f"{self.settings.max_retry_after:g} s", response.status_code)
                    self.sleep(delay)
                    attempt += 1
                    continue
                return response, self._read(url, response)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.settings.retries:
                    raise FetchError(url, _reason(exc)) from None
                self.sleep(self._retry_delay(attempt, None))
                attempt += 1

    # -- the public call ----------------------------------------------------------
    def fetch(self, url: str, accept: str | None = None) -> Page:
        """GET a URL of the source, following redirects within its hosts.

        Raises :class:`FetchError` for a URL outside the source's hosts, one
        robots.txt forbids, a redirect elsewhere or in a loop, a body over the
        limits, a connection that fails after the retries, or a 4xx/5xx status
        — unless a stored copy exists, which is then returned flagged ``stale``
        along with the error (see :meth:`fetch_or_stale`).
        """
        if not self.is_allowed_host(url):
            raise FetchError(url, f"host {urlsplit(url).hostname} is not one of the source's hosts")
        seen = [url]
        current = url
        # Permanent redirects are remembered only once the whole chain has led
        # somewhere good: a redirect that loops or leaves the source must not
        # replace the last good copy of the page it came from.
        moved: list[tuple[str, int, str]] = []
        for _hop in range(self.settings.max_redirects + 1):
            if not self._robots_allows(current):
                raise FetchError(current, "robots.txt disallows it")
            cached = self.cache.get(current)
            if cached and cached.get("status") in (301, 308) and cached.get("location"):
                # A permanent redirect seen before: go straight to its target.
                target = cached["location"]
                status = cached["status"]
            else:
                headers: dict[str, str] = {"Accept": accept} if accept else {}
                if cached and cached.get("status") == 200:
                    if cached["headers"].get("etag"):
                        headers["If-None-Match"] = cached["headers"]["etag"]
                    if cached["headers"].get("last-modified"):
                        headers["If-Modified-Since"] = cached["headers"]["last-modified"]
                response, body = self._request(current, headers)
                status = response.status_code
                if status == 304 and cached and cached.get("status") == 200:
                    page = self.cache.page(current, cached, not_modified=True)
                    page.requested_url, page.redirects = url, seen[1:]
                    self._remember(moved)
                    return page
                if status not in (301, 302, 303, 307, 308):
                    page = Page(
                        url=current,
                        status=status,
                        content=body,
                        headers={k.lower(): v for k, v in response.headers.items()},
                        fetched_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                        requested_url=url,
                        redirects=seen[1:],
                    )
                    if status >= 400:
                        raise FetchError(current, f"HTTP {status}", status)
                    self._remember(moved)
                    self.cache.put(current, page)
                    first = self.cache.get(url)
                    if current != url and not (first and first.get("status") in (301, 308)):
                        self.cache.put(url, page)  # a temporary redirect: keep a copy for fallback
                    return page
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(current, f"redirect {status} without a Location", status)
                target = urljoin(current, location)
                if status in (301, 308):
                    moved.append((current, status, target))
            if not self.is_allowed_host(target):
                raise FetchError(current, f"redirects to {target}, outside the source's hosts; "
                                 "not followed", status)
            if target in seen:
                raise FetchError(current, f"redirect loop: {' -> '.join([*seen, target])}", status)
            seen.append(target)
            current = target
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects: {' -> '.join(seen)}")

    def _remember(self, moved: list[tuple[str, int, str]]) -> None:
        for source, status, target in moved:
            self.cache.put_redirect(source, status, target)

    def stored(self, url: str) -> Page | None:
        """The last good copy of a URL (through permanent redirects), if any."""
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            cached = self.cache.get(current)
            if cached and cached.get("status") == 200:
                page = self.cache.page(current, cached, stale=True)
                page.requested_url = url
                return page
            if not (cached and cached.get("location")):
                return None
            current = cached["location"]
        return None

    def close(self) -> None:
        self.session.close()


def _reason(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, requests.Timeout) or "timed out" in text:
        return "timed out"
    for marker in ("Name or service not known", "Temporary failure in name resolution",
                   "nodename nor servname", "No address associated"):
        if marker in text:
            return "cannot resolve the host name (DNS failure)"
    if "Connection refused" in text:
        return "connection refused"
    if "Connection reset" in text or "RemoteDisconnected" in text:
        return "connection reset by the server"
    return text.splitlines()[0][:300] if text else type(exc).__name__
