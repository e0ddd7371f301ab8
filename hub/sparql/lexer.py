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
