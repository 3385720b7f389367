"""The public projection identifies a person by public id and pseudonym, never by name."""

from __future__ import annotations

import json

import pytest

from irum.archive.models import Person
from irum.partners.projection import project_case, project_person, project_persons
from irum.partners.visibility import public_cases
from irum.reports.tests.builders import Canaries, seed_case


@pytest.fixture
def canary() -> Canaries:
    return Canaries()


@pytest.fixture
def public(gazetteer, actor, personas, canary):
    return seed_case(
        actor, canary, label="pub", confidentiality="public", owner=personas["partner_a"]
    )


def test_no_name_alias_address_contact_title_or_ref_appears_in_a_case_projection(public, canary):
    projected = project_case(public["case"])
    assert canary.found_in(json.dumps(projected.to_dict(), ensure_ascii=False)) == []
    assert canary.found_in(repr(projected)) == []


def test_no_name_appears_in_the_projection_of_a_person(public, canary):
    for person in public["persons"]:
        assert canary.found_in(json.dumps(project_person(person).to_dict())) == []


def test_it_identifies_the_case_and_persons_by_public_id_and_pseudonym(public):
    projected = project_case(public["case"])
    assert projected.public_id == public["case"].public_id
    assert [p.public_id for p in projected.persons] == [p.public_id for p in public["persons"]]
    assert [p.pseudonym for p in projected.persons] == ["Pseudonym pub 0", "Pseudonym pub 1"]
    assert {p.case_public_id for p in projected.persons} == {public["case"].public_id}


def test_the_projection_has_no_field_for_a_name_title_or_ref(public):
    person = project_person(public["persons"][0]).to_dict()
    case = project_case(public["case"]).to_dict()
    forbidden = {"ref", "title", "full_name", "full_name_ko", "aliases", "address"}
    forbidden |= {"date_of_birth", "family_contacts", "birth_year", "owner", "shared_with"}
    assert not forbidden & set(person)
    assert not forbidden & set(case)


def test_the_birth_year_is_published_only_as_its_decade(public):
    first, second = (project_person(p) for p in public["persons"])
    # Born 1983 and 1984: both appear as the 1980s.
    assert (first.birth_decade, second.birth_decade) == ("198X", "198X")


def test_the_bulk_form_gives_the_same_projection_as_one_by_one(public):
    persons = Person.objects.filter(case__in=public_cases())
    assert project_persons(persons) == [project_person(p) for p in public["persons"]]


def test_the_projection_reads_no_identity_field_at_all(public, canary, monkeypatch):
    # With other key material the identity fields cannot be decrypted: any read of them
    # would raise. The projection works all the same, because it never loads them.
    from irum.vault import keys

    monkeypatch.setenv("IRUM_FIELD_KEYS", "test1:" + keys.new_key())
    keys.reset()
    try:
        projected = project_case(public["case"])
    finally:
        monkeypatch.undo()
        keys.reset()
    assert len(projected.persons) == 2
