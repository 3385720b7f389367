"""Deleting is soft and reversible (DESIGN.md rule 3): records are marked, left out of every
list, kept in history, and restored with what was deleted together with them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from irum.archive import services
from irum.archive.models import Case, Event, Person
from irum.audit.models import AuditEntry
from irum.audit.verify import verify_chain
from irum.partners import visibility
from irum.reports.figures import compute
from irum.reports.tests.builders import person_with_chain

CHAIN = (
    ("arrest", "2014-03", "hyesan", "nk-state-security"),
    ("transfer", "2014-05", "onsong", "nk-state-security"),
)


@pytest.fixture
def person(gazetteer, actor):
    return person_with_chain(actor, *CHAIN, full_name="Kim Canary")


def test_a_deleted_case_leaves_every_list_with_its_persons_and_events(person, actor):
    case = person.case

    services.case_delete(actor=actor, case=case, change_reason="entered by mistake")

    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Event.objects.filter(person_id=person.pk).exists()
    assert Case.all_objects.filter(pk=case.pk, deleted_at__isnull=False).exists()
    assert compute(Person.objects.all()).individuals == 0


def test_restoring_a_case_brings_back_what_was_deleted_with_it(person, actor):
    case = person.case
    services.case_delete(actor=actor, case=case)

    services.case_restore(actor=actor, case=Case.all_objects.get(pk=case.pk))

    assert Person.objects.get(pk=person.pk).full_name == "Kim Canary"
    assert Event.objects.filter(person=person).count() == 2
    assert Person.objects.get(pk=person.pk).first_deprivation.kind == "arrest"


def test_a_record_deleted_before_its_case_stays_deleted_when_the_case_returns(person, actor):
    arrest = person.events.get(kind="arrest")
    services.event_delete(actor=actor, event=arrest, change_reason="wrong person")
    services.case_delete(actor=actor, case=person.case)

    services.case_restore(actor=actor, case=Case.all_objects.get(pk=person.case_id))

    assert list(Event.objects.filter(person=person).values_list("kind", flat=True)) == ["transfer"]


def test_deleting_an_event_renumbers_the_chain_and_its_first_deprivation(person, actor):
    arrest = person.events.get(kind="arrest")

    services.event_delete(actor=actor, event=arrest)

    person.refresh_from_db()
    assert person.first_deprivation is None
    services.event_restore(actor=actor, event=Event.all_objects.get(pk=arrest.pk))
    person.refresh_from_db()
    assert person.first_deprivation_id == arrest.pk


def test_a_person_cannot_be_restored_inside_a_deleted_case(person, actor):
    services.person_delete(actor=actor, person=person)
    services.case_delete(actor=actor, case=person.case)
    deleted = Person.all_objects.get(pk=person.pk)

    with pytest.raises(ValidationError, match=r"Restore .* first"):
        services.person_restore(actor=actor, person=deleted)


def test_deleting_twice_or_restoring_a_live_record_is_refused(person, actor):
    with pytest.raises(ValidationError, match="is not deleted"):
        services.person_restore(actor=actor, person=person)
    services.person_delete(actor=actor, person=person)
    with pytest.raises(ValidationError, match="already deleted"):
        services.person_delete(actor=actor, person=Person.all_objects.get(pk=person.pk))


def test_a_delete_and_a_restore_are_kept_in_history_and_audited(person, actor):
    case = person.case
    services.case_delete(actor=actor, case=case, change_reason="duplicate of C-7")
    services.case_restore(actor=actor, case=Case.all_objects.get(pk=case.pk))

    marks = list(case.history.order_by("history_date").values_list("deleted_at", flat=True))
    assert marks[-2] is not None and marks[-1] is None
    assert person.history.count() == 3  # created, deleted with the case, restored
    kinds = list(
        AuditEntry.objects.filter(record_type="archive.case", record_id=str(case.pk))
        .order_by("seq")
        .values_list("kind", "reason")
    )
    assert kinds[-2:] == [("delete", "duplicate of C-7"), ("restore", "")]
    assert verify_chain().ok


def test_a_stale_copy_cannot_undo_a_delete(person, actor):
    stale = Person.objects.get(pk=person.pk)
    services.person_delete(actor=actor, person=person)

    with pytest.raises(services.EditConflict):
        services.person_update(actor=actor, person=stale, pseudonym="edited late")

    assert Person.all_objects.get(pk=person.pk).deleted_at is not None


def test_a_deleted_records_ref_is_not_reused_and_the_error_says_why(person, actor):
    services.case_delete(actor=actor, case=person.case)

    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=actor, ref=person.case.ref)

    assert "deleted record" in str(exc.value.message_dict["ref"])


def test_visibility_leaves_deleted_records_out(person, actor, personas):
    services.case_update(actor=actor, case=person.case, owner=personas["partner_a"])
    services.person_delete(actor=actor, person=person)

    assert not visibility.visible_persons(personas["alice"]).exists()
    assert not visibility.visible_events(personas["alice"]).exists()
    assert list(visibility.restorable_persons(personas["alice"])) == []  # an editor
    assert not visibility.restorable_persons(personas["carol"]).exists()
