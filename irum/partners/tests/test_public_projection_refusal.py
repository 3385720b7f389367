"""Only records of public cases can be projected; anything else fails loudly."""

from __future__ import annotations

import pytest

from irum.archive import services
from irum.archive.models import Case, Person
from irum.partners.projection import (
    NotPublicError,
    project_case,
    project_person,
    project_persons,
)
from irum.reports.tests.builders import Canaries, seed_case


@pytest.fixture
def world(gazetteer, actor, personas):
    canary = Canaries()
    return {
        level: seed_case(
            actor, canary, label=level, confidentiality=level, owner=personas["partner_a"]
        )
        for level in ("public", "partners", "restricted")
    }


@pytest.mark.parametrize("level", ["partners", "restricted"])
def test_a_case_that_is_not_public_is_refused(world, level):
    with pytest.raises(NotPublicError, match="not public"):
        project_case(world[level]["case"])


@pytest.mark.parametrize("level", ["partners", "restricted"])
def test_a_person_of_a_case_that_is_not_public_is_refused(world, level):
    with pytest.raises(NotPublicError, match="not public"):
        project_person(world[level]["persons"][0])


def test_the_bulk_form_refuses_the_whole_batch_if_any_person_is_not_public(world):
    with pytest.raises(NotPublicError, match="2 case"):
        project_persons(Person.objects.all())


def test_the_bulk_form_projects_a_selection_of_public_cases(world):
    from irum.partners.visibility import public_cases

    projected = project_persons(Person.objects.filter(case__in=public_cases()))
    assert [p.public_id for p in projected] == [p.public_id for p in world["public"]["persons"]]


def test_a_stale_copy_of_a_case_since_restricted_is_refused(world, actor):
    stale = world["public"]["case"]
    fresh = Case.objects.get(pk=stale.pk)
    services.case_update(actor=actor, case=fresh, confidentiality="restricted")
    assert stale.confidentiality == "public"
    with pytest.raises(NotPublicError):
        project_case(stale)
    with pytest.raises(NotPublicError):
        project_person(world["public"]["persons"][0])


def test_a_deleted_case_is_refused_and_a_deleted_person_is_left_out(world, actor):
    first, second = world["public"]["persons"]
    services.person_delete(actor=actor, person=second)
    assert [p.public_id for p in project_case(world["public"]["case"]).persons] == [first.public_id]
    with pytest.raises(NotPublicError):
        project_person(second)
    services.case_delete(actor=actor, case=world["public"]["case"])
    with pytest.raises(NotPublicError):
        project_case(world["public"]["case"])


def test_unsaved_records_are_refused(world):
    with pytest.raises(NotPublicError, match="unsaved"):
        project_case(Case(confidentiality="public"))
    with pytest.raises(NotPublicError, match="unsaved"):
        project_person(Person())
