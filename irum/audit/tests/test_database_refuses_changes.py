"""The triggers refuse writes that bypass the ORM, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from irum.audit.models import AuditEntry
from irum.audit.tests.helpers import make_chain, raw_sql
from irum.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_the_database_has_the_append_only_triggers():
    assert connection.vendor in {"sqlite", "postgresql"}
    make_chain(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql("UPDATE audit_auditentry SET reason = 'x'")


def test_the_database_refuses_a_raw_update():
    make_chain(3)
    with pytest.raises(DatabaseError, match="UPDATE refused"), transaction.atomic():
        raw_sql("UPDATE audit_auditentry SET summary = %s WHERE seq = 2", ["forged"])
    assert AuditEntry.objects.get(seq=2).summary == "Changed case 2"
    assert verify_chain().ok


def test_the_database_refuses_a_raw_delete():
    make_chain(3)
    with pytest.raises(DatabaseError, match="DELETE refused"), transaction.atomic():
        raw_sql("DELETE FROM audit_auditentry WHERE seq = 2")
    assert AuditEntry.objects.count() == 3
    assert verify_chain().ok
