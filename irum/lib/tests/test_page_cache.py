"""Public pages are served from the cache until something a reader sees changes; nothing
user-specific, cookie-bearing or private is ever stored or served from it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.archive import services as archive_services
from irum.reports.tests.builders import person_with_chain
from irum.stories import services
from irum.stories.models import Author
from irum.stories.tests.builders import jpeg


@pytest.fixture
def world(gazetteer, actor, personas):
    person = person_with_chain(
        actor, ("arrest", "2013-05", "hyesan", "nk-state-security", 1), pseudonym="Ri A."
    )
    archive_services.case_update(
        actor=actor, case=person.case, owner=personas["partner_a"], confidentiality="public"
    )
    author = services.author_save(actor=actor, author=Author(slug="r", name="A. Reporter"))
    story = services.story_create(
        actor=actor,
        slug="cached",
        status="published",
        author=author,
        headline="First headline",
        body="Body.",
        photo=jpeg(),
        photo_alt="A river",
        photo_credit="(Irum test)",
        related_cases=[person.case],
    )
    return {"story": story, "case": person.case}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


def test_a_second_visit_is_served_from_the_cache_without_touching_the_database(client, world):
    first, first_queries = queries_for(client, "/en/stories/cached/")
    again, again_queries = queries_for(client, "/en/stories/cached/")
    assert first.status_code == again.status_code == 200
    assert first_queries > 0 and again_queries == 0
    assert again.content == first.content
    # The headers the page left with are kept: security, CSP and caching.
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Cache-Control"):
        assert again[header] == first[header], header


def test_each_language_has_its_own_cached_page(client, world):
    client.get("/en/stories/cached/")
    korean = client.get("/ko/stories/cached/")
    assert 'lang="ko"' in korean.content.decode()


# The cache moves on when the write commits; a test runs inside a transaction, so the
# commit callbacks are run by hand (django_capture_on_commit_callbacks).


def test_a_story_edit_is_seen_on_the_next_visit(
    client, world, actor, django_capture_on_commit_callbacks
):
    assert "First headline" in client.get("/en/stories/cached/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_update(actor=actor, story=world["story"], headline="Second headline")
    assert "Second headline" in client.get("/en/stories/cached/").content.decode()


def test_a_withdrawn_story_and_a_case_made_private_leave_at_once(
    client, world, actor, django_capture_on_commit_callbacks
):
    case_url = f"/en/cases/{world['case'].public_id}/"
    assert client.get("/en/stories/cached/").status_code == 200
    assert client.get(case_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.story_withdraw(actor=actor, story=world["story"])
    with django_capture_on_commit_callbacks(execute=True):
        archive_services.case_update(actor=actor, case=world["case"], confidentiality="restricted")
    assert client.get("/en/stories/cached/").status_code == 404
    assert client.get(case_url).status_code == 404


def test_a_write_that_is_rolled_back_does_not_clear_the_cache(client, world, actor):
    from django.db import transaction

    from irum.lib import pagecache

    before = pagecache.generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.story_update(actor=actor, story=world["story"], headline="Never")
        raise RuntimeError
    assert pagecache.generation() == before


def test_a_signed_in_editor_gets_the_same_public_page_and_no_cookie_is_stored(
    client, world, personas, otp_login
):
    anonymous = client.get("/en/stories/cached/")
    otp_login(client, personas["alice"])
    signed_in = client.get("/en/stories/cached/")
    assert signed_in.content == anonymous.content
    assert "Set-Cookie" not in signed_in and not signed_in.cookies
    assert "Cookie" not in signed_in.get("Vary", "")


def test_pages_that_are_not_public_are_never_stored(client, world, personas, otp_login):
    from django.contrib.auth.models import Permission

    dave = personas["dave"]
    dave.user_permissions.add(Permission.objects.get(codename="change_story"))
    otp_login(client, type(dave).objects.get(pk=dave.pk))
    url = f"/en/stories/preview/{world['story'].pk}/"
    assert queries_for(client, url)[1] > 0
    assert queries_for(client, url)[1] > 0  # rendered again: never cached
    assert client.get(url)["Cache-Control"] == "private, no-store"


def test_an_overlong_address_is_served_but_not_stored(client, world):
    url = "/en/stories/cached/?" + "x" * 600
    assert queries_for(client, url)[0].status_code == 200
    assert queries_for(client, url)[1] > 0


def test_a_not_found_page_is_not_stored(client, world):
    assert queries_for(client, "/en/stories/nothing-here/")[0].status_code == 404
    assert queries_for(client, "/en/stories/nothing-here/")[1] > 0


def test_reloading_the_gazetteer_renders_the_pages_afresh(
    client, world, django_capture_on_commit_callbacks
):
    from irum.gazetteer.services import gazetteer_load
    from irum.lib import pagecache

    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        gazetteer_load(actor=None)
    assert pagecache.generation() != before
