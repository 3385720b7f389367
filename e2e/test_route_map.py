"""The transfer-route map in a browser (issue 4), on the synthetic demo data.

Headless Chromium loads the archive map and the public map with every request that is
not to the live server blocked; the markers and flow lines must be drawn (the lines on a
Leaflet canvas, so they are checked by the map's own counts and by reading the canvas's
pixels), a place's popup must open on a click, the filter panel must redraw the map, a
person's route must be numbered, the public map must hide small flows and every case
that is not public, no Content-Security-Policy violation may be raised, and the page
must fit a phone's screen. Screenshots go to $IRUM_TEST_OUTPUT/e2e/ (default
test-output/e2e/).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from e2e.test_content_security_policy import watch_policy

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
LINE_RED = (0x8A, 0x1C, 0x1C)  # the flows' colour (map.js), drawn at opacity 0.8

# Pixels of the lines' canvas in the overlay pane (the basemap has its own pane) whose
# colour is the flows' red, whatever their alpha.
RED_PIXELS_JS = """([r, g, b]) => {
  let count = 0;
  for (const canvas of document.querySelectorAll('#irum-map .leaflet-overlay-pane canvas')) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24
          && Math.abs(data[i + 2] - b) < 24) { count++; }
    }
  }
  return count;
}"""

# The place markers that nothing covers at their centre, so a real click reaches them.
CLICKABLE_PLACES_JS = """() => [...document.querySelectorAll('#irum-map .place-marker')]
  .filter(marker => {
    const box = marker.getBoundingClientRect();
    return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === marker;
  })
  .map(marker => marker.dataset.place)"""

# The outermost elements of the page that reach past the right edge of WIDTH.
TOO_WIDE_JS = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width && !e.closest('#irum-map'))
  .filter((e, _, all) => !all.includes(e.parentElement))
  .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.scrollWidth)}px)`)"""


# ------------------------------------------------------------------------------ helpers


@pytest.fixture
def demo_data(transactional_db):
    """The gazetteer and the demo data set (113 persons, 66 cases), loaded afresh for
    each test: the live server's database is emptied after every test."""
    from django.core.management import call_command

    call_command("load-gazetteer", stdout=io.StringIO())
    call_command("demo-data", stdout=io.StringIO())


def screenshot(target, name: str, *, full_page: bool = False) -> Path:
    directory = Path(os.environ.get("IRUM_TEST_OUTPUT", "test-output")) / "e2e"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    options = {"full_page": True} if full_page else {}
    target.screenshot(path=str(path), animations="disabled", **options)
    return path


def open_map(page, url: str) -> dict[str, str | None]:
    """Go to a map page and wait until the map is drawn; the counts of what it drew."""
    page.goto(url)
    page.wait_for_selector("#irum-map[data-ready='1']", state="attached")
    element = page.locator("#irum-map")
    assert element.get_attribute("data-basemap-failed") is None, "the basemap did not load"
    return {
        "lines": element.get_attribute("data-drawn-lines"),
        "places": element.get_attribute("data-drawn-places"),
    }


def map_features(page) -> list[dict]:
    """The page's map data (irum/routes/payload.py: places listed once, flows and legs by
    place index) read back as GeoJSON-like features, so the checks below read plainly."""
    data = page.evaluate("JSON.parse(document.getElementById('map-data').textContent)")
    places = data["places"]

    def point(place):
        slug, name, name_ko, names, kind, lat, lon, _approx, persons, _source = place
        return {
            "geometry": None if lat is None else {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "feature_type": "place",
                "slug": slug,
                "name": name,
                "name_ko": name_ko,
                "names": names,
                "kind": kind,
                "persons": persons,
            },
        }

    def line(origin, destination, feature_type, **properties):
        a, b = places[origin], places[destination]
        located = a[5] is not None and b[5] is not None
        return {
            "geometry": {"type": "LineString"} if located else None,
            "properties": {"feature_type": feature_type, "from": a[0], "to": b[0], **properties},
        }

    features = [point(place) for place in places]
    for origin, destination, persons, legs, *_ in data.get("flows", []):
        features.append(line(origin, destination, "flow", persons=persons, legs=legs))
    for public_id, _pseudonym, legs in data.get("routes", []):
        for number, origin, destination, *_ in legs:
            features.append(line(origin, destination, "leg", person=public_id, number=number))
    return features


