"""Test helpers for two-factor sign-in (used by the root conftest.py and by tests that
build their own clients). Not imported by the application."""

from __future__ import annotations

import time
from typing import Any

import django_otp
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.accounts.apps import LOGIN_AUDIT_UID
from irum.accounts.signals import on_user_logged_in


def confirmed_device_for(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    return device


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the user's authenticator app shows now (or at AT), computed from the
    device's key as the app does."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def verified_login(client: Client, user: Any) -> TOTPDevice:
    """Sign CLIENT in as USER, past the second factor: a confirmed device, a session
    marked verified by django_otp.login() itself, as the verify page marks it.

    Marking the session rather than posting a code keeps repeated logins of one user in
    one test independent of the replay rule (one code per 30-second step)."""
    device = confirmed_device_for(user)
    # Setting up a signed-in client is not a sign-in worth an audit entry: tests that
    # count entries must not count their own set-up.
    user_logged_in.disconnect(dispatch_uid=LOGIN_AUDIT_UID)
    try:
        client.force_login(user)
    finally:
        user_logged_in.connect(on_user_logged_in, dispatch_uid=LOGIN_AUDIT_UID)
    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    django_otp.login(request, device)
    session.save()
    return device
