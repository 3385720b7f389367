"""Routes and flows of a case reach only those who may see the case: through the map
page, the GeoJSON API and the map image, for every persona."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from irum.accounts.testing import verified_login
from irum.archive import services
from irum.reports.tests.builders import person_with_chain

PERSONAS = ["alice", "bob", "carol", "dave", "anonymous"]

# (label, owner, confidentiality, shared with, route): each case's route runs between
# places no other case uses, so a flow names the case it came from.
CASES = [
    ("public-a", "partner_a", "public", None, ("hyesan", "hyesan-mss-facility")),
    (
        "partners-a",
        "partner_a",
        "partners",
        None,
        ("musan", "musan-repatriation-point-security-holding-facility"),
    ),
    (
        "restricted-a",
        "partner_a",
        "restricted",
        None,
        ("sinuiju", "sinuiju-mss-holding-detention-centre"),
    ),
    (
        "restricted-b-shared-a",
        "partner_b",
        "restricted",
        "partner_a",
        ("onsong", "onsong-county-mps-detention-centre"),
    ),
]
ARCHIVE_VIEW = {
    "alice": {"public-a", "partners-a", "restricted-a", "restricted-b-shared-a"},
    "bob": {"public-a", "partners-a", "restricted-a", "restricted-b-shared-a"},
    "carol": {"public-a", "partners-a", "restricted-b-shared-a"},
    # Not partner members: the public map only.
    "dave": {"public-a"},
    "anonymous": {"public-a"},
}


@pytest.fixture
def world(gazetteer, actor, personas, settings):
    settings.IRUM_PUBLIC_MIN_COUNT = 1  # so that public flows of one person are drawn
    cases = {}
    for label, owner, confidentiality, shared, (start, end) in CASES:
        person = person_with_chain(
            actor,
            ("arrest", "2014-02", start, "nk-social-security", 1),
            ("transfer", "2014-03", end, "nk-state-security", 2),
            pseudonym=f"pseudonym-{label}",
            full_name=f"NAME-{label}",
        )
        services.case_update(
            actor=actor,
            case=person.case,
            owner=personas[owner],
            confidentiality=confidentiality,
            title=f"title-{label}",
        )
        if shared:
            person.case.shared_with.add(personas[shared])
        cases[label] = person
    return cases


def client_for(personas, who):
    client = Client()
    if who != "anonymous":
        verified_login(client, personas[who])
    return client


def pairs(collection):
    return {
        (f["properties"]["from"], f["properties"]["to"])
        for f in collection["features"]
        if f["properties"]["feature_type"] in ("flow", "leg")
    }


def expected_pairs(labels):
    return {route for label, _, _, _, route in CASES if label in labels}


def test_the_flows_api_gives_each_persona_only_the_cases_it_may_see(world, personas):
    for who in PERSONAS:
        response = client_for(personas, who).get("/api/flows.geojson")
        assert response.status_code == 200
        assert pairs(response.json()) == expected_pairs(ARCHIVE_VIEW[who]), who


def test_the_routes_api_gives_each_persona_only_the_cases_it_may_see(world, personas):
    for who in PERSONAS:
        response = client_for(personas, who).get("/api/routes.geojson")
        body = response.content.decode()
        assert pairs(response.json()) == expected_pairs(ARCHIVE_VIEW[who]), who
        for label, *_ in CASES:
            assert (f"pseudonym-{label}" in body) == (label in ARCHIVE_VIEW[who]), label
            assert f"NAME-{label}" not in body and f"title-{label}" not in body


def test_asking_for_a_case_by_its_id_does_not_get_round_visibility(world, personas):
    for who in PERSONAS:
        client = client_for(personas, who)
        for label, person in world.items():
            params = {"case": person.case.public_id}
            routes = client.get("/api/routes.geojson", params).json()
            flows = client.get("/api/flows.geojson", params).json()
            visible = label in ARCHIVE_VIEW[who]
            assert bool(pairs(routes)) == visible, (who, label)
            assert bool(pairs(flows)) == visible, (who, label)


def test_the_map_page_shows_each_persona_only_what_it_may_see(world, personas):
    for who in PERSONAS:
        client = client_for(personas, who)
        page = client.get("/maps/")
        if who == "anonymous":
            assert page.status_code == 302
        elif who == "dave":
            assert page.status_code == 403
        else:
            assert page.status_code == 200
        for label, person in world.items():
            for url in ("/maps/", "/maps/public/"):
                response = client.get(url, {"case": person.case.public_id})
                html = response.content.decode()
                assert f"NAME-{label}" not in html and f"title-{label}" not in html
                if response.status_code != 200:
                    continue
                shown = label in (ARCHIVE_VIEW[who] if url == "/maps/" else {"public-a"})
                assert (f"pseudonym-{label}" in html) == shown, (who, url, label)


def test_the_map_image_of_a_restricted_case_is_the_image_of_no_case(world, personas):
    restricted = world["restricted-a"].case.public_id
    for who in ("carol", "dave", "anonymous"):
        client = client_for(personas, who)
        url = "/maps/map.svg" if who == "carol" else "/maps/public/map.svg"
        image = client.get(url, {"case": restricted})
        nothing = client.get(url, {"case": "NOSUCHCASE"})
        assert image.status_code == nothing.status_code == 200, who
        # The same image but for the case id in its filters line.
        assert image.content.replace(restricted.encode(), b"NOSUCHCASE") == nothing.content, who
        assert b"pseudonym-restricted-a" not in image.content


def test_a_partner_member_can_ask_for_the_public_view(world, personas):
    response = client_for(personas, "alice").get("/api/flows.geojson", {"public": "1"})
    assert pairs(response.json()) == expected_pairs({"public-a"})
    assert response.json()["metadata"]["scope"] == "public"


def test_a_member_signed_in_without_the_second_factor_gets_the_public_view(world, personas):
    client = Client()
    client.force_login(personas["alice"])  # password only: no second factor yet
    assert pairs(client.get("/api/flows.geojson").json()) == expected_pairs({"public-a"})


def test_member_downloads_are_audited_and_public_ones_are_not(world, personas):
    from irum.audit.models import AuditEntry

    before = AuditEntry.objects.filter(kind="export").count()
    client_for(personas, "anonymous").get("/api/flows.geojson")
    client_for(personas, "alice").get("/api/flows.geojson", {"public": "1"})
    assert AuditEntry.objects.filter(kind="export").count() == before
    alice = client_for(personas, "alice")
    alice.get("/api/routes.geojson", {"kind": "transfer"})
    entry = AuditEntry.objects.filter(kind="export").latest("seq")
    assert entry.actor == personas["alice"]
    assert entry.record_type == "routes.routes.geojson"
    assert entry.changes["filters"] == {"kind": ["transfer"]}
    assert json.dumps(entry.changes).find("pseudonym") == -1
