"""The demo administrator's first sign-in, in a real browser: the password leads to the
enrolment page, the key shown there goes into an "authenticator app" (computed here from
the key, as the app computes it), and the code typed back opens the admin. The next
sign-in asks for a code."""

from __future__ import annotations

import re
from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP

pytestmark = pytest.mark.django_db(transaction=True)


def code_from_key(base32_key: str) -> str:
    """What an authenticator app shows for a key typed in by hand."""
    compact = base32_key.replace(" ", "")
    key = b32decode(compact + "=" * (-len(compact) % 8))
    return f"{TOTP(key).token():06d}"


def demo_login(settings, tmp_path) -> tuple[str, str]:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo-admin", stdout=out)
    username, password = re.search(r"Admin login: (\S+) / (\S+)", out.getvalue()).groups()
    assert "set up two-factor sign-in" in out.getvalue()
    return username, password


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_the_demo_administrator_enrols_at_first_sign_in(page, live_server, settings, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The throttle is tested elsewhere; here the right code follows the wrong one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    username, password = demo_login(settings, tmp_path)
    sign_in(page, live_server, username, password)
    page.wait_for_url(f"{live_server.url}/admin/2fa/enrol/**")
    assert page.locator("img.two-factor-qr").evaluate("img => img.naturalWidth") > 100
    key = page.locator("#two-factor-secret").inner_text()

    page.fill("#id_code", "000000" if code_from_key(key) != "000000" else "111111")
    page.click("input[type=submit]")
    page.locator(".errorlist").wait_for()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    page.fill("#id_code", code_from_key(key))
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").is_visible()
    assert TOTPDevice.objects.get().confirmed


def test_the_next_sign_in_asks_for_a_code(page, live_server, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from irum.accounts.testing import totp_code

    username, password = demo_login(settings, tmp_path)
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(page, live_server, username, password)
    page.wait_for_url(f"{live_server.url}/admin/2fa/verify/**")
    page.fill("#id_code", totp_code(device))
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
