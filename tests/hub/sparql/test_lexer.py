"""The lexer sees updates, FROM and SERVICE where the store's parser would,
and nowhere else."""

from __future__ import annotations

import pytest

from hub.sparql.lexer import analyse


@pytest.mark.parametrize("text, form", [
    ("SELECT * { ?s ?p ?o }", "SELECT"),
    ("PREFIX ex: <http://ex/> ASK { ex:a ?p ?o }", "ASK"),
    ("BASE <http://ex/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("# a comment SELECT\ndescribe <http://ex/>", "DESCRIBE"),
    ("INSERT DATA { <a> <b> <c> }", "INSERT"),
    ("PREFIX : <http://ex/> CLEAR ALL", "CLEAR"),
])
def test_form(text: str, form: str) -> None:
    assert analyse(text).form == form


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX dc: <http://purl.org/dc/terms/> DELETE WHERE { ?s dc:title ?t }",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "drop silent graph <http://g>",
    "CREATE GRAPH <http://g>",
    "COPY DEFAULT TO <http://g>",
    "MOVE <http://a> TO <http://b>",
    "ADD <http://a> TO <http://b>",
    "CLEAR XYZ",
    "SELECT * {} ; CLEAR ALL",
    "PREFIX insert: <http://x/> SELECT * { ?s ?p insert:x }",  # a backtracking parser may read INSERT here
])
def test_updates_are_seen(text: str) -> None:
    assert analyse(text).is_update


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "INSERT DATA { <a> <b> <c> }" }',
    "SELECT * { ?s ?p 'DELETE' }",
    'SELECT * { ?s ?p """\nCLEAR ALL\n""" }',
    "SELECT * { ?s <http://example.org/LOAD> ?o }",
    "PREFIX ex: <http://ex/> SELECT * { ?s ex:delete ?o . ?o ex:insert ?clear }",
    "SELECT ?load ?drop { ?load ?drop ?create }",
    "SELECT * { ?s ?p ?o } # DELETE everything",
])
def test_update_words_elsewhere_are_not_updates(text: str) -> None:
    assert not analyse(text).is_update


@pytest.mark.parametrize("text, has", [
    ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
    ("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }", True),
    ("ASK FROM<http://g>{}", True),
    ("SELECT * { ?s ?p ?o }", False),
    ('SELECT * { ?s ?p "FROM" }', False),
    ("SELECT ?from { ?from ?p ?o }", False),
    ("PREFIX ex: <http://ex/> SELECT * { ex:FROM ?p ?o }", False),
    ("SELECT * { ?s ?p ?o } # FROM <http://g>", False),
])
def test_dataset_clause(text: str, has: bool) -> None:
    assert analyse(text).has_dataset is has


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * { service silent <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT*{SERVICE<http://127.0.0.1:1/>{}}",
    "PREFIX : <http://127.0.0.1:1/> SELECT * { SERVICE:y { ?s ?p ?o } }",
    "SELECT * { SERVICE#comment\n<http://127.0.0.1:1/> {} }",
    "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * { FILTER(?a<?b)SERVICE<http://127.0.0.1:1/>{} }",
])
def test_service_is_seen(text: str) -> None:
    assert analyse(text).uses_service


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "SERVICE <http://x/> {}" }',
    "SELECT * { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX ex: <http://ex/> SELECT * { ?s ex:service ?o }",
    "SELECT ?service { ?service ?p ?o }",
])
def test_service_word_elsewhere_is_not_service(text: str) -> None:
    assert not analyse(text).uses_service


# ------------------------------------------------------------ for forwarding


def test_split_dataset_takes_out_from_clauses_and_resolves_them() -> None:
    from hub.sparql.lexer import split_dataset

    text = ('PREFIX g: <http://ex/g/>\nBASE <http://base/>\n'
            'SELECT * FROM g:a FROM NAMED <b> from named g:c\\.d # FROM <http://comment>\n'
            'WHERE { ?s ?p "FROM <http://literal>" }')
    query, default, named = split_dataset(text)
    assert default == ["http://ex/g/a"]
    assert named == ["http://base/b", "http://ex/g/c.d"]
    assert "g:a" not in query and "NAMED" not in query.upper()
    assert "# FROM <http://comment>" in query and '"FROM <http://literal>"' in query
    assert query.count("\n") == text.count("\n")  # line numbers kept for error messages


def test_split_dataset_relative_iris_use_the_given_base() -> None:
    from hub.sparql.lexer import split_dataset

    assert split_dataset("SELECT * FROM <g1> {}", "http://hub/sparql")[1] == ["http://hub/g1"]


def test_split_dataset_refuses_an_undeclared_prefix() -> None:
    from hub.sparql.lexer import UnresolvedName, split_dataset

    with pytest.raises(UnresolvedName, match="nope:"):
        split_dataset("SELECT * FROM nope:g {}")


def test_confine_graphs_points_unlisted_graphs_at_the_empty_one() -> None:
    from hub.sparql.lexer import confine_graphs

    text = ("PREFIX g: <http://ex/g/> SELECT * { GRAPH g:a { ?s ?p ?o } GRAPH <http://ex/g/b> {} "
            "GRAPH ?g {} ?s ?p <http://ex/g/b> }")
    out = confine_graphs(text, {"http://ex/g/a"}, "http://empty")
    assert out == ("PREFIX g: <http://ex/g/> SELECT * { GRAPH g:a { ?s ?p ?o } GRAPH <http://empty> {} "
                   "GRAPH ?g {} ?s ?p <http://ex/g/b> }")
