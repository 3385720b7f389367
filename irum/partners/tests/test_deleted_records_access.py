"""Who may delete and who may restore, in the admin, for every archive model.

Deleting follows the right to change a record (an editor of the owner partner). Restoring
is for administrators of the owner partner and the platform administrator; nobody else
even sees the deleted records. Generated over the registered deleted-record pages."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from irum.accounts.testing import verified_login
from irum.archive import services
from irum.archive.models import Case, Event, Person, Source
from irum.partners.models import Membership
from irum.reports.tests.builders import person_with_chain

DELETED_PAGES = [
    m for m in admin.site._registry if m._meta.app_label == "archive" and m._meta.proxy
]
WHO = ["erin", "root", "alice", "bob", "carol", "dave", "anonymous"]
MAY_RESTORE = {"erin", "root"}  # partner A's administrator, the platform administrator


@pytest.fixture
def people(personas):
    User = get_user_model()
    erin = User.objects.create_user("erin", password="erin-long-test-pass", is_staff=True)
    Membership.objects.create(user=erin, organization=personas["partner_a"], role="admin")
    root = User.objects.create_superuser("root", password="root-long-test-pass")
    return {**personas, "erin": erin, "root": root}


@pytest.fixture
def records(gazetteer, actor, people):
    """A restricted case of partner A with one person, event and source, all deleted."""
    person = person_with_chain(
        actor, ("arrest", "2014", "hyesan", None), full_name="NAME-deleted", pseudonym="PS-del"
    )
    case = person.case
    services.case_update(actor=actor, case=case, owner=people["partner_a"], title="TITLE-del")
    source = services.source_create(actor=actor, ref="SRC-del")
    event = person.events.get()
    services.event_update(actor=actor, event=event, sources=[source])
    services.source_delete(actor=actor, source=source)
    services.case_delete(actor=actor, case=case)
    return {Case: case, Person: person, Event: event, Source: source}


def _client(people, who: str) -> Client:
    """Signed in with a password and a verified second factor, as staff work."""
    client = Client()
    if who != "anonymous":
        verified_login(client, people[who])
    return client


def test_only_restorers_see_deleted_records(records, people):
    # One world for every persona and page: building it is the slow part.
    for who in WHO:
        client = _client(people, who)
        for page in DELETED_PAGES:
            opts = page._meta
            listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
            html = listing.content.decode()
            if who in MAY_RESTORE:
                assert listing.status_code == 200, (who, page)
                shown = {o.pk for o in listing.context["cl"].result_list}
                assert records[opts.concrete_model].pk in shown, (who, page)
            else:
                assert listing.status_code in (302, 403), (who, page)
                for canary in ("TITLE-del", "PS-del", "SRC-del", "NAME-deleted"):
                    assert canary not in html, (who, page, canary)


def test_only_restorers_can_restore_by_posting_the_action(records, people):
    case = records[Case]
    url = reverse("admin:archive_deletedcase_changelist")
    action = {"action": "restore_selected", "_selected_action": [str(case.pk)]}
    # Those who may not restore go first: their posts must change nothing.
    for who in [w for w in WHO if w not in MAY_RESTORE] + ["erin"]:
        _client(people, who).post(url, action)
        restored = Case.objects.filter(pk=case.pk).exists()
        assert restored == (who in MAY_RESTORE), who
    assert Person.objects.filter(pk=records[Person].pk).exists()
    assert Event.objects.filter(pk=records[Event].pk).exists()


def test_the_deleted_record_pages_cannot_remove_anything(records, people):
    client = _client(people, "root")
    url = reverse("admin:archive_deletedcase_changelist")

    response = client.post(
        url, {"action": "delete_selected", "_selected_action": [str(records[Case].pk)]}
    )

    assert response.status_code in (200, 302)
    assert Case.all_objects.filter(pk=records[Case].pk).exists()


@pytest.fixture
def live_case(gazetteer, actor, people):
    person = person_with_chain(actor, ("arrest", "2014", "hyesan", None), full_name="N-live")
    services.case_update(actor=actor, case=person.case, owner=people["partner_a"])
    return person.case


@pytest.mark.parametrize(
    ("who", "may_delete"),
    [("alice", True), ("erin", True), ("root", True), ("bob", False), ("carol", False)],
)
def test_deleting_in_the_admin_is_soft_and_follows_the_right_to_change(
    live_case, people, who, may_delete
):
    url = reverse("admin:archive_case_delete", args=[live_case.pk])
    client = _client(people, who)

    confirm = client.get(url)
    response = client.post(url, {"post": "yes"})

    assert Case.all_objects.filter(pk=live_case.pk).exists()  # never removed
    deleted = not Case.objects.filter(pk=live_case.pk).exists()
    assert deleted == may_delete
    if may_delete:
        assert confirm.status_code == 200
        assert "1 person and their events (1) are deleted with" in confirm.content.decode()
        assert response.status_code == 302
        assert not Person.objects.filter(case_id=live_case.pk).exists()
    else:
        assert response.status_code in (403, 404, 302)


@pytest.mark.parametrize("who", ["alice", "erin", "root"])
def test_history_pages_of_a_deleted_record_stay_closed(records, people, who):
    # simple_history rebuilds a deleted record from its history rows: the admin must
    # still refuse it, even to those who may restore it (they do so on its own page).
    client = _client(people, who)
    person = records[Person]
    version = person.history.earliest()

    pages = [
        client.get(reverse("admin:archive_person_history", args=[person.pk])),
        client.get(
            reverse("admin:archive_person_simple_history", args=[person.pk, version.history_id])
        ),
        client.get(reverse("admin:archive_person_change", args=[person.pk])),
    ]

    for page in pages:
        assert page.status_code in (302, 403, 404), page.status_code
        assert "NAME-deleted" not in page.content.decode()
