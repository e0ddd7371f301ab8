"""A private Virtuoso Open Source server for tests and benchmarks.

Started from a copy of the Debian package's ``virtuoso.ini`` with every file in
one folder and free ports, so it never touches a system instance; SPARQL Update
is granted to the anonymous ``SPARQL`` user, and the server is stopped by its
process id. ``python -m tests.virtuoso FOLDER`` runs one in the foreground (for
trying queries by hand).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

STOCK_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
SERVER = "virtuoso-t"
ISQL = "isql-vt"


def available() -> bool:
    return shutil.which(SERVER) is not None and shutil.which(ISQL) is not None and STOCK_INI.is_file()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_ini(stock: str, folder: Path, sql_port: int, http_port: int,
                extra: dict[str, dict[str, str]] | None = None) -> str:
    """The stock configuration with its files in ``folder`` and its ports
    changed; ``extra`` sets other keys, by section (only keys the stock file
    has, commented out or not)."""
    files = {
        "Database": {
            "DatabaseFile": "virtuoso.db", "ErrorLogFile": "virtuoso.log",
            "LockFile": "virtuoso.lck", "TransactionFile": "virtuoso.trx",
            "xa_persistent_file": "virtuoso.pxa",
        },
        "TempDatabase": {"DatabaseFile": "virtuoso-temp.db", "TransactionFile": "virtuoso-temp.trx"},
    }
    values = {
        "Parameters": {"ServerPort": str(sql_port),
                       "DirsAllowed": f"., {folder}, /usr/share/virtuoso-opensource-7/vad"},
        "HTTPServer": {"ServerPort": str(http_port)},
        "URIQA": {"DefaultHost": f"127.0.0.1:{http_port}"},
    }
    for section, names in files.items():
        values.setdefault(section, {}).update({k: str(folder / v) for k, v in names.items()})
    for section, names in (extra or {}).items():
        values.setdefault(section, {}).update(names)
    out = []
    section = ""
    done: set[tuple[str, str]] = set()
    for line in stock.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
        elif "=" in stripped and not stripped.startswith(";"):
            key = stripped.split("=", 1)[0].strip()
            if key in values.get(section, {}) and (section, key) not in done:
                line = f"{key} = {values[section][key]}"
                done.add((section, key))
            elif (section, key) in done:
                line = ";" + line  # set once only
        out.append(line)
    return "\n".join(out) + "\n"


class Virtuoso:
    """One private server. ``start()`` returns once it answers SPARQL queries."""

    def __init__(self, folder: Path, settings: dict[str, dict[str, str]] | None = None) -> None:
        self.folder = Path(folder)
        #: ini keys to change, by section (benchmarks give the server more memory)
        self.settings = settings or {}
        self.sql_port = free_port()
        self.http_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._baseline: set[str] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_store_url(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    def start(self, wait: float = 60.0) -> Virtuoso:
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(private_ini(STOCK_INI.read_text(), self.folder, self.sql_port, self.http_port,
                                   self.settings))
        log = open(self.folder / "stdout.log", "wb")  # noqa: SIM115 - kept open for the process
        self.process = subprocess.Popen(
            [SERVER, "+configfile", str(ini), "+foreground"], cwd=self.folder,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Virtuoso stopped while starting:\n{self.log_tail()}")
            try:
                r = requests.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2)
                if r.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Virtuoso did not answer within {wait:g} s:\n{self.log_tail()}")
            time.sleep(0.25)
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        self._baseline = self.graphs()
        return self

    def config(self) -> dict[str, object]:
        """Settings (``load_config`` overrides) for a hub on this server."""
        return {"store.backend": "sparql", "store.query_url": self.sparql_url,
                "store.update_url": self.sparql_url, "store.graph_store_url": self.graph_store_url,
                "store.timeout": 30.0}

    def query(self, query: str) -> list[dict[str, str]]:
        """A SELECT straight to the server (no hub in between): rows of values."""
        r = requests.post(self.sparql_url, data={"query": query},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
        r.raise_for_status()
        return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]

    def graphs(self) -> set[str]:
        return {row["g"] for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}

    def reset(self) -> None:
        """Drop every graph stored since the server started (its own stay)."""
        extra = sorted(self.graphs() - self._baseline)
        if extra:
            update = " ; ".join(f"DROP SILENT GRAPH <{g}>" for g in extra)
            requests.post(self.sparql_url, data={"update": update}, timeout=60).raise_for_status()

    def isql(self, statement: str) -> str:
        done = subprocess.run(
            [ISQL, str(self.sql_port), "dba", "dba", f"exec={statement}"],
            capture_output=True, text=True, timeout=60, check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql {statement!r} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def log_tail(self, lines: int = 30) -> str:
        texts = []
        for name in ("virtuoso.log", "stdout.log"):
            path = self.folder / name
            if path.exists():
                texts += path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(texts)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


if __name__ == "__main__":
    server = Virtuoso(Path(sys.argv[1])).start()
    print(f"Virtuoso: {server.sparql_url} (SQL port {server.sql_port}); Ctrl-C stops it", flush=True)
    try:
        server.process.wait()  # type: ignore[union-attr]
    except KeyboardInterrupt:
        server.stop()