def drawable(features: list[dict], feature_type: str) -> list[dict]:
    return [
        f
        for f in features
        if f["properties"]["feature_type"] == feature_type and f["geometry"] is not None
    ]


def red_pixels(page) -> int:
    return page.evaluate(RED_PIXELS_JS, list(LINE_RED))


def table_rows(page, table: str) -> int:
    """Rows of a table's body, leaving out the 'no rows match' row."""
    return page.locator(f"table.{table} tbody tr:not(:has(td[colspan]))").count()


def person_with_stops(*, confidentiality: str | None = None, public: bool = False, stops=3):
    """A demo person whose custody chain passes through at least STOPS distinct places,
    in a case of that CONFIDENTIALITY (or a case on the public site, with PUBLIC)."""
    from django.db.models import Count

    from irum.archive.models import Person
    from irum.partners import visibility

    persons = Person.objects.annotate(places=Count("events__place", distinct=True))
    if confidentiality:
        persons = persons.filter(case__confidentiality=confidentiality)
    if public:
        persons = persons.filter(case__in=visibility.public_cases())
    person = persons.filter(places__gte=stops).order_by("-places", "public_id").first()
    assert person is not None, "the demo data has no such person"
    return person


def phone_misfit(page) -> str:
    """What does not fit a phone's width on this page ("" when all fits)."""
    box = page.locator("#irum-map").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width <= PHONE["width"] + 1:
        return ""
    too_wide = page.evaluate(TOO_WIDE_JS, PHONE["width"] + 1)
    return f"{page.url} scrolls sideways: {scroll_width}px wide; too wide: {too_wide}"


# -------------------------------------------------------------------------------- tests


