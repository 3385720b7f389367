"""First sign-in: the user sets up an authenticator app, confirmed only by a right code."""

from __future__ import annotations

import re
from base64 import b32encode

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.accounts.testing import totp_code
from irum.accounts.tests.helpers import ENROL, persona_login
from irum.audit.models import AuditEntry


def _enrol_page(client: Client) -> str:
    return client.get(ENROL).content.decode()


def test_a_user_without_a_device_is_sent_to_enrol(personas):
    client = Client()
    response = persona_login(client, "alice")
    assert response["Location"].startswith(ENROL)


def test_the_enrol_page_shows_a_qr_code_and_the_key_in_base32(personas):
    client = Client()
    persona_login(client, "alice")
    html = _enrol_page(client)
    device = TOTPDevice.objects.get(user=personas["alice"])
    assert not device.confirmed
    assert re.search(r'<img class="two-factor-qr" src="data:image/svg\+xml', html)
    shown = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1)
    assert shown.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    # No inline script: every <script> either loads a file or is inert JSON data.
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert all('type="application/json"' in tag for tag in inline), inline


def test_reloading_the_page_keeps_the_same_key(personas):
    client = Client()
    persona_login(client, "alice")
    first, second = _enrol_page(client), _enrol_page(client)
    key = re.compile(r'id="two-factor-secret">([A-Z2-7 ]+)<')
    assert key.search(first).group(1) == key.search(second).group(1)
    assert TOTPDevice.objects.filter(user=personas["alice"]).count() == 1


def test_a_wrong_code_confirms_nothing(personas):
    client = Client()
    persona_login(client, "alice")
    _enrol_page(client)
    device = TOTPDevice.objects.get(user=personas["alice"])
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("admin:index"))["Location"].startswith(ENROL)
    failed = AuditEntry.objects.get(kind=AuditEntry.Kind.OTP_FAILED)
    assert failed.actor == personas["alice"]
    assert failed.partner == personas["partner_a"]
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.OTP_ENROLLED).exists()


def test_a_right_code_confirms_the_device_and_opens_the_admin(personas):
    client = Client()
    persona_login(client, "alice")
    _enrol_page(client)
    device = TOTPDevice.objects.get(user=personas["alice"])
    target = reverse("admin:archive_case_changelist")
    response = client.post(ENROL, {"code": totp_code(device), "next": target})
    assert response.status_code == 302
    assert response["Location"] == target
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200
    enrolled = AuditEntry.objects.get(kind=AuditEntry.Kind.OTP_ENROLLED)
    assert enrolled.actor == personas["alice"]
    assert enrolled.partner == personas["partner_a"]


def test_a_code_typed_with_spaces_is_accepted(personas):
    client = Client()
    persona_login(client, "alice")
    _enrol_page(client)
    code = totp_code(TOTPDevice.objects.get(user=personas["alice"]))
    response = client.post(ENROL, {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302


def test_an_enrolled_user_is_not_shown_a_new_key(personas, otp_login):
    client = Client()
    otp_login(client, personas["alice"])
    response = client.get(ENROL)
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=personas["alice"]).count() == 1
