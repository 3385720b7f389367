from __future__ import annotations

import pytest

from irum.audit.tests.helpers import disable_audit_triggers, make_chain, raw_sql
from irum.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_it_detects_a_deleted_entry():
    make_chain(5)
    disable_audit_triggers()
    raw_sql("DELETE FROM audit_auditentry WHERE seq = 3")

    result = verify_chain()

    assert (result.bad_seq, result.reason) == (3, "entry 3 is missing")


def test_it_detects_deleted_entries_at_the_end_of_the_log():
    make_chain(5)
    disable_audit_triggers()
    raw_sql("DELETE FROM audit_auditentry WHERE seq >= 4")

    result = verify_chain()

    assert (result.bad_seq, result.reason) == (4, "entries 4 to 5 are missing")


def test_it_detects_a_deleted_first_entry():
    make_chain(3)
    disable_audit_triggers()
    raw_sql("DELETE FROM audit_auditentry WHERE seq = 1")

    assert verify_chain().bad_seq == 1
