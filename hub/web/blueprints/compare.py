"""``/compare``: each nation's approach to open government, side by side.

* ``/compare`` — plans on one timeline, themes by jurisdiction (with "who to
  ask"), and process: meetings per year, attendance by sector over time,
  chairing, length of co-creation, theme decisions. Parameters:
  ``jurisdiction`` (repeatable; two or more, all five by default) and
  ``period`` (a year or a range such as ``2019-2021``: plans overlapping it).
* ``/compare/theme/<theme>`` — every chosen jurisdiction's commitments on one
  theme, with plan, period, lead and status.
* ``/compare.csv?table=<table>`` — any table of either page as CSV;
  ``/compare.svg?chart=<chart>`` — any chart alone.

Each page answers as JSON too (``?format=json`` or ``Accept``), with the same
figures (:mod:`hub.compare`), which are cached per store snapshot. Each figure
names the query in ``hub/queries/`` behind it and links to it on the SPARQL
page.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request

from hub import compare
from hub.web import charts, resources
from hub.web.site import respond, site_path, wants_json
from vocab import ID

bp = Blueprint("compare", __name__)

TABLES = ("plans", "theme-matrix", "who-to-ask", "meetings-per-year", "attendance", "chairs",
          "cocreation", "theme-decisions", "theme")
CHARTS = ("timeline", "theme-matrix", "attendance")
#: Which query each table and chart comes from.
TABLE_QUERIES = {"plans": "plans-timeline", "theme-matrix": "theme-matrix",
                 "who-to-ask": "theme-matrix", "meetings-per-year": "meetings-per-year",
                 "attendance": "attendance", "chairs": "chairs", "cocreation": "cocreation",
                 "theme-decisions": "theme-decisions", "theme": "theme-commitments",
                 "timeline": "plans-timeline"}
MAX_QUERY_STRING = 2048


class BadRequest(Exception):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


# ------------------------------------------------------------------ requests


def read_choice() -> tuple[list[str], tuple[int, int] | None, list[dict[str, str]]]:
    """The jurisdictions and period the URL asks for, and what is wrong."""
    errors: list[dict[str, str]] = []
    if len(request.query_string) > MAX_QUERY_STRING:
        errors.append({"field": "choose-uk", "param": "jurisdiction",
                       "message": f"The address is too long: at most {MAX_QUERY_STRING} characters "
                       "of choices are accepted"})
        return list(compare.JURISDICTION_NAMES), None, errors
    jurisdictions = list(compare.JURISDICTION_NAMES)
    try:
        jurisdictions = compare.parse_jurisdictions(request.args.getlist("jurisdiction"))
    except ValueError as exc:
        errors.append({"field": "choose-uk", "param": "jurisdiction",
                       "message": f"Choose jurisdictions from the list: {exc}"})
    else:
        if len(jurisdictions) < 2:
            errors.append({"field": "choose-uk", "param": "jurisdiction",
                           "message": "Choose two or more jurisdictions to compare"})
    period = None
    try:
        period = compare.parse_period(request.args.get("period"))
    except ValueError as exc:
        message = ("Enter a plan period that ends in or after the year it starts"
                   if "ends before" in str(exc) else
                   "Enter the plan period as a year or a range of years, such as 2019-2021")
        errors.append({"field": "period", "param": "period", "message": message})
    return jurisdictions, period, errors


def choice_params(jurisdictions: list[str], period: tuple[int, int] | None,
                  **extra: str) -> list[tuple[str, str]]:
    """The URL parameters of a choice; all five jurisdictions are the default
    and are left out."""
    pairs: list[tuple[str, str]] = []
    if list(jurisdictions) != list(compare.JURISDICTION_NAMES):
        pairs += [("jurisdiction", j) for j in jurisdictions]
    if period:
        pairs.append(("period", compare.period_text(period)))
    pairs += [(k, v) for k, v in extra.items() if v]
    return pairs


def url(path: str, pairs: list[tuple[str, str]], anchor: str = "") -> str:
    query = urlencode(pairs)
    return site_path(path) + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def entity_path(iri: str | None) -> str | None:
    """This deployment's page for a hub IRI (``/id/...``)."""
    if iri and iri.startswith(ID):
        return site_path("/id/" + iri[len(ID):])
    return None


def query_link(name: str, text: str | None = None) -> dict[str, str]:
    """A named query: its title, description and where to run it."""
    q = compare.named_queries()[name]
    href = (site_path("/sparql?" + urlencode({"query": text})) if text
            else site_path("/sparql?" + urlencode({"example": name})))
    return {"name": name, "title": q.title, "description": q.description, "href": href,
            "file": f"hub/queries/{name}.rq"}


# ------------------------------------------------------------------ figures


def _figures(jurisdictions: list[str], period: tuple[int, int] | None) -> dict[str, Any]:
    return compare.comparison(resources.store(), jurisdictions, period)


