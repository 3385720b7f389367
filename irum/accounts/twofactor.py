"""Who must pass a second factor, and whether this request has.

A phished password alone must never open the admin (issue: "TOTP two-factor is required
for every partner member before any restricted record is shown"). The admin site asks
`needs_second_factor` before every view it serves (irum.accounts.sites).
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.partners import visibility
from irum.partners.models import Organization


def second_factor_applies(user: Any) -> bool:
    """Must USER pass TOTP before the admin shows anything?

    Partner members and the platform administrator, as the issue asks, and also any other
    staff account: staff rights without partner membership still reach the admin (user
    management, the gazetteer), and a phished password must not reach them either."""
    if not getattr(settings, "IRUM_REQUIRE_2FA", True):
        return False
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff) or visibility.is_partner_member(user)


def is_verified(user: Any) -> bool:
    # Right after auth.login() request.user is the bare user, which OTPMiddleware has not
    # wrapped: it has no is_verified() and is, correctly, not verified.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_second_factor(request: HttpRequest) -> bool:
    return second_factor_applies(request.user) and not is_verified(request.user)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def sole_partner(user: Any) -> Organization | None:
    """The partner an audit entry about USER belongs to: her organisation when she has
    exactly one, else none (a platform entry)."""
    if user is None or getattr(user, "pk", None) is None:
        return None
    orgs = list(Organization.objects.filter(memberships__user=user)[:2])
    return orgs[0] if len(orgs) == 1 else None


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code in a data: URI, drawn here (no
    request leaves the server) and shown in an <img>, which the CSP allows (img-src data:)
    and which cannot run script. Dark on an explicit white ground, so that a camera reads
    it in the admin's dark theme too."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps ask for it."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
