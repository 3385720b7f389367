"""A phished password alone opens no admin page: every one sends to the second factor.

The URLs are generated from the admin's registry (every registered model, every URL its
ModelAdmin serves), so a model registered tomorrow is covered without editing this file.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse

from irum.accounts.tests.helpers import (
    is_sent_to_two_factor,
    password_login,
    persona_login,
)
from irum.archive import services
from irum.reports.tests.builders import person_with_chain

CANARY_NAME = "CanaryName Zqx913"
CANARY_TITLE = "CanaryTitle Zqx914"
CANARY_PUBLIC = "CanaryPseudonym Zqx915"


@pytest.fixture
def restricted_case(gazetteer, actor, personas):
    person = person_with_chain(
        actor,
        ("arrest", "2014", "hyesan", "nk-state-security"),
        pseudonym=CANARY_PUBLIC,
        full_name=CANARY_NAME,
    )
    services.case_update(
        actor=actor,
        case=person.case,
        owner=personas["partner_a"],
        confidentiality="restricted",
        title=CANARY_TITLE,
    )
    source = services.source_create(actor=actor, ref="src-canary")
    services.event_update(actor=actor, event=person.events.get(), sources=[source])
    return person.case


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "root", password="root-long-test-pass", email=""
    )


def every_admin_url() -> list[str]:
    urls = {
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:jsi18n"),
        reverse("admin:autocomplete")
        + "?app_label=archive&model_name=event&field_name=place&term=hy",
    }
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.add(reverse("admin:app_list", args=[opts.app_label]))
        first = model._default_manager.order_by("pk").first()
        pk = first.pk if first is not None else 1
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            for args in ([], [pk], [pk, 1]):
                try:
                    urls.add(reverse(f"admin:{pattern.name}", args=args))
                    break
                except NoReverseMatch:
                    continue
    return sorted(urls)


def test_the_url_list_covers_every_registered_model(restricted_case):
    urls = every_admin_url()
    for model in admin.site._registry:
        opts = model._meta
        assert reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") in urls
    assert reverse("admin:archive_case_change", args=[restricted_case.pk]) in urls


@pytest.mark.parametrize("who", ["alice", "bob", "dave", "root"])
def test_a_password_only_session_is_sent_to_two_factor_from_every_admin_url(
    restricted_case, personas, superuser, who
):
    client = Client()
    if who == "root":
        login = password_login(client, "root", "root-long-test-pass")
    else:
        login = persona_login(client, who)
    assert is_sent_to_two_factor(login), login
    not_gated = [url for url in every_admin_url() if not is_sent_to_two_factor(client.get(url))]
    assert not_gated == []


@pytest.mark.parametrize("who", ["alice", "root"])
def test_a_password_only_session_never_sees_a_restricted_value(
    restricted_case, personas, superuser, who
):
    client = Client()
    password = "root-long-test-pass" if who == "root" else f"{who}-long-test-pass"
    password_login(client, who, password)
    for url in every_admin_url():
        html = client.get(url, follow=True).content.decode()
        for canary in (CANARY_NAME, CANARY_TITLE, CANARY_PUBLIC):
            assert canary not in html, (url, canary)


def test_a_password_only_session_cannot_change_a_record_by_posting(restricted_case, personas):
    client = Client()
    persona_login(client, "alice")
    url = reverse("admin:archive_case_change", args=[restricted_case.pk])
    response = client.post(url, {"ref": restricted_case.ref, "title": "changed"})
    assert is_sent_to_two_factor(response)
    restricted_case.refresh_from_db()
    assert restricted_case.title == CANARY_TITLE


def test_the_same_user_sees_the_record_once_verified(restricted_case, personas, otp_login):
    client = Client()
    otp_login(client, personas["alice"])
    url = reverse("admin:archive_case_change", args=[restricted_case.pk])
    assert CANARY_TITLE in client.get(url).content.decode()


def test_logging_out_works_before_the_second_factor(personas):
    client = Client()
    persona_login(client, "alice")
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_login_sends_to_two_factor_even_when_next_is_outside_the_admin(personas):
    client = Client()
    response = client.post(
        reverse("admin:login") + "?next=/reports/",
        {"username": "alice", "password": "alice-long-test-pass", "next": "/reports/"},
    )
    assert is_sent_to_two_factor(response)
    assert "next=%2Freports%2F" in response["Location"]


def test_an_anonymous_visitor_is_sent_to_log_in_not_to_two_factor(db):
    response = Client().get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_with_2fa_not_required_the_password_opens_the_admin(personas, settings):
    # A developer's machine only: production refuses IRUM_REQUIRE_2FA=false.
    settings.IRUM_REQUIRE_2FA = False
    client = Client()
    persona_login(client, "alice")
    assert client.get(reverse("admin:index")).status_code == 200
