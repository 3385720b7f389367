"""The static map images (irum.routes.render), drawn from hand-built maps: no database.

Text in the SVG stays text (svg.fonttype "none"), one <text> element per line, so the
checks read the image's words the way a reader, or a search, would.
"""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from irum.routes import render
from irum.routes.filters import RouteFilters
from irum.routes.mapdata import FlowMap, MapFlow, MapLeg, MapPlace, MapRoute, MapStop, RouteMap

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def place(pk, slug, name, *, kind="city_reference", lat=41.4, lon=128.2, ko="", **extra):
    fields = {"approximate": False, "persons": 5} | extra
    return MapPlace(pk, slug, name, ko, (), kind, "KP", "", lat, lon, **fields)


HYESAN = place(1, "hyesan", "Hyesan", ko="혜산", lat=41.40, lon=128.18, persons=12)
CAMP = place(
    2,
    "camp-16",
    "Kwalliso No. 16",
    kind="kwanliso",
    ko="화성 제16호 관리소",
    lat=41.27,
    lon=129.39,
    approximate=True,
    persons=7,
)
TUMEN = place(
    3,
    "tumen-dc",
    "Tumen detention centre",
    kind="cn_border_detention_centre",
    lat=42.97,
    lon=129.84,
)
YODOK = place(4, "yodok", "Yodok", kind="kwanliso", lat=None, lon=None, approximate=True)


def flow(origin, destination, persons):
    return MapFlow(origin, destination, persons, persons, "2014-01-01", "2015-12-31")


def svg_texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)  # raises on anything that is not well-formed XML
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def flow_map(**kwargs) -> FlowMap:
    fields = {
        "public": False,
        "filters": RouteFilters(case="C7QX"),
        "flows": [flow(TUMEN, HYESAN, 7), flow(HYESAN, CAMP, 4)],
        "places": [HYESAN, CAMP, TUMEN],
    } | kwargs
    return FlowMap(**fields)


def draw(result, fmt="svg", **kwargs) -> bytes:
    draw_map = render.render_route_map if isinstance(result, RouteMap) else render.render_flow_map
    options = {"title": "Transfer routes QXT", "source_note": "Source: test archive QXS"} | kwargs
    return draw_map(result, fmt=fmt, **options)


def test_it_draws_a_flow_map_as_svg_with_title_filters_legend_places_and_notes():
    texts = svg_texts(draw(flow_map()))
    assert "Transfer routes QXT" in texts
    assert "Filters: case=C7QX" in texts
    assert "Source: test archive QXS" in texts
    assert "Basemap: Natural Earth (public domain)" in texts
    for heading in (
        "Places",
        "Prison camp or prison",
        "Border crossing",
        "Persons moved along a flow",
    ):
        assert heading in texts
    # Place labels carry the Korean name and the persons through the place.
    assert "Hyesan 혜산 (12)" in texts
    assert "Kwalliso No. 16 화성 제16호 관리소 (7)" in texts


def test_it_draws_each_flow_as_an_arrow_dashed_when_an_end_is_approximate():
    root = ET.fromstring(draw(flow_map()))
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    solid, dashed = groups["flow-tumen-dc-hyesan"], groups["flow-hyesan-camp-16"]
    assert "stroke-dasharray" not in ET.tostring(solid, encoding="unicode")
    assert "stroke-dasharray" in ET.tostring(dashed, encoding="unicode")


def test_it_gives_the_same_bytes_for_the_same_map():
    assert draw(flow_map()) == draw(flow_map())


def test_where_a_line_sits_does_not_depend_on_its_letters():
    # Text is placed by baseline: an image filtered by one id is the image filtered by
    # any other of its length but for the id itself, so it tells nothing more.
    def image(case):
        return draw(FlowMap(public=True, filters=RouteFilters(case=case), threshold=5))

    assert image("CQJYPG(8").replace(b"CQJYPG(8", b"CAAAAAAA") == image("CAAAAAAA")


def test_it_draws_a_png_of_the_requested_width():
    body = draw(flow_map(), fmt="png", width_px=900)
    assert body.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(body)) as image:
        assert image.width == 900


def test_it_shows_the_korean_peninsula_and_says_so_when_nothing_matches():
    empty = FlowMap(public=False, filters=RouteFilters())
    texts = svg_texts(draw(empty))
    assert "No routes match these filters" in texts
    assert "Filters: none" in texts
    assert render._extent([]) == render.KOREA_EXTENT


def test_it_counts_the_flows_it_cannot_draw():
    result = flow_map(
        flows=[flow(HYESAN, CAMP, 4), flow(CAMP, YODOK, 2)], places=[HYESAN, CAMP, YODOK]
    )
    texts = svg_texts(draw(result))
    assert "Flows with a place that has no coordinates (listed in the table only): 1." in texts
    assert "Yodok" not in " ".join(texts)


def test_a_public_map_says_what_it_hides():
    result = flow_map(public=True, hidden_flows=3, threshold=5)
    texts = svg_texts(draw(result))
    assert "Counts below 5 are not shown to protect the people counted." in texts
    assert "Flows not shown because fewer than 5 persons moved along them: 3." in texts


