"""The named queries in ``hub/queries/*.rq``, offered as examples on the query page.

Each file is one query. Its leading comment lines describe it::

    # title: Commitments by theme and jurisdiction
    # description: How many commitments each jurisdiction has made on each
    # policy area.

A file without a ``# title:`` line is titled from its name. The files are
read on each call, so a query added to the folder shows up without a restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"

_FIELD = re.compile(r"#\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*)", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    name: str  # the file's stem: the example's stable name in URLs
    title: str
    description: str
    text: str


def parse(name: str, text: str) -> Example:
    title = ""
    description: list[str] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if current == "description" and description:
                current = ""
            continue
        if not stripped.startswith("#"):
            break
        match = _FIELD.fullmatch(stripped)
        if match:
            current = match["key"].lower()
            if current == "title":
                title = match["value"].strip()
            elif current == "description":
                description.append(match["value"].strip())
        elif current == "description":
            description.append(stripped.lstrip("#").strip())
    if not title:
        title = name.replace("-", " ").replace("_", " ").capitalize()
    return Example(name=name, title=title, description=" ".join(d for d in description if d),
                   text=text)


def examples(folder: Path | None = None) -> list[Example]:
    """Every ``.rq`` file of the folder, by title."""
    folder = folder or QUERIES_DIR
    found = [parse(path.stem, path.read_text(encoding="utf-8")) for path in folder.glob("*.rq")]
    return sorted(found, key=lambda e: e.title.lower())


def example(name: str, folder: Path | None = None) -> Example | None:
    folder = folder or QUERIES_DIR
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        return None
    path = folder / f"{name}.rq"
    if not path.is_file():
        return None
    return parse(name, path.read_text(encoding="utf-8"))
