"""``ogh demo``: what `make run` runs."""

from __future__ import annotations

import argparse

from hub.commands import stats
from hub.settings import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="what `make run` runs: show what the hub holds")
    p.set_defaults(func=run, json=False)


def run(args: argparse.Namespace, config: Config) -> int:
    return stats.run(args, config)
