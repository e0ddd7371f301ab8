"""The comparison figures (:mod:`hub.compare`) on small graphs written for the
purpose: choices read from the URL, facts that several sources state counted
once, missing data kept apart from zero, and the cache per snapshot."""

from __future__ import annotations

import datetime as dt

import pytest

from harvesters import records as r
from hub import compare, ids
from hub.mapping import map_records
from hub.settings import Config
from hub.store import GraphStore, OxigraphReader, open_store
from hub.vocabgraph import ensure_vocabulary

FETCHED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
UK = r.PlanRef("uk", 2019, 2021)
WALES = r.PlanRef("wales", 2022, 2024)


def plan(ref: r.PlanRef, source: str = "https://example.test/plan") -> r.Plan:
    return r.Plan(source_url=source, fetched_at=FETCHED, ref=ref, title=f"Plan {ref.start}",
                  published=dt.date(ref.start, 5, 1))


def commitment(ref: r.PlanRef, n: int, themes: list[str],
               source: str = "https://example.test/c") -> r.Commitment:
    return r.Commitment(source_url=source, fetched_at=FETCHED, ref=r.CommitmentRef(ref, number=n),
                        title=f"Commitment {n}", themes=themes, leads=["Cabinet Office"])


def meeting(day: dt.date, government: int | None, civil_society: int | None) -> r.Meeting:
    attendance = None
    if government is not None:
        attendance = r.Attendance(total=government + (civil_society or 0), government=government,
                                  civil_society=civil_society)
    return r.Meeting(source_url="https://example.test/m", fetched_at=FETCHED,
                     ref=r.MeetingRef("UK Multi-Stakeholder Forum", "uk", day), body_kind="forum",
                     title="Forum", attendance=attendance)


def write(writer: GraphStore, graphs: dict[str, list[r.Record]]) -> None:
    ensure_vocabulary(writer)
    writer.replace_graphs({str(ids.source_graph(name)): list(map_records(recs))
                           for name, recs in graphs.items()})


# ------------------------------------------------------------------ choices


def test_periods_are_read_or_refused() -> None:
    assert compare.parse_period("2019-2021") == (2019, 2021)
    assert compare.parse_period("2019-21") == (2019, 2021)
    assert compare.parse_period(" 2021 ") == (2021, 2021)
    assert compare.parse_period("2019/2021") == (2019, 2021)
    assert compare.parse_period("") is None and compare.parse_period(None) is None
    for bad in ("2021-2019", "last year", "19-21", "2019-2021-2023"):
        with pytest.raises(ValueError):
            compare.parse_period(bad)


def test_jurisdictions_are_read_in_the_hubs_order() -> None:
    assert compare.parse_jurisdictions([]) == ["uk", "scotland", "wales", "northern-ireland", "glasgow"]
    assert compare.parse_jurisdictions(["glasgow", "uk", ""]) == ["uk", "glasgow"]
    with pytest.raises(ValueError, match="atlantis"):
        compare.parse_jurisdictions(["uk", "atlantis"])


# ------------------------------------------------------------------ figures


def test_a_fact_several_sources_state_counts_once(writer: GraphStore) -> None:
    # The same plan and commitments from two sources: the union of the graphs
    # holds each triple twice.
    records = [plan(UK), commitment(UK, 1, ["Open contracting"]), commitment(UK, 2, ["Open data"])]
    write(writer, {"one": records, "two": records, "wales": [plan(WALES)]})
    figures = compare.comparison(writer, ["uk", "wales"])
    uk = next(p for p in figures["timeline"]["plans"] if p["jurisdiction"] == "uk")
    assert uk["commitments"] == 2
    assert uk["number"] == ids.plan_number(UK)
    row = next(r for r in figures["themes"]["rows"] if r["slug"] == "open-contracting")
    assert row["counts"]["uk"] == 1
    # Wales has a plan but no commitments in the hub: not known, not zero.
    wales = next(p for p in figures["timeline"]["plans"] if p["jurisdiction"] == "wales")
    assert wales["commitments"] is None
    assert row["counts"]["wales"] is None
    assert figures["themes"]["missing"]["wales"] == "no commitments with themes harvested"


