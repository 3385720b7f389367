"""Audit entries for password sign-in: every login and every failed login (issue 3, Audit).

Connected in AccountsConfig.ready(), after django-axes (earlier in INSTALLED_APPS) has
connected its own receivers, so that by the time ours runs axes has already marked a
locked-out request (request.axes_locked_out).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from irum.accounts.middleware import audit_sign_in
from irum.accounts.twofactor import sole_partner
from irum.audit.models import AuditEntry

# Room for a real username and a little more: what an attacker types is kept, not all of it.
MAX_USERNAME_IN_SUMMARY = 150


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_sign_in(
        request,
        actor=user,
        kind=AuditEntry.Kind.LOGIN,
        partner=sole_partner(user),
        record=user,
        summary="signed in with password",
        changes=_client(request),
    )


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username is read from the credentials: Django has already masked the
    # password, and nothing else the form sent belongs in a permanent log.
    User = get_user_model()
    tried = credentials.get(User.USERNAME_FIELD, credentials.get("username", ""))
    audit_failed_login(request, tried)


def audit_failed_login(request: HttpRequest | None, tried: Any, *, note: str = "") -> None:
    User = get_user_model()
    # A NUL byte cannot be stored in a PostgreSQL text column: it would turn a failed
    # login into a server error and lose the entry. It is shown, not kept.
    tried = str(tried or "").replace("\x00", "\\x00")[:MAX_USERNAME_IN_SUMMARY]
    user = User._default_manager.filter(**{User.USERNAME_FIELD: tried}).first() if tried else None
    locked = bool(getattr(request, "axes_locked_out", False))
    notes = [n for n in (note, "locked out" if locked else "") if n]
    summary = f"failed login for {tried!r}" + (f" ({', '.join(notes)})" if notes else "")
    audit_sign_in(
        request,
        actor=None,
        kind=AuditEntry.Kind.LOGIN_FAILED,
        partner=sole_partner(user),
        record_type="auth.user" if user is not None else "",
        record_id=str(user.pk) if user is not None else "",
        summary=summary,
        changes={**_client(request), "known_user": user is not None, "locked_out": locked},
    )


def _client(request: HttpRequest | None) -> dict[str, Any]:
    """Where the attempt came from, as django-axes saw it (it reads proxies' headers as
    configured); the address is what ties a run of failures together."""
    if request is None:
        return {}
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")
    return {"ip": str(address)[:64]}
