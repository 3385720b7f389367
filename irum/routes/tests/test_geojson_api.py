"""GET /api/flows.geojson and /api/routes.geojson: valid GeoJSON (RFC 7946), the same
filters as the map, and a clear 400 for bad input, never a 500."""

from __future__ import annotations

import math

import pytest
from django.test import Client

from irum.gazetteer.models import Place

URLS = ["/api/flows.geojson", "/api/routes.geojson"]


def assert_rfc7946(body):
    """The parts of RFC 7946 a reader of these files relies on."""
    assert body["type"] == "FeatureCollection"
    assert isinstance(body["features"], list)
    assert "crs" not in body  # RFC 7946 §4: WGS 84 only, no crs member
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        assert isinstance(feature.get("id"), str | int)
        geometry = feature["geometry"]
        if geometry is None:  # §3.2: an unlocated feature
            continue
        positions = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        )
        assert geometry["type"] in ("Point", "LineString")
        if geometry["type"] == "LineString":
            assert len(positions) >= 2
        for lon, lat in positions:  # §3.1.1: longitude first
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert math.isfinite(lon) and math.isfinite(lat)


@pytest.mark.parametrize("url", URLS)
def test_it_serves_valid_geojson_with_its_media_type(chains, settings, url):
    settings.IRUM_PUBLIC_MIN_COUNT = 1
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert_rfc7946(body)
    assert any(f["geometry"] and f["geometry"]["type"] == "LineString" for f in body["features"])


def test_a_flow_runs_from_its_origin_to_its_destination_in_lon_lat_order(chains, settings):
    settings.IRUM_PUBLIC_MIN_COUNT = 1
    body = Client().get("/api/flows.geojson", {"kind": "repatriation"}).json()
    (flow,) = [f for f in body["features"] if f["properties"]["feature_type"] == "flow"]
    tumen = Place.objects.get(slug="tumen-border-detention-centre").point()
    onsong = Place.objects.get(slug="onsong-mss-holding-detention-centre").point()
    assert flow["geometry"]["coordinates"] == [[tumen.lon, tumen.lat], [onsong.lon, onsong.lat]]
    assert flow["properties"]["persons"] == 2
    assert flow["properties"]["approximate"] is True  # both are drawn at their towns


def test_a_place_with_no_coordinates_keeps_its_legs_with_no_geometry(chains, actor, settings):
    from irum.archive import services
    from irum.gazetteer.services import place_upsert

    settings.IRUM_PUBLIC_MIN_COUNT = 1
    nowhere = place_upsert(
        actor=actor,
        slug="unlocated-holding-centre",
        name="Unlocated holding centre",
        kind="mss_holding_centre",
        country="KP",
    )
    services.event_record(
        actor=actor, person=chains["P5"], kind="transfer", date="1991", place=nowhere
    )
    body = Client().get("/api/routes.geojson", {"person": chains["P5"].public_id}).json()
    (leg,) = [f for f in body["features"] if f["properties"]["feature_type"] == "leg"]
    assert leg["geometry"] is None
    assert leg["properties"]["to"] == nowhere.slug
    assert_rfc7946(body)
    page = Client().get("/maps/public/", {"person": chains["P5"].public_id}).content.decode()
    assert "Unlocated holding centre" in page and "(no coordinates)" in page


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("era=nineteen-eighty-four", "era"),
        ("kind=<script>alert(1)</script>", "kind"),
        ("agency=no-such-agency", "agency"),
        ("country=XX", "country"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2015&date_to=2012", "date_to"),
        ("date_to=" + "9" * 5000, "date_to"),
        ("case=" + "A" * 500, "case"),
        ("persn=P1", "persn"),
        ("partner=../../etc/passwd", "partner"),
        ("kind=arrest%00", "kind"),
    ],
)
def test_bad_filters_get_a_400_that_names_the_parameter(chains, url, query, named):
    response = Client().get(f"{url}?{query}")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(isinstance(e, str) for e in errors)
    assert any(e.startswith(f"{named}:") for e in errors), errors
    assert "<script>" not in response.content.decode()


def test_the_public_api_refuses_a_partner_filter(chains):
    response = Client().get("/api/flows.geojson", {"partner": "partner-a"})
    assert response.status_code == 400
    assert "partner" in response.json()["errors"][0]


def test_a_case_id_that_does_not_exist_is_an_empty_map_not_an_error(chains):
    response = Client().get("/api/routes.geojson", {"case": "NOSUCHCASE"})
    assert response.status_code == 200
    assert [
        f for f in response.json()["features"] if f["properties"]["feature_type"] == "leg"
    ] == []


@pytest.mark.parametrize("url", URLS)
def test_it_answers_only_reads(chains, url):
    assert Client().post(url, {"kind": "arrest"}).status_code == 405


def test_the_query_count_does_not_grow_with_the_number_of_routes(
    chains, actor, django_assert_max_num_queries
):
    from irum.reports.tests.builders import person_with_chain

    client = Client()
    with django_assert_max_num_queries(12) as few:
        client.get("/api/routes.geojson")
    for _ in range(6):
        person = person_with_chain(
            actor,
            ("arrest", "2001", "hyesan", None, 1),
            ("transfer", "2002", "hyesan-mss-facility", None, 2),
            case=chains["P1"].case,
        )
        assert person.case.confidentiality == "public"
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/api/routes.geojson").json()
    assert len(body["metadata"]["routes"]) == 11
