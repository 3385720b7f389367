"""Administrators enforce 2FA: they see who has set it up, and reset a user's devices so
that she must set it up again (a lost phone, a suspected compromise)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.accounts.testing import confirmed_device_for
from irum.accounts.tests.helpers import ENROL, persona_login
from irum.audit.models import AuditEntry

CHANGELIST = reverse("admin:auth_user_changelist")


@pytest.fixture
def root(db, otp_login):
    user = get_user_model().objects.create_superuser("root", password="root-long-test-pass")
    client = Client()
    otp_login(client, user)
    return client


def _reset(client: Client, *users) -> object:
    return client.post(
        CHANGELIST,
        {"action": "reset_two_factor", "_selected_action": [u.pk for u in users]},
    )


def test_the_user_list_shows_who_has_set_up_2fa(root, personas):
    confirmed_device_for(personas["alice"])
    TOTPDevice.objects.create(user=personas["bob"], name="half done", confirmed=False)
    response = root.get(CHANGELIST)
    html = response.content.decode()
    assert "2FA set up" in html
    rows = {
        name: html.split(f">{name}</a>")[1].split("</tr>")[0] for name in ("alice", "bob", "carol")
    }
    assert 'alt="True"' in rows["alice"]
    assert 'alt="False"' in rows["bob"] and 'alt="False"' in rows["carol"]


def test_a_reset_removes_the_devices_and_forces_enrolment_again(root, personas, otp_login):
    alice = Client()
    otp_login(alice, personas["alice"])
    assert alice.get(reverse("admin:index")).status_code == 200

    response = _reset(root, personas["alice"])
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas["alice"]).exists()
    # Her open session was verified by the removed device: it no longer counts.
    assert alice.get(reverse("admin:index"))["Location"].startswith(ENROL)
    fresh = Client()
    assert persona_login(fresh, "alice")["Location"].startswith(ENROL)


def test_a_reset_is_audited(root, personas):
    confirmed_device_for(personas["alice"])
    _reset(root, personas["alice"])
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.OTHER, summary__startswith="2FA reset")
    assert entry.actor.username == "root"
    assert entry.record_type == "auth.user" and entry.record_id == str(personas["alice"].pk)
    assert entry.partner == personas["partner_a"]
    assert len(entry.changes["devices_removed"]) == 1


def test_a_staff_user_who_may_change_users_cannot_reset(personas, otp_login):
    dave = personas["dave"]
    dave.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    confirmed_device_for(personas["alice"])
    client = Client()
    otp_login(client, dave)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "reset_two_factor" not in page.content.decode()
    _reset(client, personas["alice"])
    assert TOTPDevice.objects.filter(user=personas["alice"], confirmed=True).exists()
    assert not AuditEntry.objects.filter(summary__startswith="2FA reset").exists()


def test_partner_staff_cannot_reach_the_user_list(personas, otp_login):
    client = Client()
    otp_login(client, personas["alice"])
    assert client.get(CHANGELIST).status_code == 403
    _reset(client, personas["carol"])
    assert not AuditEntry.objects.filter(summary__startswith="2FA reset").exists()


def test_device_secrets_are_not_shown_to_administrators(root, personas):
    device = confirmed_device_for(personas["alice"])
    html = root.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content
    assert device.key.encode() not in html
    assert b'name="_save"' not in html
