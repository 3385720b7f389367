"""Every login, failed login and lockout writes its audit entry, and the entry survives
a request that ends in an error."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connections
from django.test import Client

from irum.accounts.tests.helpers import password_login, persona_login
from irum.audit.models import AuditEntry
from irum.audit.verify import verify_chain

LOGIN = AuditEntry.Kind.LOGIN
FAILED = AuditEntry.Kind.LOGIN_FAILED


def test_a_login_is_recorded_with_the_users_partner(personas):
    persona_login(Client(), "alice")
    entry = AuditEntry.objects.get(kind=LOGIN)
    assert entry.actor == personas["alice"]
    assert entry.partner == personas["partner_a"]
    assert entry.record_type == "auth.user" and entry.record_id == str(personas["alice"].pk)


def test_a_login_of_staff_without_a_partner_has_no_partner(personas):
    persona_login(Client(), "dave")
    assert AuditEntry.objects.get(kind=LOGIN).partner is None


def test_a_failed_login_names_the_username_tried_and_never_the_password(personas):
    password_login(Client(), "alice", "Secret-Guess-77")
    entry = AuditEntry.objects.get(kind=FAILED)
    assert entry.actor is None
    assert "'alice'" in entry.summary
    assert entry.partner == personas["partner_a"]
    assert entry.record_id == str(personas["alice"].pk)
    everything = f"{entry.summary} {entry.changes} {entry.reason}"
    assert "Secret-Guess-77" not in everything
    assert not AuditEntry.objects.filter(kind=LOGIN).exists()


def test_a_failed_login_for_an_unknown_username_is_recorded(db):
    password_login(Client(), "no-such-user", "whatever-password")
    entry = AuditEntry.objects.get(kind=FAILED)
    assert "'no-such-user'" in entry.summary
    assert entry.changes["known_user"] is False
    assert entry.partner is None and entry.record_id == ""


def test_an_oversized_username_gets_a_form_error_and_is_recorded_shortened(db):
    response = password_login(Client(), "x" * 5000, "whatever-password")
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    entry = AuditEntry.objects.get(kind=FAILED)
    assert entry.summary.endswith("(username too long)")
    assert len(entry.summary) < 300


def test_a_lockout_is_recorded(personas, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = password_login(client, "alice", "wrong-guess", REMOTE_ADDR="10.9.8.7")
    assert last.status_code == 429
    locked = password_login(client, "alice", "alice-long-test-pass", REMOTE_ADDR="10.9.8.7")
    assert locked.status_code == 429
    entries = list(AuditEntry.objects.filter(kind=FAILED).order_by("seq"))
    assert len(entries) == settings.AXES_FAILURE_LIMIT + 1
    assert [e.changes["locked_out"] for e in entries[-2:]] == [True, True]
    assert entries[-1].summary.endswith("(locked out)")
    assert entries[-1].changes["ip"] == "10.9.8.7"
    assert not AuditEntry.objects.filter(kind=LOGIN).exists()


def test_the_entry_survives_a_request_that_fails_and_rolls_back(db, monkeypatch):
    # The worst case: the login runs inside a transaction (ATOMIC_REQUESTS) and the
    # request then fails, so everything it wrote is rolled back: except the audit entry.
    monkeypatch.setitem(connections.settings["default"], "ATOMIC_REQUESTS", True)
    monkeypatch.setitem(connections["default"].settings_dict, "ATOMIC_REQUESTS", True)

    def break_the_request(**kwargs):
        raise RuntimeError("a later step of this login failed")

    user_login_failed.connect(break_the_request, dispatch_uid="test-break")
    try:
        client = Client(raise_request_exception=False)
        response = password_login(client, "mallory", "a-guessed-password")
    finally:
        user_login_failed.disconnect(dispatch_uid="test-break")
    assert response.status_code == 500
    entry = AuditEntry.objects.get(kind=FAILED)
    assert "'mallory'" in entry.summary


def test_sign_in_entries_keep_the_chain_whole(personas):
    persona_login(Client(), "alice")
    password_login(Client(), "bob", "wrong-guess")
    assert verify_chain().ok


@pytest.mark.parametrize("name", ["alice", "carol"])
def test_each_partners_logins_carry_that_partner(personas, name):
    persona_login(Client(), name)
    partner = personas["partner_a" if name == "alice" else "partner_b"]
    assert AuditEntry.objects.get(kind=LOGIN).partner == partner


def test_a_username_with_a_nul_byte_gets_a_form_error(db):
    response = password_login(Client(raise_request_exception=False), "ali\x00ce", "whatever")
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(kind=LOGIN).exists()
