from __future__ import annotations

import pytest

from irum.audit.tests.helpers import disable_audit_triggers, make_chain, raw_sql
from irum.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_it_detects_two_entries_swapped():
    make_chain(5)
    disable_audit_triggers()
    raw_sql("UPDATE audit_auditentry SET seq = 1000 WHERE seq = 2")
    raw_sql("UPDATE audit_auditentry SET seq = 2 WHERE seq = 3")
    raw_sql("UPDATE audit_auditentry SET seq = 3 WHERE seq = 1000")

    result = verify_chain()

    assert (result.bad_seq, result.reason) == (2, "out of order: it was written as entry 3")