def test_it_draws_the_archive_map_with_its_markers_lines_and_place_popups(
    page, live_server, staff_login, demo_data
):
    staff_login()
    counts = open_map(page, f"{live_server.url}/maps/")
    features = map_features(page)
    flows, places = drawable(features, "flow"), drawable(features, "place")
    assert len(flows) > 20 and len(places) > 10

    # Every flow with coordinates is a line, every place a marker; the tables agree.
    assert counts["lines"] == str(len(flows))
    assert counts["places"] == str(len(places))
    assert page.locator("#irum-map .place-marker").count() == len(places)
    assert table_rows(page, "flows") == len(
        [f for f in features if f["properties"]["feature_type"] == "flow"]
    )
    assert table_rows(page, "places") == len(places)
    groups = page.evaluate(
        "[...new Set([...document.querySelectorAll('#irum-map .place-marker')]"
        ".map(m => [...m.classList].find(c => c.startsWith('group-'))))]"
    )
    assert {"group-camp", "group-holding"} <= set(groups), groups
    # The lines are on the canvas: its pixels carry the flows' red.
    page.wait_for_function(f"({RED_PIXELS_JS})({list(LINE_RED)}) > 500")

    # A click on a place opens its popup: name, count of persons through it.
    clickable = page.evaluate(CLICKABLE_PLACES_JS)
    by_slug = {f["properties"]["slug"]: f["properties"] for f in places}
    slug = max(
        (s for s in clickable if by_slug[s]["persons"] is not None),
        key=lambda s: by_slug[s]["persons"],
    )
    place = by_slug[slug]
    page.locator(f"#irum-map [data-place='{slug}']").click()
    popup = page.locator(".leaflet-popup-content .place-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert place["name"] in text
    if place["name_ko"]:
        assert place["name_ko"] in text
    assert f"Persons through this place: {place['persons']}" in text
    assert popup.locator("p.persons").inner_text() == (
        f"Persons through this place: {place['persons']}"
    )

    screenshot(page.locator("#irum-map"), "archive-map-popup")
    screenshot(page, "archive-map-page")
    assert page.blocked_requests == []


def test_it_redraws_the_map_from_the_filter_panel(page, live_server, staff_login, demo_data):
    staff_login()
    before = open_map(page, f"{live_server.url}/maps/")
    pixels_before = red_pixels(page)

    page.select_option("form.map-filters select[name='kind']", ["transfer"])
    page.select_option("form.map-filters select[name='era']", ["kim_jong_il", "kim_jong_un"])
    with page.expect_navigation():
        page.click("form.map-filters button[type='submit']")
    after = open_map(page, page.url)

    query = parse_qs(urlparse(page.url).query)
    assert urlparse(page.url).path == "/maps/"
    assert query["kind"] == ["transfer"]
    assert query["era"] == ["kim_jong_il", "kim_jong_un"]
    # The form shows the filters it drew the map with.
    assert page.locator("select[name='kind'] option:checked").all_inner_texts() == ["Transfer"]

    features = map_features(page)
    flows = [f for f in features if f["properties"]["feature_type"] == "flow"]
    assert 0 < len(flows)
    assert int(after["lines"]) < int(before["lines"])
    assert after["lines"] == str(len(drawable(features, "flow")))
    assert table_rows(page, "flows") == len(flows)
    assert page.locator("#irum-map .place-marker").count() == int(after["places"])
    page.wait_for_function(f"({RED_PIXELS_JS})({list(LINE_RED)}) > 0")
    assert red_pixels(page) != pixels_before  # the canvas was drawn anew

    # "Clear" brings the whole map back.
    with page.expect_navigation():
        page.click("form.map-filters a:text('Clear')")
    assert open_map(page, page.url)["lines"] == before["lines"]
    assert page.blocked_requests == []


def test_it_numbers_the_stops_of_a_persons_route(page, live_server, staff_login, demo_data):
    person = person_with_stops(stops=4)
    staff_login()
    counts = open_map(page, f"{live_server.url}/maps/?person={person.public_id}")

    assert page.locator("#irum-map").get_attribute("data-mode") == "routes"
    assert page.locator("table.flows").count() == 0
    assert page.locator(f"#route-{person.public_id}").count() == 1
    legs = table_rows(page, "legs")
    assert legs >= 3
    stops = page.locator("ol.stops li").count()
    assert stops == legs + 1

    # Each stop is numbered at its place: together the labels count 1 … stops.
    labels = page.locator("#irum-map .stop-number").all_inner_texts()
    assert len(labels) >= 3
    numbers = sorted(int(n) for label in labels for n in label.split(","))
    assert numbers == list(range(1, stops + 1)), labels
    assert counts["lines"] == str(len(drawable(map_features(page), "leg")))
    assert int(counts["lines"]) >= 3
    page.wait_for_function(f"({RED_PIXELS_JS})({list(LINE_RED)}) > 0")

    screenshot(page.locator("#irum-map"), "person-route")
    assert page.blocked_requests == []


def test_it_hides_small_flows_and_cases_that_are_not_public_from_the_public_map(
    page, live_server, demo_data
):
    from irum.archive.models import Confidentiality
    from irum.reports.suppression import threshold_setting

    threshold = threshold_setting()

    counts = open_map(page, f"{live_server.url}/maps/public/")
    features = map_features(page)

    # In the demo data every public flow is under the threshold: none is drawn or listed,
    # and the page says why.
    assert counts["lines"] == "0"
    assert drawable(features, "flow") == []
    assert table_rows(page, "flows") == 0
    assert page.locator("table.flows").inner_text().count("No flows match") == 1
    note = page.locator("[data-suppression-note]")
    assert note.is_visible()
    assert f"Counts below {threshold} are not shown" in note.inner_text()
    assert "flows are not shown for this reason" in note.inner_text()
    assert red_pixels(page) == 0
    # The places it shows carry counts at or above the threshold, or none.
    for place in drawable(features, "place"):
        assert place["properties"]["persons"] is None or place["properties"]["persons"] >= threshold
    assert page.locator("form.map-filters [name='partner']").count() == 0
    screenshot(page, "public-map", full_page=True)

    # A restricted case's person, by person and by case: nothing.
    hidden = person_with_stops(confidentiality=Confidentiality.RESTRICTED)
    for query in (f"person={hidden.public_id}", f"case={hidden.case.public_id}"):
        counts = open_map(page, f"{live_server.url}/maps/public/?{query}")
        assert page.get_by_text("No routes match these filters.").is_visible(), query
        assert counts["lines"] == "0" and counts["places"] == "0", query
        assert page.locator("#irum-map .place-marker, #irum-map .stop-number").count() == 0
        assert hidden.public_id not in page.locator("body").inner_text(), query

    # A case shared with partners only: nothing either.
    shared = person_with_stops(confidentiality=Confidentiality.PARTNERS)
    open_map(page, f"{live_server.url}/maps/public/?person={shared.public_id}")
    assert page.get_by_text("No routes match these filters.").is_visible()

    # While a public case's person does have a route there: the checks above can fail.
    shown = person_with_stops(public=True)
    counts = open_map(page, f"{live_server.url}/maps/public/?person={shown.public_id}")
    assert table_rows(page, "legs") >= 2 and int(counts["lines"]) >= 2
    assert page.blocked_requests == []


def test_it_raises_no_content_security_policy_violation_on_the_map_pages(
    page, live_server, staff_login, demo_data
):
    person = person_with_stops(public=True)
    violations = watch_policy(page)
    staff_login()
    open_map(page, f"{live_server.url}/maps/")
    page.locator(f"#irum-map [data-place='{page.evaluate(CLICKABLE_PLACES_JS)[0]}']").click()
    page.locator(".leaflet-popup-content .place-popup").wait_for()
    page.wait_for_load_state("networkidle")
    open_map(page, f"{live_server.url}/maps/?person={person.public_id}&kind=detention")
    page.wait_for_load_state("networkidle")
    open_map(page, f"{live_server.url}/maps/public/")
    page.wait_for_load_state("networkidle")
    open_map(page, f"{live_server.url}/maps/public/?person={person.public_id}")
    page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)
    assert page.blocked_requests == []


