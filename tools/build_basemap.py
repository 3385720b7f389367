"""Build the shipped basemap (irum/routes/basemap/countries.geojson) from Natural Earth.

Run by hand, never at run time: the output file is committed. Its input is the
`world-atlas` npm package (Natural Earth 4.1.0 admin-0 countries as TopoJSON; the data
is public domain, the package ISC):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/build_basemap.py package/

Countries around the Korean peninsula, where the routes run and where a border crossing
on the Tumen or the Yalu must fall on the right bank, come from the 1:10m data; the rest
of the world from 1:50m, which is enough at the zooms it is seen at. Coordinates are kept
to 1/1000 of a degree (about 100 m), finer than either scale resolves.

Then the lines are simplified (Douglas-Peucker, with shapely, which only this script
needs: `pip install shapely`): to about 400 m around the peninsula and 5 km elsewhere.
The map page fetches this file before it draws; 160,000 points took the browser most of
a second to parse and draw, and the simplified file draws the same at the zooms used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# (west, south, east, north): countries reaching into REGION come from the 1:10m data;
# within DETAIL (the peninsula and its borders with China and Russia) their lines are
# kept fine, outside it simplified like the rest of the world.
REGION = (95.0, 15.0, 150.0, 60.0)
DETAIL = (118.0, 36.0, 134.0, 46.0)
PLACES = 3
# Simplification tolerances in degrees: inside DETAIL, and elsewhere.
TOLERANCE_DETAIL = 0.004
TOLERANCE_WORLD = 0.05


def split_simplify(polygons: list[list[list[list[float]]]]) -> list[list[list[list[float]]]]:
    """POLYGONS simplified finely inside DETAIL and coarsely outside it."""
    from shapely.geometry import MultiPolygon, Polygon, box
    from shapely.ops import unary_union

    shape = MultiPolygon([Polygon(p[0], p[1:]) for p in polygons]).buffer(0)
    area = box(*DETAIL)
    # Simplified first, cut after: both parts then run exactly along the box edge, and
    # the union dissolves it (cutting first and simplifying each part moved the cut apart
    # and left a seam drawn across the map).
    fine = shape.simplify(TOLERANCE_DETAIL, preserve_topology=True).buffer(0)
    coarse = shape.simplify(TOLERANCE_WORLD, preserve_topology=True).buffer(0)
    joined = unary_union([fine.intersection(area), coarse.difference(area)])
    parts = [joined] if joined.geom_type == "Polygon" else list(getattr(joined, "geoms", []))
    out = []
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        rings = [part.exterior, *part.interiors]
        out.append([[[round(x, PLACES), round(y, PLACES)] for x, y in r.coords] for r in rings])
    return out


def simplify(polygon: list[list[list[float]]], tolerance: float) -> list[list[list[float]]]:
    from shapely.geometry import Polygon

    shape = Polygon(polygon[0], polygon[1:]).simplify(tolerance, preserve_topology=True)
    if shape.is_empty or shape.geom_type != "Polygon":
        return polygon
    rings = [shape.exterior, *shape.interiors]
    return [[[round(x, PLACES), round(y, PLACES)] for x, y in ring.coords] for ring in rings]


def decode(topology: dict) -> list[dict]:
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append(
                (
                    round(x * scale[0] + translate[0], PLACES),
                    round(y * scale[1] + translate[1], PLACES),
                )
            )
        arcs.append(points)

    def ring(indexes: list[int]) -> list[list[float]]:
        out: list[tuple[float, float]] = []
        for index in indexes:
            points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
            out.extend(points if not out else points[1:])
        # drop repeated points left by rounding
        cleaned = [out[0]]
        for point in out[1:]:
            if point != cleaned[-1]:
                cleaned.append(point)
        if cleaned[0] != cleaned[-1]:
            cleaned.append(cleaned[0])
        return [list(p) for p in cleaned]

    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [[ring(r) for r in polygon] for polygon in polygons]
        rings = [[r for r in polygon if len(r) >= 4] for polygon in rings]
        rings = [polygon for polygon in rings if polygon]
        features.append(
            {
                "type": "Feature",
                "id": geometry.get("id"),
                "properties": {"name": geometry.get("properties", {}).get("name", "")},
                "polygons": rings,
            }
        )
    return features


def bbox(polygon: list[list[list[float]]]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in polygon[0]]
    ys = [p[1] for p in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)


def intersects(box: tuple[float, float, float, float]) -> bool:
    w, s, e, n = REGION
    return not (box[2] < w or box[0] > e or box[3] < s or box[1] > n)


def main(package: Path, out: Path) -> None:
    fine = decode(json.loads((package / "countries-10m.json").read_text()))
    coarse = decode(json.loads((package / "countries-50m.json").read_text()))
    fine_by_key = {(f["id"], f["properties"]["name"]): f for f in fine}
    features = []
    for feature in coarse:
        key = (feature["id"], feature["properties"]["name"])
        detailed = fine_by_key.get(key)
        polygons = [
            simplify(p, TOLERANCE_WORLD) for p in feature["polygons"] if not intersects(bbox(p))
        ]
        if detailed is not None:
            polygons += split_simplify([p for p in detailed["polygons"] if intersects(bbox(p))])
        else:
            polygons = [simplify(p, TOLERANCE_WORLD) for p in feature["polygons"]]
        if not polygons:
            continue
        features.append(
            {
                "type": "Feature",
                "id": feature["id"],
                "properties": feature["properties"],
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "attribution": "Natural Earth (public domain), via world-atlas 2.0.2",
        "features": features,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n")
    points = sum(
        len(ring) for f in features for poly in f["geometry"]["coordinates"] for ring in poly
    )
    print(f"{out}: {len(features)} countries, {points} points, {out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    main(Path(sys.argv[1]), root / "irum/routes/static/irum/routes/countries.geojson")
