"""A small SPARQL lexer: enough to tell what a request asks for before the
store sees it.

The endpoint needs three facts the store's query API does not give:

* whether the text is an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``…),
  which the endpoint refuses outright;
* whether the query names its own dataset (``FROM`` / ``FROM NAMED``): the hub
  queries the union of all graphs by default, but pyoxigraph's union switch
  would override a query's own ``FROM``, so it is only set when there is none;
* whether the query calls ``SERVICE``: the store would then make HTTP requests
  on the client's behalf (to any host, loopback included), so federated
  queries are refused.

Keywords are only recognised outside comments, string literals, IRIs,
variables and prefixed names, so ``?from``, ``ex:service`` or ``"DELETE"``
do not count. The lexer errs towards seeing a keyword: a false ``SERVICE``
refuses a query, it never lets one through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Update operations (SPARQL 1.1 Update, section 3).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<long_string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$))
    | (?P<string>'(?:[^'\\\n\r]|\\.)*(?:'|$)|"(?:[^"\\\n\r]|\\.)*(?:"|$))
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<pname>[^\W\d][\w.\-]*:(?:[\w\-.:%\\]|[^\x00-\x7f])*|:(?:[\w\-.:%\\]|[^\x00-\x7f])*)
    | (?P<blank>_:[\w.\-]*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryInfo:
    """What the lexer found in a request's text."""

    #: The first operation keyword, upper case: SELECT, ASK, INSERT… ("" if none)
    form: str
    #: The text holds an update operation (anywhere, not only first).
    is_update: bool
    #: The query names its dataset with FROM or FROM NAMED.
    has_dataset: bool
    #: The query calls a remote service.
    uses_service: bool


#: Keywords that a parser may also read where a prefixed name starts
#: (``SERVICE:x`` is ``SERVICE :x`` to a backtracking parser).
_GLUED = UPDATE_KEYWORDS | {"SERVICE", "FROM"}


def words(text: str) -> list[str]:
    """The bare words of a SPARQL text (keywords and function names), upper
    case; a prefixed name whose prefix is a keyword that matters here counts
    as that keyword too."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            out.append(match.group().upper())
        elif kind == "pname":
            prefix = match.group().split(":", 1)[0].upper()
            if prefix in _GLUED:
                out.append(prefix)
    return out


def analyse(text: str) -> QueryInfo:
    found = words(text)
    form = next((w for w in found if w in QUERY_FORMS or w in UPDATE_KEYWORDS), "")
    # The update words are never keywords or built-in functions of a query, so
    # one anywhere means an update (or a query that could not parse anyway).
    is_update = any(w in UPDATE_KEYWORDS for w in found)
    return QueryInfo(
        form=form,
        is_update=is_update,
        has_dataset="FROM" in found,
        uses_service="SERVICE" in found,
    )


# ------------------------------------------------------------ for forwarding
#
# A remote server is sent the query text itself, so two things the embedded
# store is told through its API must be done to the text: the query's own
# dataset (FROM / FROM NAMED) is taken out and given as protocol parameters
# (Virtuoso merges the two instead of letting the protocol's win), and a
# ``GRAPH <iri>`` naming a graph outside the dataset is pointed at a graph
# known to be empty (Virtuoso answers such a pattern wrongly: ``ASK`` is true).


class UnresolvedName(ValueError):
    """A prefixed name whose prefix the query does not declare."""


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.lastgroup or "other", m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]


def _unescape_local(local: str) -> str:
    return re.sub(r"\\(.)", r"\1", local)


class _Resolver:
    """IRIs as the query's prologue (PREFIX, BASE) makes them."""

    def __init__(self, tokens: list[_Tok], base: str | None) -> None:
        self.base = base
        self.prefixes: dict[str, str] = {}
        for i, tok in enumerate(tokens):
            word = tok.text.upper() if tok.kind == "word" else ""
            if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
                self.base = self.iri(tokens[i + 1].text)
            elif (word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname"
                  and tokens[i + 1].text.endswith(":") and tokens[i + 2].kind == "iri"):
                self.prefixes[tokens[i + 1].text[:-1]] = self.iri(tokens[i + 2].text)

    def iri(self, text: str) -> str:
        from urllib.parse import urljoin

        value = text[1:-1]
        if self.base and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", value):
            return urljoin(self.base, value)
        return value

    def term(self, tok: _Tok) -> str:
        if tok.kind == "iri":
            return self.iri(tok.text)
        prefix, _, local = tok.text.partition(":")
        if prefix not in self.prefixes:
            raise UnresolvedName(f"the prefix {prefix + ':'!r} is not declared")
        return self.prefixes[prefix] + _unescape_local(local)


def split_dataset(text: str, base: str | None = None) -> tuple[str, list[str], list[str]]:
    """The query without its FROM / FROM NAMED clauses, and the graphs they
    named (default graphs, named graphs), as absolute IRIs."""
    tokens = _tokens(text)
    resolve = _Resolver(tokens, base)
    default: list[str] = []
    named: list[str] = []
    cuts: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word" and tok.text.upper() == "FROM":
            j = i + 1
            is_named = j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "NAMED"
            if is_named:
                j += 1
            if j < len(tokens) and tokens[j].kind in ("iri", "pname"):
                (named if is_named else default).append(resolve.term(tokens[j]))
                cuts.append((tok.start, tokens[j].end))
                i = j + 1
                continue
        i += 1
    out = text
    for start, end in reversed(cuts):
        out = out[:start] + " " + out[end:]
    return out, default, named


def confine_graphs(text: str, named: set[str] | frozenset[str], empty: str,
                   base: str | None = None) -> str:
    """The query with each ``GRAPH <iri>`` (or ``GRAPH prefix:name``) whose IRI
    is not one of ``named`` pointed at ``empty`` instead."""
    tokens = _tokens(text)
    resolve = _Resolver(tokens, base)
    edits: list[tuple[int, int]] = []
    for i, tok in enumerate(tokens[:-1]):
        if tok.kind == "word" and tok.text.upper() == "GRAPH":
            nxt = tokens[i + 1]
            if nxt.kind in ("iri", "pname") and resolve.term(nxt) not in named:
                edits.append((nxt.start, nxt.end))
    out = text
    for start, end in reversed(edits):
        out = out[:start] + f"<{empty}>" + out[end:]
    return out
