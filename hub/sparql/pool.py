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
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
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

    def __init__(self, data_dir: Path | str, size: int = 2, queue_timeout: float = 10.0) -> None:
        self.data_dir = Path(data_dir)
        self.size = size
        self.queue_timeout = queue_timeout
        self.pid = os.getpid()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        for _ in range(size):
            self._start()
        atexit.register(self.close)

    def _start(self) -> None:
        worker = Worker(self.data_dir)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        self.killed += 1
        if not self._closed:
            self._start()

    def run(self, job: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Run a job within ``timeout`` seconds (waiting for a free worker
        does not count); raises :class:`QueryTimeout`, :class:`PoolBusy` or
        :class:`WorkerFailed`."""
        if self._closed:
            raise WorkerFailed("the query pool is closed")
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise PoolBusy(
                f"all {self.size} query processes are busy; try again shortly"
            ) from None
        try:
            result = worker.call(job, _Deadline(timeout))
        except PoolError:
            self._retire(worker)
            raise
        except BaseException:
            # Interrupted mid-answer: the pipe may hold half a message.
            self._retire(worker)
            raise
        self._idle.put(worker)
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
