"""API tokens, stored as hashes.

A token is shown once, when it is made, and only its SHA-256 is kept: a copy of the
database gives no working token. The prefix (the first characters) finds the row
without scanning, and lets an administrator tell tokens apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "irum_"
PREFIX_LENGTH = 8


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @classmethod
    def issue(cls, *, user: object, name: str) -> tuple[ApiToken, str]:
        """A new token for USER: the row, and the token text (shown once, never stored)."""
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=prefix, digest=digest(secret))
        return token, f"{TOKEN_PREFIX}{prefix}_{secret}"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.digest, digest(secret))
