"""What a map shows, resolved once for every output: the map page, the GeoJSON API and
the static images all draw from a FlowMap or a RouteMap built here, so they cannot
disagree about what a user may see.

Public maps (anyone, and partner members who ask for the public view) are drawn from
the public cases only, with dates as the public projection publishes them, and with
flows and place counts under the suppression threshold hidden (irum.reports.suppression):
a hidden flow is left off the map and counted in `hidden_flows`, which the pages say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from irum.archive.models import Person
from irum.gazetteer.models import Agency, Place, PlaceName
from irum.reports.suppression import threshold_setting
from irum.routes import flows as flows_module
from irum.routes import routes as routes_module
from irum.routes.filters import RouteFilters, scope_persons


@dataclass(frozen=True, slots=True)
class MapPlace:
    id: int
    slug: str
    name: str
    name_ko: str
    names: tuple[str, ...]  # every other name: romanisations, Hangul variants
    kind: str
    country: str
    source: str
    lat: float | None  # where it is drawn (its own point, or an ancestor's)
    lon: float | None
    approximate: bool
    persons: int | None  # persons through it; None when suppressed

    @property
    def drawable(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class MapAgency:
    slug: str
    name: str
    name_ko: str


@dataclass(frozen=True, slots=True)
class MapFlow:
    origin: MapPlace
    destination: MapPlace
    persons: int
    legs: int
    date_from: str  # ISO date, or the year on public maps; "" when unknown
    date_to: str

    @property
    def approximate(self) -> bool:
        return self.origin.approximate or self.destination.approximate

    @property
    def drawable(self) -> bool:
        return self.origin.drawable and self.destination.drawable


@dataclass(frozen=True, slots=True)
class MapStop:
    number: int
    place: MapPlace
    kinds: tuple[str, ...]
    date_first: str
    date_last: str


@dataclass(frozen=True, slots=True)
class MapLeg:
    number: int
    origin: MapPlace
    destination: MapPlace
    from_date: str
    to_date: str
    agency: MapAgency | None
    kind: str
    kinds: tuple[str, ...]

    @property
    def approximate(self) -> bool:
        return self.origin.approximate or self.destination.approximate

    @property
    def drawable(self) -> bool:
        return self.origin.drawable and self.destination.drawable


@dataclass(frozen=True, slots=True)
class MapRoute:
    public_id: str
    pseudonym: str
    case_public_id: str
    stops: tuple[MapStop, ...]
    legs: tuple[MapLeg, ...]
    unplaced: tuple[tuple[str, str], ...]  # (kind, date) of events with no place


@dataclass
class FlowMap:
    public: bool
    filters: RouteFilters
    flows: list[MapFlow] = field(default_factory=list)
    places: list[MapPlace] = field(default_factory=list)
    hidden_flows: int = 0  # public maps: flows under the threshold, left off
    threshold: int | None = None  # public maps: the suppression threshold

    @property
    def undrawable(self) -> int:
        return sum(1 for flow in self.flows if not flow.drawable)


@dataclass
class RouteMap:
    public: bool
    filters: RouteFilters
    routes: list[MapRoute] = field(default_factory=list)
    places: list[MapPlace] = field(default_factory=list)

    @property
    def legs(self) -> int:
        return sum(len(route.legs) for route in self.routes)


class PlaceIndex:
    """All places (the gazetteer is small: hundreds, not millions) with their drawing
    points resolved, and names and counts for the places a map uses. Two queries."""

    def __init__(self) -> None:
        self.rows = {place.pk: place for place in Place.objects.all()}
        self._points = {pk: place.point(self.rows) for pk, place in self.rows.items()}

    def build(
        self, ids: Iterable[int], counts: dict[int, int], threshold: int | None
    ) -> dict[int, MapPlace]:
        wanted = sorted(set(ids))
        names: dict[int, list[str]] = defaultdict(list)
        for place_id, name in (
            PlaceName.objects.filter(place_id__in=wanted)
            .order_by("place_id", "name")
            .values_list("place_id", "name")
        ):
            names[place_id].append(name)
        built = {}
        for pk in wanted:
            place = self.rows[pk]
            point = self._points[pk]
            count = counts.get(pk, 0)
            built[pk] = MapPlace(
                id=pk,
                slug=place.slug,
                name=place.name,
                name_ko=place.name_ko,
                names=tuple(n for n in names[pk] if n not in (place.name, place.name_ko)),
                kind=place.kind,
                country=place.country,
                source=place.source,
                lat=point.lat if point else None,
                lon=point.lon if point else None,
                approximate=point.approximate if point else True,
                persons=None if threshold is not None and count < threshold else count,
            )
        return built


def _date_text(value: Any, public: bool) -> str:
    if value is None:
        return ""
    return f"{value.year:04d}" if public else value.isoformat()


def flow_map(filters: RouteFilters, *, user: Any, public: bool) -> FlowMap:
    """The flows FILTERS selects, as USER may see them (or as the public may)."""
    if public:
        filters = routes_module.public_date_range(filters)
    persons = scope_persons(filters, user=user, public=public)
    threshold = threshold_setting() if public else None
    result = FlowMap(public=public, filters=filters, threshold=threshold)
    computed, counts = flows_module.compute_with_place_counts(persons, filters)
    if threshold is not None:
        shown = [flow for flow in computed if flow.persons >= threshold]
        result.hidden_flows = len(computed) - len(shown)
        computed = shown
    ids = {f.from_place_id for f in computed} | {f.to_place_id for f in computed}
    # A place no flow touches is still shown with its count: a person may be known only
    # at the place of arrest. On public maps only if its count may be shown.
    ids |= {pk for pk, n in counts.items() if threshold is None or n >= threshold}
    places = PlaceIndex().build(ids, counts, threshold)
    result.places = sorted(places.values(), key=lambda p: (p.country, p.name))
    result.flows = [
        MapFlow(
            origin=places[flow.from_place_id],
            destination=places[flow.to_place_id],
            persons=flow.persons,
            legs=flow.legs,
            date_from=_date_text(flow.date_lower, public),
            date_to=_date_text(flow.date_upper, public),
        )
        for flow in computed
    ]
    return result


def route_map(
    filters: RouteFilters, *, user: Any, public: bool, persons: QuerySet[Person] | None = None
) -> RouteMap:
    """Each person's route that FILTERS selects, as USER may see it (or the public).
    PERSONS, when given, replaces the filters' choice of persons: a caller that has
    already narrowed them through visibility (an export of selected cases)."""
    if public:
        filters = routes_module.public_date_range(filters)
    if persons is None:
        persons = scope_persons(filters, user=user, public=public)
    routes = routes_module.person_routes(persons, filters, public=public)
    ids = {stop.place_id for route in routes for stop in route.stops}
    # Counts on a route map are the routes' own: no suppression needed, and none applied,
    # because a public route is already the public projection of one person.
    counts: dict[int, int] = defaultdict(int)
    for route in routes:
        for place_id in {stop.place_id for stop in route.stops}:
            counts[place_id] += 1
    places = PlaceIndex().build(ids, counts, None)
    agencies = {
        pk: MapAgency(slug, name, name_ko)
        for pk, slug, name, name_ko in Agency.objects.values_list("pk", "slug", "name", "name_ko")
    }
    result = RouteMap(public=public, filters=filters)
    result.places = sorted(places.values(), key=lambda p: (p.country, p.name))
    for route in routes:
        result.routes.append(
            MapRoute(
                public_id=route.public_id,
                pseudonym=route.pseudonym,
                case_public_id=route.case_public_id,
                stops=tuple(
                    MapStop(s.number, places[s.place_id], s.kinds, s.date_first, s.date_last)
                    for s in route.stops
                ),
                legs=tuple(
                    MapLeg(
                        number=leg.number,
                        origin=places[leg.from_place_id],
                        destination=places[leg.to_place_id],
                        from_date=leg.from_date,
                        to_date=leg.to_date,
                        agency=agencies.get(leg.agency_id) if leg.agency_id else None,
                        kind=leg.kind,
                        kinds=leg.kinds,
                    )
                    for leg in route.legs
                ),
                unplaced=tuple((step.kind, step.date) for step in route.unplaced),
            )
        )
    return result
