"""Helpers shared by the sub-commands."""

from __future__ import annotations

import json
import sys
from typing import Any

from hub.entities import code


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, sort_keys=False)
    sys.stdout.write("\n")


def jurisdiction_arg(value: str) -> str:
    from harvesters.records import JURISDICTIONS

    value = value.strip().lower().replace(" ", "-")
    aliases = {"ni": "northern-ireland", "united-kingdom": "uk", "scot": "scotland"}
    value = aliases.get(value, value)
    if value not in JURISDICTIONS:
        import argparse

        raise argparse.ArgumentTypeError(
            f"unknown jurisdiction {value!r}; choose from {', '.join(JURISDICTIONS)}"
        )
    return value


__all__ = ["code", "jurisdiction_arg", "print_json"]