def _theme(slug: str, jurisdictions: list[str], period: tuple[int, int] | None) -> dict[str, Any]:
    try:
        return compare.theme_in_depth(resources.store(), slug, jurisdictions, period)
    except (KeyError, ValueError):
        abort(404, description=f"The hub has no theme called {slug[:60]!r}.")


def meetings_grid(figures: dict[str, Any]) -> dict[str, Any]:
    """Meetings per year as one table: a row per year, a column per body
    (grouped by jurisdiction); None where the hub holds no meeting."""
    columns = [(j["id"], b) for j in figures["jurisdictions"]
               for b in figures["process"][j["id"]]["meetings_per_year"]]
    years = sorted({y["year"] for _, b in columns for y in b["years"]})
    if years:
        years = list(range(years[0], years[-1] + 1))
    counts = {(b["body"], y["year"]): y["meetings"] for _, b in columns for y in b["years"]}
    groups: list[dict[str, Any]] = []
    for j, _ in columns:
        if groups and groups[-1]["jurisdiction"] == j:
            groups[-1]["span"] += 1
        else:
            groups.append({"jurisdiction": j, "span": 1})
    return {"columns": columns, "groups": groups,
            "rows": [{"year": y, "cells": [counts.get((b["body"], y)) for _, b in columns]}
                     for y in years]}


def make_charts(figures: dict[str, Any]) -> dict[str, charts.Chart]:
    js = figures["jurisdictions"]
    return {
        "timeline": charts.timeline_chart(figures["timeline"], js),
        "theme-matrix": charts.matrix_chart(figures["themes"], js),
        "attendance": charts.attendance_chart(figures["process"], js),
    }


def links(jurisdictions: list[str], period: tuple[int, int] | None) -> dict[str, Any]:
    base = choice_params(jurisdictions, period)
    return {
        "csv": {t: url("/compare.csv", [("table", t), *base]) for t in TABLES if t != "theme"},
        "svg": {c: url("/compare.svg", [("chart", c), *base]) for c in CHARTS},
        "json": url("/compare", [*base, ("format", "json")]),
    }


# ------------------------------------------------------------------ tables


def _name(j: str) -> str:
    return compare.JURISDICTION_NAMES.get(j, j)


def table(figures: dict[str, Any], name: str) -> tuple[list[str], list[list[Any]]]:
    """One table of the comparison as a header and rows: missing values are
    empty cells, never zero."""
    js = [j["id"] for j in figures["jurisdictions"]]
    process = figures.get("process", {})
    if name == "plans":
        return (["jurisdiction", "plan", "number", "title", "start", "end", "published",
                 "commitments"],
                [[_name(p["jurisdiction"]), p["plan"], p["number"], p["title"], p["start"],
                  p["end"], p["published"], p["commitments"]]
                 for p in figures["timeline"]["plans"] + figures["timeline"]["undated"]])
    if name == "theme-matrix":
        return (["theme", "label", *[_name(j) for j in js]],
                [[r["theme"], r["label"], *[r["counts"][j] for j in js]]
                 for r in figures["themes"]["rows"]])
    if name == "who-to-ask":
        return (["theme", "label", "covered by", "never covered by"],
                [[w["theme"], w["label"], "; ".join(_name(j) for j in w["covered_by"]),
                  "; ".join(_name(j) for j in w["never_covered_by"])]
                 for w in figures["themes"]["who_to_ask"]])
    if name == "meetings-per-year":
        return (["jurisdiction", "body", "body name", "year", "meetings"],
                [[_name(j), b["body"], b["body_name"], y["year"], y["meetings"]]
                 for j in js for b in process[j]["meetings_per_year"] for y in b["years"]])
    if name == "attendance":
        return (["jurisdiction", "meeting", "date", "body", "government", "civil society", "other",
                 "total", "apologies"],
                [[_name(j), a["meeting"], a["date"], a["body"], a["government"],
                  a["civil_society"], a["other"], a["total"], a["apologies"]]
                 for j in js for a in process[j]["attendance"]])
    if name == "chairs":
        return (["jurisdiction", "body", "body name", "arrangement", "chair", "name", "sector",
                 "meetings chaired", "first", "last"],
                [[_name(j), b["body"], b["body_name"], b["arrangement"], p["chair"], p["name"],
                  compare.label_of(p["sector"]), p["meetings"], p["first"], p["last"]]
                 for j in js for b in process[j]["chairs"] for p in b["people"]])
    if name == "cocreation":
        return (["jurisdiction", "plan", "first event", "last event", "published",
                 "published according to", "days", "months", "events", "stages", "note"],
                [[_name(j), c["plan"], c["first_event"], c["last_event"], c["published"],
                  c["published_from"], c["days"], c["months"], c["events"], " ".join(c["stages"]),
                  c["note"]]
                 for j in js for c in process[j]["cocreation"]])
    if name == "theme-decisions":
        return (["jurisdiction", "plan", "decision", "theme as written", "common themes",
                 "outcome", "date", "meeting"],
                [[_name(j), d["plan"], d["decision"], d["label"],
                  "; ".join(t["label"] or "" for t in d["themes"]), d["outcome_label"], d["date"],
                  d["meeting"]]
                 for j in js for d in process[j]["theme_decisions"]])
    if name == "theme":
        return (["jurisdiction", "commitment", "number", "title", "plan", "start", "end", "leads",
                 "status", "OGP identifier"],
                [[_name(j), c["commitment"], c["number"], c["title"], c["plan"], c["start"],
                  c["end"], "; ".join(c["leads"]), c["status_label"], c["ogp_id"]]
                 for j in js for c in figures["commitments"][j]])
    raise KeyError(name)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # A spreadsheet would run it as a formula.
        return "'" + value
    return value


