"""Checking the audit chain: `irum audit verify`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from irum.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from irum.audit.services import HEAD_PK


@dataclass(frozen=True)
class VerifyResult:
    count: int
    bad_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_seq is None


def verify_chain(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk every entry in seq order, recompute its hash and check its link to the one
    before. Stops at the first bad entry and says what is wrong with it."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for entry in entries:
        count += 1
        if entry.seq < expected_seq:  # only if the database ignores ORDER BY seq
            return VerifyResult(count, entry.seq, _("out of order"))
        if entry.seq > expected_seq:
            return VerifyResult(count, expected_seq, _missing(expected_seq, entry.seq - 1))
        if entry.compute_hash() != entry.hash:
            return VerifyResult(count, entry.seq, _mismatch_reason(entry))
        if entry.prev_hash != prev_hash:
            if entry.seq == 1:
                reason = _("does not start the chain")
            else:
                reason = _("does not follow entry %(n)s") % {"n": entry.seq - 1}
            return VerifyResult(count, entry.seq, reason)
        prev_hash = entry.hash
        expected_seq += 1
    # The head row remembers the newest entry, so losing entries off the end shows too.
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    if head is not None and head.seq >= expected_seq:
        return VerifyResult(count, expected_seq, _missing(expected_seq, head.seq))
    if head is not None and count and head.seq == count and head.hash != prev_hash:
        return VerifyResult(count, count, _("hash does not match the chain head"))
    return VerifyResult(count)


def _missing(first: int, last: int) -> str:
    if first == last:
        return _("entry %(n)s is missing") % {"n": first}
    return _("entries %(first)s to %(last)s are missing") % {"first": first, "last": last}


def _written_as(entry: AuditEntry, *, window: int = 10_000) -> int | None:
    """The seq this entry had when written, if only its seq was changed (entries moved
    around): the nearest other seq under which its contents hash to its stored hash."""
    stored_seq = entry.seq
    candidates = sorted(
        (k for k in range(max(1, stored_seq - window), stored_seq + window + 1) if k != stored_seq),
        key=lambda k: abs(k - stored_seq),
    )
    try:
        for k in candidates:
            entry.seq = k
            if entry.compute_hash() == entry.hash:
                return k
        return None
    finally:
        entry.seq = stored_seq


def _mismatch_reason(entry: AuditEntry) -> str:
    original = _written_as(entry)
    if original is not None:
        return _("out of order: it was written as entry %(n)s") % {"n": original}
    return _("hash does not match its contents")
