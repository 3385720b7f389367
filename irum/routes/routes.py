"""A person's route: their custody chain, in chain order, as legs between consecutive
distinct places.

- Events run in chain order (irum.archive.chain): `chain_index`, then id.
- Consecutive events at one place make one **stop** (detained, interrogated and tried in
  the same holding centre is one stop, not three legs to nowhere).
- An event with no place makes no stop: the route goes from the place before it to the
  place after it, and the event is listed with the route's unplaced events so that a
  numbered chain on a person's page still shows it.
- A **leg** joins two consecutive stops. Its date, agency and kind are those of the
  event that brought the person to the destination (a transfer, a forced repatriation, a
  detention); its kinds are every kind recorded at the destination stop. A return to a
  place seen earlier is a new stop (A → B → A is two legs).

Drawing needs coordinates, which the places decide (irum.routes.places): a leg with an
approximate end is drawn dashed; a leg with an end that has no coordinates at all is
kept in the table of legs and left off the map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Exists, OuterRef, QuerySet

from irum.archive.models import Event, EventSource, Person
from irum.partners.projection import coarsen_to_year
from irum.routes.filters import RouteFilters


@dataclass(frozen=True, slots=True)
class Step:
    """One event of a chain, as routes read it: only these columns are loaded."""

    person_id: int
    chain_index: int
    kind: str
    date: str  # EDTF as it may be shown to the reader of this output
    date_lower: dt.date | None
    date_upper: dt.date | None
    place_id: int | None
    agency_id: int | None


@dataclass(frozen=True, slots=True)
class Stop:
    number: int  # 1-based, in chain order
    place_id: int
    kinds: tuple[str, ...]
    date_first: str  # EDTF of the first event at the stop
    date_last: str  # EDTF of the last


@dataclass(frozen=True, slots=True)
class Leg:
    number: int  # 1-based, in chain order
    from_place_id: int
    to_place_id: int
    from_date: str  # EDTF: the last event at the origin
    to_date: str  # EDTF: the event that brought the person to the destination
    date_lower: dt.date | None  # the bounds of to_date, for date filters
    date_upper: dt.date | None
    agency_id: int | None
    kind: str
    kinds: tuple[str, ...]


@dataclass(slots=True)
class Route:
    person_id: int
    public_id: str
    pseudonym: str
    case_public_id: str
    stops: list[Stop] = field(default_factory=list)
    legs: list[Leg] = field(default_factory=list)
    unplaced: list[Step] = field(default_factory=list)


def build(steps: Iterable[Step]) -> tuple[list[Stop], list[Leg], list[Step]]:
    """Stops, legs and unplaced events of one person's steps, already in chain order."""
    stops: list[Stop] = []
    legs: list[Leg] = []
    unplaced: list[Step] = []
    groups: list[list[Step]] = []
    for step in steps:
        if step.place_id is None:
            unplaced.append(step)
        elif groups and groups[-1][0].place_id == step.place_id:
            groups[-1].append(step)
        else:
            groups.append([step])
    for number, group in enumerate(groups, start=1):
        kinds = tuple(dict.fromkeys(step.kind for step in group))
        stops.append(Stop(number, group[0].place_id, kinds, group[0].date, group[-1].date))  # type: ignore[arg-type]
        if number == 1:
            continue
        before, arrival = groups[number - 2][-1], group[0]
        legs.append(
            Leg(
                number=number - 1,
                from_place_id=before.place_id,  # type: ignore[arg-type]
                to_place_id=arrival.place_id,  # type: ignore[arg-type]
                from_date=before.date,
                to_date=arrival.date,
                date_lower=arrival.date_lower,
                date_upper=arrival.date_upper,
                agency_id=arrival.agency_id,
                kind=arrival.kind,
                kinds=kinds,
            )
        )
    return stops, legs, unplaced


def leg_matches(leg: Leg, filters: RouteFilters) -> bool:
    """Does LEG pass the leg filters? The date range keeps legs whose date may fall in
    it (its bounds overlap the range); a leg with an unknown date fails a date filter."""
    if filters.kinds and leg.kind not in filters.kinds:
        return False
    if filters.agencies and leg.agency_id not in filters.agency_ids:
        return False
    if filters.date_from and (leg.date_upper is None or leg.date_upper < filters.date_from):
        return False
    if filters.date_to and (leg.date_lower is None or leg.date_lower > filters.date_to):
        return False
    return True


def consent_annotation() -> Exists:
    """True for an event whose every source consents to publication, and which has at
    least one source (as irum.partners.projection.event_date decides)."""
    links = EventSource.objects.filter(event=OuterRef("pk"))
    return Exists(links) & ~Exists(links.filter(source__consent_public=False))


def steps_of(persons: QuerySet[Person], *, public: bool) -> Iterator[Step]:
    """Every placed or unplaced event of PERSONS, as Steps in person and chain order.

    One query. With PUBLIC, dates come as the public projection publishes them: to the
    year unless every source of the event consents, and the bounds widened to the year
    with them, so that a date filter cannot find a finer date than the one shown.
    """
    columns = ["person_id", "chain_index", "kind", "date", "date_lower", "date_upper"]
    columns += ["place_id", "agency_id"]
    events = Event.objects.filter(person__in=persons.values("pk")).order_by(
        "person_id", "chain_index", "pk"
    )
    if public:
        events = events.annotate(consents=consent_annotation())
        columns.append("consents")
    for row in events.values_list(*columns).iterator(chunk_size=5000):
        person_id, chain_index, kind, date, lower, upper, place_id, agency_id = row[:8]
        if public and not row[8]:
            date = coarsen_to_year(date)
            lower = dt.date(lower.year, 1, 1) if lower else None
            upper = dt.date(upper.year, 12, 31) if upper else None
        yield Step(person_id, chain_index, kind, date, lower, upper, place_id, agency_id)


def person_routes(
    persons: QuerySet[Person], filters: RouteFilters | None = None, *, public: bool
) -> list[Route]:
    """The routes of PERSONS (already through visibility), with the leg filters applied.

    Two queries whatever the number of persons. Stops and unplaced events are kept whole:
    a filter narrows which legs are drawn, not what the chain was.
    """
    heads = {
        pk: Route(pk, public_id, pseudonym, case_public_id)
        for pk, public_id, pseudonym, case_public_id in persons.order_by(
            "case__public_id", "position", "pk"
        ).values_list("pk", "public_id", "pseudonym", "case__public_id")
    }
    for person_id, steps in groupby(steps_of(persons, public=public), key=lambda s: s.person_id):
        route = heads.get(person_id)
        if route is None:
            continue
        route.stops, legs, route.unplaced = build(steps)
        route.legs = [leg for leg in legs if filters is None or leg_matches(leg, filters)]
    return list(heads.values())


def public_date_range(filters: RouteFilters) -> RouteFilters:
    """FILTERS with the date range widened to whole years, for public outputs: there,
    event dates are compared at the year the public sees (see steps_of)."""
    from dataclasses import replace

    return replace(
        filters,
        date_from=dt.date(filters.date_from.year, 1, 1) if filters.date_from else None,
        date_to=dt.date(filters.date_to.year, 12, 31) if filters.date_to else None,
    )
