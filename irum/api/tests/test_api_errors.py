"""Bad input gets a clear error in one JSON shape, names the field, writes nothing and
never causes a 500."""

from __future__ import annotations

import pytest

from irum.archive.models import Case


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ref": "E1", "owner": "partner-a", "reported_on": "last spring"}, "reported_on"),
        ({"ref": "E2", "owner": "no-such-partner"}, "owner"),
        ({"ref": "E3", "owner": "partner-a", "confidentiality": "secret"}, "confidentiality"),
        ({"ref": "x" * 500, "owner": "partner-a"}, "ref"),
        ({"ref": ["a", "b"], "owner": "partner-a"}, "ref"),
        ({"owner": "partner-a"}, "ref"),
        ({"ref": "public-a-ref", "owner": "partner-a", "shared_with": "partner-b"}, "shared_with"),
        ({"ref": "E4", "owner": "partner-a", "title": "t" * 100_000}, "title"),
    ],
)
def test_bad_fields_are_named(world, client_for, body, field):
    response = client_for("alice").post("/api/cases/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    errors = response.json()
    assert errors["code"] == "invalid" and field in errors["fields"], errors
    assert Case.objects.count() == 4


def test_a_duplicate_ref_is_a_field_error(world, client_for):
    ref = world["public-a"]["case"].ref
    response = client_for("alice").post(
        "/api/cases/", {"ref": ref, "owner": "partner-a"}, format="json"
    )
    assert response.status_code == 400 and "ref" in response.json()["fields"]


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"\xff\xfe\x00", b"[]", b"null", b'"a string"', b"{" * 5000],
)
def test_malformed_bodies_are_400s(world, client_for, raw):
    response = client_for("alice").generic(
        "POST", "/api/cases/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] in ("parse_error", "invalid")


def test_an_event_with_a_bad_date_or_unknown_place_is_refused_whole(world, client_for):
    person = world["restricted-a"]["person"]
    before = person.events.count()
    for body, field in (
        ({"person": person.public_id, "kind": "arrest", "date": "2015-13-45"}, "date"),
        ({"person": person.public_id, "kind": "arrest", "place": "atlantis"}, "place"),
        ({"person": person.public_id, "kind": "levitation"}, "kind"),
        ({"person": person.public_id, "kind": "arrest", "sources": ["src-nope"]}, "sources"),
    ):
        response = client_for("alice").post("/api/events/", body, format="json")
        assert response.status_code == 400 and field in response.json()["fields"], body
    assert person.events.count() == before


def test_unknown_filters_and_pages_do_not_break_the_list(world, client_for):
    client = client_for("alice")
    assert client.get("/api/cases/", {"page": "9999"}).status_code == 404
    assert client.get("/api/cases/", {"page_size": "100000"}).status_code == 200
    assert client.get("/api/cases/", {"ordering": "narrative_restricted"}).status_code == 200
    assert client.get("/api/events/", {"date_from": "yesterday"}).status_code == 400
    assert client.get("/api/cases/", {"confidentiality": "x"}).status_code == 400


def test_a_non_numeric_id_is_a_404(world, client_for):
    assert client_for("alice").get("/api/events/abc/").status_code == 404
