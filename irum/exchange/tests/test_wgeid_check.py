"""A WGEID submission names the elements the Working Group requires that a record lacks,
before anything is written: `check` for a page to call, the command refusing with them."""

from __future__ import annotations

import pytest

from irum.archive import services
from irum.exchange.wgeid import Details, Incomplete, check, completed, wgeid_export
from irum.reports.tests.builders import person_with_chain

COMPLETE = Details(
    family_steps="His mother asked at the Hyesan MSS office in May 2014 and was turned away.",
    nationality="Democratic People's Republic of Korea",
    submitter_contact="PO Box 1, Seoul",
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _person(actor, personas, *steps, **fields):
    case = services.case_create(actor=actor, ref="w", owner=personas["partner_a"])
    defaults = {"full_name": "Kim Chol", "sex": "male", "birth_year": 1983}
    return person_with_chain(actor, *steps, case=case, **(defaults | fields))


def _blocking(missing) -> set[int]:
    return {m.element for m in missing if m.blocking}


def test_a_complete_record_lacks_nothing(gazetteer, actor, personas):
    person = _person(actor, personas, ("arrest", "2014-04-05", "hyesan", "nk-state-security"))

    assert check(person, COMPLETE) == []


def test_each_missing_element_is_named(gazetteer, actor, personas):
    case = services.case_create(actor=actor, ref="bare")  # no owner partner
    person = services.person_create(actor=actor, ref="bare-p", case=case)

    missing = check(person, Details())

    assert _blocking(missing) == {1, 2, 3, 4, 5, 6}
    assert all(str(m).startswith(f"{m.element}. ") for m in missing)


def test_the_family_steps_and_contact_come_from_the_details(gazetteer, actor, personas):
    person = _person(actor, personas, ("arrest", "2014-04-05", "hyesan", "nk-state-security"))

    assert _blocking(check(person, Details())) == {5, 6}
    assert _blocking(check(person, Details(family_steps="Asked."))) == {6}


def test_the_family_steps_and_contact_come_from_the_record_when_it_holds_them(
    gazetteer, actor, personas
):
    person = _person(actor, personas, ("arrest", "2014-04-05", "hyesan", "nk-state-security"))
    services.person_update(
        actor=actor,
        person=person,
        family_steps="His sister petitioned in 2015.",
        nationality="DPRK",
    )
    owner = person.case.owner
    owner.contact_address = "PO Box 7, Seoul"
    owner.save()
    person = type(person).objects.get(pk=person.pk)

    assert _blocking(check(person, Details())) == set()
    filled = completed(person, Details(nationality="Democratic People's Republic of Korea"))
    assert filled.family_steps == "His sister petitioned in 2015."
    assert filled.submitter_contact == "PO Box 7, Seoul"
    assert filled.nationality == "Democratic People's Republic of Korea"  # the file wins


def test_the_last_sighting_stands_in_when_no_arrest_is_recorded(gazetteer, actor, personas):
    person = _person(
        actor,
        personas,
        ("sighting", "2012-01-02", "onsong", None),
        ("last_contact", "2013-06-07", "hyesan", "nk-state-security"),
    )

    assert check(person, COMPLETE) == []


def test_a_place_or_date_missing_from_the_event_is_named(gazetteer, actor, personas):
    person = _person(actor, personas, ("arrest", "", None, "nk-state-security"))

    assert _blocking(check(person, COMPLETE)) == {2, 3}


def test_an_agency_later_in_the_chain_is_enough(gazetteer, actor, personas):
    person = _person(
        actor,
        personas,
        ("arrest", "2014-04-05", "hyesan", None),
        ("transfer", "2014-06", "kwalliso-no-16-hwasong-camp-16", "nk-state-security"),
    )
    missing = check(person, COMPLETE)

    assert _blocking(missing) == set()
    assert [m.element for m in missing] == [4]


def test_partial_details_are_noted_but_do_not_block(gazetteer, actor, personas):
    person = _person(
        actor,
        personas,
        ("arrest", "2014-04~", "hyesan", "nk-state-security"),
        sex="unknown",
        birth_year=None,
    )
    missing = check(person, Details(family_steps="Asked.", submitter_contact="PO Box 1"))

    assert _blocking(missing) == set()
    assert sorted(m.element for m in missing) == [1, 1, 1, 2]
    assert "April 2014 (approximate)" in str(next(m for m in missing if m.element == 2))


def test_the_export_refuses_before_writing_or_auditing_anything(gazetteer, actor, personas):
    from irum.audit.models import AuditEntry

    person = _person(actor, personas, ("arrest", "2014-04-05", "hyesan", "nk-state-security"))
    before = AuditEntry.objects.filter(kind="export").count()

    with pytest.raises(Incomplete) as refused:
        wgeid_export(actor=personas["alice"], person=person, details=Details())

    assert {m.element for m in refused.value.missing} == {5, 6}
    assert AuditEntry.objects.filter(kind="export").count() == before
