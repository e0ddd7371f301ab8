"""The entry point: every extractor that applies, on documents of every kind."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from harvesters.extract import Context, ContextError, extract_all
from tests.conftest import CORPUS
from tests.harvesters.extract.conftest import FETCHED, seed, seed_context


def test_seed_003_gives_a_meeting_and_its_theme_decisions() -> None:
    records = extract_all(seed("003"), seed_context("003", jurisdiction="uk"))
    kinds = [r.kind for r in records]
    assert kinds.count("Meeting") == 1
    assert kinds.count("ThemeDecision") == 13
    assert "TimelineEvent" not in kinds and "ThematicGroup" not in kinds
    assert all(r.source_url == "file:seeds/003_af5d8ae709714ca0.txt" and r.fetched_at == FETCHED
               for r in records)


@pytest.mark.parametrize("relative", [
    "govscot/publications/scotlands-open-government-action-plan-2021-25/pages/5.html",
    "govscot/publications/open-government-action-plan-2021-to-2025-commitment-4-climate-change.html",
    "govscot/groups/open-government-partnership-steering-group.html",
    "govscot/publications/scotlands-open-government-action-plan-2021-to-2025-milestones/pages/"
    "participation-commitment.html",
    "glasgow/article/1337/Open-Government-in-Glasgow.html",
    "ni/news/o-muilleoir-open-government-key-commitment.html",
])
def test_pages_that_record_none_of_these_give_nothing(relative: str) -> None:
    ctx = Context(source_url="https://example.org/page", fetched_at=FETCHED)
    assert extract_all((CORPUS / relative).read_text(encoding="utf-8"), ctx) == []


def test_forum_post_html_gives_the_timeline() -> None:
    path = CORPUS / ("ukogn-forum/t/feedback-on-the-process-to-develop-the-6th-national-action-plan-for-"
                     "open-government/2708.json")
    topic = json.loads(path.read_text(encoding="utf-8"))
    ctx = Context(source_url="https://discuss.opengovernment.org.uk/t/2708", fetched_at=FETCHED,
                  jurisdiction="uk", title=topic["title"], published=dt.date(2023, 12, 21))
    records = extract_all(topic["post_stream"]["posts"][0]["cooked"], ctx)
    assert {r.kind for r in records} == {"TimelineEvent"}
    assert len(records) >= 10


def test_bad_input_is_refused_clearly() -> None:
    ctx = Context(source_url="https://example.org/page", fetched_at=FETCHED)
    assert extract_all("", ctx) == []
    with pytest.raises(TypeError, match="decode"):
        extract_all(b"<p>bytes</p>", ctx)  # type: ignore[arg-type]
    with pytest.raises(ContextError, match="timezone-aware"):
        Context(source_url="https://example.org", fetched_at=dt.datetime(2024, 1, 1))
    with pytest.raises(ContextError, match="source_url"):
        Context(source_url="", fetched_at=FETCHED)
    with pytest.raises(ContextError, match="jurisdiction"):
        Context(source_url="https://example.org", fetched_at=FETCHED, jurisdiction="england")


def test_imported_files_give_what_their_html_gives(tmp_path) -> None:
    """A file read by the importer keeps only its text (headings and list
    items as lines): the attendance extracted from it is the same."""
    from harvesters.extract import extract_document
    from harvesters.files import document_record, read_file
    from tests.harvesters.extract.corpus_docs import meeting_documents

    compared = 0
    for doc in meeting_documents():
        if doc.folder != "govscot":
            continue
        path = tmp_path / "minutes.html"
        path.write_text(doc.text, encoding="utf-8")
        data, content = read_file(path)
        record = document_record(path, data, content, jurisdiction="scotland")
        [from_text] = [r for r in extract_document(record) if r.kind == "Meeting"]
        [from_html] = [r for r in extract_all(doc.text, doc.context) if r.kind == "Meeting"]
        assert from_text.ref == from_html.ref  # type: ignore[attr-defined]
        text_groups = [(g.heading, g.sector, g.present, g.apologies, g.deputies)
                       for g in from_text.attendance.groups]  # type: ignore[attr-defined]
        html_groups = [(g.heading, g.sector, g.present, g.apologies, g.deputies)
                       for g in from_html.attendance.groups]  # type: ignore[attr-defined]
        assert text_groups == html_groups
        assert from_text.recorded_in == record.url  # type: ignore[attr-defined]
        compared += 1
    assert compared == 7