def test_attendance_keeps_missing_counts_apart_from_zero(writer: GraphStore) -> None:
    write(writer, {"minutes": [meeting(dt.date(2023, 1, 18), 19, 11),
                               meeting(dt.date(2023, 4, 27), None, None),
                               meeting(dt.date(2024, 2, 1), 0, 9)]})
    uk = compare.comparison(writer, ["uk", "wales"])["process"]["uk"]
    by_day = {a["date"]: a for a in uk["attendance"]}
    assert (by_day["2023-01-18"]["government"], by_day["2023-01-18"]["civil_society"]) == (19, 11)
    assert by_day["2023-04-27"]["government"] is None and by_day["2023-04-27"]["total"] is None
    assert by_day["2024-02-01"]["government"] == 0
    years = uk["meetings_per_year"][0]["years"]
    assert years == [{"year": 2023, "meetings": 2}, {"year": 2024, "meetings": 1}]
    wales = compare.comparison(writer, ["uk", "wales"])["process"]["wales"]
    assert set(wales["missing"]) == {"meetings_per_year", "attendance", "chairs", "cocreation",
                                     "theme_decisions"}


def test_the_theme_matrix_follows_the_plan_period(writer: GraphStore) -> None:
    early, late = r.PlanRef("uk", 2013, 2015), r.PlanRef("uk", 2021, 2023)
    write(writer, {"s": [plan(early), plan(late), commitment(early, 1, ["Open contracting"]),
                         commitment(late, 1, ["Open contracting"]), commitment(late, 2, ["Health"]),
                         plan(WALES), commitment(WALES, 1, ["Health"])]})
    every = compare.comparison(writer, ["uk", "wales"])
    counts = {r["slug"]: r["counts"] for r in every["themes"]["rows"]}
    assert counts["open-contracting"] == {"uk": 2, "wales": 0}
    assert counts["health"] == {"uk": 1, "wales": 1}
    asked = {w["slug"]: w for w in every["themes"]["who_to_ask"]}
    assert asked["open-contracting"]["covered_by"] == ["uk"]
    assert asked["open-contracting"]["never_covered_by"] == ["wales"]
    assert "health" not in asked
    later = compare.comparison(writer, ["uk", "wales"], (2021, 2021))
    counts = {r["slug"]: r["counts"] for r in later["themes"]["rows"]}
    assert counts["open-contracting"]["uk"] == 1
    # Wales's plan is 2022-2024: for 2021 the hub has nothing to say of it.
    assert counts["open-contracting"]["wales"] is None
    assert "wales" in later["themes"]["missing"]


def test_theme_in_depth_and_unknown_themes(writer: GraphStore) -> None:
    write(writer, {"s": [plan(UK), commitment(UK, 1, ["Open contracting"]), commitment(UK, 2, ["Health"])]})
    figure = compare.theme_in_depth(writer, "open-contracting", ["uk", "wales"])
    assert [c["number"] for c in figure["commitments"]["uk"]] == [1]
    assert figure["commitments"]["uk"][0]["leads"] == ["Cabinet Office"]
    assert figure["commitments"]["wales"] == [] and "wales" in figure["missing"]
    with pytest.raises(KeyError):
        compare.theme_in_depth(writer, "not-a-theme")
    with pytest.raises(ValueError):
        compare.theme_iri("../x")
    assert "<https://w3id.org/ogh/def/theme/health>" in compare.theme_query("health")


def test_every_page_query_is_a_named_query_with_a_title() -> None:
    named = compare.named_queries()
    for name in (*compare.PAGE_QUERIES, *compare.FIGURE_QUERIES.values()):
        assert name in named
        assert named[name].title and named[name].description
    assert "VALUES ?theme" in named["theme-commitments"].text


