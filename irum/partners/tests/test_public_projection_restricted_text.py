"""Only public texts reach the projection: no restricted narrative, description or
source content, and of the sources nothing but their kinds and years."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from irum.partners.projection import project_case
from irum.reports.tests.builders import Canaries, seed_case


@pytest.fixture
def canary() -> Canaries:
    return Canaries()


@pytest.fixture
def public(gazetteer, actor, canary):
    return seed_case(actor, canary, label="pub", confidentiality="public", consent=True)


def test_no_restricted_text_appears_in_the_projection(public, canary):
    text = json.dumps(project_case(public["case"]).to_dict(), ensure_ascii=False)
    restricted = [w for w in canary.planted.values() if "restricted" in w]
    assert restricted, "the fixture plants restricted texts"
    assert canary.found_in(text) == []


def test_the_public_summary_and_public_descriptions_are_published(public):
    projected = project_case(public["case"])
    assert projected.summary == "Public summary of pub"
    descriptions = {e.description for p in projected.persons for e in p.events}
    assert descriptions == {"Public account of the arrest", "Public account of the transfer"}


def test_sources_are_published_as_kind_and_year_only(public):
    event = project_case(public["case"]).persons[0].events[0]
    assert [asdict(source) for source in event.sources] == [
        {"kind": "family_report", "year": "2017"},
        {"kind": "testimony", "year": "2017"},
    ]


def test_places_and_agencies_are_kept_with_their_names(public):
    arrest = project_case(public["case"]).persons[0].events[0]
    assert arrest.kind == "arrest"
    assert arrest.place is not None and arrest.place.slug == "hyesan"
    assert arrest.place.name and arrest.place.name_ko
    assert arrest.agency is not None and arrest.agency.slug == "nk-state-security"
    assert arrest.agency.name_ko == "국가보위성"
    assert arrest.custody_acknowledged == "denied"
