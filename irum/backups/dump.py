"""Tables to rows and back: what a backup holds of the database, read and written with SQL.

Values are read as the database stores them, never through the model fields: an
encrypted column (irum.vault) stays ciphertext, so a backup needs no field keys and a
restored row is byte for byte the row that was backed up. Only the database backend's
own converters run (SQLite keeps dates as text and booleans as 0/1), so that a value
can be written typed into either SQLite or PostgreSQL: each value is stored in the
backup as JSON, and types JSON lacks are tagged ({"$": "datetime", "v": "..."}).
"""

from __future__ import annotations

import base64
import datetime
import decimal
import math
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection as default_connection
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _

from irum.backups.archive import BackupError

# Sessions are left out: they are short-lived login tokens, and a session restored into
# another instance would be a way in that no one logged in to create.
SKIPPED_TABLES = frozenset({"django_session"})
# Filled in by `migrate` on every instance (post_migrate), so an empty instance already
# has them: content types, permissions, and the Moderators group with its permissions
# (irum.discussion.apps). Restore replaces them with the backup's rows, whose ids the
# other tables (admin log, user permissions, group members) refer to. Deleted in this
# order: each before the tables it refers to.
REGENERATED_TABLES = (
    "auth_group_permissions",
    "auth_group",
    "auth_permission",
    "django_content_type",
)
BATCH = 500


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    fields: tuple[models.Field, ...]

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]

    @property
    def pk(self) -> models.Field:
        return self.model._meta.pk

    @property
    def auto_pk(self) -> bool:
        return isinstance(self.pk, models.AutoField)


def tables() -> list[Table]:
    """Every table Django manages for the installed apps (history, audit, auth, OTP and
    axes included), once each, in name order."""
    found: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped or meta.db_table in SKIPPED_TABLES:
            continue
        if meta.db_table not in found:
            found[meta.db_table] = Table(meta.db_table, model, tuple(meta.local_concrete_fields))
    return [found[name] for name in sorted(found)]


# --- values -----------------------------------------------------------------------------


def encode_value(value: Any, field: models.Field) -> Any:
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, int) and not isinstance(value, bool):
            if field.get_internal_type() == "DurationField":  # SQLite keeps microseconds
                return {"$": "duration", "v": value}
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$": "duration", "v": _microseconds(value)}
    if isinstance(value, decimal.Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$": "uuid", "v": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    raise BackupError(
        _("%(column)s holds a value of a type backups cannot store (%(type)s).")
        % {"column": _column_label(field), "type": type(value).__name__}
    )


def _microseconds(delta: datetime.timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _column_label(field: models.Field) -> str:
    return f"{field.model._meta.db_table}.{field.column}"


_PARSERS = {
    "datetime": parse_datetime,
    "date": parse_date,
    "time": parse_time,
    "decimal": decimal.Decimal,
    "uuid": uuid.UUID,
    "float": float,
}


def decode_value(value: Any, field: models.Field, connection: BaseDatabaseWrapper) -> Any:
    """The parameter to write `value` into `field`'s column on `connection`, the way
    Django itself writes it (so a same-engine restore writes identical bytes)."""
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise ValueError("a list is not a column value")
        return value
    tag, raw = value.get("$"), value.get("v")
    if tag == "bytes":
        return connection.Database.Binary(base64.b64decode(raw, validate=True))
    if tag == "duration":
        delta = datetime.timedelta(microseconds=int(raw))
        return delta if connection.features.has_native_duration_field else int(raw)
    parser = _PARSERS.get(tag)
    if parser is None or not isinstance(raw, str):
        raise ValueError(f"unknown value tag {tag!r}")
    parsed = parser(raw)
    if parsed is None:
        raise ValueError(f"{raw!r} is not a {tag}")
    if tag == "datetime":
        return connection.ops.adapt_datetimefield_value(parsed)
    if tag == "date":
        return connection.ops.adapt_datefield_value(parsed)
    if tag == "time":
        return connection.ops.adapt_timefield_value(parsed)
    if tag == "decimal":
        return connection.ops.adapt_decimalfield_value(parsed)
    if tag == "uuid":
        return parsed if connection.features.has_native_uuid_field else parsed.hex
    return parsed


# --- reading ----------------------------------------------------------------------------


def read_rows(
    table: Table, connection: BaseDatabaseWrapper = default_connection
) -> Iterator[list[Any]]:
    """Every row of `table` in primary-key order, each a list of encoded column values."""
    qn = connection.ops.quote_name
    converters = [connection.ops.get_db_converters(f.cached_col) for f in table.fields]
    sql = "SELECT {} FROM {} ORDER BY {}".format(
        ", ".join(qn(c) for c in table.columns), qn(table.name), qn(table.pk.column)
    )
    # A chunked (server-side on PostgreSQL) cursor: a large table is never all in memory.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(2000):
            for row in rows:
                out = []
                for value, field, convs in zip(row, table.fields, converters, strict=True):
                    for convert in convs:
                        value = convert(value, field.cached_col, connection)
                    out.append(encode_value(value, field))
                yield out


def last_used_id(table: Table, connection: BaseDatabaseWrapper = default_connection) -> int:
    """The highest id the table's sequence has handed out, deleted rows included, so that
    a restored archive never gives a new row the id of one that history still names."""
    if not table.auto_pk:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if not cursor.fetchone():
                return 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table.name])
            row = cursor.fetchone()
            return int(row[0]) if row else 0
        if connection.vendor == "postgresql":
            sequence = _pg_sequence(cursor, table)
            if sequence is None:
                return 0
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
            return int(last_value) if is_called else 0
    return 0


