"""Shared fixtures: the loaded gazetteer, the actor, and the personas (DESIGN.md, Testing)."""

from __future__ import annotations

import base64
import os

import pytest

# Field-encryption keys for the test run: random each run, never in the repository.
os.environ.setdefault("IRUM_FIELD_KEYS", "test1:" + base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("IRUM_BLIND_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())


@pytest.fixture(autouse=True)
def _fast_test_passwords(request, settings):
    """Argon2 is slow on purpose; hashing the personas' passwords with it was a large part
    of the suite's time. Tests about password hashing itself ask for the real thing with
    @pytest.mark.real_password_hashing."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A test-client request in Korean leaves Korean active in this thread (LocaleMiddleware
    does not switch back), so a later test would read Korean messages. Reset it."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached public page (irum.lib.pagecache): a page rendered
    from another test's data must never answer this one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gazetteer(db):
    from irum.gazetteer.services import gazetteer_load

    return gazetteer_load(actor=None)


@pytest.fixture
def actor(db):
    from irum.archive.actors import system_actor

    return system_actor()


@pytest.fixture
def personas(db):
    """alice: partner A editor; bob: partner A viewer; carol: partner B editor; dave: staff
    with no partner; anonymous: nobody (DESIGN.md, Testing)."""
    from django.contrib.auth import get_user_model

    from irum.partners.models import Membership, Organization

    User = get_user_model()
    a, _ = Organization.objects.get_or_create(slug="partner-a", defaults={"name": "Partner A"})
    b, _ = Organization.objects.get_or_create(slug="partner-b", defaults={"name": "Partner B"})
    people = {}
    for name, org, role in (
        ("alice", a, "editor"),
        ("bob", a, "viewer"),
        ("carol", b, "editor"),
        ("dave", None, None),
    ):
        # Staff flag on all four: it lets them log in to the admin, never see more.
        user = User.objects.create_user(name, password=f"{name}-long-test-pass", is_staff=True)
        if org is not None:
            Membership.objects.create(user=user, organization=org, role=role)
        people[name] = user
    people["partner_a"], people["partner_b"] = a, b
    return people


@pytest.fixture
def otp_login():
    """Sign a test client in past the second factor: `otp_login(client, user)`. The admin
    refuses a password-only session (irum.accounts.sites); this is the login to use
    instead of client.force_login(user) for staff."""
    from irum.accounts.testing import verified_login

    return verified_login


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, signed in past the second factor as a real
    administrator is (force_login alone no longer opens the admin)."""
    from django.test import Client

    from irum.accounts.testing import verified_login

    client = Client()
    verified_login(client, admin_user)
    return client
