"""Every page carries a Content-Security-Policy that allows no inline script."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from irum.accounts.testing import confirmed_device_for
from irum.accounts.tests.helpers import ENROL, VERIFY, persona_login


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    for values in directives.values():
        assert "'unsafe-eval'" not in values and "*" not in values


def test_the_login_page_has_the_policy(db):
    assert_strict(Client().get(reverse("admin:login")))


@pytest.mark.parametrize("page", [ENROL, VERIFY])
def test_the_two_factor_pages_have_the_policy(personas, page):
    if page == VERIFY:
        confirmed_device_for(personas["bob"])
    client = Client()
    persona_login(client, "bob")
    response = client.get(page)
    assert response.status_code == 200
    assert_strict(response)


def test_admin_pages_have_the_policy(admin_client):
    assert_strict(admin_client.get(reverse("admin:index")))
    assert_strict(admin_client.get(reverse("admin:archive_case_add")))


def test_the_report_page_has_the_policy(personas, otp_login):
    client = Client()
    otp_login(client, personas["alice"])
    response = client.get(reverse("reports:figures"))
    assert response.status_code == 200
    assert_strict(response)


def test_error_pages_have_the_policy(db):
    assert_strict(Client().get("/no-such-page/"))
