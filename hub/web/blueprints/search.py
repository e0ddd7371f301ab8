"""``/search``: one search box over every nation's plans, commitments,
meetings and documents, with facets.

Filters are URL parameters that can be shared and bookmarked:
``jurisdiction``, ``kind``, ``theme``, ``year`` (each repeatable), ``sort``
(``relevance`` or ``date``) and ``page``. A query longer than the configured
limit, or a parameter that cannot be read, is answered with 400 and a message
that says which and why; a query whose syntax does not pair up is searched as
plain words.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request
from markupsafe import Markup, escape

from harvesters.records import JURISDICTIONS
from hub.entities import kind_name
from hub.search import FACETS, SORTS, SearchError, SearchRequest, search
from hub.web import resources
from hub.web.site import respond, site_path
from vocab import ID

bp = Blueprint("search", __name__)

#: Most values one filter parameter may repeat.
MAX_VALUES = 50
#: Longest filter value accepted.
MAX_VALUE_LENGTH = 200
#: Longest query string (everything after ``?``) accepted.
MAX_QUERY_STRING = 8192

FACET_TITLES = {"jurisdiction": "Nation", "kind": "Type", "theme": "Theme", "year": "Year"}


def checkboxes(name: str, options: list[dict[str, Any]], start: int = 1) -> Markup:
    """Facet options as checkboxes with their counts: the markup of the
    ``checkbox`` macro of ``_macros.html``, written here because a page has
    hundreds of them (a year facet over a long period) and a macro call each
    was most of the page's time."""
    field = escape(name)
    parts = []
    for index, option in enumerate(options, start):
        ident = f"filter-{field}-{index}"
        checked = " checked" if option["selected"] else ""
        parts.append(
            f'<div class="ogh-checkboxes__item">\n'
            f'  <input class="ogh-checkboxes__input" id="{ident}" name="{field}" type="checkbox" '
            f'value="{escape(option["value"])}"{checked}>\n'
            f'  <label class="ogh-checkboxes__label" for="{ident}">{escape(option["label"])} '
            f'<span class="ogh-checkboxes__count">({option["count"]:,})</span></label>\n</div>\n')
    return Markup("".join(parts))


def entity_path(iri: str) -> str | None:
    """This deployment's page for a hub IRI (``/id/...``)."""
    if iri.startswith(ID):
        return site_path("/id/" + iri[len(ID):])
    return None


def _values(name: str, errors: list[dict[str, str]]) -> list[str]:
    values = [v.strip() for v in request.args.getlist(name) if v.strip()]
    if len(values) > MAX_VALUES:
        errors.append({"field": f"filter-{name}", "param": name,
                       "message": f"Choose at most {MAX_VALUES} values of {name}"})
        return []
    if any(len(v) > MAX_VALUE_LENGTH for v in values):
        errors.append({"field": f"filter-{name}", "param": name,
                       "message": f"A value of {name} is longer than {MAX_VALUE_LENGTH} characters"})
        return []
    return list(dict.fromkeys(values))


def parse_request() -> tuple[SearchRequest, list[dict[str, str]]]:
    """The search the URL asks for, and what is wrong with it (if anything)."""
    cfg = resources.config()
    errors: list[dict[str, str]] = []
    if len(request.query_string) > MAX_QUERY_STRING:
        errors.append({"field": "q", "param": "q",
                       "message": f"The address is too long: at most {MAX_QUERY_STRING} characters "
                       "of search and filters are accepted"})
        return SearchRequest(), errors
    q = request.args.get("q", "")
    limit = cfg["search.max_query_length"]
    if len(q) > limit:
        errors.append({"field": "q", "param": "q",
                       "message": f"Enter a search of {limit} characters or fewer "
                       f"(this one has {len(q)})"})
        q = q[:limit]
    jurisdictions = []
    for value in _values("jurisdiction", errors):
        if value not in JURISDICTIONS:
            errors.append({"field": "filter-jurisdiction", "param": "jurisdiction",
                           "message": f"jurisdiction must be one of {', '.join(JURISDICTIONS)}, "
                           f"not {value!r}"})
        else:
            jurisdictions.append(value)
    kinds = []
    for value in _values("kind", errors):
        try:
            kinds.append(kind_name(value))
        except ValueError as exc:
            errors.append({"field": "filter-kind", "param": "kind", "message": str(exc)})
    years = []
    for value in _values("year", errors):
        if value.isdigit() and 1000 <= int(value) <= 2999:
            years.append(int(value))
        else:
            errors.append({"field": "filter-year", "param": "year",
                           "message": f"year must be a year such as 2024, not {value!r}"})
    themes = _values("theme", errors)
    sort = request.args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        errors.append({"field": "sort", "param": "sort",
                       "message": f"sort must be one of {', '.join(SORTS)}, not {sort!r}"})
        sort = "relevance"
    page_text = request.args.get("page", "1") or "1"
    page = 1
    if not page_text.isdigit() or not 1 <= int(page_text) <= 100_000:
        errors.append({"field": "page", "param": "page",
                       "message": f"page must be a whole number from 1, not {page_text[:20]!r}"})
    else:
        page = int(page_text)
    req = SearchRequest(q=q, jurisdiction=jurisdictions, kind=list(dict.fromkeys(kinds)),
                        theme=themes, year=list(dict.fromkeys(years)), sort=sort, page=page,
                        page_size=cfg["search.page_size"])
    return req, errors


