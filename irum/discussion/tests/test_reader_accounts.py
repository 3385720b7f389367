"""Reader accounts: registration with a display name that imitates nobody, an e-mail
address confirmed by a signed link, sign-in for readers only, renames checked again."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError

from irum.audit.models import AuditEntry
from irum.discussion import services
from irum.discussion.models import Reader

pytestmark = pytest.mark.django_db

FORM = {
    "username": "hana",
    "email": "hana@example.org",
    "display_name": "Hana S.",
    "password": "a long reader passphrase",
    "password_again": "a long reader passphrase",
}


def test_a_reader_registers_confirms_her_address_and_may_then_comment(client, site):
    response = client.post("/en/account/register/", FORM, follow=True)
    assert response.redirect_chain[-1][0] == "/en/account/"
    reader = Reader.objects.get(user__username="hana")
    assert not reader.email_verified
    assert "not confirmed yet" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["hana@example.org"]
    link = re.search(r"http://testserver(/en/account/confirm/\S+/)", message.body).group(1)
    page = client.get(link, follow=True).content.decode()
    reader.refresh_from_db()
    assert reader.email_verified
    assert "Your e-mail address is confirmed" in page
    assert AuditEntry.objects.filter(summary="reader registered").exists()
    thread = client.get("/en/stories/taken-at-hyesan/comments/").content.decode()
    assert 'name="text"' in thread and "Your display name: Hana S" in thread


def test_the_confirmation_mail_is_in_the_readers_language(client):
    client.post("/ko/account/register/", FORM)
    assert Reader.objects.get().language == "ko"
    assert mail.outbox[0].subject == "Irum 이메일 주소를 확인해 주세요"
    assert "/ko/account/confirm/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "display_name",
    [
        "Irum Editor",
        "IRUM-EDITOR",
        "1rum Ed1tor",
        "Moderator Kim",
        "운영자",
        "편집부",
        "Grace Reporter",
        "grace  reporter",
    ],
)
def test_a_display_name_that_imitates_staff_or_an_author_is_refused(client, site, display_name):
    response = client.post("/en/account/register/", {**FORM, "display_name": display_name})
    assert response.status_code == 200
    assert "Choose a name of your own" in response.content.decode()
    assert not Reader.objects.exists()


def test_a_display_name_like_another_readers_is_refused_at_registration_and_rename(make_reader):
    make_reader("erin", "Erin W.")
    with pytest.raises(ValidationError) as refused:
        make_reader("erin2", "erin w")
    assert "Another reader already uses this name" in str(refused.value)
    other = make_reader("frank", "Frank O.")
    with pytest.raises(ValidationError):
        services.reader_rename(reader=other, display_name="ERIN-W")
    with pytest.raises(ValidationError):
        services.reader_rename(reader=other, display_name="Irum Staff")


def test_a_staff_username_is_imitated_by_no_display_name(make_reader, personas):
    with pytest.raises(ValidationError):
        make_reader("someone", "Alice")


def test_a_rename_is_audited_and_shown_on_published_comments(
    client, site, erin, django_capture_on_commit_callbacks
):
    services.comment_post(author=erin.user, target=site["story"], text="Hello from Seoul.")
    client.get("/en/stories/taken-at-hyesan/")
    client.force_login(erin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/", {"display_name": "Erin Walker"})
    erin.refresh_from_db()
    assert erin.display_name == "Erin Walker"
    assert AuditEntry.objects.get(summary="reader renamed").changes == {
        "display_name": ["Erin W.", "Erin Walker"]
    }
    assert "Erin Walker" in client.get("/en/stories/taken-at-hyesan/").content.decode()


@pytest.mark.parametrize(
    "field, value",
    [
        ("username", "a"),
        ("username", "x" * 5000),
        ("username", "<script>"),
        ("email", "not-an-address"),
        ("email", "x" * 300 + "@example.org"),
        ("display_name", ""),
        ("display_name", "x" * 500),
        ("display_name", "Bad\u200bName"),
        ("display_name", "Name\x00"),
        ("display_name", "!!!"),
        ("password", "short"),
        ("password_again", "different passphrase here"),
    ],
)
def test_bad_registrations_are_refused_with_a_message_and_nothing_written(client, field, value):
    response = client.post("/en/account/register/", {**FORM, field: value})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not Reader.objects.exists()
    assert not mail.outbox


def test_the_same_username_or_address_cannot_register_twice(client, make_reader):
    make_reader("hana", "Someone Else")
    response = client.post("/en/account/register/", FORM)
    assert "This username is taken." in response.content.decode()
    response = client.post(
        "/en/account/register/", {**FORM, "username": "hana2", "email": "HANA@example.org"}
    )
    assert "already exists" in response.content.decode()


@pytest.mark.parametrize(
    "token", ["garbage", "x" * 5000, "other-salt"], ids=["garbage", "long", "other-salt"]
)
def test_a_forged_or_garbled_link_confirms_nothing(client, make_reader, token):
    reader = make_reader("hana", verified=False)
    if token == "other-salt":  # signed with the site's key, for another purpose
        token = signing.dumps({"r": reader.pk, "e": reader.user.email}, salt="other")
    response = client.get(f"/en/account/confirm/{token}/")
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    reader.refresh_from_db()
    assert not reader.email_verified


def test_a_link_for_an_old_address_confirms_nothing(client, make_reader):
    reader = make_reader("hana", verified=False)
    token = services.verification_token(reader)
    reader.user.email = "new@example.org"
    reader.user.save()
    client.get(f"/en/account/confirm/{token}/")
    reader.refresh_from_db()
    assert not reader.email_verified


def test_an_expired_link_says_so(client, make_reader, settings):
    reader = make_reader("hana", verified=False)
    token = services.verification_token(reader)
    settings.IRUM_EMAIL_VERIFY_DAYS = -1
    assert "expired" in client.get(f"/en/account/confirm/{token}/").content.decode()


def test_readers_sign_in_on_the_site_and_staff_are_sent_to_the_admin(client, make_reader, personas):
    make_reader("hana")
    response = client.post(
        "/en/account/sign-in/", {"username": "hana", "password": "hana-long-test-pass"}
    )
    assert response.status_code == 302 and response["Location"] == "/en/account/"
    client.logout()
    response = client.post(
        "/en/account/sign-in/", {"username": "alice", "password": "alice-long-test-pass"}
    )
    assert response.status_code == 200
    assert "Staff accounts sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_and_audited(client, make_reader):
    make_reader("hana")
    response = client.post("/en/account/sign-in/", {"username": "hana", "password": "wrong"})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(kind="login_failed").exists()


def test_the_account_page_needs_a_signed_in_reader(client, personas):
    assert client.get("/en/account/")["Location"].startswith("/en/account/sign-in/")
    client.force_login(personas["dave"])  # staff: no reader account
    assert client.get("/en/account/")["Location"].startswith("/en/account/sign-in/")


def test_sign_in_does_not_redirect_off_the_site(client, make_reader):
    make_reader("hana")
    response = client.post(
        "/en/account/sign-in/?next=https://evil.example/",
        {"username": "hana", "password": "hana-long-test-pass", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/en/account/"
