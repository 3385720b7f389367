"""Editors write, publish and update stories in the admin, through the services: the photo
is re-encoded, a published story is complete, readers are told of real updates, and
nothing of a private case reaches the editor's form."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from irum.archive import services as archive_services
from irum.audit.models import AuditEntry
from irum.reports.tests.builders import person_with_chain
from irum.stories import services
from irum.stories.models import Author, CommentGuidelines, Story
from irum.stories.tests.builders import jpeg

ADD = "/admin/stories/story/add/"


@pytest.fixture
def editor(db, client, otp_login):
    group = Group.objects.create(name="Editors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="stories").exclude(
            codename__startswith="delete_author"
        )
    )
    user = get_user_model().objects.create_user(
        "erin", password="erin-long-test-pass", is_staff=True
    )
    user.groups.add(group)
    otp_login(client, user)
    return user


@pytest.fixture
def author(actor):
    return services.author_save(actor=actor, author=Author(slug="reporter", name="A. Reporter"))


def form_data(author, **overrides):
    data = {
        "slug": "taken-at-hyesan",
        "status": "draft",
        "author": str(author.pk),
        "headline": "Taken at Hyesan",
        "dek": "A family waits.",
        "body": "A **family** waits.",
        "photo_alt": "A river at dusk",
        "photo_credit": "(Irum demo)",
    }
    data.update(overrides)
    return data


def test_an_editor_writes_a_draft_with_a_photo_and_it_is_kept_and_audited(client, editor, author):
    response = client.post(ADD, {**form_data(author), "photo_upload": jpeg()})
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get(slug="taken-at-hyesan")
    assert story.photo.startswith("stories/") and story.photo_small
    assert story.history.count() == 1
    entry = AuditEntry.objects.filter(record_type="stories.story").latest("pk")
    assert entry.actor_id == editor.pk and entry.kind == "create"


def test_publishing_without_alt_text_or_credit_is_refused_with_the_reason(client, editor, author):
    data = form_data(author, status="published", photo_alt="", photo_credit="")
    response = client.post(ADD, {**data, "photo_upload": jpeg()})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "photo_alt" in errors and "photo_credit" in errors
    assert not Story.objects.exists()


def test_publishing_without_a_photo_is_refused(client, editor, author):
    response = client.post(ADD, form_data(author, status="published"))
    assert response.status_code == 200
    assert "photo_upload" in response.context["adminform"].form.errors
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (io.BytesIO(b"<script>alert(1)</script>"), "not a photo"),
        (io.BytesIO(b""), "empty"),
        (jpeg(100, 100), "too small"),
    ],
)
def test_a_bad_photo_gets_a_clear_error_and_nothing_is_saved(
    client, editor, author, upload, message
):
    upload.name = "photo.jpg"
    response = client.post(ADD, {**form_data(author), "photo_upload": upload})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("photo_upload", []))
    assert message in errors
    assert not Story.objects.exists()


def _published(actor, author) -> Story:
    return services.story_create(
        actor=actor,
        slug="taken-at-hyesan",
        headline="Taken at Hyesan",
        body="A family waits.",
        author=author,
        photo=jpeg(),
        photo_alt="A river",
        photo_credit="(Irum demo)",
        status="published",
    )


def _change(client, story, author, **overrides):
    story.refresh_from_db()
    data = form_data(
        author,
        status="published",
        headline=story.headline,
        body=story.body,
        opened_version=str(story.version),
    )
    data.update(overrides)
    return client.post(f"/admin/stories/story/{story.pk}/change/", data)


def test_a_substantive_change_tells_readers_and_a_typo_fix_does_not(client, editor, author, actor):
    story = _published(actor, author)

    response = _change(client, story, author, body="A family waits still.")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.revised_at is None  # the box was not ticked: a correction

    response = _change(
        client,
        story,
        author,
        body="A family waits. The UN has been told.",
        substantive="on",
        update_note="Adds the submission to the UN.",
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.revised_at is not None
    page = client.get("/en/stories/taken-at-hyesan/").content.decode()
    assert "Adds the submission to the UN." in page


def test_a_stale_copy_is_refused_instead_of_overwriting_a_colleague(client, editor, author, actor):
    story = _published(actor, author)
    opened = story.version
    services.story_update(actor=actor, story=story, headline="A colleague's headline")
    response = _change(client, story, author, headline="Mine", opened_version=str(opened))
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    story.refresh_from_db()
    assert story.headline == "A colleague's headline"


def test_only_public_cases_are_offered_and_by_public_id_not_title(client, editor, gazetteer, actor):
    public = person_with_chain(actor, ("arrest", "2013-05", "hyesan", "nk-state-security", 1))
    archive_services.case_update(
        actor=actor, case=public.case, title="Public case title", confidentiality="public"
    )
    private = person_with_chain(actor, ("arrest", "2014-05", "hyesan", "nk-state-security", 1))
    archive_services.case_update(actor=actor, case=private.case, title="Private case title")
    response = client.get(ADD)
    assert response.status_code == 200
    choices = dict(response.context["adminform"].form.fields["related_cases"].choices)
    labels = set(map(str, choices.values()))
    assert public.case.public_id in labels
    assert private.case.public_id not in labels
    body = response.content.decode()
    assert "Public case title" not in body and "Private case title" not in body


def test_a_staff_user_without_the_editors_rights_cannot_open_stories(client, personas, otp_login):
    otp_login(client, personas["dave"])
    assert client.get(ADD).status_code == 403
    assert client.get("/admin/stories/story/").status_code == 403


def test_the_comment_guidelines_are_edited_in_the_admin_and_shown_on_every_story(
    client, editor, author, actor
):
    _published(actor, author)
    url = "/admin/stories/commentguidelines/1/change/"
    form = client.get(url)
    assert form.status_code == 200
    assert "400 words" in form.content.decode()  # the published default, before any edit
    response = client.post(
        url, {"text": "Be kind. No names.", "text_ko": "친절하게. 이름은 쓰지 마세요."}
    )
    assert response.status_code == 302
    assert CommentGuidelines.objects.get(pk=1).text == "Be kind. No names."
    assert "Be kind. No names." in client.get("/en/stories/taken-at-hyesan/").content.decode()
    assert "이름은 쓰지 마세요" in client.get("/ko/stories/taken-at-hyesan/").content.decode()
    assert AuditEntry.objects.filter(summary="comment guidelines changed").exists()
