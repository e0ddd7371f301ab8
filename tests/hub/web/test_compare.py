"""``/compare`` and ``/compare/theme/<theme>`` on the harvested corpus: the
figures as JSON, the tables as CSV, the charts as SVG, the page as HTML, and
what changes when other jurisdictions or another period are chosen."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from hub import compare
from hub.settings import Config
from hub.store import open_store
from hub.web import create_app
from tests.hub.web.corpus_site import build_corpus_site

SVG = "{http://www.w3.org/2000/svg}"
ALL = ["uk", "scotland", "wales", "northern-ireland", "glasgow"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, replay: object) -> Config:
    return build_corpus_site(tmp_path_factory.mktemp("compare") / "data", replay)


@pytest.fixture(scope="module")
def client(site: Config) -> Iterator[FlaskClient]:
    compare.CACHE.clear()
    app = create_app(site)
    app.testing = True
    yield app.test_client()
    compare.CACHE.clear()


def figures(client: FlaskClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"/compare?format=json{'&' if query else ''}{query}")
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def rows_of(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# ------------------------------------------------------------------ the figures


def test_each_write_keeps_the_page_rows_beside_its_snapshot(site: Config) -> None:
    with open_store(site) as store:
        stored = compare.load_stored_rows(store)
        assert stored is not None and set(stored) == set(compare.PAGE_QUERIES)
        assert stored["attendance"] == compare.run(store, "attendance")


def test_timeline_lists_the_uk_and_scotland_plans_with_their_periods(client: FlaskClient) -> None:
    timeline = figures(client)["timeline"]
    periods = {(p["jurisdiction"], p["start"], p["end"]) for p in timeline["plans"]}
    assert {("uk", 2016, 2018), ("uk", 2019, 2021), ("uk", 2021, 2023), ("uk", 2024, 2025)} <= periods
    assert ("scotland", 2021, 2025) in periods
    uk_2019 = next(p for p in timeline["plans"] if p["plan"].endswith("/plan/uk/2019-2021"))
    assert uk_2019["number"] == 4
    assert uk_2019["published"] == "2019-05-28"
    assert uk_2019["commitments"] > 0
    scotland = next(p for p in timeline["plans"] if p["plan"].endswith("/plan/scotland/2021-2025"))
    assert scotland["commitments"] > 0
    # Every jurisdiction has plans in the corpus; the axis spans them all.
    assert {p["jurisdiction"] for p in timeline["plans"]} == set(ALL)
    assert timeline["years"][0] <= 2016 and timeline["years"][1] >= 2025
    assert timeline["query"] == "plans-timeline"


def test_plan_commitment_counts_agree_with_the_commitments_in_the_graph(
        client: FlaskClient, site: Config) -> None:
    timeline = figures(client)["timeline"]
    with open_store(site) as store:
        for plan in (p for p in timeline["plans"] if p["commitments"]):
            rows = store.select(
                "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://w3id.org/ogh/def/Commitment> ; "
                f"<https://w3id.org/ogh/def/actionPlan> <{plan['plan']}> }}")
            assert int(rows[0]["n"]) == plan["commitments"], plan["plan"]


def test_theme_matrix_has_open_contracting_for_the_uk(client: FlaskClient) -> None:
    themes = figures(client)["themes"]
    row = next(r for r in themes["rows"] if r["slug"] == "open-contracting")
    assert row["label"] == "Open contracting"
    assert row["counts"]["uk"] >= 2
    # The cell is the UK's commitments on the theme page, one for one.
    theme = client.get("/compare/theme/open-contracting?format=json").get_json()
    assert len(theme["commitments"]["uk"]) == row["counts"]["uk"]
    assert all(c["commitment"].startswith("https://w3id.org/ogh/id/plan/uk/")
               for c in theme["commitments"]["uk"])


def test_who_to_ask_names_themes_one_covered_and_another_never(client: FlaskClient) -> None:
    themes = figures(client)["themes"]
    assert themes["who_to_ask"]
    for item in themes["who_to_ask"]:
        row = next(r for r in themes["rows"] if r["theme"] == item["theme"])
        assert all(row["counts"][j] > 0 for j in item["covered_by"])
        assert all(row["counts"][j] == 0 for j in item["never_covered_by"])
        assert item["covered_by"] and item["never_covered_by"]


def test_process_gives_the_uk_forum_meeting_of_22_june_2023(client: FlaskClient) -> None:
    uk = figures(client)["process"]["uk"]
    meeting = next(a for a in uk["attendance"] if a["date"] == "2023-06-22")
    assert meeting["government"] == 21
    assert meeting["civil_society"] == 17
    assert meeting["total"] == 38
    assert meeting["body"].endswith("/body/uk/multi-stakeholder-forum")
    assert meeting["meeting"] == "https://w3id.org/ogh/id/meeting/uk-multi-stakeholder-forum/2023-06-22"
    forum = next(b for b in uk["meetings_per_year"] if b["body"] == meeting["body"])
    assert next(y for y in forum["years"] if y["year"] == 2023)["meetings"] >= 1
    # The read-out's chairs and theme decisions are there too.
    chairs = next(b for b in uk["chairs"] if b["body"] == meeting["body"])
    assert chairs["meetings"] >= 1 and chairs["people"]
    decided = [d for d in uk["theme_decisions"] if d["meeting"] == meeting["meeting"]]
    assert decided and {d["outcome_label"] for d in decided} >= {"Deferred or pursued in parallel"}
    assert all(d["plan"].endswith("/plan/uk/2024-2025") for d in decided)


def test_scotland_steering_group_is_co_chaired_by_government_and_civil_society(
        client: FlaskClient) -> None:
    chairs = figures(client)["process"]["scotland"]["chairs"]
    group = chairs[0]
    assert group["co_chaired"] * 2 > group["meetings"]
    assert group["arrangement"].startswith("Co-chaired")
    assert "civil society and government" in group["arrangement"]
    sectors = {p["sector"].rsplit("/", 1)[-1] for p in group["people"] if p["sector"]}
    assert sectors == {"government", "civil-society"}


def test_cocreation_runs_from_the_first_dated_event_to_publication(client: FlaskClient) -> None:
    cocreation = figures(client)["process"]["uk"]["cocreation"]
    nap6 = next(c for c in cocreation if c["plan"].endswith("/plan/uk/2024-2025"))
    assert nap6["published"] == "2023-12-18"
    first = nap6["first_event"]
    import datetime as dt

    assert nap6["days"] == (dt.date(2023, 12, 18) - dt.date.fromisoformat(first)).days
    assert nap6["events"] >= 2


def test_missing_data_is_reported_as_missing_not_zero(client: FlaskClient) -> None:
    data = figures(client)
    glasgow = data["process"]["glasgow"]
    assert glasgow["meetings_per_year"] == [] and glasgow["attendance"] == []
    assert "meetings_per_year" in glasgow["missing"] and "attendance" in glasgow["missing"]
    # A meeting whose minutes give no counts has none, not zeros.
    uk = data["process"]["uk"]["attendance"]
    uncounted = [a for a in uk if a["total"] is None]
    assert uncounted and all(a["government"] is None and a["civil_society"] is None for a in uncounted)
    # A plan whose commitments the hub does not hold has no count, not 0.
    assert any(p["commitments"] is None for p in data["timeline"]["plans"])
    assert all(p["commitments"] != 0 for p in data["timeline"]["plans"])
    # Years without minutes in the hub are not known, not 0.
    years = [y["meetings"] for b in data["process"]["uk"]["meetings_per_year"] for y in b["years"]]
    assert None in years and 0 not in years
    # A jurisdiction without plans in the chosen period has no theme counts.
    early = figures(client, "period=2011-2013")
    assert early["themes"]["missing"]["glasgow"].startswith("no commitments with themes harvested for")
    assert all(r["counts"]["glasgow"] is None for r in early["themes"]["rows"])
    assert early["timeline"]["missing"]["glasgow"] == "no action plan harvested for 2011-2013"
    # The page says so in words, and the CSV leaves the cell empty.
    page = client.get("/compare?period=2011-2013").get_data(as_text=True)
    assert "no data" in page and "no action plan harvested for 2011-2013" in page
    rows = rows_of(client, "/compare.csv?table=attendance")
    blank = next(r for r in rows if r["meeting"] == uncounted[0]["meeting"])
    assert blank["government"] == "" and blank["civil society"] == "" and blank["total"] == ""


def test_choosing_jurisdictions_changes_the_figures(client: FlaskClient) -> None:
    everyone = figures(client)
    two = figures(client, "jurisdiction=uk&jurisdiction=scotland")
    assert [j["id"] for j in two["jurisdictions"]] == ["uk", "scotland"]
    assert {p["jurisdiction"] for p in two["timeline"]["plans"]} == {"uk", "scotland"}
    assert len(two["timeline"]["plans"]) < len(everyone["timeline"]["plans"])
    assert set(two["process"]) == {"uk", "scotland"}
    assert all(set(r["counts"]) == {"uk", "scotland"} for r in two["themes"]["rows"])
    # A theme only Wales took on is in the matrix of all five, not of these two.
    wales_only = {r["slug"] for r in everyone["themes"]["rows"]
                  if r["counts"]["wales"] and not r["counts"]["uk"] and not r["counts"]["scotland"]}
    assert wales_only and not wales_only & {r["slug"] for r in two["themes"]["rows"]}
    # The period narrows the plans to those running in it.
    period = figures(client, "jurisdiction=uk&jurisdiction=scotland&period=2019-2021")
    assert period["period"] == [2019, 2021]
    assert all(p["start"] <= 2021 and p["end"] >= 2019 for p in period["timeline"]["plans"])
    assert {(p["start"], p["end"]) for p in period["timeline"]["plans"]} == {
        (2019, 2021), (2021, 2023), (2021, 2025)}
    uk_oc = next(r for r in everyone["themes"]["rows"] if r["slug"] == "open-contracting")
    uk_oc_period = next(r for r in period["themes"]["rows"] if r["slug"] == "open-contracting")
    assert uk_oc_period["counts"]["uk"] < uk_oc["counts"]["uk"]
    assert all(a["date"][:4] in {"2019", "2020", "2021"}
               for j in period["process"].values() for a in j["attendance"])
    # The HTML follows: fewer table rows, the unchosen nations unticked.
    html = client.get("/compare?jurisdiction=uk&jurisdiction=scotland").get_data(as_text=True)
    assert 'id="choose-wales" name="jurisdiction" type="checkbox" value="wales">' in html
    assert 'value="uk" checked' in html
    assert "Northern Ireland</th>" not in html


def test_bad_choices_are_explained(client: FlaskClient) -> None:
    one = client.get("/compare?jurisdiction=uk")
    assert one.status_code == 400
    assert "Choose two or more jurisdictions to compare" in one.get_data(as_text=True)
    unknown = client.get("/compare?jurisdiction=uk&jurisdiction=atlantis&format=json")
    assert unknown.status_code == 400
    assert "atlantis" in unknown.get_json()["error"]["message"]
    period = client.get("/compare?period=last+year")
    assert period.status_code == 400
    text = period.get_data(as_text=True)
    assert "Enter the plan period as a year or a range of years" in text
    assert 'href="#period"' in text  # the error summary links to the field
    backwards = client.get("/compare?period=2021-2019")
    assert backwards.status_code == 400
    assert "ends in or after the year it starts" in backwards.get_data(as_text=True)
    assert client.get("/compare/theme/no-such-theme").status_code == 404
    assert client.get("/compare/theme/../etc").status_code == 404
    assert client.get("/compare.csv?table=nothing").status_code == 400
    assert client.get("/compare.svg?chart=pie").status_code == 400


def test_the_page_answers_json_by_accept_header(client: FlaskClient) -> None:
    response = client.get("/compare", headers={"Accept": "application/json"})
    assert response.mimetype == "application/json"
    assert response.get_json()["timeline"] == figures(client)["timeline"]
    html = client.get("/compare", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html"
    assert "Accept" in html.headers["Vary"]


def test_every_figure_names_the_query_behind_it(client: FlaskClient, site: Config) -> None:
    data = figures(client)
    for figure, query in data["queries"].items():
        assert query["name"] in compare.named_queries(), figure
        assert Path(compare.QUERIES / f"{query['name']}.rq").exists()
        assert parse_qs(urlsplit(query["href"]).query) == {"example": [query["name"]]}
    page = client.get("/compare").get_data(as_text=True)
    for query in data["queries"].values():
        assert f'href="/sparql?example={query["name"]}"' in page
    # Running the named query by hand gives the figure's numbers.
    with open_store(site) as store:
        rows = compare.run(store, "theme-matrix")
    by_hand = sum(r["commitments"] for r in rows
                  if r["theme"].endswith("/open-contracting") and r["jurisdiction"].endswith("/uk"))
    row = next(r for r in data["themes"]["rows"] if r["slug"] == "open-contracting")
    assert by_hand == row["counts"]["uk"]
    # The theme page links to its query with the theme filled in.
    theme = client.get("/compare/theme/health?format=json").get_json()
    text = parse_qs(urlsplit(theme["queries"]["theme"]["href"]).query)["query"][0]
    assert "<https://w3id.org/ogh/def/theme/health>" in text
    assert "open-contracting" not in text


# ------------------------------------------------------------------ CSV


def test_every_table_downloads_as_csv(client: FlaskClient) -> None:
    links = figures(client)["links"]["csv"]
    assert set(links) == {"plans", "theme-matrix", "who-to-ask", "meetings-per-year", "attendance",
                          "chairs", "cocreation", "theme-decisions"}
    for name, href in links.items():
        rows = rows_of(client, href)
        assert rows, name
    attendance = rows_of(client, links["attendance"])
    readout = next(r for r in attendance if r["date"] == "2023-06-22")
    assert (readout["government"], readout["civil society"], readout["total"]) == ("21", "17", "38")
    matrix = rows_of(client, links["theme-matrix"])
    assert next(r for r in matrix if r["label"] == "Open contracting")["United Kingdom"] != ""
    theme = rows_of(client, "/compare.csv?table=theme&theme=open-contracting")
    assert {r["jurisdiction"] for r in theme} >= {"United Kingdom"}
    narrowed = rows_of(client, "/compare.csv?table=plans&jurisdiction=wales&jurisdiction=glasgow")
    assert {r["jurisdiction"] for r in narrowed} == {"Wales", "Glasgow"}


def test_csv_cells_cannot_run_as_formulas() -> None:
    from hub.web.blueprints.compare import _cell

    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("@SUM(A1)").startswith("'")
    assert _cell(None) == ""
    assert _cell(0) == 0
    assert _cell("Open data") == "Open data"


# ------------------------------------------------------------------ SVG and HTML


def _check_svg(svg: ET.Element) -> tuple[str, str]:
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby", "").split()
    assert len(ids) == 2
    found = {el.get("id"): el for el in svg.iter() if el.get("id")}
    title, desc = found[ids[0]], found[ids[1]]
    assert title.tag == f"{SVG}title" and desc.tag == f"{SVG}desc"
    assert (title.text or "").strip() and len((desc.text or "").strip()) > 40
    assert not any(el.get("style") for el in svg.iter())
    assert not any(el.tag.endswith("script") for el in svg.iter())
    return title.text or "", desc.text or ""


def test_charts_are_svg_with_text_alternatives(client: FlaskClient) -> None:
    links = figures(client)["links"]["svg"]
    assert set(links) == {"timeline", "theme-matrix", "attendance"}
    descs = {}
    for name, href in links.items():
        response = client.get(href)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        _, descs[name] = _check_svg(ET.fromstring(response.data))
    assert "United Kingdom" in descs["timeline"] and "Glasgow" in descs["timeline"]
    assert "Open contracting".lower() in descs["theme-matrix"].lower() or "Most:" in descs["theme-matrix"]
    assert "UK Multi-Stakeholder Forum" in descs["attendance"]
    assert "Glasgow: no data" in descs["attendance"]
    # Choosing jurisdictions changes the charts too.
    two = client.get("/compare.svg?chart=timeline&jurisdiction=wales&jurisdiction=glasgow")
    _, desc = _check_svg(ET.fromstring(two.data))
    assert "Wales" in desc and "United Kingdom" not in desc


def test_the_page_embeds_its_charts_and_tables_without_inline_script_or_style(
        client: FlaskClient) -> None:
    response = client.get("/compare")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "<script" not in html
    assert not re.search(r"\sstyle\s*=", html)
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        _check_svg(ET.fromstring(svg))
    for table_id in ("plans-table", "theme-matrix-table", "meetings-per-year-table", "chairs-table",
                     "cocreation-table", "who-to-ask-table"):
        assert f'id="{table_id}"' in html
    # Entities are linked; the theme matrix's cells open the theme in depth.
    assert 'href="/id/meeting/uk-multi-stakeholder-forum/2023-06-22"' in html
    assert 'href="/id/plan/scotland/2021-2025"' in html
    assert 'href="/compare/theme/open-contracting#jurisdiction-uk"' in html


def test_theme_in_depth_side_by_side(client: FlaskClient) -> None:
    response = client.get("/compare/theme/open-contracting")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for j in ALL:
        assert f'id="jurisdiction-{j}"' in html
    data = client.get("/compare/theme/open-contracting?format=json").get_json()
    assert data["label"] == "Open contracting"
    assert "glasgow" in data["missing"]  # the corpus holds none: said, not zero
    uk = data["commitments"]["uk"]
    assert all(c["plan"] and c["start"] for c in uk)
    assert any(c["leads"] for c in uk)
    for c in uk:
        assert f'href="/id/{c["commitment"].split("/id/", 1)[1]}"' in html
    narrowed = client.get("/compare/theme/open-contracting?format=json&jurisdiction=uk"
                          "&jurisdiction=wales&period=2016").get_json()
    assert set(narrowed["commitments"]) == {"uk", "wales"}
    assert all(c["start"] <= 2016 <= c["end"] for cs in narrowed["commitments"].values() for c in cs)
    assert narrowed["commitments"]["uk"] and len(narrowed["commitments"]["uk"]) < len(uk)


@pytest.mark.parametrize("url", ["/compare", "/compare?jurisdiction=uk&jurisdiction=glasgow&period=2021",
                                 "/compare/theme/open-contracting", "/compare?jurisdiction=uk&period=x"])
def test_ids_are_unique_and_every_reference_resolves(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    refs = set(re.findall(r'href="#([^"]+)"', html))
    for value in re.findall(r'aria-(?:labelledby|describedby)="([^"]+)"', html):
        refs.update(value.split())
    assert refs <= set(ids), refs - set(ids)