def search_url(req: SearchRequest, **changes: Any) -> str:
    """The URL of this search with some parameters changed (a changed filter
    goes back to page 1)."""
    params: dict[str, Any] = {
        "q": req.q, "jurisdiction": req.jurisdiction, "kind": req.kind, "theme": req.theme,
        "year": req.year, "sort": req.sort, "page": req.page,
    }
    if any(k in changes for k in ("q", *FACETS, "sort")):
        params["page"] = 1
    params.update(changes)
    pairs: list[tuple[str, Any]] = []
    for key in ("q", "jurisdiction", "kind", "theme", "year", "sort", "page"):
        value = params[key]
        if key == "sort" and value == "relevance":
            continue
        if key == "page" and value == 1:
            continue
        if key == "q" and not value:
            continue
        if isinstance(value, list):
            pairs.extend((key, v) for v in value)
        else:
            pairs.append((key, value))
    query = urlencode(pairs)
    return site_path("/search") + (f"?{query}" if query else "")


def _without(values: list[Any], value: Any) -> list[Any]:
    return [v for v in values if str(v) != str(value)]


def pager(req: SearchRequest, pages: int) -> dict[str, Any]:
    current = req.page
    numbers = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    previous = 0
    for n in numbers:
        if n - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "current": n == current, "href": search_url(req, page=n)})
        previous = n
    return {
        "pages": items if pages > 1 else [],
        "prev": search_url(req, page=current - 1) if 1 < current <= pages else None,
        "next": search_url(req, page=current + 1) if current < pages else None,
    }


@bp.get("/search")
def search_page() -> Response:
    req, errors = parse_request()
    base: dict[str, Any] = {"query": req.q, "filters": {}, "results": [], "facets": {}, "total": 0}
    if errors:
        data = {**base, "errors": errors}
        return respond("search.html", data, status=400, req=req, errors=errors, results=None,
                       search_url=search_url)
    gen = resources.search_index()
    if gen is None:
        message = "The search index has not been built yet: the site's operator runs `ogh index`."
        data = {**base, "errors": [{"message": message}]}
        return respond("search.html", data, status=503, req=req, errors=[{"message": message}],
                       results=None, search_url=search_url)
    try:
        results = search(gen, req)
    except SearchError as exc:
        err = {"field": exc.param or "q", "param": exc.param or "q", "message": str(exc)}
        return respond("search.html", {**base, "errors": [err]}, status=400, req=req, errors=[err],
                       results=None, search_url=search_url)
    data = results.to_json()
    for hit in data["results"]:
        hit["page"] = entity_path(hit["iri"])
    if results.suggestion:
        data["suggestion"] = {"query": results.suggestion,
                              "url": search_url(req, q=results.suggestion)}
    chosen = []
    for name in FACETS:
        for option in data["facets"][name]:
            if option["selected"]:
                values = getattr(req, name)
                remaining = _without(values, option["value"])
                chosen.append({"facet": name, "label": option["label"],
                               "href": search_url(req, **{name: remaining})})
    return respond(
        "search.html", data, req=req, errors=[], results=results, hits=data["results"],
        pager=pager(req, results.pages), search_url=search_url, chosen=chosen,
        facet_titles=FACET_TITLES, facet_order=FACETS, checkboxes=checkboxes,
    )
