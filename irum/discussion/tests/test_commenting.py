"""A verified reader comments on a story or a public case page: clean comments are
published, risky ones are held and the author is told why in her language, abusive ones
are rejected, overlong ones are refused with the text kept."""

from __future__ import annotations

import pytest

from irum.discussion.models import Comment, CommentStatus, Strike

pytestmark = pytest.mark.django_db

THREAD = "/en/stories/taken-at-hyesan/comments/"


def post(client, text, path=THREAD, **extra):
    return client.post(path, {"text": text, **extra}, follow=True)


def test_a_clean_comment_is_published_and_appears_on_the_cached_story_page(
    client, site, erin, django_capture_on_commit_callbacks
):
    client.get("/en/stories/taken-at-hyesan/")  # cached, with no comment yet
    client.force_login(erin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "My thoughts are with the family. I hope they hear news soon.")
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.author == erin.user
    assert "Your comment is published." in response.content.decode()
    story = client.get("/en/stories/taken-at-hyesan/").content.decode()
    assert "My thoughts are with the family" in story
    assert "Erin W." in story
    assert "(1)" in story  # the published count


def test_the_name_shown_is_the_accounts_display_name_whatever_the_form_sends(client, site, erin):
    client.force_login(erin.user)
    post(client, "A quiet word of support.", display_name="Irum Editor", author="someone")
    assert Comment.objects.get().author == erin.user
    page = client.get(THREAD).content.decode()
    assert "Erin W." in page and "Irum Editor" not in page


def test_a_comment_naming_a_protected_person_is_held_and_the_author_sees_why(client, site, erin):
    client.force_login(erin.user)
    response = post(client, "I knew Sunny Pak from Hyesan, she is a kind woman.")
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.HELD
    assert "privacy" in comment.reasons
    page = response.content.decode()
    assert "waiting for a moderator" in page
    assert "private information about a person" in page
    # Nobody else sees it.
    client.logout()
    assert "Sunny Pak" not in client.get(THREAD).content.decode()
    assert "Sunny Pak" not in client.get("/en/stories/taken-at-hyesan/").content.decode()


def test_a_korean_reader_is_told_in_korean(client, site, make_reader):
    reader = make_reader("minji", "민지", language="ko")
    client.force_login(reader.user)
    response = post(
        client,
        "박순희 씨의 가족 전화번호는 010-1234-5678입니다.",
        path="/ko/stories/taken-at-hyesan/comments/",
    )
    assert Comment.objects.get().status == CommentStatus.HELD
    page = response.content.decode()
    assert "관리자 검토를 기다리고 있습니다" in page
    assert "개인에 관한 사적 정보" in page


def test_an_abusive_comment_is_rejected_with_a_strike(client, site, erin):
    client.force_login(erin.user)
    response = post(client, "You are all fucking idiots.")
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.REJECTED
    assert "profanity" in comment.reasons
    assert Strike.objects.filter(user=erin.user, comment=comment).count() == 1
    assert "was not published" in response.content.decode()


def test_an_overlong_comment_is_refused_and_its_text_kept_for_the_author(client, site, erin):
    client.force_login(erin.user)
    text = " ".join(["word"] * 401)
    response = post(client, text)
    assert not Comment.objects.exists()
    assert not Strike.objects.exists()
    page = response.content.decode()
    assert "over 400 words" in page
    assert "word word word" in page  # the textarea keeps it


def test_an_oversized_or_empty_post_is_refused_without_a_server_error(client, site, erin):
    client.force_login(erin.user)
    assert post(client, "x" * 200_000).status_code == 200
    assert post(client, "   ").status_code == 200
    assert post(client, "\x00\x00").status_code == 200
    assert client.post(THREAD, {"text": "hi", "parent": "not-a-number"}).status_code == 200
    assert client.post(THREAD, {"text": "hi", "parent": "999999"}).status_code == 200
    assert not Comment.objects.exists()


def test_hostile_markup_is_shown_as_text(client, site, erin):
    client.force_login(erin.user)
    post(client, "<script>alert(1)</script> <img src=x onerror=alert(2)> thoughts")
    page = client.get(THREAD).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_a_reply_answers_a_published_comment_one_level_deep(client, site, erin, make_reader):
    frank = make_reader("frank", "Frank O.")
    client.force_login(erin.user)
    post(client, "Has anyone heard from the family since last year?")
    first = Comment.objects.get()
    client.force_login(frank.user)
    post(client, "Not that I know of, sadly.", parent=first.pk)
    reply = Comment.objects.exclude(pk=first.pk).get()
    post(client, "A reply to the reply.", parent=reply.pk)
    third = Comment.objects.order_by("-pk").first()
    assert reply.parent == first and third.parent == first
    page = client.get(THREAD).content.decode()
    assert page.index("Has anyone heard") < page.index("Not that I know of")


def test_a_reply_to_a_held_comment_or_across_threads_is_refused(client, site, erin):
    client.force_login(erin.user)
    post(client, "I knew Sunny Pak well.")
    held = Comment.objects.get()
    post(client, "Replying.", parent=held.pk)
    assert Comment.objects.count() == 1


