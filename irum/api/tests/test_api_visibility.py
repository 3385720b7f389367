"""Every API endpoint gives each persona exactly what the visibility rule allows, for
public, partners and restricted records. Generated from the router, so that a new
endpoint is in the matrix at once."""

from __future__ import annotations

import pytest

from irum.api.tests.conftest import CASES, MAY_VIEW, PERSONAS, PUBLIC
from irum.api.urls import router

ARCHIVE = {"cases": "case", "persons": "person", "events": "event", "sources": "source"}
GAZETTEER = {"places", "agencies"}
SECRETS = ("NAME-", "ADDRESS-", "NARRATIVE-", "CONTENT-", "DESC-", "title-")


def test_every_registered_endpoint_is_in_the_matrix():
    assert {prefix for prefix, _viewset, _name in router.registry} == set(ARCHIVE) | GAZETTEER


def key_of(endpoint, record):
    if endpoint in ("cases", "persons"):
        return record.public_id
    return str(record.pk)


def all_keys(endpoint, records):
    if endpoint == "events":  # every event of the case's person, not only the first
        return {str(pk) for pk in records["person"].events.values_list("pk", flat=True)}
    return {key_of(endpoint, records[ARCHIVE[endpoint]])}


def listed_keys(endpoint, body):
    field = "public_id" if endpoint in ("cases", "persons") else "id"
    return {str(row[field]) for row in body["results"]}


@pytest.mark.parametrize("endpoint", sorted(ARCHIVE))
def test_each_persona_lists_and_reads_only_what_it_may(world, client_for, endpoint):
    for who in PERSONAS:
        client = client_for(who)
        listing = client.get(f"/api/{endpoint}/")
        member = bool(MAY_VIEW[who])
        if endpoint in ("events", "sources") and not member:
            assert listing.status_code in (401, 403), (who, endpoint)
            continue
        assert listing.status_code == 200, (who, endpoint)
        allowed = MAY_VIEW[who] if member else PUBLIC
        expected = {key for label in allowed for key in all_keys(endpoint, world[label])}
        assert listed_keys(endpoint, listing.json()) == expected, (who, endpoint)
        for label, *_ in CASES:
            record = world[label][ARCHIVE[endpoint]]
            one = client.get(f"/api/{endpoint}/{key_of(endpoint, record)}/")
            assert one.status_code == (200 if label in allowed else 404), (who, endpoint, label)
        body = listing.content.decode() + "".join(
            client.get(
                f"/api/{endpoint}/{key_of(endpoint, world[label][ARCHIVE[endpoint]])}/"
            ).content.decode()
            for label in allowed
        )
        # No restricted value without asking for it, whoever asks.
        assert not [s for s in SECRETS[:-1] if s in body], (who, endpoint)


@pytest.mark.parametrize("endpoint", sorted(ARCHIVE))
def test_restricted_fields_come_only_when_asked_and_only_to_those_who_see(
    world, client_for, endpoint
):
    from irum.audit.models import AuditEntry

    for who in PERSONAS:
        client = client_for(who)
        before = AuditEntry.objects.filter(kind="view_restricted").count()
        response = client.get(f"/api/{endpoint}/", {"include": "restricted"})
        body = response.content.decode()
        for label, *_ in CASES:
            planted = [f"{s}{label}" for s in SECRETS[:-1]]
            found = [p for p in planted if p in body]
            if label not in MAY_VIEW[who]:
                assert not found, (who, endpoint, label, found)
        if MAY_VIEW[who] and endpoint in ("cases", "persons", "sources", "events"):
            assert AuditEntry.objects.filter(kind="view_restricted").count() == before + 1
            entry = AuditEntry.objects.filter(kind="view_restricted").latest("seq")
            assert entry.actor.username == who


def test_a_member_sees_the_names_she_may_see_when_she_asks(world, client_for):
    body = client_for("carol").get("/api/persons/", {"include": "restricted"}).content.decode()
    assert "NAME-restricted-b-shared-a" in body and "NAME-partners-a" in body
    assert "NAME-restricted-a" not in body


@pytest.mark.parametrize("who", ["anonymous", "dave"])
def test_everyone_else_gets_the_public_projection(world, client_for, who):
    client = client_for(who)
    case = client.get("/api/cases/").json()["results"][0]
    assert set(case) == {"public_id", "summary", "verification", "reported", "persons"}
    person = case["persons"][0]
    assert person["pseudonym"] == "pseudonym-public-a"
    assert person["birth_decade"] is None
    # Dates coarsened to the year (no source consents).
    assert [e["date"] for e in person["events"]] == ["2014", "2014"]
    persons = client.get("/api/persons/").json()["results"]
    assert [p["public_id"] for p in persons] == [world["public-a"]["person"].public_id]
    # The public filters name no owner.
    assert client.get("/api/cases/", {"owner": "partner-b"}).json()["count"] == 1


@pytest.mark.parametrize("endpoint", sorted(GAZETTEER))
def test_the_gazetteer_is_public_to_read(world, client_for, endpoint):
    for who in PERSONAS:
        assert client_for(who).get(f"/api/{endpoint}/").status_code == 200


@pytest.mark.parametrize("endpoint", sorted(ARCHIVE))
def test_a_read_without_include_restricted_decrypts_nothing(
    world, client_for, endpoint, monkeypatch
):
    from irum.vault import crypto

    calls = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    client = client_for("alice")
    assert client.get(f"/api/{endpoint}/").status_code == 200
    assert calls == []
    assert client.get(f"/api/{endpoint}/", {"include": "restricted"}).status_code == 200
    if endpoint == "persons":
        assert calls  # the names are encrypted, so asking for them decrypts
