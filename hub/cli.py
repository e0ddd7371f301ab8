"""``ogh``: the hub's command line.

Each sub-command lives in its own module under :mod:`hub.commands`; this module
finds them, reads the configuration and turns the hub's own errors into one
clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from hub import __version__
from hub.settings import ConfigError, load_config


class CommandError(Exception):
    """A command that cannot do what was asked; its message is shown as is."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ogh",
        description="Open Government Hub: harvest, search and publish the UK's open "
        "government action plans, commitments and meetings as one graph.",
    )
    parser.add_argument("--version", action="version", version=f"ogh {__version__}")
    parser.add_argument(
        "--config", metavar="DIR", help="another config folder (default: $OGH_CONFIG or config/)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    import hub.commands

    for info in sorted(pkgutil.iter_modules(hub.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"hub.commands.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from hub.store import StoreError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        config = load_config(args.config)
        return int(args.func(args, config) or 0)
    except (ConfigError, StoreError) as exc:
        print(f"ogh {args.command}: {exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"ogh {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"ogh {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
