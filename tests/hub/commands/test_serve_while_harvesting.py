"""Serving while harvesting: `ogh serve --workers 3` on loopback answers
search, entity pages and /sparql from several client threads while harvests
(and an `ogh index` rebuild) change the data underneath, again and again.

One forum thread of the recorded corpus has a second version (a new title and a
second post). Harvests switch the source between the two; the clients check
that no request fails and that every answer belongs to one version whole: the
count of the source's triples is one of the two known counts, and it comes
with that version's title in the same answer; an entity page and a search hit
show one version's title and text; the search index, rebuilt while clients
search, answers as before. After each harvest the next answers from every
worker show the new version: the workers follow published snapshots and index
generations without a restart (their process ids stay the same)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests

from hub.settings import load_config
from hub.store import open_store
from tests.conftest import CORPUS
from tests.hub.sparql.server import Server, hub_env, ogh, serving

pytestmark = pytest.mark.slow

FORUM = "https://w3id.org/ogh/graph/source/ukogn-forum"
THREAD = "ukogn-forum/t/msf-thematic-groups-and-the-continuing-crisis/1877.json"
TITLE = "MSF, Thematic Groups, and the Continuing Crisis"
NEW_TITLE = TITLE + " (quokka edition)"
NEW_POST = "A second post about the quokka consultation."
DCT = "http://purl.org/dc/terms/"


def second_version(corpus: Path, target: Path) -> Path:
    """A copy of the corpus where the forum thread has a new title and a second post."""
    shutil.copytree(corpus, target)
    path = target / THREAD
    topic = json.loads(path.read_text(encoding="utf-8"))
    topic["title"] = topic["fancy_title"] = NEW_TITLE
    post = dict(topic["post_stream"]["posts"][0])
    post.update(id=post["id"] + 100_000, post_number=2, cooked=f"<p>{NEW_POST}</p>")
    topic["post_stream"]["posts"].append(post)
    topic["posts_count"] = 2
    path.write_text(json.dumps(topic), encoding="utf-8")
    return target


def snapshot_facts(data_dir: Path) -> tuple[int, str]:
    """The forum graph's size and the thread's title in the published snapshot."""
    config = load_config(overrides={"hub.data_dir": str(data_dir)})
    with open_store(config) as store:
        rows = store.select(f"SELECT ?t WHERE {{ GRAPH <{FORUM}> {{ ?d <{DCT}title> ?t }} "
                            f"FILTER(STRSTARTS(STR(?t), {json.dumps(TITLE)})) }}")
        return store.count(FORUM), str(rows[0]["t"])


class Clients:
    """Threads asking the server over and over; what they saw, and what went wrong."""

    def __init__(self, base: str, document: str, known: dict[str, tuple[int, str]]) -> None:
        self.base = base
        self.document = document
        self.known = known  # version -> (forum triples, title)
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.seen: Counter[str] = Counter()
        self.requests = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(4)]

    def __enter__(self) -> Clients:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def _fail(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def _version_of(self, title: str) -> str | None:
        return next((v for v, (_, t) in self.known.items() if t == title), None)

    def _run(self, n: int) -> None:
        session = requests.Session()
        checks = [self.sparql, self.entity, self.search, self.search_page]
        i = n
        while not self.stop.is_set():
            check = checks[i % len(checks)]
            i += 1
            try:
                check(session)
            except Exception as exc:  # a refused connection, a timeout: a failure too
                self._fail(f"{check.__name__}: {type(exc).__name__}: {exc}")
            with self.lock:
                self.requests += 1

    def sparql(self, session: requests.Session) -> None:
        query = (f"SELECT ?n ?title WHERE {{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{FORUM}> "
                 f"{{ ?s ?p ?o }} }} }} GRAPH <{FORUM}> {{ <{self.document}> <{DCT}title> ?title }} }}")
        r = session.post(f"{self.base}/sparql", data={"query": query},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
        if r.status_code != 200:
            return self._fail(f"sparql: {r.status_code} {r.text[:200]}")
        rows = r.json()["results"]["bindings"]
        pair = (int(rows[0]["n"]["value"]), rows[0]["title"]["value"]) if len(rows) == 1 else None
        version = next((v for v, known in self.known.items() if known == pair), None)
        if version is None:
            return self._fail(f"sparql: {pair or rows} is neither version's (count, title)")
        with self.lock:
            self.seen[f"sparql:{version}"] += 1

    def entity(self, session: requests.Session) -> None:
        r = session.get(f"{self.base}{self.document[len('https://w3id.org/ogh'):]}",
                        headers={"Accept": "application/json"}, timeout=30)
        if r.status_code != 200:
            return self._fail(f"entity: {r.status_code} {r.text[:200]}")
        entity = r.json()["entity"]
        version = self._version_of(entity["title"])
        if version is None or (NEW_POST in (entity.get("text") or "")) != (version == "new"):
            return self._fail(f"entity: title {entity['title']!r} with text of the other version")
        with self.lock:
            self.seen[f"entity:{version}"] += 1

    def search(self, session: requests.Session) -> None:
        r = session.get(f"{self.base}/search", params={"q": "quokka", "format": "json"}, timeout=30)
        if r.status_code != 200:
            return self._fail(f"search: {r.status_code} {r.text[:200]}")
        data = r.json()
        titles = {hit["title"] for hit in data["results"]}
        if data["total"] == 0:
            version = "old"
        elif NEW_TITLE in titles and TITLE not in titles:
            version = "new"
        else:
            return self._fail(f"search: {data['total']} hits for quokka: {sorted(titles)}")
        with self.lock:
            self.seen[f"search:{version}"] += 1

    def search_page(self, session: requests.Session) -> None:
        r = session.get(f"{self.base}/search", params={"q": "thematic groups"}, timeout=30)
        if r.status_code != 200 or "Thematic Groups" not in r.text:
            return self._fail(f"search page: {r.status_code}")
        with self.lock:
            self.seen["search page"] += 1


def _now_everywhere(base: str, document: str, expected: tuple[int, str], quokka_hits: bool) -> None:
    """Right after a harvest, every answer (any worker's) shows the new version."""
    query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{FORUM}> {{ ?s ?p ?o }} }}")
    for _ in range(12):  # three workers: each is asked several times
        r = requests.post(f"{base}/sparql", data={"query": query},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == expected[0]
        entity = requests.get(f"{base}{document[len('https://w3id.org/ogh'):]}",
                              headers={"Accept": "application/json"}, timeout=30).json()["entity"]
        assert entity["title"] == expected[1]
        hits = requests.get(f"{base}/search", params={"q": "quokka", "format": "json"}, timeout=30).json()
        assert (hits["total"] > 0) == quokka_hits


def test_workers_answer_whole_versions_while_harvests_change_the_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = hub_env(data_dir)
    old = CORPUS
    new = second_version(CORPUS, tmp_path / "corpus-new")
    ogh("harvest", "--replay", str(old), env=env)
    ogh("index", env=env)
    # The two versions' facts, read from the published snapshot.
    known = {"old": snapshot_facts(data_dir)}
    ogh("harvest", "ukogn-forum", "--replay", str(new), env=env)
    known["new"] = snapshot_facts(data_dir)
    assert known["new"][0] > known["old"][0] and known["new"][1] == NEW_TITLE
    ogh("harvest", "ukogn-forum", "--replay", str(old), env=env)
    assert snapshot_facts(data_dir) == known["old"]

    # Every client is 127.0.0.1: no rate limit, or the test would meet it rather than the data.
    with serving(data_dir, server_workers=3, server_threads=4, sparql_workers=2,
                 server_rate_limit=0) as base:
        document = _document(base)
        workers = _web_workers(base)
        assert len(workers) == 3
        with Clients(base, document, known) as clients:
            time.sleep(1)
            for round_ in range(3):
                ogh("harvest", "ukogn-forum", "--replay", str(new), env=env)
                _now_everywhere(base, document, known["new"], quokka_hits=True)
                if round_ == 1:
                    ogh("index", env=env)  # a full rebuild while clients search
                    _now_everywhere(base, document, known["new"], quokka_hits=True)
                ogh("harvest", "ukogn-forum", "--replay", str(old), env=env)
                _now_everywhere(base, document, known["old"], quokka_hits=False)
            time.sleep(0.5)
        assert _web_workers(base) == workers, "no worker was restarted"

    assert not clients.errors, f"{len(clients.errors)} of {clients.requests} requests failed: " \
                               f"{clients.errors[:5]}"
    for kind in ("sparql", "entity", "search"):
        assert clients.seen[f"{kind}:old"] and clients.seen[f"{kind}:new"], clients.seen
    assert clients.requests > 100, clients.requests


def _document(base: str) -> str:
    query = (f"SELECT ?d WHERE {{ GRAPH <{FORUM}> {{ ?d <{DCT}title> ?t ; "
             f"a <https://w3id.org/ogh/def/Document> }} FILTER(STR(?t) = {json.dumps(TITLE)}) }}")
    r = requests.get(f"{base}/sparql", params={"query": query}, timeout=30)
    rows: list[dict[str, Any]] = r.json()["results"]["bindings"]
    assert len(rows) == 1, rows
    return rows[0]["d"]["value"]


def _web_workers(server: Server) -> list[int]:
    """The gunicorn processes of the server (master and workers), not the query processes."""
    return sorted(p for p in server.processes("hub.cli") if p != server.pid)
