"""The search index: built from the graph, English stemmed and Welsh not,
facets, ranking, malformed queries, spelling, and generations swapped whole."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from harvesters import records as r
from hub import ids, index, search
from hub.entities import KINDS
from hub.mapping import map_records
from hub.search import SearchRequest
from hub.settings import Config
from hub.store import open_store
from tests.hub import sample
from tests.hub.conftest import build_site


def _search(gen: search.Generation, q: str = "", **kw: object) -> search.SearchResults:
    return search.search(gen, SearchRequest(q=q, **kw))  # type: ignore[arg-type]


def _iris(results: search.SearchResults) -> list[str]:
    return [h["iri"] for h in results.hits]


# ------------------------------------------------------------------ building


def test_every_entity_is_indexed_once_under_its_most_specific_kind(site_config: Config,
                                                                   site_index: search.Generation) -> None:
    with open_store(site_config) as store:
        types = " ".join(f"<{c}>" for c in KINDS.values())
        rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {types} }} ?s a ?t }}")
    assert site_index.doc_count() == len(rows) > 20
    everything = _search(site_index, page_size=100)
    assert len({h["iri"] for h in everything.hits}) == everything.total == len(rows)
    groups = [h for h in everything.hits if "group-open-contracting" in h["iri"]]
    assert [g["kind"] for g in groups] == ["ThematicGroup"]


def test_index_documents_carry_the_fields_asked_for(site_config: Config) -> None:
    with open_store(site_config) as store:
        docs = {d["iri"]: d for d in index.documents(store)}
    minutes = docs[sample.iri("minutes")]
    assert minutes["kind"] == "Document"
    assert minutes["jurisdiction"] == "uk"
    assert minutes["year"] == 2023 and minutes["date"] == "2023-06-22"
    assert minutes["publisher"] == "Cabinet Office"
    assert minutes["language"] == "en"
    assert minutes["url"] == sample.MINUTES_URL
    assert minutes["sources"] == "govuk"
    assert "open contracting" in minutes["text"]
    commitment = docs[sample.iri("uk-commitment-1")]
    assert commitment["themes"] == "Open contracting"
    assert commitment["year"] == 2024  # the plan's start: a commitment has no date of its own
    milestone = docs[sample.iri("milestone")]
    assert milestone["jurisdiction"] == "uk"  # by way of its commitment


def test_welsh_text_goes_to_welsh_fields(site_config: Config) -> None:
    with open_store(site_config) as store:
        docs = {d["iri"]: d for d in index.documents(store)}
    welsh = docs[sample.iri("welsh")]
    assert welsh["language"] == "cy"
    assert welsh["title"] == "" and welsh["title_cy"] == sample.WELSH_TITLE
    assert "Llywodraeth Cymru" in welsh["text_cy"]
    assert "Llywodraeth Cymru" not in welsh["text"]


def test_english_is_stemmed_and_welsh_is_not(site_index: search.Generation) -> None:
    # "contracts" and "contracting" share a stem in English...
    contracts = _search(site_index, "contracts")
    assert sample.iri("uk-commitment-1") in _iris(contracts)
    # ...but the English stemmer would make Welsh "agored" (open) into "agor"
    # (to open): the Welsh fields keep the words as written.
    agored = _search(site_index, "agored")
    # The Welsh document, and the network by its Welsh name (from the register).
    assert set(_iris(agored)) == {sample.iri("welsh"), sample.iri("wales-network")}
    assert _search(site_index, "agor").total == 0
    welsh = next(h for h in agored.hits if h["iri"] == sample.iri("welsh"))
    assert welsh["language"] == "cy" and "<mark>agored</mark>" in welsh["snippet"]


def test_stop_words_do_not_empty_a_search(site_index: search.Generation) -> None:
    plain = _search(site_index, "open contracting")
    assert plain.total > 0
    assert _search(site_index, "the open and contracting").total == plain.total


# ------------------------------------------------------------------ facets


def test_facets_count_and_filters_narrow(site_index: search.Generation) -> None:
    everything = _search(site_index, "open contracting")
    by_jurisdiction = {f["value"]: f["count"] for f in everything.facets["jurisdiction"]}
    assert by_jurisdiction["uk"] > 0 and by_jurisdiction["scotland"] > 0
    assert sum(by_jurisdiction.values()) == everything.total
    scotland = _search(site_index, "open contracting", jurisdiction=["scotland"])
    assert scotland.total == by_jurisdiction["scotland"] < everything.total
    assert {h["jurisdiction"] for h in scotland.hits} == {"scotland"}
    # A facet's own choice does not narrow its counts: the others stay on offer.
    counts = {f["value"]: (f["count"], f["selected"]) for f in scotland.facets["jurisdiction"]}
    assert counts["uk"] == (by_jurisdiction["uk"], False)
    assert counts["scotland"] == (by_jurisdiction["scotland"], True)
    # The other facets count within the choice.
    kinds = {f["value"]: f["count"] for f in scotland.facets["kind"]}
    assert sum(kinds.values()) == scotland.total


def test_filters_combine_across_facets_and_within_one(site_index: search.Generation) -> None:
    both = _search(site_index, "", jurisdiction=["uk", "scotland"], kind=["Commitment"])
    assert {h["jurisdiction"] for h in both.hits} == {"uk", "scotland"}
    assert {h["kind"] for h in both.hits} == {"Commitment"}
    themed = _search(site_index, "", theme=["Fiscal openness"])
    assert themed.total >= 1 and all("Fiscal openness" in h["themes"] for h in themed.hits)
    by_year = _search(site_index, "", year=[2023])
    assert by_year.total >= 2 and all(h["date"].startswith("2023") for h in by_year.hits)
    years = {f["value"]: f["count"] for f in _search(site_index, "").facets["year"]}
    assert years["2023"] == by_year.total
    nothing = _search(site_index, "", theme=["No such theme"])
    assert nothing.total == 0
    offered = {f["value"]: (f["count"], f["selected"]) for f in nothing.facets["theme"]}
    assert offered["No such theme"] == (0, True)  # shown, so that it can be unticked
    assert offered["Open contracting"][0] > 0  # the other themes are still on offer


# ----------------------------------------------------------------- ranking


def test_sort_by_date_and_pages(site_index: search.Generation) -> None:
    by_date = _search(site_index, "open contracting", sort="date", page_size=50)
    dates = [h["date"] or "" for h in by_date.hits]
    assert dates == sorted(dates, reverse=True)
    first = _search(site_index, "open contracting", page_size=2)
    second = _search(site_index, "open contracting", page_size=2, page=2)
    assert first.pages == second.pages == -(-first.total // 2)
    assert len(first.hits) == len(second.hits) == 2
    assert not set(_iris(first)) & set(_iris(second))
    beyond = _search(site_index, "open contracting", page_size=2, page=first.pages + 1)
    assert beyond.hits == [] and beyond.total == first.total
    with pytest.raises(search.SearchError):
        _search(site_index, "open contracting", page=10_000)


def test_title_matches_rank_first(site_index: search.Generation) -> None:
    hits = _search(site_index, "fiscal transparency").hits
    assert hits[0]["title"] == "Financial and fiscal transparency"


@pytest.mark.parametrize("q", [
    "open contracting", "contracting", "open NOT data", "open OR fiscal", "contr*", "\"open contracting\"",
    "title:contracting", "procurement -data", "(open AND (data OR fiscal))", "*",
    '"public participation"', '"open contracting data"', '"department of finance"', '"contracting open"',
    '"open government" AND "action plan"',
])
def test_matches_are_exactly_whooshs(site_index: search.Generation, q: str) -> None:
    """The array evaluation finds what Whoosh's own matchers find."""
    parsed = site_index.parser.parse(q)
    expected = set(site_index.searcher.docs_for_query(parsed))
    got = search._Evaluator(site_index).run(parsed)
    assert set(map(int, (got.mask & site_index.live).nonzero()[0])) == expected


