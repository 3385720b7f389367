"""Reader comments in a browser (issue 7): a reader registers, confirms the address from
the e-mailed link, signs in and posts a comment that names a person the archive protects;
it waits for a moderator, and the reader is told why. A moderator (staff in the
"Moderators" group, signed in past the second factor) finds it in the queue with the name
highlighted and approves it; an anonymous reader then reads it on the cached story page,
with the published count. A repeat violator is moved, one rejection at a time, to
pre-moderation, a suspension and a block; the thread then shows the block instead of the
form, and the account page the restriction with an appeal form, which the reader uses.

The thread and account pages must pass axe-core's WCAG 2.1 A and AA rules and fit a
phone's width (390 px). Every request that is not to the live server is blocked, and
none may be attempted. Screenshots go to $IRUM_TEST_OUTPUT/screenshots/ (default
test-output/screenshots/), named comments-*.png.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_SCRIPT = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")

SLUG = "taken-at-hyesan"
STORY = f"/en/stories/{SLUG}/"
THREAD = f"/en/stories/{SLUG}/comments/"
QUEUE = "/admin/discussion/comment/"
PROTECTED_ALIAS = "Sunny Pak"  # an alias of the fixture's person: the archive protects it
HELD_TEXT = f"I knew {PROTECTED_ALIAS} from Hyesan, she is a kind woman."
PRIVACY_LABEL = "private information about a person"
MODERATOR_PASSWORD = "a-long-moderator-password-1"


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
def site(gazetteer, actor, personas):
    """A published story (no photo) about a public case whose person has protected names
    (a full name and aliases), as irum/discussion/tests/conftest.py builds it."""
    from django.utils import timezone

    from irum.archive import services as archive_services
    from irum.reports.tests.builders import person_with_chain
    from irum.stories import services as story_services
    from irum.stories.models import Author

    person = person_with_chain(
        actor,
        ("arrest", "2013-05", "hyesan", "nk-state-security", 1),
        pseudonym="Ri A.",
        full_name="Pak Sun-hui",
        full_name_ko="박순희",
        aliases=f"{PROTECTED_ALIAS}; 순이",
    )
    archive_services.case_update(
        actor=actor, case=person.case, owner=personas["partner_a"], confidentiality="public"
    )
    author = story_services.author_save(
        actor=actor, author=Author(slug="reporter", name="Grace Reporter", name_ko="기자")
    )
    story = story_services.story_create(
        actor=actor,
        slug=SLUG,
        headline="Taken at Hyesan",
        headline_ko="혜산에서 끌려가다",
        body="A family waits.",
        body_ko="한 가족이 기다린다.",
        author=author,
        status="draft",
        related_cases=[person.case],
    )
    # Published without a photo, as the discussion tests do: comments are not about photos.
    type(story).objects.filter(pk=story.pk).update(
        status="published", published_at=timezone.now() - dt.timedelta(hours=1)
    )
    story.refresh_from_db()
    return {"person": person, "story": story}


@pytest.fixture
def make_reader(transactional_db):
    """A reader account made through the services (verified unless told otherwise); its
    password is `<username>-long-test-pass`."""
    from irum.discussion import services

    def make(username: str, display_name: str, *, verified: bool = True):
        reader = services.reader_register(
            username=username,
            email=f"{username}@example.org",
            display_name=display_name,
            password=f"{username}-long-test-pass",
        )
        if verified:
            services.reader_verify_email(token=services.verification_token(reader))
            reader.refresh_from_db()
        return reader

    return make


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """A page in a new browser context (its own cookies: its own person), at VIEWPORT.
    Like e2e/conftest.py's `page`, every request that is not to the live server is
    blocked, and at the end none may have been attempted."""
    allowed = urlparse(live_server.url).netloc
    blocked: list[str] = []
    contexts = []

    def guard(route):
        if urlparse(route.request.url).netloc == allowed or route.request.url.startswith("data:"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    def make(viewport=DESKTOP):
        context = browser.new_context(locale="en-GB", viewport=viewport)
        context.route("**/*", guard)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not blocked, f"the pages tried to reach other hosts: {blocked}"


@pytest.fixture
def moderator_login(live_server, transactional_db):
    """`moderator_login(page)`: a staff account that is no superuser, only in the
    "Moderators" group, signs in to the admin with its password and its second factor."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from irum.accounts.testing import confirmed_device_for, totp_code
    from irum.discussion.apps import MODERATORS, ensure_moderators_group

    ensure_moderators_group(sender=None)  # made by post_migrate; a flush may have emptied it
    user = get_user_model().objects.create_user("mona", password=MODERATOR_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    device = confirmed_device_for(user)

    def login(page):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "mona")
        page.fill("#id_password", MODERATOR_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/2fa/verify/**")
        device.refresh_from_db()
        page.fill("#id_code", totp_code(device))
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return user

    return login


# ------------------------------------------------------------------------------- helpers


def goto(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)


def screenshot(page, name: str) -> Path:
    directory = Path(os.environ.get("IRUM_TEST_OUTPUT", "test-output")) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the open page, one line each (run
    through the DevTools protocol, which the site's Content-Security-Policy does not
    govern; as e2e/test_public_site.py does)."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in results["violations"]
    ]


def fits_the_width(page) -> bool:
    width = page.viewport_size["width"]
    return page.evaluate("() => document.documentElement.scrollWidth") <= width + 1


def messages(page) -> str:
    return " ".join(page.locator(".messages .message").all_inner_texts())


def sign_in_from_the_thread(page, base: str, username: str, password: str) -> None:
    """Open the thread signed out, follow its "Sign in" link, sign in, and come back."""
    goto(page, base + THREAD)
    write = page.locator("#write")
    assert write.locator("textarea").count() == 0
    write.get_by_role("link", name="Sign in").click()
    page.wait_for_url(f"{base}/en/account/sign-in/?next=**")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + THREAD)


def post_comment(page, base: str, text: str) -> None:
    """Post TEXT from the open thread and wait for the thread that answers (at the new
    comment: the address may already end with an earlier one's, so wait for the load)."""
    page.fill("#id_text", text)
    with page.expect_navigation(url=re.compile(re.escape(base + THREAD) + r"#comment-\d+$")):
        page.get_by_role("button", name="Post the comment").click()


# --------------------------------------------------------------------------------- tests


def test_a_new_readers_held_comment_is_approved_by_a_moderator_and_then_read_by_anyone(
    new_page, live_server, site, moderator_login, mailoutbox
):
    from irum.discussion.models import Comment, CommentStatus

    base = live_server.url

    # An anonymous reader opens the story first: the page is cached with no comment.
    before = new_page(DESKTOP)
    goto(before, base + STORY)
    assert before.locator("#comments-heading .count").inner_text() == "(0)"
    assert before.locator("#comments .join a").inner_text() == "Be the first to comment"

    # 1. A reader, on a phone, opens an account.
    reader = new_page(PHONE)
    goto(reader, f"{base}/en/account/register/")
    reader.fill("#id_username", "erin")
    reader.fill("#id_email", "erin@example.org")
    reader.fill("#id_display_name", "Erin W.")
    reader.fill("#id_password", "quiet-river-morning-42")
    reader.fill("#id_password_again", "quiet-river-morning-42")
    reader.get_by_role("button", name="Create the account").click()
    reader.wait_for_url(f"{base}/en/account/")
    assert "We sent a link to erin@example.org" in messages(reader)
    assert "not confirmed yet" in reader.locator("dl.facts").inner_text()

    # Not yet confirmed: the thread has no form, only the reason.
    goto(reader, base + THREAD)
    assert reader.locator("#write textarea").count() == 0
    assert "Confirm your e-mail address before you comment" in reader.locator("#write").inner_text()

    # The e-mail (Django's locmem outbox: the live server runs in this process) holds the
    # link; opening it confirms the address.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["erin@example.org"]
    found = re.search(r"https?://\S+/en/account/confirm/\S+/", mailoutbox[0].body)
    assert found, mailoutbox[0].body
    link = found.group(0)
    assert link.startswith(base + "/"), link
    goto(reader, link)
    assert reader.url == f"{base}/en/account/"
    assert "Your e-mail address is confirmed." in messages(reader)
    assert "confirmed" in reader.locator("dl.facts").inner_text()
    assert "not confirmed" not in reader.locator("dl.facts").inner_text()

    # Signed out, then signed in again from the thread's own "Sign in" link.
    reader.get_by_role("button", name="Sign out").click()
    reader.wait_for_url(f"{base}/en/")
    sign_in_from_the_thread(reader, base, "erin", "quiet-river-morning-42")
    assert "Your display name: Erin W" in reader.locator("#write").inner_text()

    # The comment names a protected person: it is held, and the author is told why.
    post_comment(reader, base, HELD_TEXT)
    told = messages(reader)
    assert "Your comment is waiting for a moderator" in told, told
    assert PRIVACY_LABEL in told, told
    mine = reader.locator("article.comment.status-held")
    assert mine.count() == 1
    assert mine.locator("p.text").inner_text() == HELD_TEXT
    why = mine.locator("p.why").inner_text()
    assert "Only you can see this comment until a moderator has read it." in why
    assert PRIVACY_LABEL in why
    assert reader.locator("h1 .count").inner_text() == "(0 published)"

    # The thread page, as the reader sees it now, at a phone's width.
    screenshot(reader, "comments-thread-held-en-390")
    assert fits_the_width(reader), "the thread page scrolls sideways at 390 px"
    problems = axe_violations(reader)
    assert not problems, "\n".join(problems)

    # Nobody else sees it: not on the thread, not on the story page.
    for path in (THREAD, STORY):
        goto(before, base + path)
        assert PROTECTED_ALIAS not in before.locator("main").inner_text(), path

    # 2. A moderator opens the queue (held comments by default) and approves it.
    moderator = new_page(DESKTOP)
    moderator_login(moderator)
    goto(moderator, base + QUEUE)
    rows = moderator.locator("#result_list tbody tr")
    assert rows.count() == 1
    row = rows.first
    mark = row.locator("mark")
    assert mark.count() == 1
    assert mark.inner_text() == PROTECTED_ALIAS
    assert mark.get_attribute("data-reason") == "privacy"
    assert "privacy" in row.locator("td.field-reason_list").inner_text()
    assert row.locator("td.field-author_link").inner_text() == "Erin W."
    screenshot(moderator, "comments-queue-en-1280")
    with moderator.expect_navigation(url=base + QUEUE + "**"):
        row.get_by_role("button", name="Approve").click()
    comment = Comment.objects.get()
    assert moderator.locator(".messagelist").inner_text().strip() == (
        f"Comment #{comment.pk} approved."
    )
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.decided_by.username == "mona"
    assert moderator.locator("#result_list tbody tr").count() == 0  # the queue is empty

    # 3. A new anonymous reader (a new browser context) reads it on the story page, whose
    # cached copy was rendered before the comment was published.
    anyone = new_page(DESKTOP)
    goto(anyone, base + STORY)
    comments = anyone.locator("#comments")
    assert comments.locator("#comments-heading .count").inner_text() == "(1)"
    shown = comments.locator("article.comment")
    assert shown.count() == 1
    assert shown.locator("p.text").inner_text() == HELD_TEXT
    assert shown.locator(".who").inner_text() == "Erin W."
    assert shown.locator(".badge").count() == 0
    join = comments.locator(".join a")
    assert join.inner_text() == "Join the discussion"
    assert join.get_attribute("href") == THREAD + "#write"
    screenshot(anyone, "comments-story-published-en-1280")

    # The author's thread now counts it as published, and it is no longer marked held.
    goto(reader, base + THREAD)
    assert reader.locator("h1 .count").inner_text() == "(1 published)"
    assert reader.locator("article.comment.status-published p.text").inner_text() == HELD_TEXT
    assert reader.locator("article.comment p.why").count() == 0


def test_a_repeat_violator_is_blocked_step_by_step_and_appeals_from_the_account_page(
    new_page, live_server, site, make_reader, settings
):
    from irum.discussion import selectors
    from irum.discussion.models import Appeal, Comment, CommentStatus
    from irum.discussion.moderation.strikes import Level

    # One rejection a step, and a suspension that ends at once: three abusive comments
    # lead through pre-moderation and a suspension to a block.
    settings.IRUM_STRIKES_PER_STEP = 1
    settings.IRUM_SUSPENSION_DAYS = 0
    base = live_server.url
    frank = make_reader("frank", "Frank O.")
    page = new_page(PHONE)
    sign_in_from_the_thread(page, base, "frank", "frank-long-test-pass")

    abuse = (
        "You are all fucking idiots.",
        "Fucking idiots, every one of you who reads this.",
        "What a pack of fucking idiots runs this site.",
    )
    steps = (Level.PREMODERATED, Level.SUSPENDED, Level.BLOCKED)
    for n, (text, level) in enumerate(zip(abuse, steps, strict=True), start=1):
        assert page.locator("#write textarea").count() == 1, f"no form before comment {n}"
        post_comment(page, base, text)
        told = messages(page)
        assert "Your comment was not published, because it contains: profanity" in told, told
        assert selectors.standing_of(frank.user).level is level, n
    assert list(Comment.objects.values_list("status", flat=True)) == [CommentStatus.REJECTED] * 3
    assert selectors.active_strikes(frank.user).count() == 3

    # 4. Blocked: the thread shows the block, with a way to the account, and no form.
    write = page.locator("#write")
    assert write.locator("form, textarea").count() == 0
    alert = write.locator("p.error[role=alert]")
    assert "Your account is blocked from commenting" in alert.inner_text()
    assert "You may appeal from your account page." in alert.inner_text()
    # The rejected comments stay visible to their author only, with the reason.
    assert page.locator("article.comment.status-rejected").count() == 3
    screenshot(page, "comments-thread-blocked-en-390")
    assert fits_the_width(page), "the blocked thread page scrolls sideways at 390 px"
    problems = axe_violations(page)

    # The account page: the restriction, the rejected comments, and the appeal form.
    alert.get_by_role("link", name="Your account").click()
    page.wait_for_url(f"{base}/en/account/")
    standing = page.locator("section.standing")
    assert standing.locator("h2").inner_text() == "Restrictions on your account"
    assert (
        "Your account is blocked from commenting" in standing.locator(".block-message").inner_text()
    )
    assert standing.locator("ul.strikes li").count() == 3
    appeal = standing.locator("form.appeal")
    assert appeal.count() == 1
    screenshot(page, "comments-account-blocked-en-390")
    assert fits_the_width(page), "the account page scrolls sideways at 390 px"
    problems += axe_violations(page)
    assert not problems, "\n".join(problems)

    # The reader appeals.
    reason = "My comments were rude and I am sorry. I would like to take part again."
    appeal.get_by_label("Your appeal").fill(reason)
    with page.expect_navigation(url=f"{base}/en/account/"):
        appeal.get_by_role("button", name="Send the appeal").click()
    assert "Your appeal is sent. A moderator will answer it." in messages(page)
    standing = page.locator("section.standing")
    assert "Your appeal is waiting for a moderator." in standing.inner_text()
    assert standing.locator("form.appeal").count() == 0
    assert "Open" in page.locator("section[aria-labelledby=appeals-heading] li").inner_text()
    filed = Appeal.objects.get(reader=frank.user)
    assert filed.state == Appeal.State.OPEN and filed.text == reason
    # Still blocked until a moderator decides.
    assert selectors.standing_of(frank.user).level is Level.BLOCKED
