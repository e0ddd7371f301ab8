"""A small pool of query processes, each killable.

pyoxigraph has no way to stop a running query, and a query that runs for
minutes would hold a web thread and a core for as long. So queries run in
worker processes (:mod:`hub.sparql.worker`): the web thread sends a job and
waits for the answer until the deadline; past it, the worker is killed with
SIGKILL and a fresh one started in its place. A heavy query therefore costs at
most the timeout and one worker, and the other workers keep answering.

Each web process has its own pool (created on first use, and again after a
fork). Jobs wait for a free worker for at most ``queue_timeout`` seconds; then
the endpoint answers 503 with ``Retry-After``.

The wait is fair between clients: a freed worker goes to the waiting job of
the client (its address) with the fewest jobs running, then of the client
served longest ago, then to the longest waiting; and one client may have at
most ``per_client`` jobs running or waiting in this process (more are refused
at once). A client that floods
the endpoint with heavy queries therefore holds a few workers and threads at
most, and another client's query runs as soon as a worker is free.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from hub.sparql import wire

_PROJECT = str(Path(__file__).resolve().parent.parent.parent)


class PoolError(RuntimeError):
    """A query could not be run; the message says why."""


class QueryTimeout(PoolError):
    pass


class PoolBusy(PoolError):
    pass


class WorkerFailed(PoolError):
    pass


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()


class Worker:
    """One query process and its two pipes."""

    def __init__(self, data_dir: Path) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hub.sparql.worker", str(data_dir), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in = self.process.stdin
        self._out = self.process.stdout.fileno()
        self._pending = bytearray()
        self.ready = False
        self.jobs = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def call(self, job: dict[str, Any], deadline: _Deadline) -> tuple[dict[str, Any], bytes]:
        try:
            wire.send(self._in, job)  # type: ignore[arg-type]
        except (BrokenPipeError, OSError) as exc:
            raise WorkerFailed(f"the query process {self.pid} is gone ({exc})") from None
        while True:
            header, body = self._receive(deadline)
            if header.get("ready"):
                self.ready = True
                continue
            self.jobs += 1
            return header, body

    def _receive(self, deadline: _Deadline) -> tuple[dict[str, Any], bytes]:
        prefix = self._read(12, deadline)
        head_len = int.from_bytes(prefix[:4], "big")
        body_len = int.from_bytes(prefix[4:], "big")
        head = self._read(head_len, deadline)
        body = self._read(body_len, deadline) if body_len else b""
        return json.loads(head), body

    def _read(self, n: int, deadline: _Deadline) -> bytes:
        while len(self._pending) < n:
            left = deadline.left()
            if left <= 0:
                raise QueryTimeout("timeout")
            ready, _, _ = select.select([self._out], [], [], left)
            if not ready:
                raise QueryTimeout("timeout")
            chunk = os.read(self._out, max(n - len(self._pending), 1 << 20))
            if not chunk:
                code = self.process.poll()
                raise WorkerFailed(
                    f"the query process {self.pid} stopped"
                    + (f" (exit status {code})" if code is not None else "")
                )
            self._pending += chunk
        data = bytes(self._pending[:n])
        del self._pending[:n]
        return data

    def kill(self) -> None:
        """Stop the process at once; reaped in the background."""
        with contextlib.suppress(OSError):
            self.process.kill()

        def reap() -> None:
            with contextlib.suppress(Exception):
                self.process.wait(timeout=30)
            for f in (self.process.stdin, self.process.stdout):
                with contextlib.suppress(Exception):
                    f.close()  # type: ignore[union-attr]

        threading.Thread(target=reap, daemon=True).start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._in.close()
        try:
            self.process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            self.kill()


class QueryPool:
    """``size`` workers over the snapshots in ``data_dir``."""

    def __init__(self, data_dir: Path | str, size: int = 2, queue_timeout: float = 10.0,
                 per_client: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.size = size
        self.queue_timeout = queue_timeout
        self.per_client = per_client or 2 * size
        self.pid = os.getpid()
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._turns = threading.Condition(threading.Lock())
        self._waiting: list[tuple[object, str]] = []  # (ticket, client), oldest first
        self._running: dict[str, int] = {}
        self._served: dict[str, int] = {}  # client -> turn it was last given a worker
        self._turn = 0
        self._closed = False
        self.killed = 0
        for _ in range(size):
            self._start()
        atexit.register(self.close)

    def _start(self) -> None:
        worker = Worker(self.data_dir)
        with self._lock:
            self._all.add(worker)
        with self._turns:
            self._idle.append(worker)
            self._turns.notify_all()

    def _retire(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        self.killed += 1
        if not self._closed:
            self._start()

    def _next(self) -> object:
        """The ticket served next: of the client with the fewest jobs running,
        then of the one served longest ago, the oldest (``min`` keeps the first)."""
        return min(self._waiting,
                   key=lambda w: (self._running.get(w[1], 0), self._served.get(w[1], -1)))[0]

    def _acquire(self, client: str) -> Worker:
        ticket = object()
        deadline = time.monotonic() + self.queue_timeout
        with self._turns:
            held = self._running.get(client, 0) + sum(1 for _, c in self._waiting if c == client)
            if held >= self.per_client:
                raise PoolBusy(f"{held} queries from your address are running or waiting here, "
                               f"the most one client may have at once; try again when one ends")
            self._waiting.append((ticket, client))
            try:
                while not (self._idle and self._next() is ticket):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise PoolBusy(f"all {self.size} query processes are busy; try again shortly")
                    self._turns.wait(left)
                worker = self._idle.pop()
                self._running[client] = self._running.get(client, 0) + 1
                self._turn += 1
                self._served[client] = self._turn
                if len(self._served) > 4096:  # forget clients with nothing here
                    busy = set(self._running) | {c for _, c in self._waiting}
                    self._served = {c: t for c, t in self._served.items() if c in busy}
                return worker
            finally:
                self._waiting = [w for w in self._waiting if w[0] is not ticket]
                self._turns.notify_all()

    def _release(self, client: str, worker: Worker | None) -> None:
        with self._turns:
            left = self._running.get(client, 0) - 1
            if left > 0:
                self._running[client] = left
            else:
                self._running.pop(client, None)
            if worker is not None:
                self._idle.append(worker)
            self._turns.notify_all()

    def run(self, job: dict[str, Any], timeout: float, client: str = "") -> tuple[dict[str, Any], bytes]:
        """Run a job within ``timeout`` seconds (waiting for a free worker
        does not count); raises :class:`QueryTimeout`, :class:`PoolBusy` or
        :class:`WorkerFailed`. ``client`` (an address) is whose turn it is."""
        if self._closed:
            raise WorkerFailed("the query pool is closed")
        worker = self._acquire(client)
        try:
            result = worker.call(job, _Deadline(timeout))
        except BaseException:
            # Stopped at the deadline, or interrupted mid-answer (the pipe may
            # hold half a message): the worker is replaced.
            self._release(client, None)
            self._retire(worker)
            raise
        self._release(client, worker)
        return result

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._all)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.close()