@pytest.mark.parametrize("q", [
    '"open contracting', "AND", "OR OR", "(", ")", "NOT", "title:", "*", "a~", "^", '""', ":", "\\",
    "[a TO", "open AND", "((((", "<script>alert(1)</script>", "café ŵ ŷ", "x" * 400, "'", "open'",
    "AND OR NOT", "-", "+", "~2", "title:(", "\x00", "🙂 open",
])
def test_malformed_queries_never_fail(site_index: search.Generation, q: str) -> None:
    results = _search(site_index, q)
    assert results.total >= 0
    assert all("<script" not in h["snippet"] for h in results.hits)


def test_an_unclosed_quote_still_finds_the_words(site_index: search.Generation) -> None:
    assert _search(site_index, '"open contracting').total > 0


def test_did_you_mean(site_index: search.Generation) -> None:
    results = _search(site_index, "contractin")
    assert results.total == 0
    assert results.suggestion == "contracting"
    assert _search(site_index, results.suggestion).total > 0
    assert _search(site_index, "open contracting").suggestion is None
    assert _search(site_index, "zzqqxx").suggestion is None


def test_snippets_are_escaped_with_our_marks_only(site_index: search.Generation) -> None:
    hits = _search(site_index, "weekly").hits
    assert [h["iri"] for h in hits] == [sample.iri("xss")]
    hit = hits[0]
    assert hit["title"] == sample.XSS_TITLE  # the title is data; the page escapes it
    assert "<script" not in hit["snippet"] and "<b>" not in hit["snippet"]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in hit["snippet"]
    assert "<mark>weekly</mark>" in hit["snippet"]


