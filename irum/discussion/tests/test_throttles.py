"""Nobody can make the site open accounts or send mail without end: registrations and
password links per address an hour, confirmation mails per reader a day."""

from __future__ import annotations

import pytest
from django.core import mail

from irum.discussion.models import Reader

pytestmark = pytest.mark.django_db


def registration(n: int) -> dict[str, str]:
    return {
        "username": f"reader{n}",
        "email": f"reader{n}@example.org",
        "display_name": f"Reader {n}",
        "password": "a long reader passphrase",
        "password_again": "a long reader passphrase",
    }


def test_one_address_may_open_only_so_many_accounts_an_hour(client, settings):
    settings.IRUM_REGISTRATIONS_PER_HOUR = 2
    for n in range(2):
        assert client.post("/en/account/register/", registration(n)).status_code == 302
        client.logout()
    response = client.post("/en/account/register/", registration(2))
    assert response.status_code == 429
    assert "Too many accounts" in response.content.decode()
    assert Reader.objects.count() == 2
    other = client.post("/en/account/register/", registration(3), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302  # another address is not held back


def test_password_links_are_limited_per_address(client, erin, settings):
    settings.IRUM_PASSWORD_LINKS_PER_HOUR = 1
    client.post("/en/account/password/", {"email": "erin@example.org"})
    response = client.post("/en/account/password/", {"email": "erin@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 1


def test_confirmation_mails_are_limited_per_reader(client, make_reader, settings):
    settings.IRUM_CONFIRMATION_MAILS_PER_DAY = 2
    reader = make_reader("hana", verified=False)
    client.force_login(reader.user)
    for _ in range(4):
        client.post("/en/account/confirm-again/")
    assert len(mail.outbox) == 2
    page = client.get("/en/account/").content.decode()
    assert "several links today" in page
