"""Harvest benchmark: documents per second through the replay server, the
re-harvest of an unchanged source against the first harvest, and the
harvest's time against the bare parse of the same bodies.

    python -m bench.harvest [--topics 3000] [--skip-corpus] [--workdir DIR]

Two corpora, each replayed over HTTP on loopback by
:class:`harvesters.replay.ReplayServer` (in this process) while the harvest
runs in a child process, as ``ogh harvest`` does it (fetch, parse, map, write
the graph, update the search index):

* the **recorded corpus** (``tests/fixtures/corpus``, every source);
* a **synthetic forum**: a Discourse site of ``--topics`` threads (one to six
  posts of a few hundred words, some naming action plans, some meeting
  read-outs), listed thirty to a page, written as a replay corpus of the same
  shape as the recorded one and harvested by the Discourse harvester.

Timed for each: the first harvest into an empty store; the same harvest again
with nothing changed (the source answers 304 to every conditional request:
the re-harvest ratio is this time over the first); and, for the forum, the
harvest after one thread changed. The baseline, in the same run, is the bare
parse of every body the harvest read: ``json.loads`` of JSON with ``lxml`` for
the HTML inside it, ``lxml`` for HTML and XML (the fastest of five runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PROJECT, env_for, own_peak_mb, run_child

CORPUS = PROJECT / "tests" / "fixtures" / "corpus"
FORUM_ID = "bench-forum"
FORUM = "https://forum.bench.test"
PER_PAGE = 30

MSF = 'name = "UK Multi-Stakeholder Forum", kind = "forum"'
FORUM_SOURCE = f'''
[[source]]
id = "{FORUM_ID}"
name = "Synthetic forum (benchmarks)"
jurisdiction = "uk"
publisher = "UK Open Government Civil Society Network"
harvester = "discourse"
base_url = "{FORUM}"
hosts = ["forum.bench.test"]
entry_points = ["{FORUM}/latest.json?per_page={PER_PAGE}"]
licence = "https://creativecommons.org/licenses/by-nc-sa/3.0/"
[source.options]
max_pages = 100000
follow_suggested = false
meeting_bodies = [
  {{ pattern = "multi[- ]?stakeholder forum|\\\\bMSF\\\\b", {MSF} }},
]
'''

PLANS = ["UK National Action Plan for Open Government 2021-2023", "the 2019-2021 National Action Plan",
         "Scotland's Open Government Action Plan 2021-2025", "the fifth National Action Plan"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


# ---------------------------------------------------------------- the synthetic forum


def _paragraphs(rng: random.Random, words: int) -> str:
    from bench import synthetic

    out = []
    while words > 0:
        n = min(words, rng.randint(25, 90))
        theme = rng.choice(synthetic.THEMES)
        text = " ".join(rng.choice(synthetic.WORDS) for _ in range(n))
        if rng.random() < 0.3:
            text += f", as set out in {rng.choice(PLANS)}"
        if rng.random() < 0.2:
            slug = theme.replace(" ", "-")
            text += f' (see <a href="https://www.gov.uk/government/news/{slug}">{theme}</a>)'
        out.append(f"<p>{text.capitalize()} on {theme}.</p>")
        words -= n
    return "\n".join(out)


def _topic(rng: random.Random, topic_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A topic's JSON and its entry in a topic list."""
    from bench import synthetic

    year = rng.randint(2015, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    created = f"{year}-{month:02d}-{day:02d}T{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:00.000Z"
    kind = rng.random()
    if kind < 0.08:
        title = f"Read out from the {day} {MONTHS[month - 1]} {year} Multi-Stakeholder Forum"
    elif kind < 0.18:
        title = f"Feedback on {rng.choice(PLANS)}"
    else:
        title = f"{rng.choice(synthetic.THEMES).capitalize()}: {' '.join(rng.sample(synthetic.WORDS, 5))}"
    slug = "-".join(title.lower().replace(":", "").split())[:80]
    posts = []
    for n in range(1, rng.randint(1, 6) + 1):
        name = f"Member {rng.randint(1, 300)}"
        posts.append({
            "id": topic_id * 10 + n, "name": name, "username": name.lower().replace(" ", ""),
            "created_at": created, "cooked": _paragraphs(rng, rng.randint(60, 320)),
            "post_number": n, "post_type": 1, "topic_id": topic_id, "topic_slug": slug,
            "actions_summary": [{"id": 2, "count": rng.randint(0, 9)}],
        })
    topic = {"id": topic_id, "title": title, "fancy_title": title, "slug": slug, "created_at": created,
             "last_posted_at": created, "posts_count": len(posts), "like_count": rng.randint(0, 30),
             "post_stream": {"posts": posts, "stream": [p["id"] for p in posts]},
             "suggested_topics": [], "details": {}}
    listed = {"id": topic_id, "title": title, "fancy_title": title, "slug": slug, "posts_count": len(posts),
              "created_at": created, "last_posted_at": created, "like_count": topic["like_count"]}
    return topic, listed


def forum_corpus(root: Path, topics: int, seed: int = 3) -> Path:
    """A replay corpus of one synthetic Discourse forum under ``root``."""
    rng = random.Random(seed)
    folder = root / FORUM_ID
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "t").mkdir(parents=True)
    responses = []
    listed = []
    for i in range(topics):
        topic_id = 10_000 + i
        data, entry = _topic(rng, topic_id)
        name = f"t/{topic_id}.json"
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
        responses.append({"url": f"{FORUM}/t/{data['slug']}/{topic_id}.json", "status": 200,
                          "content_type": "application/json; charset=utf-8", "file": name})
        listed.append(entry)
    pages = max(1, -(-topics // PER_PAGE))
    for page in range(pages):
        chunk = listed[page * PER_PAGE:(page + 1) * PER_PAGE]
        more = f"/latest?page={page + 1}&per_page={PER_PAGE}" if page + 1 < pages else None
        body = {"users": [], "topic_list": {"per_page": PER_PAGE, "topics": chunk,
                                            **({"more_topics_url": more} if more else {})}}
        name = f"latest-{page}.json"
        (folder / name).write_text(json.dumps(body), encoding="utf-8")
        url = f"{FORUM}/latest.json?per_page={PER_PAGE}" + (f"&page={page}" if page else "")
        responses.append({"url": url, "status": 200, "content_type": "application/json; charset=utf-8",
                          "file": name})
    manifest = {"source": FORUM_ID, "base_url": FORUM, "entry_points": [responses[-pages]["url"]],
                "synthetic": True, "responses": responses}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return root


def config_folder(path: Path) -> Path:
    """The project's configuration with the synthetic forum added as a source."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "config" / "hub.toml", path / "hub.toml")
    sources = (PROJECT / "config" / "sources.toml").read_text(encoding="utf-8")
    (path / "sources.toml").write_text(sources + "\n" + FORUM_SOURCE, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the bare parse


def raw_parse(bodies: list[tuple[bytes, str]]) -> None:
    """Parse every body as plainly as it can be parsed."""
    import lxml.etree
    import lxml.html

    def html_inside(value: Any) -> None:
        if isinstance(value, str):
            if value.lstrip().startswith("<"):
                lxml.html.fromstring(value)
        elif isinstance(value, dict):
            for v in value.values():
                html_inside(v)
        elif isinstance(value, list):
            for v in value:
                html_inside(v)

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    for body, content_type in bodies:
        if not body.strip():
            continue
        if "json" in content_type:
            html_inside(json.loads(body))
        elif "html" in content_type:
            lxml.html.fromstring(body)
        elif "xml" in content_type or "rss" in content_type or "atom" in content_type:
            lxml.etree.fromstring(body, parser)


def _bodies(server: Any) -> list[tuple[bytes, str]]:
    out = []
    for recorded in server.entries.values():
        if recorded.status == 200:
            ctype = next((v for k, v in recorded.headers.items() if k.lower() == "content-type"), "")
            out.append((recorded.body, ctype.lower()))
    return out


def raw_parse_seconds(bodies: list[tuple[bytes, str]], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        raw_parse(bodies)
        best = min(best, time.perf_counter() - started)
    return best


# ---------------------------------------------------------------- a harvest, in a child


def child(argv: list[str]) -> int:
    """``python -m bench.harvest child CONFIG DATA REWRITE SOURCE...``: harvest
    the sources as ``ogh harvest`` does; one line of JSON."""
    from hub.runner import derived_updates, harvest_source
    from hub.settings import load_config

    config_dir, data_dir, rewrite, *sources = argv
    config = load_config(config_dir, overrides={"hub.data_dir": data_dir,
                                                "harvest.max_documents": 1_000_000})
    started = time.perf_counter()
    results = [harvest_source(config, config.source(s), rewrite=rewrite, after_write=derived_updates)
               for s in sources]
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds,
        "documents": sum(r.fetched + r.not_modified for r in results),
        "fetched": sum(r.fetched for r in results),
        "not_modified": sum(r.not_modified for r in results),
        "failed": sum(r.failed for r in results),
        "triples": sum(r.triples for r in results),
        "outcomes": {r.source: r.outcome for r in results},
        "entities": sum(sum(r.entities.values()) for r in results),
        "peak_mb": own_peak_mb(),
    }))
    return 0


def _harvest(config_dir: Path, data_dir: Path, rewrite: str, sources: list[str]) -> dict[str, Any]:
    return run_child(["bench.harvest", "child", str(config_dir), str(data_dir), rewrite, *sources],
                     env=env_for(data_dir))


def _change_one(server: Any, source: str) -> None:
    """One topic of the forum gets a new title and a new post (a new ETag)."""
    recordings = server.by_source[source]
    key = next(k for k in sorted(recordings) if "/t/" in k[2])
    recorded = recordings[key]
    topic = json.loads(recorded.body)
    topic["title"] += " (updated)"
    post = dict(topic["post_stream"]["posts"][0])
    post.update(id=post["id"] + 9, post_number=len(topic["post_stream"]["posts"]) + 1,
                cooked="<p>A reply added since the last harvest.</p>")
    topic["post_stream"]["posts"].append(post)
    topic["post_stream"]["stream"].append(post["id"])
    recorded.body = json.dumps(topic).encode()
    recorded.headers = {k: v for k, v in recorded.headers.items() if k.lower() != "etag"}
    recorded.headers["ETag"] = '"' + hashlib.sha256(recorded.body).hexdigest()[:16] + '"'
    server.entries[key] = recorded


def bench_corpus(name: str, root: Path, sources: list[str], config_dir: Path, workdir: Path,
                 change: str | None = None) -> dict[str, Any]:
    from harvesters.replay import ReplayServer

    data_dir = workdir / f"data-{name}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    with ReplayServer(root) as server:
        bodies = _bodies(server)
        parse_s = raw_parse_seconds(bodies)
        first = _harvest(config_dir, data_dir, server.url, sources)
        again = _harvest(config_dir, data_dir, server.url, sources)
        changed = None
        if change:
            _change_one(server, change)
            changed = _harvest(config_dir, data_dir, server.url, sources)
    out: dict[str, Any] = {
        "sources": len(sources),
        "documents": first["documents"],
        "bodies_bytes": sum(len(b) for b, _ in bodies),
        "entities": first["entities"],
        "triples": first["triples"],
        "first_s": round(first["seconds"], 3),
        "docs_per_s": round(first["documents"] / first["seconds"], 1),
        "reharvest_unchanged_s": round(again["seconds"], 3),
        "reharvest_ratio": round(again["seconds"] / first["seconds"], 4),
        "reharvest_outcomes": sorted(set(again["outcomes"].values())),
        "raw_parse_s": round(parse_s, 4),
        "vs_raw_parse": round(first["seconds"] / parse_s, 1),
        "peak_mb": max(first["peak_mb"], again["peak_mb"]),
    }
    if changed is not None:
        out["reharvest_one_changed_s"] = round(changed["seconds"], 3)
        out["reharvest_one_changed_ratio"] = round(changed["seconds"] / first["seconds"], 4)
        out["peak_mb"] = max(out["peak_mb"], changed["peak_mb"])
    return out


def run(topics: int, workdir: Path, corpus: bool = True) -> dict[str, Any]:
    from hub.settings import load_config

    config_dir = config_folder(workdir / "config")
    out: dict[str, Any] = {}
    if corpus:
        sources = [s for s in load_config(config_dir).sources if s != FORUM_ID]
        out["corpus"] = bench_corpus("corpus", CORPUS, sources, config_dir, workdir)
    root = forum_corpus(workdir / "forum-corpus", topics)
    out["forum"] = {"topics": topics,
                    **bench_corpus("forum", root, [FORUM_ID], config_dir, workdir, change=FORUM_ID)}
    return out


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["child"]:
        return child(args_list[1:])
    parser = argparse.ArgumentParser(prog="python -m bench.harvest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--topics", type=int, default=3000, help="threads of the synthetic forum")
    parser.add_argument("--skip-corpus", action="store_true", help="leave out the recorded corpus")
    parser.add_argument("--workdir", help="work here (kept) instead of a temporary folder")
    args = parser.parse_args(args_list)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="ogh-bench-harvest-"))
    try:
        result = run(args.topics, workdir, corpus=not args.skip_corpus)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({"harvest": result}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