def test_snippet_windows_long_text() -> None:
    text = "word " * 300 + "contracting matters here " + "tail " * 300
    out = str(search.snippet(text, {"contract"}, set(), []))
    assert "<mark>contracting</mark>" in out
    assert out.startswith("… ") and out.endswith(" …")
    assert len(out) < 400


# -------------------------------------------------------------- generations


def _tree_digest(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir()) if p.is_file()}


def test_update_sources_reindexes_only_what_changed(tmp_path: Path) -> None:
    config = build_site(tmp_path / "data")
    old_path = index.current_generation(config)
    assert old_path is not None
    before = _tree_digest(old_path)
    old = search.Generation(old_path)
    assert _search(old, "fiscal transparency").total >= 1

    # govscot now says less: commitment 1 is gone, commitment 5 renamed.
    scot = sample.records()["govscot"]
    kept = [rec for rec in scot if not (isinstance(rec, r.Commitment) and rec.ref.number == 1)]
    for rec in kept:
        if isinstance(rec, r.Commitment):
            rec.title = "Open contracting across Scottish boroughs"
    writer = open_store(config, write=True)
    try:
        writer.replace_graph(str(ids.source_graph("govscot")), list(map_records(kept)))
    finally:
        writer.close()
    with open_store(config) as store:
        done = index.update_sources(config, store, ["govscot"])
    assert done["mode"] == "update" and done["removed"] >= 1

    new_path = index.current_generation(config)
    assert new_path is not None and new_path != old_path
    new = search.Generation(new_path)
    assert _search(new, "fiscal transparency").total == 0
    assert _search(new, "boroughs").total == 1
    assert _search(new, "cyhoeddi").total == 1  # other sources untouched
    assert new.doc_count() == old.doc_count() - done["removed"]
    # The old generation is byte for byte as it was (nothing shared was
    # rewritten), and a reader still on it keeps its answers.
    assert _tree_digest(old_path) == before
    assert _search(old, "fiscal transparency").total >= 1
    # The updated index (several segments now) evaluates as Whoosh does.
    for q in ("open contracting", "boroughs", "open NOT data"):
        parsed = new.parser.parse(q)
        got = search._Evaluator(new).run(parsed)
        assert set(map(int, (got.mask & new.live).nonzero()[0])) == set(new.searcher.docs_for_query(parsed))
    old.close()
    new.close()


