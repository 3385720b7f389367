"""Whatever is posted to the two-factor forms, the answer is a page with a clear error or
a redirect: never a 500, never a confirmed device or a verified session."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.accounts.testing import confirmed_device_for, totp_code
from irum.accounts.tests.helpers import ENROL, VERIFY, is_sent_to_two_factor, persona_login

HOSTILE_CODES = [
    "",
    " ",
    "12345",
    "1234567",
    "abcdef",
    "12 34 5a",
    "１２３４５６",  # full-width digits
    "١٢٣٤٥٦",  # Arabic-Indic digits
    "123\x00456",
    "9" * 10_000,
    "-123456",
    "1e5",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
]


def on_page(page: str, personas) -> tuple[Client, str]:
    """A password-only client on PAGE: alice enrolling, or bob (enrolled) verifying."""
    client = Client(raise_request_exception=False)
    if page == "enrol":
        persona_login(client, "alice")
        client.get(ENROL)
        return client, ENROL
    confirmed_device_for(personas["bob"])
    persona_login(client, "bob")
    return client, VERIFY


@pytest.fixture
def verifying(personas):
    return on_page("verify", personas)[0]


@pytest.mark.parametrize("code", HOSTILE_CODES)
@pytest.mark.parametrize("page", ["enrol", "verify"])
def test_a_malformed_code_gets_a_clear_error(personas, page, code):
    client, url = on_page(page, personas)
    response = client.post(url, {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert "<script>alert(1)</script>" not in html
    assert is_sent_to_two_factor(client.get(reverse("admin:index")))
    assert not TOTPDevice.objects.filter(user__username="alice", confirmed=True).exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"code": ["123456", "654321"]},
        {"unexpected": "x" * 100_000},
        {"code": "123456", "next": "https://evil.example/"},
        {"code": "123456", "next": "//evil.example/"},
        {"code": "123456", "next": "javascript:alert(1)"},
        {"code": "123456", "next": "\x00"},
    ],
    ids=["empty", "repeated", "oversized-field", "offsite-next", "scheme-relative", "js", "nul"],
)
@pytest.mark.parametrize("page", ["enrol", "verify"])
def test_hostile_posts_never_give_a_server_error(personas, page, data):
    client, url = on_page(page, personas)
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert "evil.example" not in response.get("Location", "")
    assert is_sent_to_two_factor(client.get(reverse("admin:index")))


@pytest.mark.parametrize("page", [ENROL, VERIFY])
def test_a_hostile_next_on_the_page_is_not_followed(verifying, page):
    response = verifying.get(page, {"next": "https://evil.example/"})
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize("page", [ENROL, VERIFY])
def test_a_post_without_the_csrf_token_is_refused(personas, page):
    user = personas["alice"] if page == ENROL else personas["bob"]
    if page == VERIFY:
        confirmed_device_for(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(page).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert client.post(page, {"code": totp_code(device)}).status_code == 403
    device.refresh_from_db()
    assert device.last_t == -1  # the code was never even compared


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(verifying, method):
    assert getattr(verifying, method)(VERIFY).status_code == 405


@pytest.mark.parametrize("page", [ENROL, VERIFY])
def test_an_anonymous_visitor_is_sent_to_log_in(db, page):
    response = Client().post(page, {"code": "123456"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
