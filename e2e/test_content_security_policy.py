"""The pages work under the Content-Security-Policy: no inline script or style is
blocked on the login and two-factor pages, the admin's case page (with its nested
inlines and autocomplete boxes in use) and the report page.

Violations are caught two ways: the browser's `securitypolicyviolation` event, and
Chromium's console error ("Refused to ... Content Security Policy ...").
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def watch_policy(page) -> list[str]:
    violations: list[str] = []

    # The binding and the init script are installed by the browser's debugging protocol,
    # which the page's CSP does not govern: the watcher cannot be blocked by what it
    # watches.
    def record(text: str) -> None:
        violations.append(text)

    page.expose_function("irumCspViolation", record)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => window.irumCspViolation("
        "`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`"
        "));"
    )
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def settle(page) -> None:
    page.wait_for_load_state("networkidle")


def test_the_watcher_sees_a_blocked_inline_script(page, live_server):
    violations = watch_policy(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'),"
        " {textContent: 'window.ran = true'}))"
    )
    page.wait_for_function("() => true")
    settle(page)
    assert page.evaluate("window.ran === undefined")
    assert any("script-src" in v for v in violations), violations


def test_the_sign_in_and_two_factor_pages_raise_no_violation(page, live_server, settings):
    from django.contrib.auth import get_user_model

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    get_user_model().objects.create_user(
        "newcomer", password="newcomer-long-test-pass", is_staff=True
    )
    violations = watch_policy(page)
    page.goto(f"{live_server.url}/admin/login/")
    settle(page)
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", "newcomer-long-test-pass")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/2fa/enrol/**")
    settle(page)
    page.fill("#id_code", "12")  # a form error shown under the policy too
    page.click("input[type=submit]")
    page.locator(".errorlist").wait_for()
    settle(page)
    page.click("#logout-form button")
    settle(page)
    assert violations == [], "\n".join(violations)


def test_the_admin_and_the_report_raise_no_violation(page, live_server, staff_login):
    from irum.archive.actors import system_actor
    from irum.gazetteer.services import gazetteer_load
    from irum.reports.tests.builders import person_with_chain

    gazetteer_load(actor=None)
    person = person_with_chain(
        system_actor(),
        ("arrest", "2013-04", "hyesan", "nk-state-security"),
        ("detention", "2013-05", "onsong-mss-holding-detention-centre", None),
        pseudonym="Ms B",
    )
    violations = watch_policy(page)
    staff_login()  # the verify page, with a real code
    settle(page)

    page.goto(f"{live_server.url}/admin/archive/case/{person.case.pk}/change/")
    settle(page)
    # Use what the page's scripts drive: a new nested person and event, an autocomplete.
    page.click("text=Add another Person")
    page.locator(".djn-model-archive-event.djn-add-handler:visible").first.click()
    page.locator("select[name$='-place'] + .select2:visible").first.click()
    page.locator(".select2-container--open .select2-search__field").fill("Hyesan")
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")
    settle(page)

    page.goto(f"{live_server.url}/admin/archive/case/")
    settle(page)
    page.goto(f"{live_server.url}/reports/")
    settle(page)
    assert page.locator("svg").count() > 0
    assert violations == [], "\n".join(violations)
