from __future__ import annotations

import hashlib
import itertools
import json

import pytest
from django.db import transaction

from irum.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from irum.audit.services import audit_record
from irum.audit.tests.helpers import make_chain
from irum.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_it_chains_each_entry_to_the_one_before(django_user_model):
    user = django_user_model.objects.create_user(username="alice")
    make_chain(5, actor=user)

    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (5, entries[-1].hash)
    assert verify_chain().ok


def test_it_hashes_the_canonical_serialisation_of_the_entry(django_user_model):
    user = django_user_model.objects.create_user(username="alice")
    entry = audit_record(
        actor=user,
        kind="update",
        record_type="archive.case",
        record_id="7",
        summary="Title changed",
        changes={"title": ["Old", "새 제목"]},
        reason="typo",
    )
    entry = AuditEntry.objects.get(pk=entry.pk)  # as read back from the database
    expected = json.dumps(
        {
            "seq": 1,
            "created_at": entry.created_at.isoformat(timespec="microseconds"),
            "actor_id": user.pk,
            "actor_label": "alice",
            "partner_id": None,
            "kind": "update",
            "record_type": "archive.case",
            "record_id": "7",
            "summary": "Title changed",
            "changes": {"title": ["Old", "새 제목"]},
            "reason": "typo",
            "prev_hash": GENESIS_HASH,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert "+00:00" in expected
    assert entry.hash == hashlib.sha256(expected.encode()).hexdigest()


def test_it_takes_the_record_type_and_id_from_a_model_instance(django_user_model):
    user = django_user_model.objects.create_user(username="alice")
    entry = audit_record(actor=user, kind="view_restricted", record=user)
    assert (entry.record_type, entry.record_id) == ("auth.user", str(user.pk))


def test_it_keeps_the_actor_name_when_the_user_is_renamed(django_user_model):
    user = django_user_model.objects.create_user(username="alice")
    entry = audit_record(actor=user, kind="login")
    user.username = "alice2"
    user.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "alice"
    assert verify_chain().ok


def test_it_rolls_back_with_the_callers_transaction():
    make_chain(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, kind="other", summary="never committed")
        raise RuntimeError
    assert AuditEntry.objects.count() == 2
    assert AuditHead.objects.get().seq == 2
    make_chain(1)
    assert verify_chain().ok and verify_chain().count == 3


def test_it_stores_dates_in_changes_as_they_read_back():
    import datetime

    audit_record(actor=None, kind="update", changes={"born": [None, datetime.date(1970, 1, 2)]})
    assert AuditEntry.objects.get().changes == {"born": [None, "1970-01-02"]}
    assert verify_chain().ok


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        audit_record(actor=None, kind="hack")
