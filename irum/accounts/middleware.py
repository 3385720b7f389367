"""Sign-in audit entries that survive the request that caused them.

A failed login is worth recording most when the request around it goes wrong: a lockout
page, an error in a later step, a view run under ATOMIC_REQUESTS that rolls back. An
entry written inside such a transaction would be rolled back with it. So when a sign-in
signal fires inside an atomic block, its entry is held on the request and written here,
after the view (and any transaction around it) has finished, whatever the response was.
Outside any atomic block the entry is written at once, in autocommit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

from irum.audit.services import audit_record

PENDING_ATTR = "_irum_pending_audit"


def audit_sign_in(request: HttpRequest | None, **entry: Any) -> None:
    """Record a sign-in event now, or after the request if a rollback could take it."""
    pending = getattr(request, PENDING_ATTR, None) if request is not None else None
    if pending is not None and connection.in_atomic_block:
        pending.append(entry)
        return
    audit_record(**entry)


class SignInAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending: list[dict[str, Any]] = []
        setattr(request, PENDING_ATTR, pending)
        try:
            # Django turns a view's exception into an error response before it reaches
            # this middleware, so the entries below are written for 500 pages too.
            return self.get_response(request)
        finally:
            # No further deferral from here on: a late signal writes at once.
            setattr(request, PENDING_ATTR, None)
            for entry in pending:
                audit_record(**entry)