# ------------------------------------------------------------------ cache


def test_figures_are_cached_per_snapshot(config: Config, writer: GraphStore) -> None:
    write(writer, {"s": [plan(UK), commitment(UK, 1, ["Open data"])]})
    reader = open_store(config)
    assert isinstance(reader, OxigraphReader)
    cache = compare.FigureCache()
    first = compare.comparison(reader, ["uk", "wales"], cache_=cache)
    misses, hits = cache.misses, cache.hits
    assert misses > len(compare.PAGE_QUERIES)
    again = compare.comparison(reader, ["uk", "wales"], cache_=cache)
    assert again is first and cache.hits == hits + 1 and cache.misses == misses
    # Other choices reshape the cached query rows: no query runs again.
    queries = {k for k in cache.cached() if k[0] == "query"}
    assert len(queries) == len(compare.PAGE_QUERIES)
    compare.comparison(reader, ["uk", "scotland"], (2020, 2020), cache_=cache)
    assert {k for k in cache.cached() if k[0] == "query"} == queries
    # A harvest publishes a new snapshot: the reader moves to it and the
    # figures follow.
    write(writer, {"s": [plan(UK), commitment(UK, 1, ["Open data"]), commitment(UK, 2, ["Health"])]})
    assert compare.comparison(reader, ["uk", "wales"], cache_=cache) is first  # still the old snapshot
    assert reader.refresh()
    newer = compare.comparison(reader, ["uk", "wales"], cache_=cache)
    assert newer["timeline"]["plans"][0]["commitments"] == 2
    assert first["timeline"]["plans"][0]["commitments"] == 1
    reader.close()


def test_only_the_most_recent_choices_are_kept(config: Config, writer: GraphStore) -> None:
    write(writer, {"s": [plan(UK), commitment(UK, 1, ["Open data"])]})
    reader = open_store(config)
    cache = compare.FigureCache(max_entries=3)
    for year in range(2015, 2025):
        compare.comparison(reader, ["uk", "wales"], (year, year), cache_=cache)
    kept = cache.cached()
    assert len([k for k in kept if k[0] == "comparison"]) == 3
    assert ("comparison", ("uk", "wales"), (2024, 2024)) in kept
    # The query rows stay, so an evicted choice is rebuilt without querying.
    assert len([k for k in kept if k[0] == "query"]) == len(compare.PAGE_QUERIES)
    reader.close()


def test_a_writable_store_is_never_cached(writer: GraphStore) -> None:
    cache = compare.FigureCache()
    write(writer, {"s": [plan(UK)]})

    def count() -> int | None:
        figures = compare.comparison(writer, ["uk", "wales"], cache_=cache)
        return figures["timeline"]["plans"][0]["commitments"]

    assert count() is None
    write(writer, {"s": [plan(UK), commitment(UK, 1, ["Health"])]})
    assert count() == 1
    assert not cache.cached()


# ------------------------------------------------------------------ rows kept on disk


def test_rows_kept_beside_the_snapshot_are_read_instead_of_querying(
        config: Config, writer: GraphStore) -> None:
    import json

    write(writer, {"s": [plan(UK), commitment(UK, 1, ["Open data"])]})
    path = compare.precompute(config)
    assert path is not None and path.exists()
    reader = open_store(config)
    assert path == compare.stored_rows_path(config.data_dir, reader.snapshot)
    data = json.loads(path.read_text())
    assert data["rows"]["plans-timeline"] == compare.run(reader, "plans-timeline")
    # Proof that the page reads them: a count changed on disk shows on the page.
    data["rows"]["plans-timeline"][0]["commitments"] = 41
    path.write_text(json.dumps(data))
    figures = compare.comparison(reader, ["uk", "wales"], cache_=compare.FigureCache())
    assert figures["timeline"]["plans"][0]["commitments"] == 41
    # Rows of a query whose text has changed since are not used.
    data["queries"]["plans-timeline"] = "0" * 16
    path.write_text(json.dumps(data))
    figures = compare.comparison(reader, ["uk", "wales"], cache_=compare.FigureCache())
    assert figures["timeline"]["plans"][0]["commitments"] == 1
    # Nor are rows kept for another snapshot.
    path.write_text("not json")
    assert compare.load_stored_rows(reader) is None
    reader.close()