def csv_response(header: list[str], rows: list[list[Any]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bad_request(errors: list[dict[str, str]], template: str, **context: Any) -> Response:
    data = {"errors": errors}
    if template and not wants_json():
        return Response(render_template(template, data=data, errors=errors, figures=None,
                                        **context), status=400, mimetype="text/html")
    return respond("error.html", {"error": {"status": 400, "title": "There is a problem with the "
                                  "request", "message": "; ".join(e["message"] for e in errors)},
                                  "errors": errors}, status=400)


# ------------------------------------------------------------------ views


def _template_context(jurisdictions: list[str], period: tuple[int, int] | None) -> dict[str, Any]:
    return {
        "all_jurisdictions": compare.JURISDICTION_NAMES,
        "chosen": jurisdictions, "period_value": request.args.get("period", "")[:40],
        "entity_path": entity_path,
        "theme_url": lambda slug, j=None: url(f"/compare/theme/{slug}",
                                              choice_params(jurisdictions, period),
                                              f"jurisdiction-{j}" if j else ""),
        "name_of": _name, "label_of": compare.label_of,
    }


@bp.get("/compare")
def compare_page() -> Response:
    jurisdictions, period, errors = read_choice()
    if errors:
        return _bad_request(errors, "compare/index.html", **_template_context(jurisdictions, None))
    figures = _figures(jurisdictions, period)
    queries = {figure: query_link(name) for figure, name in compare.FIGURE_QUERIES.items()
               if figure != "theme"}
    data = {**figures, "queries": queries, "links": links(jurisdictions, period)}
    if wants_json():
        return respond("compare/index.html", data)

    def render() -> str:
        return render_template(
            "compare/index.html", data=data, figures=figures, errors=[],
            charts=make_charts(figures), meetings=meetings_grid(figures),
            panels=charts.attendance_panels(figures["process"], figures["jurisdictions"]),
            **_template_context(jurisdictions, period))

    # The page is the same for everyone who makes the same choice on this snapshot.
    key = ("html", tuple(jurisdictions), period, request.args.get("period", "")[:40],
           request.script_root)
    response = Response(compare.CACHE.get(resources.store(), key, render), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/compare/theme/<slug>")
def theme_page(slug: str) -> Response:
    jurisdictions, period, errors = read_choice()
    if errors:
        return _bad_request(errors, "")
    figure = _theme(slug, jurisdictions, period)
    base = choice_params(jurisdictions, period)
    data = {**figure,
            "queries": {"theme": query_link("theme-commitments", compare.theme_query(slug))},
            "links": {"csv": url("/compare.csv", [("table", "theme"), ("theme", slug), *base]),
                      "json": url(f"/compare/theme/{slug}", [*base, ("format", "json")]),
                      "compare": url("/compare", base, "themes"),
                      "search": url("/search", [("kind", "Commitment"), ("theme", figure["label"]),
                                                *[("jurisdiction", j) for j in jurisdictions]])}}
    return respond("compare/theme.html", data, figure=figure,
                   **_template_context(jurisdictions, period))


@bp.get("/compare.csv")
def compare_csv() -> Response:
    name = request.args.get("table", "")
    if name not in TABLES:
        abort(400, description=f"table must be one of {', '.join(TABLES)}, not {name[:40]!r}")
    jurisdictions, period, errors = read_choice()
    if errors:
        abort(400, description="; ".join(e["message"] for e in errors))
    if name == "theme":
        slug = request.args.get("theme", "")
        figures = _theme(slug, jurisdictions, period)
        filename = f"compare-theme-{slug}.csv"
    else:
        figures = _figures(jurisdictions, period)
        filename = f"compare-{name}.csv"
    header, rows = table(figures, name)
    return csv_response(header, rows, filename)


@bp.get("/compare.svg")
def compare_svg() -> Response:
    name = request.args.get("chart", "")
    if name not in CHARTS:
        abort(400, description=f"chart must be one of {', '.join(CHARTS)}, not {name[:40]!r}")
    jurisdictions, period, errors = read_choice()
    if errors:
        abort(400, description="; ".join(e["message"] for e in errors))
    chart = make_charts(_figures(jurisdictions, period))[name]
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg,
                    mimetype="image/svg+xml")

