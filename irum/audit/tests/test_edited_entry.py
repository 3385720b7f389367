from __future__ import annotations

import pytest

from irum.audit.tests.helpers import disable_audit_triggers, make_chain, raw_sql
from irum.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_it_detects_an_edited_entry():
    make_chain(5)
    disable_audit_triggers()
    raw_sql("UPDATE audit_auditentry SET summary = %s WHERE seq = 3", ["Nothing happened"])

    result = verify_chain()

    assert not result.ok
    assert result.bad_seq == 3
    assert result.reason == "hash does not match its contents"


def test_it_detects_an_edited_entry_whose_hash_was_recomputed():
    entries = make_chain(5)
    entry = entries[2]
    entry.reason = "rewritten"
    forged = entry.compute_hash()
    disable_audit_triggers()
    raw_sql(
        "UPDATE audit_auditentry SET reason = %s, hash = %s WHERE seq = 3", ["rewritten", forged]
    )

    result = verify_chain()

    assert (result.bad_seq, result.reason) == (4, "does not follow entry 3")


def test_it_detects_an_edit_to_the_last_entry_with_a_recomputed_hash():
    entries = make_chain(3)
    entry = entries[-1]
    entry.summary = "forged"
    disable_audit_triggers()
    raw_sql(
        "UPDATE audit_auditentry SET summary = %s, hash = %s WHERE seq = 3",
        ["forged", entry.compute_hash()],
    )

    result = verify_chain()

    assert (result.bad_seq, result.reason) == (3, "hash does not match the chain head")
