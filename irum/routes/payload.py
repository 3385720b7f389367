"""The map page's own data: a FlowMap or RouteMap in a compact form for map.js.

Not GeoJSON: a page drawing ten thousand flows would carry every place's names once per
flow, several megabytes for the browser to parse before it draws anything. Here each
place is listed once and flows and legs name places by their index in that list. The
GeoJSON API (irum/routes/geojson.py) is the exchange format; this is only the page's.
"""

from __future__ import annotations

from typing import Any

from irum.routes.mapdata import FlowMap, MapAgency, MapPlace, RouteMap


def _places(places: list[MapPlace]) -> tuple[list[list[Any]], dict[int, int]]:
    index = {place.id: i for i, place in enumerate(places)}
    rows = [
        [
            p.slug,
            p.name,
            p.name_ko,
            list(p.names),
            p.kind,
            p.lat,
            p.lon,
            int(p.approximate),
            p.persons,
            p.source,
        ]
        for p in places
    ]
    return rows, index


def flows_payload(result: FlowMap) -> dict[str, Any]:
    places, index = _places(result.places)
    return {
        "mode": "flows",
        "places": places,
        # [origin, destination, persons, legs, date from, date to]
        "flows": [
            [
                index[f.origin.id],
                index[f.destination.id],
                f.persons,
                f.legs,
                f.date_from,
                f.date_to,
            ]
            for f in result.flows
        ],
    }


def routes_payload(result: RouteMap) -> dict[str, Any]:
    places, index = _places(result.places)
    agencies: dict[str, int] = {}
    agency_rows: list[list[str]] = []

    def agency(value: MapAgency | None) -> int:
        if value is None:
            return -1
        if value.slug not in agencies:
            agencies[value.slug] = len(agency_rows)
            agency_rows.append([value.slug, value.name, value.name_ko])
        return agencies[value.slug]

    return {
        "mode": "routes",
        "places": places,
        "agencies": agency_rows,
        # [public id, pseudonym, [[number, origin, destination, from date, to date,
        #   agency, kinds], ...]]
        "routes": [
            [
                route.public_id,
                route.pseudonym,
                [
                    [
                        leg.number,
                        index[leg.origin.id],
                        index[leg.destination.id],
                        leg.from_date,
                        leg.to_date,
                        agency(leg.agency),
                        list(leg.kinds),
                    ]
                    for leg in route.legs
                ],
            ]
            for route in result.routes
        ],
    }
