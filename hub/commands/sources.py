"""``ogh sources``: every source's last harvest."""

from __future__ import annotations

import argparse

from hub.commands._common import print_json
from hub.provenance import source_status
from hub.settings import Config
from hub.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sources", help="show each source's last harvest",
        description="Per source: the last run's time and outcome, documents fetched / not "
        "modified / failed, entities by kind, and its errors.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    with open_store(config) as store:
        status = source_status(store, config)
    if args.json:
        print_json(status)
        return 0
    for s in status:
        last = s["last_run"]
        if last is None:
            print(f"{s['id']:12} never harvested")
            continue
        print(f"{s['id']:12} {last.get('outcome', '?'):10} {last.get('ended', '')}  "
              f"{last.get('fetched', 0)} fetched, {last.get('not_modified', 0)} not modified, "
              f"{last.get('failed', 0)} failed; {s['triples']} triples")
        if last.get("reason"):
            print(f"{'':12} why: {last['reason']}")
        if last.get("outcome") == "failed" and s["last_success"]:
            print(f"{'':12} keeps the graph of {s['last_success'].get('ended')}")
        for e in last.get("errors", [])[:10]:
            status_text = (f"HTTP {e['status']} " if e.get("status") and not e["reason"].startswith("HTTP")
                           else "")
            print(f"{'':12} error: {e['url']}: {status_text}{e['reason']}")
    return 0