def test_an_anonymous_or_unverified_reader_cannot_comment(client, site, make_reader):
    response = client.post(THREAD, {"text": "hello"})
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    frank = make_reader("frank", verified=False)
    client.force_login(frank.user)
    page = post(client, "hello there").content.decode()
    assert not Comment.objects.exists()
    assert "Confirm your e-mail address" in page


def test_staff_without_a_reader_account_cannot_comment(client, site, personas):
    client.force_login(personas["alice"])
    post(client, "Staff note.")
    assert not Comment.objects.exists()


def test_a_public_case_takes_comments_and_a_private_case_has_no_thread(client, site, erin):
    client.force_login(erin.user)
    path = f"/en/cases/{site['case'].public_id}/comments/"
    post(client, "Thank you for documenting this case.", path=path)
    assert Comment.objects.get().case == site["case"]
    assert client.get(f"/en/cases/{site['private_case'].public_id}/comments/").status_code == 404
    assert (
        client.post(
            f"/en/cases/{site['private_case'].public_id}/comments/", {"text": "x"}
        ).status_code
        == 404
    )
    assert client.get("/en/stories/no-such-story/comments/").status_code == 404


def test_the_author_may_edit_within_the_window_and_each_edit_is_moderated_again(
    client, site, erin, settings
):
    client.force_login(erin.user)
    post(client, "A first thought.")
    comment = Comment.objects.get()
    response = client.post(
        f"/en/comments/{comment.pk}/edit/", {"text": "I met Sunny Pak once."}, follow=True
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HELD and comment.edited_at is not None
    assert "waiting for a moderator" in response.content.decode()
    assert comment.history.count() == 2  # the first text is kept
    settings.IRUM_COMMENT_EDIT_MINUTES = 0
    client.post(f"/en/comments/{comment.pk}/edit/", {"text": "Changed again."})
    comment.refresh_from_db()
    assert comment.text == "I met Sunny Pak once."


def test_nobody_else_can_edit_or_withdraw_a_comment(client, site, erin, make_reader):
    client.force_login(erin.user)
    post(client, "Mine.")
    comment = Comment.objects.get()
    frank = make_reader("frank")
    client.force_login(frank.user)
    assert (
        client.post(f"/en/comments/{comment.pk}/edit/", {"text": "Yours now."}).status_code == 404
    )
    assert client.post(f"/en/comments/{comment.pk}/withdraw/").status_code == 404
    client.logout()
    assert client.post(f"/en/comments/{comment.pk}/withdraw/").status_code == 404
    comment.refresh_from_db()
    assert comment.text == "Mine." and comment.status == CommentStatus.PUBLISHED


def test_the_author_may_withdraw_a_comment(client, site, erin):
    client.force_login(erin.user)
    post(client, "On second thoughts.")
    comment = Comment.objects.get()
    client.post(f"/en/comments/{comment.pk}/withdraw/")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.WITHDRAWN
    assert "On second thoughts" not in client.get(THREAD).content.decode()


def test_enough_reader_reports_hold_a_published_comment(client, site, erin, make_reader, settings):
    settings.IRUM_COMMENT_FLAGS_TO_HOLD = 2
    client.force_login(erin.user)
    post(client, "A perfectly ordinary comment.")
    comment = Comment.objects.get()
    for name in ("frank", "gina"):
        client.force_login(make_reader(name).user)
        client.post(f"/en/comments/{comment.pk}/report/", {"why": "abuse"})
        client.post(f"/en/comments/{comment.pk}/report/", {"why": "abuse"})  # once each
    comment.refresh_from_db()
    assert comment.flag_count == 2
    assert comment.status == CommentStatus.HELD


def test_a_report_with_a_made_up_reason_is_refused(client, site, erin, make_reader):
    client.force_login(erin.user)
    post(client, "Ordinary.")
    comment = Comment.objects.get()
    client.force_login(make_reader("frank").user)
    assert client.post(f"/en/comments/{comment.pk}/report/", {"why": "x" * 5000}).status_code == 302
    comment.refresh_from_db()
    assert comment.flag_count == 0


def test_thread_pages_are_private_and_never_cached(client, site, erin):
    client.force_login(erin.user)
    response = client.get(THREAD)
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.parametrize("reply", ["abc", "-1", "99999999999999999999999", "1e5", "\x00"])
def test_a_garbled_reply_address_shows_the_thread(client, site, erin, reply):
    client.force_login(erin.user)
    assert client.get(THREAD, {"reply": reply}).status_code == 200
    assert client.post(THREAD, {"text": "Hello.", "parent": reply}).status_code in (200, 302)


@pytest.mark.parametrize("pk", ["99999999999999999999999"])
def test_a_huge_comment_number_is_not_found(client, site, erin, pk):
    client.force_login(erin.user)
    for action in ("edit", "withdraw", "report"):
        assert client.post(f"/en/comments/{pk}/{action}/").status_code == 404
