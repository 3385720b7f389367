"""FlowMap and RouteMap as GeoJSON (RFC 7946): a FeatureCollection in WGS 84 longitude,
latitude order. A flow or leg with an end that has no coordinates keeps its feature with
a null geometry (RFC 7946 §3.2), so that counts and tables stay complete; places are
Point features of their own, flagged with `feature_type`."""

from __future__ import annotations

from typing import Any

from irum.routes.mapdata import FlowMap, MapAgency, MapPlace, RouteMap

# Seven decimals is a centimetre; the gazetteer has nothing finer (RFC 7946 §11.2).
PRECISION = 6


def _position(place: MapPlace) -> list[float]:
    return [round(place.lon, PRECISION), round(place.lat, PRECISION)]  # type: ignore[arg-type]


def _line(origin: MapPlace, destination: MapPlace) -> dict[str, Any] | None:
    if not (origin.drawable and destination.drawable):
        return None
    return {"type": "LineString", "coordinates": [_position(origin), _position(destination)]}


def place_properties(place: MapPlace) -> dict[str, Any]:
    return {
        "feature_type": "place",
        "slug": place.slug,
        "name": place.name,
        "name_ko": place.name_ko,
        "names": list(place.names),
        "kind": place.kind,
        "country": place.country,
        "source": place.source,
        "approximate": place.approximate,
        "persons": place.persons,
    }


def _place_feature(place: MapPlace) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": f"place:{place.slug}",
        "geometry": {"type": "Point", "coordinates": _position(place)} if place.drawable else None,
        "properties": place_properties(place),
    }


def _agency(agency: MapAgency | None) -> dict[str, str] | None:
    if agency is None:
        return None
    return {"slug": agency.slug, "name": agency.name, "name_ko": agency.name_ko}


def flows_collection(result: FlowMap) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "id": f"flow:{flow.origin.slug}:{flow.destination.slug}",
            "geometry": _line(flow.origin, flow.destination),
            "properties": {
                "feature_type": "flow",
                "from": flow.origin.slug,
                "to": flow.destination.slug,
                "from_name": flow.origin.name,
                "to_name": flow.destination.name,
                "persons": flow.persons,
                "legs": flow.legs,
                "date_from": flow.date_from,
                "date_to": flow.date_to,
                "approximate": flow.approximate,
            },
        }
        for flow in result.flows
    ]
    features += [_place_feature(place) for place in result.places]
    return {
        "type": "FeatureCollection",
        "features": features,
        "metadata": _metadata(result.public, result.filters.as_params())
        | {"hidden_flows": result.hidden_flows, "threshold": result.threshold},
    }


def routes_collection(result: RouteMap) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for route in result.routes:
        for leg in route.legs:
            features.append(
                {
                    "type": "Feature",
                    "id": f"leg:{route.public_id}:{leg.number}",
                    "geometry": _line(leg.origin, leg.destination),
                    "properties": {
                        "feature_type": "leg",
                        "person": route.public_id,
                        "pseudonym": route.pseudonym,
                        "case": route.case_public_id,
                        "number": leg.number,
                        "from": leg.origin.slug,
                        "to": leg.destination.slug,
                        "from_name": leg.origin.name,
                        "to_name": leg.destination.name,
                        "from_date": leg.from_date,
                        "to_date": leg.to_date,
                        "agency": _agency(leg.agency),
                        "kind": leg.kind,
                        "kinds": list(leg.kinds),
                        "approximate": leg.approximate,
                    },
                }
            )
    features += [_place_feature(place) for place in result.places]
    return {
        "type": "FeatureCollection",
        "features": features,
        "metadata": _metadata(result.public, result.filters.as_params())
        | {
            "routes": [
                {
                    "person": route.public_id,
                    "pseudonym": route.pseudonym,
                    "case": route.case_public_id,
                    "stops": [
                        {
                            "number": stop.number,
                            "place": stop.place.slug,
                            "kinds": list(stop.kinds),
                            "date_first": stop.date_first,
                            "date_last": stop.date_last,
                        }
                        for stop in route.stops
                    ],
                    "unplaced": [{"kind": kind, "date": date} for kind, date in route.unplaced],
                }
                for route in result.routes
            ]
        },
    }


def _metadata(public: bool, filters: dict[str, Any]) -> dict[str, Any]:
    return {
        "scope": "public" if public else "archive",
        "filters": filters,
        "basemap": "Natural Earth (public domain)",
    }
