"""The moderator queue: held comments with their reasons and highlighted spans, approve
or reject in one click, bulk actions, the author's history and standing. Only moderators
decide; every decision is audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.audit.models import AuditEntry
from irum.discussion import services
from irum.discussion.models import Comment, CommentStatus, Strike

pytestmark = pytest.mark.django_db

QUEUE = "/admin/discussion/comment/"


def held(author, story, text="I knew Sunny Pak from Hyesan."):
    comment = services.comment_post(author=author, target=story, text=text)
    assert comment.status == CommentStatus.HELD
    return comment


def test_the_queue_shows_held_comments_with_reasons_and_the_names_marked(
    client, otp_login, site, erin, moderator
):
    comment = held(erin.user, site["story"])
    services.comment_post(author=erin.user, target=site["story"], text="A published one.")
    otp_login(client, moderator)
    page = client.get(QUEUE).content.decode()
    assert 'data-reason="privacy">Sunny Pak</mark>' in page
    assert '<td class="field-reason_list">privacy</td>' in page
    assert "A published one." not in page  # the queue opens on held comments
    assert f"decide-{comment.pk}-approve" in page
    detail = client.get(f"{QUEUE}{comment.pk}/change/").content.decode()
    assert "Erin W." in detail and "strike(s) on record" in detail


def test_approve_is_one_click_and_is_audited(
    client, otp_login, site, erin, moderator, django_capture_on_commit_callbacks
):
    comment = held(erin.user, site["story"])
    otp_login(client, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{QUEUE}{comment.pk}/decide/approve/", {"back": QUEUE})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED and comment.decided_by == moderator
    entry = AuditEntry.objects.get(summary="comment approved")
    assert entry.actor == moderator and entry.record_id == str(comment.pk)
    assert "Sunny Pak" in client.get("/en/stories/taken-at-hyesan/").content.decode()


def test_reject_counts_a_strike_unless_the_moderator_says_not(
    client, otp_login, site, erin, moderator
):
    first = held(erin.user, site["story"])
    second = held(erin.user, site["story"], "Sunny Pak's brother lives in Hyesan, I think.")
    otp_login(client, moderator)
    client.post(f"{QUEUE}{first.pk}/decide/reject/", {"note": "Names a protected person."})
    client.post(f"{QUEUE}{second.pk}/decide/reject_quietly/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == CommentStatus.REJECTED
    assert first.decision_note == "Names a protected person."
    assert list(Strike.objects.values_list("comment_id", flat=True)) == [first.pk]
    assert AuditEntry.objects.filter(summary="comment rejected").count() == 2
    client.force_login(erin.user)
    mine = client.get("/en/account/").content.decode()
    assert "Names a protected person." in mine


def test_bulk_actions_decide_many_comments(client, otp_login, site, erin, make_reader, moderator):
    frank = make_reader("frank")
    comments = [held(erin.user, site["story"]), held(frank.user, site["story"], "Sunny Pak!")]
    otp_login(client, moderator)
    client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [c.pk for c in comments]},
    )
    assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.PUBLISHED}
    assert AuditEntry.objects.filter(summary="comment approved").count() == 2


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_staff_outside_the_moderators_group_cannot_see_or_decide(
    client, otp_login, site, erin, personas, who
):
    comment = held(erin.user, site["story"])
    otp_login(client, personas[who])
    assert client.get(QUEUE).status_code == 403
    assert client.post(f"{QUEUE}{comment.pk}/decide/approve/").status_code == 403
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HELD


def test_readers_and_the_anonymous_public_never_reach_the_queue(client, site, erin):
    comment = held(erin.user, site["story"])
    for login in (None, erin.user):
        if login:
            client.force_login(login)
        response = client.post(f"{QUEUE}{comment.pk}/decide/approve/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HELD


def test_a_moderator_needs_the_second_factor(client, site, erin, moderator):
    comment = held(erin.user, site["story"])
    client.force_login(moderator)
    client.post(f"{QUEUE}{comment.pk}/decide/approve/")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HELD


def test_an_unknown_decision_or_comment_is_refused_without_a_server_error(
    client, otp_login, site, erin, moderator
):
    comment = held(erin.user, site["story"])
    otp_login(client, moderator)
    assert client.post(f"{QUEUE}{comment.pk}/decide/delete/").status_code == 403
    assert client.post(f"{QUEUE}999999/decide/approve/").status_code == 404
    assert client.get(f"{QUEUE}{comment.pk}/decide/approve/").status_code == 405
    response = client.post(
        f"{QUEUE}{comment.pk}/decide/approve/", {"back": "https://evil.example/"}
    )
    assert response["Location"].startswith(QUEUE)


def test_hostile_comment_text_is_escaped_in_the_queue(client, otp_login, site, erin, moderator):
    held(erin.user, site["story"], "<script>alert(1)</script> Sunny Pak <b>bold</b>")
    otp_login(client, moderator)
    page = client.get(QUEUE).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page


def test_the_queue_takes_the_same_queries_for_ten_comments_as_for_two(
    client, otp_login, site, erin, make_reader, moderator
):
    otp_login(client, moderator)
    for i in range(2):
        held(make_reader(f"reader{i}").user, site["story"], f"Sunny Pak {i}")
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for i in range(2, 10):
        held(make_reader(f"reader{i}").user, site["story"], f"Sunny Pak {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(QUEUE)
    assert len(many) == len(few)


def test_a_moderator_may_erase_a_dangerous_text_from_the_comment_and_its_history(
    client, otp_login, site, erin, moderator
):
    comment = services.comment_post(
        author=erin.user, target=site["story"], text="Her brother's number is 010-2345-6789."
    )
    services.comment_edit(
        author=erin.user, comment=comment, text="Her brother's number is 010-2345-6789, call him."
    )
    otp_login(client, moderator)
    client.post(f"{QUEUE}{comment.pk}/decide/reject_erase/", {"note": "Puts a family at risk."})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED and comment.erased_at is not None
    assert "010" not in comment.text
    assert not comment.history.filter(text__contains="010").exists()
    assert comment.history.count() >= 3  # who, when and each decision are kept
    entry = AuditEntry.objects.get(summary="comment text erased")
    assert "010" not in str(entry.changes) and entry.actor == moderator
    assert Strike.objects.filter(comment=comment).exists()
    # The author is told, and nothing can publish the erased comment.
    client.force_login(erin.user)
    page = client.get("/en/stories/taken-at-hyesan/comments/").content.decode()
    assert "erased this comment's text" in page and "010" not in page
    assert client.post(f"{QUEUE}{comment.pk}/decide/approve/").status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED


def test_a_withdrawn_comment_can_still_be_erased(site, erin, moderator):
    comment = services.comment_post(
        author=erin.user, target=site["story"], text="Call 010-2345-6789."
    )
    services.comment_withdraw(author=erin.user, comment=comment)
    comment = services.comment_reject(actor=moderator, comment=comment, erase=True)
    assert comment.erased_at is not None and "010" not in comment.text
    assert not comment.history.filter(text__contains="010").exists()


def test_the_readers_list_takes_the_same_queries_for_many_readers(
    client, otp_login, site, make_reader, moderator
):
    otp_login(client, moderator)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/discussion/reader/").status_code == 200
        return len(captured)

    for i in range(2):
        held(make_reader(f"reader{i}").user, site["story"], f"Sunny Pak {i}")
    few = count()
    for i in range(2, 8):
        reader = make_reader(f"reader{i}")
        services.comment_post(author=reader.user, target=site["story"], text="You fucking idiot.")
    assert count() == few
