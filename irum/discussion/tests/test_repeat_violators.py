"""Repeat violators: 3 rejections in 30 days pre-moderate an author, 3 more suspend them
for 7 days, 3 more block them. The author is told why and may appeal; a moderator who
grants the appeal lifts the restriction. Thresholds are settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from irum.audit.models import AuditEntry
from irum.discussion import selectors, services
from irum.discussion.models import Appeal, Comment, CommentStatus, Strike
from irum.discussion.moderation.strikes import Level

pytestmark = pytest.mark.django_db

ABUSE = [
    "You are all fucking idiots.",
    "What a load of shit, morons.",
    "Shut up you stupid bitch.",
    "Fuck off, every one of you.",
    "This is bullshit, idiots.",
    "Go to hell, you piece of shit.",
]


def abusive(author, story, n):
    for i in range(n):
        comment = services.comment_post(author=author, target=story, text=ABUSE[i % len(ABUSE)])
        assert comment.status == CommentStatus.REJECTED, comment.text


def test_three_rejections_put_an_author_under_pre_moderation(site, erin):
    abusive(erin.user, site["story"], 3)
    assert selectors.standing_of(erin.user).level is Level.PREMODERATED
    comment = services.comment_post(
        author=erin.user, target=site["story"], text="A calm and ordinary comment."
    )
    assert comment.status == CommentStatus.HELD
    assert comment.reasons == ["blocked_author"]


def test_a_suspended_author_is_refused_with_the_end_of_the_suspension(site, erin, settings):
    settings.IRUM_STRIKES_PER_STEP = 1
    abusive(erin.user, site["story"], 2)
    standing = selectors.standing_of(erin.user)
    assert standing.level is Level.SUSPENDED
    with pytest.raises(services.Refused) as refused:
        services.comment_post(author=erin.user, target=site["story"], text="Hello again.")
    assert "may not comment until" in refused.value.message
    assert refused.value.reasons == ("blocked_author",)
    assert Comment.objects.count() == 2  # the refused comment is not stored


def test_a_suspension_ends(site, erin, settings):
    settings.IRUM_STRIKES_PER_STEP = 1
    abusive(erin.user, site["story"], 2)
    Strike.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    comment = services.comment_post(author=erin.user, target=site["story"], text="Back, calmly.")
    assert comment.status == CommentStatus.HELD  # pre-moderated after the suspension


def test_rejections_older_than_the_window_do_not_add_up(site, erin):
    abusive(erin.user, site["story"], 2)
    Strike.objects.update(created_at=timezone.now() - dt.timedelta(days=31))
    abusive(erin.user, site["story"], 1)
    assert selectors.standing_of(erin.user).level is Level.GOOD


def test_a_blocked_author_sees_the_reason_and_may_appeal_once(client, site, erin, moderator):
    services.reader_block(actor=moderator, reader=erin, reason="Threats against a witness.")
    client.force_login(erin.user)
    thread = client.get("/en/stories/taken-at-hyesan/comments/").content.decode()
    assert "blocked from commenting" in thread
    assert 'name="text"' not in thread
    account = client.get("/en/account/").content.decode()
    assert "Threats against a witness." in account
    client.post("/en/account/", {"appeal": "1", "text": "I was quoting the threat to report it."})
    assert Appeal.objects.filter(reader=erin.user, state="open").count() == 1
    client.post("/en/account/", {"appeal": "1", "text": "Again."})
    assert Appeal.objects.count() == 1
    assert "waiting for a moderator" in client.get("/en/account/").content.decode()


def test_a_granted_appeal_lifts_the_block_and_cancels_the_strikes(site, erin, moderator):
    abusive(erin.user, site["story"], 3)
    services.reader_block(actor=moderator, reader=erin, reason="Repeated abuse.")
    appeal = services.appeal_file(reader=erin.user, text="I am sorry; it will not happen again.")
    services.appeal_decide(actor=moderator, appeal=appeal, grant=True, response="Welcome back.")
    assert selectors.standing_of(erin.user).level is Level.GOOD
    assert not selectors.active_strikes(erin.user).exists()
    summaries = set(AuditEntry.objects.values_list("summary", flat=True))
    assert {"reader blocked", "appeal filed", "appeal granted"} <= summaries
    comment = services.comment_post(author=erin.user, target=site["story"], text="Thank you.")
    assert comment.status == CommentStatus.PUBLISHED


def test_an_author_in_good_standing_has_nothing_to_appeal(erin):
    with pytest.raises(ValidationError):
        services.appeal_file(reader=erin.user, text="Why?")


def test_hostile_appeals_are_refused_with_a_message(client, site, erin, moderator):
    services.reader_block(actor=moderator, reader=erin, reason="x")
    client.force_login(erin.user)
    for text in ("", "   ", "x" * 10_000):
        assert client.post("/en/account/", {"appeal": "1", "text": text}).status_code == 200
    assert not Appeal.objects.exists()


def test_a_moderator_who_overturns_a_rejection_cancels_its_strike(site, erin, moderator):
    abusive(erin.user, site["story"], 3)
    assert selectors.standing_of(erin.user).level is Level.PREMODERATED
    services.comment_approve(actor=moderator, comment=Comment.objects.first())
    assert selectors.standing_of(erin.user).level is Level.GOOD
