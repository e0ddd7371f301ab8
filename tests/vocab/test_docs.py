"""docs/vocabulary.md names every term, and its Turtle and SPARQL examples work
against what the hub really stores."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from rdflib import Graph, URIRef

from hub.mapping import map_records
from hub.validate import validate_triples
from hub.vocabgraph import vocabulary_graph
from tests.vocab.samples import full_records
from vocab import OGH
from vocab.concepts import THEME_SCHEME, concepts

DOC = Path(__file__).resolve().parents[2] / "docs" / "vocabulary.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_every_term_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [n for n in typing.get_type_hints(OGH) if not n.startswith("_")]
    missing = [n for n in names if not re.search(rf"`ogh:{n}`", text)]
    assert not missing, f"terms docs/vocabulary.md does not name: {missing}"


def test_the_documented_number_of_themes_is_right() -> None:
    from vocab import THEMES

    count = len(concepts(THEMES, THEME_SCHEME))
    assert f"({count})" in DOC.read_text(encoding="utf-8")


def test_the_turtle_example_parses_and_conforms() -> None:
    (example,) = blocks("turtle")
    g = Graph().parse(data=example, format="turtle")
    assert len(g) > 30
    report = validate_triples(list(g))
    assert report.conforms, report.text()


def test_the_sparql_examples_answer_over_mapped_records() -> None:
    data = vocabulary_graph()
    for t in map_records(full_records()):
        data.add(t)
    queries = blocks("sparql")
    assert len(queries) == 2
    themes = {(str(row[0]), str(row[1]), int(row[2])) for row in data.query(queries[0])}  # type: ignore[index]
    assert ("Open contracting", "uk", 2) in themes
    meetings = list(data.query(queries[1]))
    assert len(meetings) == 1
    date, forum, total, government, civil_society, page = meetings[0]  # type: ignore[misc]
    assert (str(date), str(forum), int(total), int(government), int(civil_society)) == (
        "2023-06-22", "UK Multi-Stakeholder Forum", 38, 21, 17)
    assert isinstance(page, URIRef)
