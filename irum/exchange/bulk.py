"""Fast inserts for the importer: plain parameterised SQL through Django's connection.

An import of 100,000 persons writes about a million rows, plus one history row for each
(django-simple-history's "+" rows). Building a Django model instance for each of those
costs far more than the insert itself, so the importer hands validated tuples straight
to the database cursor, on SQLite and PostgreSQL alike, inside the import's transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# PostgreSQL caps a statement at 65,535 parameters; SQLite builds may cap it lower, and
# Django tells us how low.
_MAX_PARAMS = 65_535


def _chunk_rows(columns: int) -> int:
    limit = connection.features.max_query_params or _MAX_PARAMS
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 32):
        # Django assumes SQLite's old limit of 999 parameters; since 3.32 it is 32,766,
        # and fewer, larger statements make the import's inserts about a quarter faster.
        limit = 32_766
    return max(1, min(1000, limit // max(columns, 1)))


def adapt_date(value: dt.date | None) -> Any:
    return None if value is None else connection.ops.adapt_datefield_value(value)


def adapt_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool = True,
) -> list[int]:
    """Insert ROWS (tuples in COLUMNS order) into MODEL's table; return the new ids in
    row order when RETURNING. Values must already be adapted for the database."""
    if not rows:
        return []
    table = _quote(model._meta.db_table)
    cols = ", ".join(_quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES {one}", rows)
            return []
        ids: list[int] = []
        pk = _quote(model._meta.pk.column)
        step = _chunk_rows(len(columns))
        # Both backends return the ids of a multi-row INSERT ... RETURNING in row order;
        # Django's own bulk_create relies on the same guarantee.
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            sql = f"INSERT INTO {table} ({cols}) VALUES {', '.join([one] * len(chunk))} RETURNING {pk}"
            cursor.execute(sql, [value for row in chunk for value in row])
            ids.extend(r[0] for r in cursor.fetchall())
        return ids


def insert_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    ids: Sequence[int],
    *,
    when: dt.datetime,
    actor_id: int | None,
    reason: str,
) -> None:
    """Write django-simple-history's creation ("+") row for each inserted row, exactly as
    the library would, so the import is in every record's history."""
    historical = model.history.model  # type: ignore[attr-defined]
    kept_columns = {f.column for f in historical._meta.concrete_fields}
    keep = [i for i, c in enumerate(columns) if c in kept_columns]
    history_columns = [
        *(columns[i] for i in keep),
        model._meta.pk.column,
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    stamp = adapt_datetime(when)
    tail = (stamp, reason, "+", actor_id)
    history_rows = [(*(row[i] for i in keep), pk, *tail) for row, pk in zip(rows, ids, strict=True)]
    insert(historical, history_columns, history_rows, returning=False)
