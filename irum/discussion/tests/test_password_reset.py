"""A reader who forgot her password gets a one-time link by e-mail. The page says the same
whether or not the address has an account, and a staff password is never reset here."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from irum.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW = {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}


def signs_in(client, username: str, password: str) -> bool:
    response = client.post("/en/account/sign-in/", {"username": username, "password": password})
    return response.status_code == 302


def same_page(a: str, b: str) -> bool:
    """The two pages but for the address typed and the form's CSRF token."""

    def plain(page: str) -> str:
        page = re.sub(r'value="[A-Za-z0-9]{64}"', "", page)
        return page.replace("erin@example.org", "X").replace("nobody@example.org", "X")

    return plain(a) == plain(b)


def link(message) -> str:
    return re.search(r"http://testserver(/\S+/)", message.body).group(1)


def test_a_reader_chooses_a_new_password_from_the_mailed_link(client, erin):
    response = client.post("/en/account/password/", {"email": "erin@example.org"}, follow=True)
    assert "If a reader account uses erin@example.org" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["erin@example.org"] and "Erin W." in message.body
    form_url = client.get(link(message), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, NEW, follow=True)
    assert "Your password is changed" in response.content.decode()
    assert signs_in(client, "erin", NEW["new_password1"])
    assert AuditEntry.objects.filter(summary="reader password reset").exists()
    client.logout()
    # The link works once.
    assert "not valid" in client.get(link(message), follow=True).content.decode()


def test_the_mail_is_in_the_language_of_the_page(client, erin):
    client.post("/ko/account/password/", {"email": "erin@example.org"})
    assert mail.outbox[0].subject == "Irum 새 비밀번호 정하기"
    assert "/ko/account/password/" in mail.outbox[0].body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, erin):
    known = client.post("/en/account/password/", {"email": "erin@example.org"}, follow=True)
    mail.outbox.clear()
    unknown = client.post("/en/account/password/", {"email": "nobody@example.org"}, follow=True)
    assert not mail.outbox
    assert same_page(known.content.decode(), unknown.content.decode())


def test_a_staff_password_is_never_reset_from_the_public_site(client, personas):
    personas["alice"].email = "alice@partner-a.example"
    personas["alice"].save()
    client.post("/en/account/password/", {"email": "alice@partner-a.example"})
    assert not mail.outbox


@pytest.mark.parametrize("email", ["", "not-an-address", "x" * 300 + "@example.org", "a@b\x00.org"])
def test_a_bad_address_is_refused_with_a_message(client, email):
    response = client.post("/en/account/password/", {"email": email})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not mail.outbox


def test_a_forged_link_changes_nothing(client, erin):
    response = client.get("/en/account/password/MQ/forged-token/", follow=True)
    assert "not valid" in response.content.decode()
    assert client.post("/en/account/password/MQ/forged-token/", NEW).status_code == 200
    assert signs_in(client, "erin", "erin-long-test-pass")
