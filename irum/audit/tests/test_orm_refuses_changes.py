from __future__ import annotations

import pytest

from irum.audit.models import AuditEntry, AuditLogImmutable
from irum.audit.tests.helpers import make_chain
from irum.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_it_refuses_to_save_a_changed_entry():
    entry = make_chain(2)[0]
    entry.summary = "changed"
    with pytest.raises(AuditLogImmutable, match="append-only"):
        entry.save()
    entry = AuditEntry.objects.get(seq=1)
    with pytest.raises(AuditLogImmutable):
        entry.save()
    assert verify_chain().ok


def test_it_refuses_to_delete_an_entry():
    entry = make_chain(2)[0]
    with pytest.raises(AuditLogImmutable, match="cannot be deleted"):
        entry.delete()
    assert AuditEntry.objects.count() == 2


def test_it_refuses_queryset_updates_and_deletes():
    make_chain(2)
    with pytest.raises(AuditLogImmutable, match="cannot be updated"):
        AuditEntry.objects.filter(seq=1).update(summary="changed")
    with pytest.raises(AuditLogImmutable, match="cannot be deleted"):
        AuditEntry.objects.all().delete()
    assert verify_chain().ok and verify_chain().count == 2
