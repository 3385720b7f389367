"""Who is asking the API.

- A browser session counts only once it has passed the second factor: a password-only
  session is treated as no session at all, so it gets the public projection, exactly as
  the map API does (irum.routes.views).
- A token (`Authorization: Bearer irum_<prefix>_<secret>`) is issued by an operator for
  a named user (`irum api-token create`), for scripts. It acts with that user's rights.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from irum.accounts import twofactor
from irum.api.models import TOKEN_PREFIX, ApiToken

LAST_USED_PRECISION = timedelta(minutes=1)


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        if twofactor.needs_second_factor(request._request):
            return None
        return result


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            return None
        if len(parts) != 2 or not parts[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Malformed API token."))
        prefix, _sep, secret = parts[1][len(TOKEN_PREFIX) :].partition("_")
        token = (
            ApiToken.objects.select_related("user")
            .filter(prefix=prefix[:16], revoked_at__isnull=True)
            .first()
        )
        if token is None or not secret or not token.matches(secret):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token's user is disabled."))
        now = timezone.now()
        # "Last used" is for an operator deciding whether a token is still needed, so a
        # minute's precision is plenty; stamping every request is a write per read.
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
