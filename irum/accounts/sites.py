"""The admin site behind a second factor.

IrumAdminConfig (irum.accounts.apps) makes this class `admin.site`, so every ModelAdmin
registered anywhere is served through `admin_view` below. A staff user signed in with a
password only reaches the two-factor pages and logout; every other admin URL, the
autocomplete and the "view on site" shortcut included, sends her to enrol or verify first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse

from irum.accounts import twofactor, views
from irum.accounts.forms import AdminLoginForm

# Admin views a password-only session may use besides the two-factor pages. Logging out
# must always work: a user who cannot pass 2FA must be able to leave.
OPEN_BEFORE_SECOND_FACTOR = {"logout"}


class IrumAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def two_factor_url(self, request: HttpRequest, next_url: str) -> str:
        """Where a password-only session goes: enrolment when the user has no confirmed
        authenticator yet, else the code page. NEXT is carried through."""
        name = "verify" if twofactor.confirmed_device(request.user) else "enrol"
        url = reverse(f"admin:two_factor_{name}", current_app=self.name)
        return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Any:
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # has_permission first: a visitor with no session is sent to log in by the
            # wrapper below, not to the 2FA pages.
            match = request.resolver_match
            exempt = match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR
            if not exempt and self.has_permission(request):
                if twofactor.needs_second_factor(request):
                    return HttpResponseRedirect(
                        self.two_factor_url(request, request.get_full_path())
                    )
            return view(request, *args, **kwargs)

        # Keep the view's markers (csrf_exempt, ...) visible to the standard wrapper.
        update_wrapper(gated, view)
        return super().admin_view(gated, cacheable)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().login(request, extra_context)
        # After a right password the login view redirects to `next` (the admin index by
        # default). Go through the second factor on the way, whatever `next` is: the
        # report page, for one, is not an admin view and is not gated by admin_view.
        if (
            request.method == "POST"
            and isinstance(response, HttpResponseRedirect)
            and twofactor.needs_second_factor(request)
        ):
            return HttpResponseRedirect(self.two_factor_url(request, response.url))
        return response

    def get_urls(self) -> list[URLPattern | URLResolver]:
        def open_view(view: Callable[..., HttpResponse]) -> Any:
            # The standard admin wrapper (signed-in active staff, CSRF, never cached),
            # without the second-factor gate these very views satisfy.
            def with_site(request: HttpRequest) -> HttpResponse:
                return view(request, site=self)

            return admin.AdminSite.admin_view(self, update_wrapper(with_site, view))

        return [
            path("2fa/enrol/", open_view(views.enrol), name="two_factor_enrol"),
            path("2fa/verify/", open_view(views.verify), name="two_factor_verify"),
            *super().get_urls(),
        ]
