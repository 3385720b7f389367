"""Every view of a record's restricted fields in the admin leaves an audit entry: who, which
record, which partner's. A refused view, and a list without restricted fields, do not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from irum.accounts.testing import verified_login
from irum.archive import services
from irum.audit.models import AuditEntry
from irum.audit.verify import verify_chain
from irum.reports.tests.builders import person_with_chain


def _client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


@pytest.fixture
def person(gazetteer, actor, personas):
    person = person_with_chain(
        actor, ("arrest", "2014", "hyesan", None), full_name="Kim Audit-canary"
    )
    services.case_update(actor=actor, case=person.case, owner=personas["partner_a"])
    return person


def _views():
    return AuditEntry.objects.filter(kind="view_restricted").order_by("seq")


@pytest.mark.parametrize("model", ["case", "person", "event"])
def test_opening_a_record_is_audited_with_its_actor_and_partner(person, personas, model):
    obj = {"case": person.case, "person": person, "event": person.events.get()}[model]

    response = _client(personas["bob"]).get(reverse(f"admin:archive_{model}_change", args=[obj.pk]))

    assert response.status_code == 200
    entry = _views().get()
    assert (entry.actor, entry.partner, entry.record_type, entry.record_id) == (
        personas["bob"],
        personas["partner_a"],
        f"archive.{model}",
        str(obj.pk),
    )
    assert verify_chain().ok


def test_opening_an_old_version_is_audited(person, personas):
    version = person.history.earliest()
    url = reverse("admin:archive_person_simple_history", args=[person.pk, version.history_id])

    response = _client(personas["alice"]).get(url)

    assert response.status_code == 200
    assert f"version {version.history_id}" in _views().get().summary


def test_a_refused_view_and_a_list_write_no_entry(person, personas):
    carol = _client(personas["carol"])

    carol.get(reverse("admin:archive_person_change", args=[person.pk]))
    _client(personas["alice"]).get(reverse("admin:archive_person_changelist"))

    assert not _views().exists()


def test_a_search_by_name_is_audited_without_the_name(person, personas):
    response = _client(personas["alice"]).get(
        reverse("admin:archive_person_changelist"), {"q": "kim audit canary"}
    )

    assert [p.pk for p in response.context["cl"].result_list] == [person.pk]
    entry = _views().get()
    assert entry.changes == {"public_ids": [person.public_id]}
    assert "canary" not in f"{entry.summary} {entry.changes} {entry.reason}".lower()
