"""The public map is the public projection: small flows hidden and said so, place counts
suppressed, dates no finer than the public projection shows them."""

from __future__ import annotations

import pytest
from django.test import Client

from irum.archive import services
from irum.routes import filters as route_filters
from irum.routes import mapdata

ONSONG = "onsong-mss-holding-detention-centre"


def public_flows(**params):
    parsed = route_filters.parse({k: v if isinstance(v, list) else [v] for k, v in params.items()})
    return mapdata.flow_map(parsed, user=None, public=True)


def test_flows_under_the_threshold_are_hidden_and_counted(chains, settings):
    settings.IRUM_PUBLIC_MIN_COUNT = 2
    result = public_flows()
    assert {(f.origin.slug, f.destination.slug): f.persons for f in result.flows} == {
        ("longjing", "tumen-border-detention-centre"): 2,
        ("tumen-border-detention-centre", ONSONG): 2,
        (ONSONG, "kwalliso-no-16-hwasong-camp-16"): 2,
    }
    assert result.hidden_flows == 3
    page = Client().get("/maps/public/").content.decode()
    assert "data-suppression-note" in page
    assert "Counts below 2 are not shown" in page
    assert "3 flows are not shown for this reason" in page


def test_with_the_default_threshold_the_small_fixture_shows_no_flow(chains):
    result = public_flows()
    assert result.flows == [] and result.hidden_flows == 6 and result.threshold == 5
    body = Client().get("/api/flows.geojson").json()
    assert body["metadata"]["hidden_flows"] == 6
    assert not [f for f in body["features"] if f["properties"]["feature_type"] == "flow"]


def test_place_counts_under_the_threshold_are_hidden(chains, settings):
    settings.IRUM_PUBLIC_MIN_COUNT = 3
    result = public_flows()
    counts = {place.slug: place.persons for place in result.places}
    assert counts[ONSONG] == 3  # P1, P2, P4
    # A place is on the public map only through a flow shown or a count shown.
    assert "hyesan" not in counts
    assert all(n is None or n >= 3 for n in counts.values())


def test_public_dates_are_years_unless_every_source_consents(chains, actor, settings):
    settings.IRUM_PUBLIC_MIN_COUNT = 1
    p1 = chains["P1"]
    body = Client().get("/api/routes.geojson", {"person": p1.public_id}).json()
    legs = {
        f["properties"]["number"]: f["properties"]
        for f in body["features"]
        if f["properties"]["feature_type"] == "leg"
    }
    assert (legs[1]["from_date"], legs[1]["to_date"]) == ("2010", "2010")
    consenting = services.source_create(actor=actor, ref="S-consents", consent_public=True)
    arrival = p1.events.get(kind="repatriation")
    services.event_update(actor=actor, event=arrival, sources=[consenting])
    body = Client().get("/api/routes.geojson", {"person": p1.public_id}).json()
    legs = {
        f["properties"]["number"]: f["properties"]
        for f in body["features"]
        if f["properties"]["feature_type"] == "leg"
    }
    assert legs[2]["to_date"] == "2010-05"
    # The archive view of the same route has every date as recorded.
    archive = route_filters.parse({"person": [p1.public_id]})
    superuser_route = mapdata.route_map(archive, user=_superuser(), public=False).routes[0]
    assert superuser_route.legs[0].to_date == "2010-04"


def test_flow_dates_on_the_public_map_are_years(chains, settings):
    settings.IRUM_PUBLIC_MIN_COUNT = 1
    dates = {
        (f.origin.slug, f.date_from, f.date_to) for f in public_flows(kind="repatriation").flows
    }
    assert dates == {("tumen-border-detention-centre", "2010", "2013")}


@pytest.mark.parametrize("date_from", ["2010-04-15", "2010-04-30", "2010-12-31"])
def test_a_date_filter_cannot_find_a_finer_date_than_the_public_map_shows(
    chains, settings, date_from
):
    settings.IRUM_PUBLIC_MIN_COUNT = 1
    # P1 reached the Tumen centre in April 2010. In public, only "2010" is shown, so any
    # start date in 2010 must keep that leg, or sliding the date would find the month.
    result = public_flows(kind="detention", date_from=date_from, date_to="2010")
    assert {(f.origin.slug, f.destination.slug) for f in result.flows} == {
        ("longjing", "tumen-border-detention-centre")
    }


def test_the_archive_map_filters_on_the_recorded_dates(chains):
    parsed = route_filters.parse(
        {"kind": ["detention"], "date_from": ["2010-05-01"], "date_to": ["2010"]}
    )
    result = mapdata.flow_map(parsed, user=_superuser(), public=False)
    assert result.flows == []


def test_the_public_page_offers_no_partner_filter(chains):
    page = Client().get("/maps/public/").content.decode()
    assert 'name="partner"' not in page
    assert Client().get("/maps/public/", {"partner": "partner-a"}).status_code == 400


def _superuser():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(username="root").first() or User.objects.create_superuser(
        "root", password="a-long-test-password-1"
    )
