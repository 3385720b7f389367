"""Browser tests: headless Debian Chromium driven by Playwright, against the live server.

Every request that is not to the live server is blocked: the app must work offline.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("IRUM_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required for browser tests ({CHROMIUM}); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-GB")
    allowed = urlparse(live_server.url).netloc
    blocked: list[str] = []

    def guard(route):
        if urlparse(route.request.url).netloc == allowed or route.request.url.startswith("data:"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.blocked_requests = blocked  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not blocked, f"the page tried to reach other hosts: {blocked}"


@pytest.fixture
def staff_login(page, live_server, transactional_db):
    from django.contrib.auth import get_user_model

    password = "a-long-test-password-1"
    user = get_user_model().objects.create_user(
        "editor", password=password, is_staff=True, is_superuser=True
    )

    from irum.accounts.testing import confirmed_device_for, totp_code

    device = confirmed_device_for(user)

    def login():
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        # The second factor: the code the editor's authenticator app shows, computed
        # from the device's key as the app computes it, and typed in. (Once per test:
        # the same code a second time within 30 s is a replay, and refused.)
        page.wait_for_url(f"{live_server.url}/admin/2fa/verify/**")
        device.refresh_from_db()
        page.fill("#id_code", totp_code(device))
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return user

    return login


@pytest.fixture(autouse=True)
def clear_audit_log_before_flush(transactional_db):
    """The audit table refuses DELETE (a database trigger), and on SQLite the end-of-test
    flush deletes row by row. Torn down before that flush, this fixture empties the log
    with its triggers lifted and puts them back, so the flush finds nothing to delete."""
    yield
    from importlib import import_module

    from django.db import connection

    initial = import_module("irum.audit.migrations.0001_initial")
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for sql in initial.DROP_TRIGGER_SQL.get(vendor, []):
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute("DELETE FROM audit_audithead")
        for sql in initial.TRIGGER_SQL.get(vendor, []):
            cursor.execute(sql)