def test_update_sources_adds_a_new_source(tmp_path: Path) -> None:
    config = build_site(tmp_path / "data", only=["govuk"])
    gen = search.open_current(config)
    assert gen is not None and _search(gen, "cyhoeddi").total == 0
    writer = open_store(config, write=True)
    try:
        sample.load(writer, only=["govwales"])
    finally:
        writer.close()
    with open_store(config) as store:
        index.update_sources(config, store, ["govwales"])
    gen = search.open_current(config)
    assert gen is not None and _search(gen, "cyhoeddi").total == 1
    assert _search(gen, "open contracting").total > 0
    search.forget(config)


def test_update_without_an_index_rebuilds(tmp_path: Path) -> None:
    config = build_site(tmp_path / "data", with_index=False)
    with open_store(config) as store:
        done = index.update_sources(config, store, ["govuk"])
    assert done["mode"] == "rebuild" and done["documents"] > 0


def test_rebuild_swaps_the_current_link_atomically(tmp_path: Path) -> None:
    config = build_site(tmp_path / "data")
    root = index.index_root(config)
    first = os.readlink(root / "current")
    with open_store(config) as store:
        index.rebuild(config, store)
    second = os.readlink(root / "current")
    assert first != second
    assert (root / first).is_dir() and (root / second).is_dir()  # the old one kept for readers
    assert not list(root.glob("tmp-*")) and not list(root.glob(".current-*"))
    assert whoosh_index.exists_in(str(root / second))


def test_a_failed_build_leaves_the_current_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = build_site(tmp_path / "data")
    root = index.index_root(config)
    current = os.readlink(root / "current")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(index, "_write_columns", broken)
    with open_store(config) as store, pytest.raises(RuntimeError):
        index.rebuild(config, store)
    assert os.readlink(root / "current") == current
    assert not list(root.glob("tmp-*"))


def test_an_empty_store_gives_an_empty_index(config: Config) -> None:
    with open_store(config) as store:
        done = index.rebuild(config, store)
    assert done["documents"] == 0
    gen = search.open_current(config)
    assert gen is not None
    assert _search(gen, "anything").total == 0 and _search(gen, "").total == 0
    search.forget(config)


def test_caches_are_bounded_by_bytes() -> None:
    cache = search._BoundedCache(100)
    cache.put("a", "A", 60)
    cache.put("b", "B", 30)
    assert cache.get("a") == "A"  # now the most recently used
    cache.put("c", "C", 30)  # over 100: the least recently used ("b") goes
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("c") == "C"
    assert cache.bytes == 90
    cache.put("huge", "H", 1000)  # larger than the whole cache: not kept
    assert cache.get("huge") is None and len(cache) == 2


def test_warm_up_loads_the_most_frequent_terms(site_index: search.Generation) -> None:
    fresh = search.Generation(site_index.path)
    assert len(fresh._cache) == 0
    loaded = fresh.warm_up()
    assert loaded == len(fresh.meta["warm_terms"]) > 10
    assert fresh.meta["warm_terms"][0][0] in ("body", "title")
    assert len(fresh._cache) == loaded
    fresh.close()


def test_readers_follow_rebuilds_and_old_readers_keep_working(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config = build_site(tmp_path / "data")
    first = search.open_current(config)
    assert first is not None and search.open_current(config) is first  # opened once per process
    expected = _search(first, "open contracting").total
    monkeypatch.setattr(index, "GRACE_SECONDS", 0)  # old generations are removed at once
    for _ in range(index.KEEP_GENERATIONS + 2):
        with open_store(config) as store:
            index.rebuild(config, store)
    assert not first.path.exists()  # its files are gone from the disk...
    assert _search(first, "open contracting").total == expected  # ...but a reader on it still answers
    assert _search(first, "fiscal", sort="date").hits
    latest = search.open_current(config)
    assert latest is not first and latest.path == index.current_generation(config)
    assert _search(latest, "open contracting").total == expected
    search.forget(config)


def test_no_suggestion_for_a_word_known_by_its_stem(site_index: search.Generation) -> None:
    # "contract" is not written anywhere, but it is the stem of "contracting": it finds, and is
    # not offered a correction.
    results = _search(site_index, "contract weekly")
    assert results.total == 1 and results.suggestion is None
