"""Flows and place counts by hand-written SQL: the baseline for irum.routes.flows.

Written from the rules in the docstrings of irum/routes/routes.py (not from flows.py):

- a person's chain is their live events in chain order (chain_index, then id);
- an event with no place makes no stop; consecutive events at one place are one stop;
- a leg joins consecutive stops, and takes the kind, agency and date of the event that
  arrives at the destination; leg filters apply to legs, after the chain is built;
- soft-deleted records are out: deleted_at IS NULL on the case, the person and the event.

A flow is (from place, to place) with the distinct persons, the legs, the earliest lower
date bound and the latest upper date bound of its legs. Since consecutive events at one
place are one stop, "the previous placed event is at another place" is exactly "this
event arrives over a leg", so one LAG over each person's placed events finds every leg.

The person filters (era and country of the first deprivation of liberty, public cases)
are the report's definitions (docs/figures.md), as bench/sql_figures.py writes them.
SQLite dialect; parameters in DB-API qmark style.

The plan is written, not left to chance: the events are read through the person IN list
and the (person, chain_index) index, so they arrive in chain order and the window needs
no sort, with or without ANALYZE statistics. `+deleted_at IS NULL` (a unary plus) keeps
SQLite off the deleted_at indexes: before ANALYZE its planner takes "IS NULL" on an
indexed column for a selective condition, when it is true of nearly every row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# The era boundaries of docs/figures.md.
KIM_JONG_IL_FROM = "1994-07-08"
KIM_JONG_IL_TO = "2011-12-16"
KIM_JONG_UN_FROM = "2011-12-17"


@dataclass(frozen=True)
class Scope:
    """Which persons count (person filters) and which legs (leg filters)."""

    era: str = ""  # kim_il_sung | kim_jong_il | kim_jong_un (not "unknown": not needed)
    country: str = ""  # KP | abroad | a country code
    public: bool = False  # public cases only
    kinds: tuple[str, ...] = ()  # leg filter: the arriving event's kind
    min_persons: int | None = None  # public maps: flows under the threshold are hidden
    max_person_id: int | None = None  # a sample: the persons with pk <= this


def _persons(scope: Scope) -> tuple[str, list[Any]]:
    """SELECT of the ids of the persons in SCOPE."""
    joins = ["JOIN archive_case c ON c.id = p.case_id"]
    where = ["+p.deleted_at IS NULL", "+c.deleted_at IS NULL"]
    params: list[Any] = []
    if scope.max_person_id is not None:
        where.append("p.id <= ?")
        params.append(scope.max_person_id)
    if scope.public:
        where.append("c.confidentiality = 'public'")
    if scope.era or scope.country:
        # The FDL is a stored pointer (kept by the services that order chains).
        joins.append("JOIN archive_event f ON f.id = p.first_deprivation_id")
    if scope.era == "kim_il_sung":
        where.append("f.date_upper < ?")
        params.append(KIM_JONG_IL_FROM)
    elif scope.era == "kim_jong_il":
        where.append("f.date_lower >= ? AND f.date_upper <= ?")
        params += [KIM_JONG_IL_FROM, KIM_JONG_IL_TO]
    elif scope.era == "kim_jong_un":
        where.append("f.date_lower >= ?")
        params.append(KIM_JONG_UN_FROM)
    elif scope.era:
        raise ValueError(f"era {scope.era!r} is not in this baseline")
    if scope.country:
        joins.append("JOIN gazetteer_place fp ON fp.id = f.place_id")
        if scope.country == "abroad":
            where.append("fp.country NOT IN ('KP', '') AND instr(fp.country, '/') = 0")
        else:
            where.append("fp.country = ?")
            params.append(scope.country)
    sql = f"SELECT p.id FROM archive_person p {' '.join(joins)} WHERE {' AND '.join(where)}"
    return sql, params


def flows_sql(scope: Scope) -> tuple[str, list[Any]]:
    persons, params = _persons(scope)
    legs_where = ["came_from IS NOT NULL", "came_from <> place_id"]
    if scope.kinds:
        legs_where.append(f"kind IN ({', '.join('?' for _ in scope.kinds)})")
        params = [*params, *scope.kinds]
    having = ""
    if scope.min_persons is not None:
        having = "HAVING COUNT(DISTINCT person_id) >= ?"
        params = [*params, scope.min_persons]
    sql = f"""
        WITH placed AS (
            SELECT e.person_id, e.place_id, e.kind, e.date_lower, e.date_upper,
                   LAG(e.place_id) OVER (
                       PARTITION BY e.person_id ORDER BY e.chain_index, e.id
                   ) AS came_from
            FROM archive_event e
            WHERE +e.deleted_at IS NULL AND e.place_id IS NOT NULL
              AND e.person_id IN ({persons})
        )
        SELECT came_from, place_id, COUNT(DISTINCT person_id), COUNT(*),
               MIN(date_lower), MAX(date_upper)
        FROM placed
        WHERE {" AND ".join(legs_where)}
        GROUP BY came_from, place_id
        {having}
    """
    return sql, params


def place_counts_sql(scope: Scope) -> tuple[str, list[Any]]:
    """Persons with a live placed event at each place (passing the kind filter)."""
    persons, person_params = _persons(scope)
    kinds = ""
    if scope.kinds:
        kinds = f"AND e.kind IN ({', '.join('?' for _ in scope.kinds)})"
    params = [*scope.kinds, *person_params]  # in the order of the placeholders
    sql = f"""
        SELECT e.place_id, COUNT(DISTINCT e.person_id)
        FROM archive_event e
        WHERE +e.deleted_at IS NULL AND e.place_id IS NOT NULL {kinds}
          AND e.person_id IN ({persons})
        GROUP BY e.place_id
    """
    return sql, params


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


Row = tuple[int, int, int, int, dt.date | None, dt.date | None]


def flows(cursor: Any, scope: Scope) -> list[Row]:
    """(from place, to place, persons, legs, lower, upper), sorted by the places."""
    sql, params = flows_sql(scope)
    cursor.execute(_qmark(cursor, sql), params)
    return sorted(
        (a, b, persons, legs, _date(lower), _date(upper))
        for a, b, persons, legs, lower, upper in cursor.fetchall()
    )


def place_counts(cursor: Any, scope: Scope) -> dict[int, int]:
    sql, params = place_counts_sql(scope)
    cursor.execute(_qmark(cursor, sql), params)
    return dict(cursor.fetchall())


def _qmark(cursor: Any, sql: str) -> str:
    # Django's cursor wrapper takes %s (its SQLite backend turns them into ?); a raw
    # sqlite3 cursor takes ?. The SQL above has no literal % or ?.
    return sql if cursor.__class__.__module__ == "sqlite3" else sql.replace("?", "%s")
