"""Writes to stories, authors and the comment guidelines. The admin comes through here.

Every write is saved with its history row and audit entry (archive.services.save_record),
and every change that readers can see clears the public page cache
(irum.lib.pagecache), so a withdrawn story or a corrected sentence is gone at once.
"""

from __future__ import annotations

from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from irum.archive.services import save_record
from irum.audit.services import audit_record
from irum.lib import markdown
from irum.lib import pagecache as cache
from irum.stories import photos
from irum.stories.models import (
    DEFAULT_GUIDELINES,
    DEFAULT_GUIDELINES_KO,
    SUBSTANTIVE_FIELDS,
    Author,
    CommentGuidelines,
    Story,
    StoryStatus,
)

Actor = AbstractBaseUser | None
_RELATIONS = ("related_cases", "related_places")


def _apply(story: Story, fields: dict[str, Any]) -> dict[str, Any]:
    """Set the story's own fields; return the many-to-many ones for after the save."""
    relations = {name: fields.pop(name) for name in _RELATIONS if name in fields}
    for name, value in fields.items():
        setattr(story, name, value)
    return relations


def _check_texts(story: Story) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("body", "body_ko"):
        try:
            markdown.render(getattr(story, name))
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationError(errors)


def _check_publishable(story: Story) -> None:
    """What a story needs before readers may see it. Drafts may be incomplete."""
    errors: dict[str, list[str]] = {}
    if not story.languages:
        errors["headline"] = [
            _("A story needs a headline and a body in English or in Korean (or both).")
        ]
    for suffix in ("", "_ko"):
        if bool(getattr(story, f"headline{suffix}")) != bool(getattr(story, f"body{suffix}")):
            field = f"body{suffix}" if getattr(story, f"headline{suffix}") else f"headline{suffix}"
            errors[field] = [_("Give both the headline and the body in this language, or neither.")]
    if story.author_id is None:
        errors["author"] = [_("A published story names its author.")]
    if not story.photo:
        errors["photo"] = [_("A published story has a hero photo.")]
    else:
        for code, suffix in (("en", ""), ("ko", "_ko")):
            if code in story.languages and not getattr(story, f"photo_alt{suffix}"):
                errors[f"photo_alt{suffix}"] = [
                    _("Describe the photo for readers who cannot see it (alt text).")
                ]
        if not story.photo_credit:
            errors["photo_credit"] = [_("Credit the photo, for example (Photographer/Agency).")]
    if errors:
        raise ValidationError(errors)


def check_story(story: Story) -> None:
    """Raise ValidationError (by field) if STORY may not be saved as it is: its Markdown
    does not render, or it is published without what readers need. For forms, which
    check before they save."""
    _check_texts(story)
    if story.status == StoryStatus.PUBLISHED:
        _check_publishable(story)


def _set_photo(story: Story, photo: IO[bytes] | photos.Renditions | None) -> None:
    if photo is None:
        return
    if isinstance(photo, photos.Renditions):
        made = photo  # stored already, by a form that checked the upload
    else:
        try:
            made = photos.store(photo)
        except photos.PhotoError as exc:
            raise ValidationError({"photo": [str(exc)]}) from None
    story.photo, story.photo_small = made.large, made.small
    story.photo_width, story.photo_height = made.width, made.height


def _save(story: Story, relations: dict[str, Any], *, actor: Actor, reason: str = "") -> Story:
    check_story(story)
    save_record(story, actor=actor, change_reason=reason)
    for name, values in relations.items():
        getattr(story, name).set(values)
    cache.clear_on_commit()
    return story


@transaction.atomic
def story_create(
    *, actor: Actor, slug: str, photo: IO[bytes] | photos.Renditions | None = None, **fields: Any
) -> Story:
    story = Story(slug=slug)
    relations = _apply(story, fields)
    _set_photo(story, photo)
    if story.status == StoryStatus.PUBLISHED:
        story.published_at = timezone.now()
    return _save(story, relations, actor=actor)


@transaction.atomic
def story_update(
    *,
    actor: Actor,
    story: Story,
    photo: IO[bytes] | photos.Renditions | None = None,
    substantive: bool = True,
    **fields: Any,
) -> Story:
    """Change STORY. Once it is published, a SUBSTANTIVE change to its headline, summary
    line or body dates it as updated, which readers see with the update note; a
    correction of a typo can be saved with substantive=False."""
    before = {name: getattr(story, name) for name in SUBSTANTIVE_FIELDS}
    relations = _apply(story, fields)
    _set_photo(story, photo)
    if story.status == StoryStatus.PUBLISHED and story.published_at is None:
        story.published_at = timezone.now()
    elif (
        story.status == StoryStatus.PUBLISHED
        and substantive
        and any(getattr(story, name) != value for name, value in before.items())
    ):
        story.revised_at = timezone.now()
    return _save(story, relations, actor=actor)


@transaction.atomic
def story_publish(*, actor: Actor, story: Story) -> Story:
    story.status = StoryStatus.PUBLISHED
    story.published_at = story.published_at or timezone.now()
    return _save(story, {}, actor=actor, reason="published")


@transaction.atomic
def story_withdraw(*, actor: Actor, story: Story, reason: str = "") -> Story:
    """Take a story off the site. It stays in the archive with its history."""
    story.status = StoryStatus.WITHDRAWN
    return _save(story, {}, actor=actor, reason=reason or "withdrawn")


@transaction.atomic
def story_delete(*, actor: Actor, story: Story, change_reason: str = "") -> Story:
    story.deleted_at = timezone.now()
    return _save(story, {}, actor=actor, reason=change_reason or "deleted")


@transaction.atomic
def author_save(*, actor: Actor, author: Author) -> Author:
    author.full_clean()
    before = Author.objects.filter(pk=author.pk).first() if author.pk else None
    author.save()
    audit_record(
        actor=actor,
        kind="update" if before else "create",
        record=author,
        summary=f"author {author.slug}",
    )
    cache.clear_on_commit()
    return author


def guidelines() -> CommentGuidelines:
    """The guidelines in force: the saved ones, or the published default wording."""
    found = CommentGuidelines.objects.filter(pk=1).first()
    return found or CommentGuidelines(pk=1, text=DEFAULT_GUIDELINES, text_ko=DEFAULT_GUIDELINES_KO)


@transaction.atomic
def guidelines_update(*, actor: Actor, text: str, text_ko: str) -> CommentGuidelines:
    current = guidelines()
    current.text, current.text_ko = text, text_ko
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        kind="update",
        record=current,
        summary="comment guidelines changed",
        changes={"text": ["…", text[:200]], "text_ko": ["…", text_ko[:200]]},
    )
    cache.clear_on_commit()
    return current
