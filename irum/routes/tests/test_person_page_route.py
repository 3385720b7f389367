"""A person's own route on her page in the admin: numbered stops with their dates, the
legs, and the small map, for those who may see the person."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from irum.accounts.testing import verified_login
from irum.archive import services


def test_it_shows_the_numbered_route_with_its_dates(chains, personas):
    client = Client()
    verified_login(client, personas["alice"])
    p2 = chains["P2"]
    html = client.get(reverse("admin:archive_person_change", args=[p2.pk])).content.decode()
    assert 'id="irum-map"' in html and 'id="map-data"' in html
    stops = html[
        html.index('<ol class="stops">') : html.index("</ol>", html.index('<ol class="stops">'))
    ]
    assert [stops.count(f'value="{n}"') for n in (1, 2, 3, 4)] == [1, 1, 1, 1]
    assert "Longjing" in stops and "2013-03" in stops
    # Repatriated, interrogated with no place recorded, then tried: one stop at Onsong.
    assert "2013-06 – 2014" in stops
    assert "Also recorded, with no place: Interrogation (2013-07)" in html
    assert html.count("<tr><td>") + html.count('<tr class="approximate"><td>') >= 3


def test_a_person_with_no_placed_event_has_no_route_section(chains, personas, actor):
    client = Client()
    verified_login(client, personas["alice"])
    person = services.person_create(actor=actor, ref="P-noplace", case=chains["P1"].case)
    services.event_record(actor=actor, person=person, kind="disappearance", date="2001")
    html = client.get(reverse("admin:archive_person_change", args=[person.pk])).content.decode()
    assert 'id="irum-map"' not in html


def test_someone_who_may_not_see_the_person_gets_no_route(chains, personas, actor):
    services.case_update(actor=actor, case=chains["P2"].case, confidentiality="restricted")
    client = Client()
    verified_login(client, personas["carol"])
    response = client.get(reverse("admin:archive_person_change", args=[chains["P2"].pk]))
    assert response.status_code in (302, 403, 404)
    assert "Longjing" not in response.content.decode()
