"""The map pages: the largest flows under the map, all of them in the full table, and a
clear page for bad filters."""

from __future__ import annotations

import json

from django.test import Client

from irum.accounts.testing import verified_login
from irum.routes import views


def member(personas):
    client = Client()
    verified_login(client, personas["alice"])
    return client


def test_the_map_page_lists_the_largest_flows_and_links_to_the_full_table(
    chains, personas, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_FLOWS", 2)
    html = member(personas).get("/maps/", {"era": "kim_jong_il"}).content.decode()
    body = html[
        html.index('<table class="flows">') : html.index(
            "</table>", html.index('<table class="flows">')
        )
    ]
    assert body.count("<tr>") + body.count('<tr class="approximate">') == 1 + 2  # header + 2
    assert "3 more flows are in the full table" in html
    assert 'href="/maps/table/?era=kim_jong_il"' in html
    # The map itself draws every flow, not only those in the table.
    data = json.loads(html.split('id="map-data" type="application/json">')[1].split("</script>")[0])
    assert len(data["flows"]) == 5


def test_the_full_table_lists_every_flow_and_draws_no_map(chains, personas, monkeypatch):
    monkeypatch.setattr(views, "PAGE_FLOWS", 2)
    html = member(personas).get("/maps/table/", {"era": "kim_jong_il"}).content.decode()
    assert 'id="irum-map"' not in html and "map-data" not in html
    body = html[
        html.index('<table class="flows">') : html.index(
            "</table>", html.index('<table class="flows">')
        )
    ]
    assert body.count("<tr") == 1 + 5
    assert "Filters: era=kim_jong_il" in html


def test_the_public_full_table_is_the_public_map(chains, settings):
    settings.IRUM_PUBLIC_MIN_COUNT = 2
    html = Client().get("/maps/public/table/").content.decode()
    assert "data-suppression-note" in html
    assert "3 flows are not shown for this reason" in html


def test_the_full_table_of_the_archive_is_for_partner_members(chains, personas):
    assert Client().get("/maps/table/").status_code == 302
    dave = Client()
    verified_login(dave, personas["dave"])
    assert dave.get("/maps/table/").status_code == 403


def test_bad_filters_get_a_page_that_names_them_without_echoing_them(chains):
    response = Client().get("/maps/public/", {"era": "<b>x</b>", "kind": "arrest"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "era:" in html and "<b>x</b>" not in html and "&lt;b&gt;" not in html
    assert "Show the map without filters" in html


def test_the_map_pages_answer_only_reads(chains):
    for url in ("/maps/public/", "/maps/public/table/", "/maps/public/map.svg"):
        assert Client().post(url).status_code == 405
