"""Test helpers: build a chain, and tamper with it the way someone holding the database
file would (drop or disable the triggers first, then edit with raw SQL)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from irum.audit.models import AuditEntry
from irum.audit.services import audit_record


def make_chain(n: int, *, actor: Any = None, partner: Any = None) -> list[AuditEntry]:
    return [
        audit_record(
            actor=actor,
            partner=partner,
            kind=AuditEntry.Kind.UPDATE,
            record_type="archive.case",
            record_id=str(i),
            summary=f"Changed case {i}",
            changes={"title": [f"old {i}", f"new {i}"]},
            reason="test",
        )
        for i in range(1, n + 1)
    ]


def disable_audit_triggers() -> None:
    """Remove the append-only protection inside the test's transaction (rolled back with
    it on both databases, since their DDL is transactional)."""
    statements = {
        "sqlite": [
            "DROP TRIGGER audit_auditentry_no_update",
            "DROP TRIGGER audit_auditentry_no_delete",
        ],
        # Django's foreign keys are deferred; PostgreSQL refuses ALTER TABLE while their
        # checks are pending, so run them now.
        "postgresql": [
            "SET CONSTRAINTS ALL IMMEDIATE",
            "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_no_change",
            "SET CONSTRAINTS ALL DEFERRED",
        ],
    }[connection.vendor]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def raw_sql(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