def test_it_fits_a_phone_screen(page, live_server, staff_login, demo_data):
    person = person_with_stops(public=True)
    staff_login()
    page.set_viewport_size(PHONE)
    misfits = []

    counts = open_map(page, f"{live_server.url}/maps/")
    assert int(counts["lines"]) > 0
    assert page.locator("#irum-map .place-marker").first.is_visible()
    page.locator("#irum-map").scroll_into_view_if_needed()
    screenshot(page, "phone-archive-map")
    misfits.append(phone_misfit(page))

    open_map(page, f"{live_server.url}/maps/public/?person={person.public_id}")
    assert page.locator("#irum-map .stop-number").first.is_visible()
    page.locator("#irum-map").scroll_into_view_if_needed()
    screenshot(page, "phone-public-route")
    misfits.append(phone_misfit(page))

    assert page.blocked_requests == []
    assert not any(misfits), "\n".join(filter(None, misfits))


def test_it_draws_many_places_on_the_canvas_and_still_opens_their_popups(
    page, live_server, staff_login, demo_data
):
    """Past a limit (150) places are drawn on the canvas, not as marker elements: the
    demo has fewer, so the page is served with a limit of 5 to draw them that way."""
    staff_login()

    def lower_the_limit(route):
        response = route.fetch()
        body = response.text().replace('data-marker-limit="150"', 'data-marker-limit="5"')
        route.fulfill(response=response, body=body)

    page.route(f"{live_server.url}/maps/", lower_the_limit)
    open_map(page, f"{live_server.url}/maps/")
    element = page.locator("#irum-map")
    assert element.get_attribute("data-places-on-canvas") == "1"
    assert page.locator("#irum-map .place-marker").count() == 0
    places = [f for f in map_features(page) if f["properties"]["feature_type"] == "place"]
    busiest = max(places, key=lambda f: f["properties"]["persons"] or 0)["properties"]
    x, y = page.evaluate(
        """slug => {
          const m = document.getElementById('irum-map');
          const place = m.irum.places.find(p => p[0] === slug);
          const point = m.irum.map.latLngToContainerPoint([place[5], place[6]]);
          return [point.x, point.y];
        }""",
        busiest["slug"],
    )
    element.click(position={"x": x, "y": y})
    popup = page.locator(".leaflet-popup-content .place-popup")
    popup.wait_for()
    assert busiest["name"] in popup.inner_text()
    screenshot(page, "archive-map-canvas-places")
    assert page.blocked_requests == []
