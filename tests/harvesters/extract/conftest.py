"""The seeds and a context for reading them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from harvesters.extract.context import Context
from tests.conftest import CORPUS, SEEDS

FETCHED = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def seed(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def seed_context(prefix: str, **fields: object) -> Context:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return Context(source_url=f"file:seeds/{path.name}", fetched_at=FETCHED, **fields)  # type: ignore[arg-type]


def corpus_document(folder: str, seed_number: str) -> dict[str, object]:
    """The ground truth's record of the page a seed was taken from."""
    expected = json.loads((CORPUS / folder / "expected.json").read_text(encoding="utf-8"))
    for records in expected["entities"].values():
        for record in records:
            if record.get("seed") == seed_number or record.get("seed_related") == seed_number:
                return record
    raise LookupError(f"no record of seed {seed_number} in {folder}")


@pytest.fixture
def fetched() -> dt.datetime:
    return FETCHED
