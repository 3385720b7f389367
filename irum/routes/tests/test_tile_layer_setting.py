"""An administrator may put a tile layer under the maps (IRUM_MAP_TILE_URL); its host is
then the only other host the pages may load images from."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from irum.routes.tiles import tile_origin


def test_it_takes_the_origin_of_a_tile_template_for_the_csp():
    assert (
        tile_origin("https://tiles.example.org/osm/{z}/{x}/{y}.png") == "https://tiles.example.org"
    )
    assert tile_origin("http://localhost:8080/{z}/{x}/{y}.png") == "http://localhost:8080"


@pytest.mark.parametrize(
    "url",
    [
        "https://tiles.example.org/tile.png",  # not a template
        "http://tiles.example.org/{z}/{x}/{y}.png",  # plain HTTP to another machine
        "https://{s}.tiles.example.org/{z}/{x}/{y}.png",  # a wildcard host
        "javascript:alert(1)//{z}/{x}/{y}",
        "/relative/{z}/{x}/{y}.png",
    ],
)
def test_it_refuses_a_template_that_is_unsafe_or_not_a_template(url):
    with pytest.raises(ImproperlyConfigured):
        tile_origin(url)


def test_with_no_tile_url_the_map_page_names_no_other_host(db):
    response = Client().get("/maps/public/")
    assert 'data-tiles=""' in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert "http" not in policy


def test_a_configured_tile_layer_reaches_the_page(db, settings):
    settings.IRUM_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.IRUM_MAP_TILE_ATTRIBUTION = "Example tiles"
    html = Client().get("/maps/public/").content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="Example tiles"' in html
