"""Writes go through the services (history and audit included), name the version they
were made from, and a stale one is 409 Conflict: neither change is silently lost."""

from __future__ import annotations

from irum.archive.models import Case, Event, Person
from irum.audit.models import AuditEntry


def test_an_editor_creates_a_case_a_person_and_an_event(world, client_for):
    alice = client_for("alice")
    case = alice.post(
        "/api/cases/",
        {"ref": "API-1", "owner": "partner-a", "confidentiality": "restricted"},
        format="json",
    )
    assert case.status_code == 201, case.json()
    public_id = case.json()["public_id"]
    person = alice.post(
        "/api/persons/",
        {"ref": "API-P1", "case": public_id, "pseudonym": "Api person", "full_name": "Kim Api"},
        format="json",
    )
    assert person.status_code == 201, person.json()
    assert "full_name" not in person.json()  # restricted: not echoed unless asked
    event = alice.post(
        "/api/events/",
        {
            "person": person.json()["public_id"],
            "kind": "arrest",
            "date": "2015-06~",
            "place": "hyesan",
            "agency": "nk-state-security",
            "sources": ["src-restricted-a"],
        },
        format="json",
    )
    assert event.status_code == 201, event.json()
    assert event.json()["date_lower"] == "2015-06-01"
    stored = Person.objects.get(public_id=person.json()["public_id"])
    assert stored.full_name == "Kim Api" and stored.first_deprivation_id == event.json()["id"]
    assert stored.history.count() == 1
    kinds = list(AuditEntry.objects.order_by("-seq").values_list("kind", "record_type")[:3])
    assert ("create", "archive.event") in kinds


def test_an_update_from_a_stale_copy_is_a_conflict(world, client_for):
    alice = client_for("alice")
    url = f"/api/cases/{world['restricted-a']['case'].public_id}/"
    version = alice.get(url).json()["version"]
    first = alice.patch(url, {"title": "first", "version": version}, format="json")
    assert first.status_code == 200 and first.json()["version"] == version + 1
    second = alice.patch(url, {"title": "second", "version": version}, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert second.json()["current_version"] == version + 1
    assert Case.objects.get(ref=world["restricted-a"]["case"].ref).title == "first"


def test_an_update_must_name_its_version(world, client_for):
    url = f"/api/cases/{world['restricted-a']['case'].public_id}/"
    response = client_for("alice").patch(url, {"title": "no version"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


def test_a_viewer_cannot_write(world, client_for):
    bob = client_for("bob")
    case = world["restricted-a"]["case"]
    response = bob.patch(
        f"/api/cases/{case.public_id}/", {"title": "bob", "version": 2}, format="json"
    )
    assert response.status_code == 403
    assert (
        bob.post("/api/cases/", {"ref": "B", "owner": "partner-a"}, format="json").status_code
        == 403
    )


def test_an_editor_cannot_change_another_partners_case_or_file_under_it(world, client_for):
    carol = client_for("carol")
    shared_to_her = world["restricted-b-shared-a"]["case"]  # hers
    partners_case = world["partners-a"]["case"]  # alice's; carol may read it
    response = carol.patch(
        f"/api/cases/{partners_case.public_id}/", {"title": "carol", "version": 9}, format="json"
    )
    assert response.status_code == 403
    refused = carol.post("/api/cases/", {"ref": "C-X", "owner": "partner-a"}, format="json")
    assert refused.status_code == 400 and "owner" in refused.json()["fields"]
    person = carol.post(
        "/api/persons/", {"ref": "C-P", "case": partners_case.public_id}, format="json"
    )
    assert person.status_code == 400 and "case" in person.json()["fields"]
    ok = carol.patch(
        f"/api/cases/{shared_to_her.public_id}/",
        {"title": "carol's", "version": shared_to_her.version},
        format="json",
    )
    assert ok.status_code == 200


def test_anonymous_writes_are_refused(world, client_for):
    response = client_for("anonymous").post("/api/cases/", {"ref": "X"}, format="json")
    assert response.status_code in (401, 403)
    assert not Case.objects.filter(ref="X").exists()


def test_delete_is_soft_and_audited(world, client_for):
    alice = client_for("alice")
    event = world["restricted-a"]["event"]
    response = alice.delete(f"/api/events/{event.pk}/")
    assert response.status_code == 204
    assert Event.all_objects.get(pk=event.pk).deleted_at is not None
    assert AuditEntry.objects.filter(kind="delete", record_id=str(event.pk)).exists()
    assert alice.get(f"/api/events/{event.pk}/").status_code == 404
