"""Flows: legs aggregated across many persons, computed in the database.

A flow is (from place, to place) with the number of distinct persons moved along it, the
number of legs (a person moved twice along it counts twice), and the date span of the
steps that brought them there. Legs are found with a window function (LAG over each
person's placed events in chain order), so the database returns one row per flow, not
one per event: no Python loop ever sees the events.

The leg rules are those of irum.routes.routes (placeless events are skipped; repeated
events at one place are one stop) and the same leg filters apply, so the flows of a set
of persons are exactly the sum of their routes' legs. A test holds both to that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Lag

from irum.archive.models import Event, Person
from irum.routes.filters import RouteFilters


@dataclass(frozen=True, slots=True)
class Flow:
    from_place_id: int
    to_place_id: int
    persons: int
    legs: int
    date_lower: dt.date | None  # the earliest bound of the steps along this flow
    date_upper: dt.date | None  # the latest


def _placed_events(persons: QuerySet[Person]) -> QuerySet[Event]:
    return Event.objects.filter(person__in=persons.values("pk"), place__isnull=False).order_by()


def _as_date(value: object) -> dt.date | None:
    # SQLite hands back MIN/MAX over a date column as text; PostgreSQL as a date.
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value))


def _leg_conditions(filters: RouteFilters | None) -> tuple[list[str], list[object]]:
    where = ["legs.from_place IS NOT NULL", "legs.from_place <> legs.to_place"]
    params: list[object] = []
    if filters is None:
        return where, params
    if filters.kinds:
        where.append(f"legs.leg_kind IN ({', '.join(['%s'] * len(filters.kinds))})")
        params += list(filters.kinds)
    if filters.agencies:
        ids = sorted(filters.agency_ids) or [-1]
        where.append(f"legs.leg_agency IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if filters.date_from:
        where.append("legs.upper_bound >= %s")
        params.append(filters.date_from)
    if filters.date_to:
        where.append("legs.lower_bound <= %s")
        params.append(filters.date_to)
    return where, params


def compute(persons: QuerySet[Person], filters: RouteFilters | None = None) -> list[Flow]:
    """The flows of PERSONS (already through visibility), biggest first. One query."""
    chain_order = [F("chain_index").asc(), F("pk").asc()]
    # Explicit aliases: the outer query below names the inner one's columns by them.
    legs = _placed_events(persons).values(
        leg_person=F("person_id"),
        to_place=F("place_id"),
        leg_kind=F("kind"),
        leg_agency=F("agency_id"),
        lower_bound=F("date_lower"),
        upper_bound=F("date_upper"),
        from_place=Window(Lag("place_id"), partition_by=[F("person_id")], order_by=chain_order),
    )
    inner_sql, inner_params = legs.query.get_compiler(using=legs.db).as_sql()
    where, params = _leg_conditions(filters)
    # The inner query is the ORM's, visibility and soft delete included.
    sql = f"""
        SELECT legs.from_place, legs.to_place, COUNT(DISTINCT legs.leg_person),
               COUNT(*), MIN(legs.lower_bound), MAX(legs.upper_bound)
        FROM ({inner_sql}) legs
        WHERE {" AND ".join(where)}
        GROUP BY legs.from_place, legs.to_place
        ORDER BY COUNT(DISTINCT legs.leg_person) DESC, legs.from_place, legs.to_place
    """
    with connections[legs.db].cursor() as cursor:
        cursor.execute(sql, [*inner_params, *params])
        rows = cursor.fetchall()
    return [
        Flow(from_id, to_id, persons_n, legs_n, _as_date(lower), _as_date(upper))
        for from_id, to_id, persons_n, legs_n, lower, upper in rows
    ]


def place_counts(persons: QuerySet[Person], filters: RouteFilters | None = None) -> dict[int, int]:
    """Persons through each place: those of PERSONS with an event there that passes the
    leg filters (its kind, agency and date). One query."""
    events = _placed_events(persons)
    if filters is not None:
        if filters.kinds:
            events = events.filter(kind__in=filters.kinds)
        if filters.agencies:
            events = events.filter(agency_id__in=filters.agency_ids)
        if filters.date_from:
            events = events.filter(date_upper__gte=filters.date_from)
        if filters.date_to:
            events = events.filter(date_lower__lte=filters.date_to)
    rows = events.values("place_id").annotate(n=Count("person_id", distinct=True))
    return {row["place_id"]: row["n"] for row in rows.order_by()}
