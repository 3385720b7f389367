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


def _legs_sql(persons: QuerySet[Person]) -> tuple[str, tuple[object, ...], str]:
    """The ORM's query of every placed event of PERSONS with the place before it in the
    person's chain (LAG over chain order): visibility and soft delete included. Columns
    by explicit alias, which the hand-written outer queries below use."""
    chain_order = [F("chain_index").asc(), F("pk").asc()]
    legs = _placed_events(persons).values(
        leg_person=F("person_id"),
        to_place=F("place_id"),
        leg_kind=F("kind"),
        leg_agency=F("agency_id"),
        lower_bound=F("date_lower"),
        upper_bound=F("date_upper"),
        from_place=Window(Lag("place_id"), partition_by=[F("person_id")], order_by=chain_order),
    )
    sql, params = legs.query.get_compiler(using=legs.db).as_sql()
    return sql, tuple(params), legs.db


FLOWS_SELECT = """
    SELECT legs.from_place, legs.to_place, COUNT(DISTINCT legs.leg_person),
           COUNT(*), MIN(legs.lower_bound), MAX(legs.upper_bound)
    FROM legs
    WHERE {where}
    GROUP BY legs.from_place, legs.to_place
"""


def _flows(rows: list[tuple]) -> list[Flow]:
    found = [
        Flow(from_id, to_id, persons_n, legs_n, _as_date(lower), _as_date(upper))
        for from_id, to_id, persons_n, legs_n, lower, upper in rows
    ]
    found.sort(key=lambda f: (-f.persons, f.from_place_id, f.to_place_id))
    return found


def compute(persons: QuerySet[Person], filters: RouteFilters | None = None) -> list[Flow]:
    """The flows of PERSONS (already through visibility), biggest first. One query."""
    inner_sql, inner_params, db = _legs_sql(persons)
    where, params = _leg_conditions(filters)
    sql = f"WITH legs AS ({inner_sql}) " + FLOWS_SELECT.format(where=" AND ".join(where))
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [*inner_params, *params])
        return _flows(cursor.fetchall())


def compute_with_place_counts(
    persons: QuerySet[Person], filters: RouteFilters | None = None
) -> tuple[list[Flow], dict[int, int]]:
    """compute() and place_counts() from one read of the events: a map needs both, and
    reading several hundred thousand events twice was most of its time. The legs are
    read once into a common table expression (both databases materialise one that is
    used twice) and grouped twice: by (from, to) for the flows, by place for the counts.
    The leg filters test the arriving event's own kind, agency and date, which is what
    place_counts filters events on, so one set of conditions serves both."""
    inner_sql, inner_params, db = _legs_sql(persons)
    where, params = _leg_conditions(filters)
    event_where = where[2:] or ["1 = 1"]  # the leg filters alone, not the from-place tests
    sql = (
        f"WITH legs AS ({inner_sql}) "
        + FLOWS_SELECT.format(where=" AND ".join(where))
        + f"""
        UNION ALL
        SELECT NULL, legs.to_place, COUNT(DISTINCT legs.leg_person), NULL, NULL, NULL
        FROM legs
        WHERE {" AND ".join(event_where)}
        GROUP BY legs.to_place
        """
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [*inner_params, *params, *params])
        rows = cursor.fetchall()
    counts = {place: n for origin, place, n, *_ in rows if origin is None}
    return _flows([row for row in rows if row[0] is not None]), counts


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
