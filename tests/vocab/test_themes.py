"""Every theme, policy-area and OGP-value label the recorded sources use, and
every commitment's title, lands on at least one sensible common theme."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import URIRef

from hub import ids
from tests.conftest import CORPUS
from vocab.concepts import resolve_theme, theme_labels

#: keys of expected.json whose values are theme labels as the sources write them
LABEL_KEYS = {
    "themes", "theme", "primary_policy_area", "policy_areas", "ogp_values", "focus_areas",
    "themes_as_stated", "policy_areas_carried_over", "policy_areas_emerging", "themes_hint",
    "themes_discussed_first", "policy_areas_confirmed.names",
}
#: keys whose name mentions themes but whose values are not labels
NOT_LABELS = {"relevant_to_ogp_values", "policy_areas_confirmed.note"}
#: objects whose keys are read with the container's name in front
CONTAINERS = {"policy_areas_confirmed"}


def _walk(value: Any, key: str = "", parent: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k, key)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, key, parent)
    elif isinstance(value, str) and (key in LABEL_KEYS or f"{parent}.{key}" in LABEL_KEYS):
        yield key, value


def corpus_labels() -> list[tuple[str, str, str]]:
    found = set()
    for path in sorted(CORPUS.glob("*/expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, label in _walk(data):
            found.add((path.parent.name, key, label))
    return sorted(found)


def corpus_commitments() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CORPUS.glob("*/expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out += [(path.parent.name, c) for c in data["entities"].get("Commitment", [])]
    return out


def slugs(concepts: tuple[URIRef, ...]) -> set[str]:
    return {str(c).rsplit("/", 1)[-1] for c in concepts}


def test_the_corpus_has_theme_labels_and_every_key_is_known() -> None:
    labels = corpus_labels()
    assert len(labels) > 100
    assert {source for source, _, _ in labels} >= {"govuk", "govscot", "govwales", "ogp", "ukogn"}
    # a key that looks like a theme key and holds text must be read as labels
    # or listed as not labels
    text_keys: set[str] = set()
    for path in CORPUS.glob("*/expected.json"):
        stack: list[tuple[str, Any]] = [("", json.loads(path.read_text(encoding="utf-8")))]
        while stack:
            parent, item = stack.pop()
            if isinstance(item, dict):
                for k, v in item.items():
                    if isinstance(v, str) or (isinstance(v, list) and v and isinstance(v[0], str)):
                        text_keys.add(f"{parent}.{k}" if parent in CONTAINERS else k)
                    stack.append((k, v))
            elif isinstance(item, list):
                stack.extend((parent, i) for i in item)
    themed = {k for k in text_keys if any(w in k for w in ("theme", "policy_area", "ogp_value", "focus"))}
    assert themed <= LABEL_KEYS | NOT_LABELS, f"new theme keys: {themed - LABEL_KEYS - NOT_LABELS}"


@pytest.mark.parametrize(("source", "key", "label"), corpus_labels(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_every_corpus_label_resolves(source: str, key: str, label: str) -> None:
    assert resolve_theme(label), f"{source} {key} {label!r} lands on no theme: add it to vocab/themes.ttl"


@pytest.mark.parametrize(("label", "expected"), [
    ("Open Contracting (Procurement)", {"open-contracting"}),
    ("Data Ethics (Algorithmic Transparency)", {"digital-governance"}),
    ("Financial Transparency", {"fiscal-openness"}),
    ("Open data / digital", {"open-data", "digital-governance"}),
    ("Anti-Corruption & Integrity - Beneficial Ownership", {"anti-corruption", "beneficial-ownership"}),
    ("Anti-Corruption & Integrity - Political Integrity", {"anti-corruption", "political-finance"}),
    ("Civic Space, Natural Resources, and Open Parliaments",
     {"civic-space", "extractive-industries", "open-parliaments"}),
    ("Open Procurement/Contracting", {"open-contracting"}),
    ("Right to Information", {"access-to-information"}),
    ("Justice", {"access-to-justice"}),
    ("Inclusion", {"gender-and-inclusion"}),
    ("Budget Transparency", {"fiscal-openness"}),
    ("Engagement on anti-corruption", {"anti-corruption", "public-participation"}),
    ("Grants data", {"fiscal-openness", "open-data"}),
    ("Climate change", {"climate-and-environment"}),
    ("Health and social care", {"health"}),
    ("Participation", {"public-participation"}),
    ("Technology and Innovation for Transparency and Accountability", {"science-and-technology"}),
    ("Public Accountability", {"social-accountability"}),
    ("Subnational", {"local-government"}),
    ("Publication of Budget/Fiscal Information", {"fiscal-openness"}),
    ("Mynediad at Wybodaeth", {"access-to-information"}),
    ("Open Contracting (Anti-corruption and integrity)", {"open-contracting", "anti-corruption"}),
    ("Public Service Delivery (including health)", {"public-service-delivery", "health"}),
    ("Budget Transparency focused on Aid Transparency", {"fiscal-openness", "aid-transparency"}),
])
def test_labels_land_on_the_right_themes(label: str, expected: set[str]) -> None:
    assert slugs(resolve_theme(label)) == expected


@pytest.mark.parametrize("label", [
    "", "Yes", "Pending IRM Review", "Minutes of the meeting", "Legal aid", "Data integrity",
])
def test_words_that_are_not_themes_land_nowhere(label: str) -> None:
    assert resolve_theme(label) == ()


def test_every_commitment_title_lands_on_a_theme() -> None:
    """Sources that give no theme (Wales, Northern Ireland, Glasgow, the early
    UK plans) still put every commitment on a common theme, through its title
    in English and in Welsh."""
    missing = []
    for source, c in corpus_commitments():
        for key in ("title", "title_cy"):
            if c.get(key) and not resolve_theme(c[key]):
                missing.append(f"{source}: {c[key]!r}")
    assert not missing, "titles on no theme:\n" + "\n".join(missing)


@pytest.mark.parametrize(("title", "expected"), [
    ("Health information standards", "health"),
    ("Police records", "policing-and-corrections"),
    ("Whistleblowing", "anti-corruption"),
    ("PSI Directive", "open-data"),
    ("StatsWales", "open-data"),
    ("Well-being of Future Generations Act – National Indicators for Wales", "sustainable-development"),
    ("Access to Government Land and Property Data –making available data relating to Government Land "
     "and Property assets", "land-and-spatial-planning"),
    ("Open Data –Increase the number and quality of open datasets released", "open-data"),
    ("Increasing Participatory Democracy - Developing Citizens' Panels across Glasgow",
     "public-participation"),
    ("Disability rights and equality", "people-with-disabilities"),
    ("Canllawiau ar Gyhoeddi Data Agored i Gyrff Cyhoeddus", "open-data"),
])
def test_titles_land_on_the_right_theme(title: str, expected: str) -> None:
    assert expected in slugs(resolve_theme(title))


def test_titles_agree_with_the_themes_sources_give() -> None:
    """Where a nation's source gives a commitment both a title and theme labels,
    the themes of the title meet the themes of the labels. (OGP's primary policy
    area is coarser, so OGP is left out.)"""
    checked = 0
    for source, c in corpus_commitments():
        given = c.get("themes") or ([c["theme"]] if c.get("theme") else [])
        if source == "ogp" or not given or not c.get("title"):
            continue
        from_title = set(resolve_theme(c["title"]))
        from_labels = {t for label in given for t in resolve_theme(label)}
        assert from_title & from_labels, f"{source}: {c['title']!r} vs {given}"
        checked += 1
    assert checked >= 20


def test_every_theme_has_an_english_label_and_a_slug_iri() -> None:
    labels = theme_labels()
    assert len(labels) >= 35
    for concept, label in labels.items():
        slug = str(concept).rsplit("/", 1)[-1]
        assert concept == ids.theme(slug) and label, concept
        assert resolve_theme(label) == (concept,), f"the preferred label {label!r} must name its theme"
