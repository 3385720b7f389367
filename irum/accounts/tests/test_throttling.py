"""Guessing codes: after each wrong code the next is refused unseen for a growing wait
(django-otp's throttle), with a message that says how long."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from irum.accounts.testing import confirmed_device_for, totp_code
from irum.accounts.tests.helpers import ENROL, VERIFY, is_sent_to_two_factor, persona_login
from irum.audit.models import AuditEntry

# A wait far longer than any test takes: "the next code comes too soon" is then certain.
AN_HOUR = 3600


def _wrong(device) -> str:
    return f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"


def test_a_right_code_right_after_a_wrong_one_is_refused(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = AN_HOUR
    device = confirmed_device_for(personas["bob"])
    client = Client()
    persona_login(client, "bob")
    client.post(VERIFY, {"code": _wrong(device)})
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Too many wrong codes. Wait 60 minutes, then try again." in html
    assert is_sent_to_two_factor(client.get(reverse("admin:index")))
    throttled = AuditEntry.objects.filter(kind=AuditEntry.Kind.OTP_FAILED, changes__throttled=True)
    assert throttled.count() == 1


def test_the_wait_doubles_with_each_wrong_code(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = AN_HOUR
    device = confirmed_device_for(personas["bob"])
    client = Client()
    persona_login(client, "bob")
    client.post(VERIFY, {"code": _wrong(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Move the failure back past the first wait, as if an hour had gone by.
    device.throttling_failure_timestamp -= timedelta(seconds=AN_HOUR)
    device.save()
    client.post(VERIFY, {"code": _wrong(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert "Wait 120 minutes" in response.content.decode()


def test_the_throttle_is_per_account_not_per_session(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = AN_HOUR
    device = confirmed_device_for(personas["bob"])
    guesser = Client()
    persona_login(guesser, "bob")
    guesser.post(VERIFY, {"code": _wrong(device)})
    fresh = Client()
    persona_login(fresh, "bob")
    response = fresh.post(VERIFY, {"code": totp_code(device)})
    assert "Too many wrong codes" in response.content.decode()


def test_enrolment_codes_are_throttled_too(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = AN_HOUR
    client = Client()
    persona_login(client, "alice")
    client.get(ENROL)
    device = personas["alice"].totpdevice_set.get()
    client.post(ENROL, {"code": _wrong(device)})
    response = client.post(ENROL, {"code": totp_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_a_short_wait_is_given_in_seconds(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = confirmed_device_for(personas["bob"])
    client = Client()
    persona_login(client, "bob")
    client.post(VERIFY, {"code": _wrong(device)})
    html = client.post(VERIFY, {"code": totp_code(device)}).content.decode()
    assert "seconds, then try again." in html