def _pg_sequence(cursor: Any, table: Table) -> str | None:
    # The name comes from the catalogue, already quoted where it needs to be.
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table.name, table.pk.column])
    row = cursor.fetchone()
    return row[0] if row and row[0] else None


def migration_state(connection: BaseDatabaseWrapper = default_connection) -> dict[str, list[str]]:
    """Applied migrations per app, as recorded in the database."""
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def unapplied_migrations(connection: BaseDatabaseWrapper = default_connection) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


# --- writing ----------------------------------------------------------------------------


def non_empty_tables(connection: BaseDatabaseWrapper = default_connection) -> list[str]:
    qn = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in tables():
            if table.name in REGENERATED_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {qn(table.name)} LIMIT 1")
            if cursor.fetchone():
                found.append(table.name)
    return found


def clear_regenerated(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Remove the rows `migrate` created (content types, permissions) and the sessions, in
    an instance otherwise empty, before the backup's own rows go in."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name in (*SKIPPED_TABLES, *REGENERATED_TABLES):
            cursor.execute(f"DELETE FROM {qn(name)}")


class RowWriter:
    """Inserts encoded rows into one table, in batches."""

    def __init__(
        self, table: Table, columns: list[str], connection: BaseDatabaseWrapper = default_connection
    ) -> None:
        by_column = {f.column: f for f in table.fields}
        self.table = table
        self.fields = [by_column[c] for c in columns]
        self.connection = connection
        self.count = 0
        self._batch: list[list[Any]] = []
        qn = connection.ops.quote_name
        self._sql = "INSERT INTO {} ({}) VALUES ({})".format(
            qn(table.name),
            ", ".join(qn(c) for c in columns),
            ", ".join(self._placeholder(f) for f in self.fields),
        )

    def _placeholder(self, field: models.Field) -> str:
        # PostgreSQL's jsonb and inet take the text as the database wrote it: casting keeps
        # it from being sent as a plain text parameter of the wrong type.
        if self.connection.vendor == "postgresql":
            kind = field.get_internal_type()
            if kind == "JSONField":
                return "%s::jsonb"
            if kind in ("GenericIPAddressField", "IPAddressField"):
                return "%s::inet"
        return "%s"

    def add(self, row: list[Any]) -> None:
        self._batch.append(
            [decode_value(v, f, self.connection) for v, f in zip(row, self.fields, strict=True)]
        )
        if len(self._batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            with self.connection.cursor() as cursor:
                cursor.executemany(self._sql, self._batch)
            self.count += len(self._batch)
            self._batch = []


def check_foreign_keys(
    names: Iterable[str], connection: BaseDatabaseWrapper = default_connection
) -> None:
    """Run the deferred foreign-key checks now, inside the transaction, so that a broken
    reference is reported (and rolled back) before commit rather than by it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        connection.check_constraints(table_names=list(names))


def reset_sequences(
    recorded: dict[str, int], connection: BaseDatabaseWrapper = default_connection
) -> None:
    """Point every id sequence past the restored rows, and past the highest id the
    backed-up instance had ever handed out."""
    everything = tables()
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        models_ = [t.model for t in everything]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(sql)
            for table in everything:
                wanted = int(recorded.get(table.name, 0))
                if not table.auto_pk or wanted <= 0:
                    continue
                sequence = _pg_sequence(cursor, table)
                if sequence is not None:
                    qn = connection.ops.quote_name
                    cursor.execute(
                        f"SELECT setval(%s::regclass, GREATEST(%s, COALESCE(MAX({qn(table.pk.column)}), 0)))"
                        f" FROM {qn(table.name)}",
                        [sequence, wanted],
                    )
    elif connection.vendor == "sqlite":
        # SQLite's AUTOINCREMENT already moved past the inserted ids; only the high-water
        # mark of deleted rows is left to carry over.
        with connection.cursor() as cursor:
            for table in everything:
                wanted = int(recorded.get(table.name, 0))
                if not table.auto_pk or wanted <= 0:
                    continue
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq < %s",
                    [wanted, table.name, wanted],
                )
                cursor.execute("SELECT 1 FROM sqlite_sequence WHERE name = %s", [table.name])
                if not cursor.fetchone():
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                        [table.name, wanted],
                    )