def test_a_place_with_a_suppressed_count_is_labelled_without_one():
    hidden = place(5, "musan", "Musan", lat=42.23, lon=129.21, persons=None)
    result = flow_map(public=True, threshold=5, places=[HYESAN, CAMP, TUMEN, hidden])
    texts = svg_texts(draw(result))
    assert "Musan" in texts


def test_it_labels_only_the_places_with_the_most_persons_that_have_room():
    places = [
        place(100 + i, f"p{i}", f"Place{i:02d}", lat=38 + (i % 9), lon=124 + (i // 9), persons=i)
        for i in range(render.MAX_LABELS + 5)
    ]
    texts = svg_texts(draw(flow_map(flows=[], places=places)))
    labelled = [p for p in places if f"{p.name} ({p.persons})" in texts]
    assert 0 < len(labelled) <= render.MAX_LABELS
    assert places[-1] in labelled and places[0] not in labelled
    note = "Places left unlabelled (fewer persons, or no room for a label): %d."
    assert note % (len(places) - len(labelled)) in texts


def test_labels_that_would_cover_one_another_are_left_off():
    # Two places a hair apart: the bigger keeps its label, the smaller has no room.
    near = [
        place(200, "a", "Alpha long place name", lat=40.0, lon=127.0, persons=9),
        place(201, "b", "Bravo long place name", lat=40.01, lon=127.01, persons=3),
        place(202, "c", "Charlie long place name", lat=40.02, lon=127.0, persons=2),
        place(203, "d", "Delta long place name", lat=39.99, lon=127.01, persons=1),
        place(204, "e", "Echo long place name", lat=40.0, lon=127.02, persons=1),
    ]
    texts = svg_texts(draw(flow_map(flows=[], places=near)))
    assert "Alpha long place name (9)" in texts
    assert "Echo long place name (1)" not in texts
    assert any(t.startswith("Places left unlabelled") for t in texts)


def test_it_takes_names_as_text_never_as_markup_or_math():
    odd = place(6, "odd", "A <b>&amp; $x^2$", lat=40.0, lon=127.0)
    texts = svg_texts(draw(flow_map(places=[HYESAN, CAMP, TUMEN, odd]), title="Title $5 <i>"))
    assert "A <b>&amp; $x^2$ (5)" in texts
    assert "Title $5 <i>" in texts


def test_it_refuses_an_unknown_format_or_width():
    with pytest.raises(ValueError):
        draw(flow_map(), fmt="gif")
    with pytest.raises(ValueError):
        draw(flow_map(), fmt="png", width_px=10)


def test_it_reads_the_basemap_once():
    assert render.basemap() is render.basemap()
    assert len(render.basemap()) > 200


def test_it_cuts_basemap_rings_to_the_map():
    square = render.np.array([(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)], dtype=float)
    cut = render._clip_ring(square, (2.0, 5.0, -1.0, 4.0))
    assert cut[:, 0].min() == 2 and cut[:, 0].max() == 5
    assert cut[:, 1].min() == 0 and cut[:, 1].max() == 4
    assert (cut[0] == cut[-1]).all()
    assert not len(render._clip_ring(square, (20.0, 30.0, 20.0, 30.0)))


def route(public_id, pseudonym, stops):
    map_stops = tuple(MapStop(i + 1, p, ("transfer",), "2014", "2014") for i, p in enumerate(stops))
    legs = tuple(
        MapLeg(i + 1, a, b, "2014", "2014", None, "transfer", ("transfer",))
        for i, (a, b) in enumerate(itertools.pairwise(stops))
    )
    return MapRoute(public_id, pseudonym, "C7QX", map_stops, legs, ())


def test_it_numbers_a_routes_legs_and_stops_and_names_the_route():
    result = RouteMap(
        public=False,
        filters=RouteFilters(person="P7QX"),
        routes=[route("P7QX", "Pseudonym QXP", [TUMEN, HYESAN, CAMP, YODOK])],
        places=[TUMEN, HYESAN, CAMP, YODOK],
    )
    body = draw(result)
    texts = svg_texts(body)
    assert "Pseudonym QXP (P7QX)" in texts
    assert {"1", "2"} <= set(texts)  # legs (circled) and stops
    assert "Legs with a place that has no coordinates (listed in the table only): 1." in texts
    ids = {g.get("id") for g in ET.fromstring(body).iter(f"{SVG}g")}
    assert {"leg-P7QX-1", "leg-P7QX-2"} <= ids and "leg-P7QX-3" not in ids


def test_a_map_of_many_routes_draws_them_alike_and_numbers_none():
    routes = [route(f"P{i}QX", f"Pseudonym {i}", [TUMEN, HYESAN]) for i in range(12)]
    result = RouteMap(public=True, filters=RouteFilters(), routes=routes, places=[TUMEN, HYESAN])
    texts = svg_texts(draw(result))
    assert not any(t.startswith("Pseudonym") for t in texts)
    assert "One leg of one person's route" in texts
    assert any(t.startswith("Routes: 12.") for t in texts)
    assert "Leg number, in chain order" not in texts