def test_precompute_forgets_the_rows_of_snapshots_that_are_gone(
        config: Config, writer: GraphStore) -> None:
    write(writer, {"s": [plan(UK)]})
    gone = compare.stored_rows_path(config.data_dir, "snapshots/00000000000000000001-1")
    gone.parent.mkdir(parents=True, exist_ok=True)
    gone.write_text("{}")
    kept = compare.precompute(config)
    assert kept is not None and kept.exists() and not gone.exists()


def test_precompute_needs_a_published_snapshot(config: Config) -> None:
    assert compare.precompute(config) is None


# ------------------------------------------------------------------ remote store


@pytest.mark.virtuoso
def test_figures_on_a_remote_store_match_and_follow_its_epochs(
        remote: object, config: Config, writer: GraphStore, data_dir) -> None:
    """The named queries run on Virtuoso too, with the same figures as on the
    embedded store; the cache follows the remote store's epochs."""
    from hub.settings import load_config

    early = r.PlanRef("uk", 2013, 2015)
    records = {"one": [plan(UK), plan(early), commitment(UK, 1, ["Open contracting", "Health"]),
                       commitment(early, 4, ["Open contracting"]),
                       meeting(dt.date(2023, 6, 22), 21, 17), meeting(dt.date(2023, 4, 27), None, None)],
               "two": [plan(UK), commitment(UK, 1, ["Open contracting", "Health"]), plan(WALES)]}
    remote_config = load_config(overrides={"hub.data_dir": str(data_dir / "remote"),
                                           **remote.config()})  # type: ignore[attr-defined]
    with open_store(remote_config, write=True) as remote_writer:
        write(remote_writer, records)
    write(writer, records)
    embedded = compare.comparison(writer, ["uk", "wales"])
    reader = open_store(remote_config)
    cache = compare.FigureCache(recheck=0)
    on_remote = compare.comparison(reader, ["uk", "wales"], cache_=cache)
    assert on_remote == embedded
    assert compare.theme_in_depth(reader, "open-contracting", cache_=cache) == \
        compare.theme_in_depth(writer, "open-contracting")
    # A write publishes a new epoch: the figures follow (recheck=0 reads it each time).
    with open_store(remote_config, write=True) as remote_writer:
        write(remote_writer, {**records, "three": [commitment(WALES, 1, ["Open data"])]})
    after = compare.comparison(reader, ["uk", "wales"], cache_=cache)
    assert next(p for p in after["timeline"]["plans"] if p["jurisdiction"] == "wales")["commitments"] == 1
    # With a long recheck the cached figures stay until it is due.
    slow = compare.FigureCache(recheck=3600)
    first = compare.comparison(reader, ["uk", "wales"], cache_=slow)
    with open_store(remote_config, write=True) as remote_writer:
        write(remote_writer, records)
    assert compare.comparison(reader, ["uk", "wales"], cache_=slow) is first


def test_concurrent_requests_for_one_figure_compute_it_once(config: Config, writer: GraphStore) -> None:
    import threading

    write(writer, {"s": [plan(UK)]})
    reader = open_store(config)
    cache = compare.FigureCache()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> str:
        calls.append(1)
        gate.wait(5)
        return "figure"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(reader, ("x",), slow)))
               for _ in range(4)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert results == ["figure"] * 4 and len(calls) == 1

    def broken() -> str:
        raise RuntimeError("query failed")

    with pytest.raises(RuntimeError):
        cache.get(reader, ("y",), broken)
    assert cache.get(reader, ("y",), lambda: "retried") == "retried"  # a failure is not cached
    reader.close()
