"""Writing to the audit log. Every service calls `audit_record` inside its own transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from irum.audit.models import GENESIS_HASH, AuditEntry, AuditHead

HEAD_PK = 1


def _lock_head() -> tuple[int, str]:
    # The chain head is one row, locked with SELECT ... FOR UPDATE for the rest of the
    # caller's transaction. Two concurrent writers would otherwise both read seq N and
    # hash H, and both write seq N+1 chained to H: one fails on the unique seq, or, worse,
    # the chain forks. With the lock the second writer waits until the first commits and
    # then reads the new head. Locking a separate head row (rather than the newest entry)
    # also covers the empty log, where there is no entry to lock. On PostgreSQL this is a
    # row lock. SQLite ignores FOR UPDATE but allows one writer at a time: a service has
    # already written its change, so its transaction holds the write lock and no other
    # writer can move the head under it; a transaction that has not written yet and loses
    # the race fails with "database is locked" on its first write (WAL snapshot), never
    # forks the chain. The unique seq is the last guard on both databases.
    # The lock is held only to the end of the caller's transaction, so services keep
    # their transactions short.
    locked = AuditHead.objects.select_for_update().filter(pk=HEAD_PK)
    row = locked.values_list("seq", "hash")[:1]  # a plain tuple: cheaper than a model
    if row:
        return row[0]
    # First entry ever (or a flushed test database): create the head. get_or_create
    # copes with a concurrent writer creating it first.
    head, _created = locked.get_or_create(pk=HEAD_PK, defaults={"seq": 0, "hash": GENESIS_HASH})
    return head.seq, head.hash


def _plain_json(value: Any) -> Any:
    """What the JSONField will give back when read: hash exactly that, not the caller's
    objects (dates, Decimals, UUIDs become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_record(
    *,
    actor: Any,
    kind: str,
    partner: Any = None,
    record: models.Model | None = None,
    record_type: str = "",
    record_id: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction (atomic() joins it), so
    the entry commits or rolls back with the change it records.

    `changes` maps field -> [old, new] and is stored as given: callers pass only what may
    be kept (never plaintext identity values)."""
    if kind not in AuditEntry.Kind.values:
        raise ValueError(f"Unknown audit kind {kind!r}")
    if record is not None:
        record_type = record_type or record._meta.label_lower
        record_id = record_id or str(record.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # AnonymousUser: recorded as no actor
    # savepoint=False: join the caller's transaction without a savepoint of our own (two
    # fewer statements per call). An error here then rolls back the caller's whole
    # transaction, which is what we want: no change without its audit entry.
    with transaction.atomic(savepoint=False):
        head_seq, head_hash = _lock_head()
        entry = AuditEntry(
            seq=head_seq + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=actor.get_username() if actor is not None else "",
            partner=partner,
            kind=kind,
            record_type=record_type,
            record_id=str(record_id),
            summary=summary[:300],
            changes=_plain_json(changes or {}),
            reason=reason,
            prev_hash=head_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(pk=HEAD_PK).update(seq=entry.seq, hash=entry.hash)
    return entry
