"""The two-factor pages: enrol an authenticator app, and enter a code from it.

Served by the admin site (irum.accounts.sites), which has already checked that the user
is signed-in active staff. Each view validates, calls one service, and renders.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode, urlsplit

import django_otp
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from irum.accounts import services, twofactor
from irum.accounts.forms import TokenForm
from irum.accounts.services import CheckResult, Outcome


def _next_url(request: HttpRequest, site: admin.AdminSite) -> str:
    """Where to go once verified: the page the user asked for, if it is on this site and
    is not a two-factor page (which would send her round in a loop)."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    two_factor_root = reverse("admin:two_factor_enrol", current_app=site.name).removesuffix(
        "enrol/"
    )
    if (
        candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not urlsplit(candidate).path.startswith(two_factor_root)
    ):
        return candidate
    return reverse("admin:index", current_app=site.name)


def _to(name: str, next_url: str, site: admin.AdminSite) -> HttpResponseRedirect:
    url = reverse(f"admin:two_factor_{name}", current_app=site.name)
    return HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def _throttled(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "Too many wrong codes. Wait %(count)d second, then try again.",
            "Too many wrong codes. Wait %(count)d seconds, then try again.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many wrong codes. Wait %(count)d minute, then try again.",
        "Too many wrong codes. Wait %(count)d minutes, then try again.",
        minutes,
    ) % {"count": minutes}


def _refusal(form: TokenForm, result: CheckResult) -> None:
    if result.outcome is Outcome.THROTTLED:
        form.add_error(None, _throttled(result.wait_seconds))
    else:
        form.add_error(
            "code",
            _(
                "That code is not right. Check that your phone's clock is correct and "
                "enter the code now shown."
            ),
        )


def _signed_in(request: HttpRequest, result: CheckResult, next_url: str) -> HttpResponse:
    django_otp.login(request, result.device)
    # The session now carries more rights than before: give it a new key, as
    # auth.login() does, so that a session id seen before this point is worth nothing.
    request.session.cycle_key()
    return HttpResponseRedirect(next_url)


def _render(
    request: HttpRequest, site: admin.AdminSite, template: str, **context: Any
) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {
            **site.each_context(request),
            # Nothing of the archive, not even the list of its models, before the code.
            "available_apps": [],
            "is_nav_sidebar_enabled": False,
            "next_field": REDIRECT_FIELD_NAME,
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, *, site: admin.AdminSite) -> HttpResponse:
    next_url = _next_url(request, site)
    if twofactor.confirmed_device(request.user) is not None:
        return _to("verify", next_url, site)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = services.totp_enrol_confirm(actor=request.user, token=form.cleaned_data["code"])
        if result.ok:
            messages.success(request, _("Your authenticator app is set up."))
            return _signed_in(request, result, next_url)
        if result.outcome is Outcome.NO_DEVICE:
            if twofactor.confirmed_device(request.user) is not None:
                return _to("verify", next_url, site)
            form.add_error(None, _("Scan the QR code below first, then enter a code."))
        else:
            _refusal(form, result)
    device = services.totp_device_pending(user=request.user)
    return _render(
        request,
        site,
        "accounts/two_factor_enrol.html",
        title=_("Set up two-factor sign-in"),
        form=form,
        next_url=next_url,
        qr_data_uri=twofactor.qr_data_uri(device),
        secret=twofactor.secret_for_manual_entry(device),
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, *, site: admin.AdminSite) -> HttpResponse:
    next_url = _next_url(request, site)
    if twofactor.confirmed_device(request.user) is None:
        return _to("enrol", next_url, site)
    if twofactor.is_verified(request.user):
        return HttpResponseRedirect(next_url)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = services.totp_verify(actor=request.user, token=form.cleaned_data["code"])
        if result.ok:
            return _signed_in(request, result, next_url)
        if result.outcome is Outcome.NO_DEVICE:
            return _to("enrol", next_url, site)
        _refusal(form, result)
    return _render(
        request,
        site,
        "accounts/two_factor_verify.html",
        title=_("Two-factor sign-in"),
        form=form,
        next_url=next_url,
    )
