"""Staff pages outside the admin (the partner report) are gated like the admin: a password
alone reaches the 2FA pages, never the page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from irum.accounts.testing import verified_login


def test_the_partner_report_sends_a_password_only_session_to_the_second_factor(personas):
    client = Client()
    client.force_login(personas["alice"])

    response = client.get(reverse("reports:figures"))

    assert response.status_code == 302
    assert "/2fa/" in response["Location"]
    assert "next=%2Freports%2F" in response["Location"]


def test_the_partner_report_opens_after_the_second_factor(personas):
    client = Client()
    verified_login(client, personas["alice"])

    assert client.get(reverse("reports:figures")).status_code == 200


def test_the_public_figures_need_no_sign_in(db):
    assert Client().get(reverse("reports:public")).status_code == 200
