"""Later sign-ins: a code from the enrolled app verifies the session, once."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from irum.accounts.testing import confirmed_device_for, totp_code
from irum.accounts.tests.helpers import VERIFY, is_sent_to_two_factor, persona_login
from irum.audit.models import AuditEntry


def test_a_user_with_a_device_is_sent_to_the_code_page(personas):
    confirmed_device_for(personas["bob"])
    client = Client()
    response = persona_login(client, "bob")
    assert response["Location"].startswith(VERIFY)


def test_a_right_code_verifies_the_session(personas):
    device = confirmed_device_for(personas["bob"])
    client = Client()
    persona_login(client, "bob")
    before = client.cookies["sessionid"].value
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    # A verified session gets a new id: one seen before the code is worth nothing.
    assert client.cookies["sessionid"].value != before
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.OTP_VERIFIED)
    assert entry.actor == personas["bob"] and entry.partner == personas["partner_a"]


def test_a_wrong_code_does_not(personas):
    device = confirmed_device_for(personas["bob"])
    client = Client()
    persona_login(client, "bob")
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert is_sent_to_two_factor(client.get(reverse("admin:index")))
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.OTP_FAILED).count() == 1


def test_a_code_already_used_is_refused(personas, settings):
    # Throttling off here, so that the refusal can only come from the replay rule.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = confirmed_device_for(personas["bob"])
    code = totp_code(device)
    first = Client()
    persona_login(first, "bob")
    assert first.post(VERIFY, {"code": code}).status_code == 302

    # Someone who watched the code being typed tries it on another session.
    second = Client()
    persona_login(second, "bob")
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert is_sent_to_two_factor(second.get(reverse("admin:index")))


def test_an_old_code_is_refused(personas):
    device = confirmed_device_for(personas["bob"])
    client = Client()
    persona_login(client, "bob")
    # Five minutes old: outside the one-step tolerance either side.
    response = client.post(VERIFY, {"code": totp_code(device, at=time.time() - 300)})
    assert response.status_code == 200
    assert is_sent_to_two_factor(client.get(reverse("admin:index")))


def test_after_verifying_the_user_lands_on_the_page_she_asked_for(personas):
    device = confirmed_device_for(personas["alice"])
    client = Client()
    target = reverse("admin:archive_person_changelist")
    gate = client.get(target)
    assert gate.status_code == 302  # to the login page first
    persona_login(client, "alice")
    response = client.get(target)
    assert is_sent_to_two_factor(response)
    done = client.post(response["Location"], {"code": totp_code(device), "next": target})
    assert done["Location"] == target


def test_a_verified_session_stops_counting_once_the_user_logs_out(personas, otp_login):
    client = Client()
    otp_login(client, personas["bob"])
    client.post(reverse("admin:logout"))
    persona_login(client, "bob")
    assert is_sent_to_two_factor(client.get(reverse("admin:index")))
