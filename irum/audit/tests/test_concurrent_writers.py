"""Writers in parallel transactions still build one unbroken chain (PostgreSQL row lock).

SQLite runs one writer at a time, so the race only exists on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from irum.audit.models import AuditEntry
from irum.audit.services import audit_record
from irum.audit.verify import verify_chain

WRITERS = 6
ENTRIES_EACH = 10


def test_it_keeps_one_chain_under_concurrent_writers(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on the whole database")
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(ENTRIES_EACH):
                with transaction.atomic():
                    audit_record(actor=None, kind="other", record_id=f"{n}-{i}")
                    time.sleep(0.001)  # hold the lock a moment: widen the race window
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditEntry.objects.count() == WRITERS * ENTRIES_EACH
    result = verify_chain()
    assert result.ok, result.reason
    assert result.count == WRITERS * ENTRIES_EACH
