"""The audit log: append-only and hash-chained (DESIGN.md; issue 3, "Audit").

Each entry carries the SHA-256 of its own canonical contents and the hash of the entry
before it, so editing, deleting or reordering any entry breaks the chain at that point
(`irum audit verify` names the first bad entry). Rows are never updated or deleted: the
model, its QuerySet and database triggers (migration 0002) all refuse.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogImmutable(_("Audit entries are append-only: they cannot be updated."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable(_("Audit entries are append-only: they cannot be deleted."))

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        RESTORE = "restore", _("restore")
        VIEW_RESTRICTED = "view_restricted", _("view of a restricted record")
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        OTP_VERIFIED = "otp_verified", _("2FA verified")
        OTP_FAILED = "otp_failed", _("2FA failed")
        OTP_ENROLLED = "otp_enrolled", _("2FA enrolled")
        OTHER = "other", _("other")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    partner = models.ForeignKey(
        "partners.Organization",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    record_type = models.CharField(_("record type"), max_length=100, blank=True)
    record_id = models.CharField(_("record id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.record_type} {self.record_id}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogImmutable(_("Audit entries are append-only: they cannot be updated."))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable(_("Audit entries are append-only: they cannot be deleted."))

    def canonical(self) -> str:
        return canonical_json(
            seq=self.seq,
            created_at=self.created_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            partner_id=self.partner_id,
            kind=self.kind,
            record_type=self.record_type,
            record_id=self.record_id,
            summary=self.summary,
            changes=self.changes,
            reason=self.reason,
            prev_hash=self.prev_hash,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


def canonical_json(*, created_at: Any, **fields: Any) -> str:
    """The exact bytes an entry's hash covers. Times are UTC ISO 8601 with microseconds,
    so a row read back from any database hashes the same as when it was written."""
    fields["created_at"] = created_at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class AuditHead(models.Model):
    """One row (pk=1) pointing at the newest entry. Writers lock it with
    SELECT ... FOR UPDATE so that entries are numbered and chained one at a time."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
