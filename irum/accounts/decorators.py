"""Gates for views outside the admin. The admin site gates its own views
(irum.accounts.sites); any other page that shows staff data asks here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from irum.accounts import twofactor


def second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in staff user whose session has not passed TOTP goes to the 2FA pages
    first, and comes back here after. Put it under login_required."""

    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if twofactor.needs_second_factor(request):
            return HttpResponseRedirect(
                admin.site.two_factor_url(request, request.get_full_path())  # type: ignore[attr-defined]
            )
        return view(request, *args, **kwargs)

    return gated
