"""Published stories: the public face of the archive.

A story is written in English, in Korean, or in both. Each reader-facing text has an
English and a Korean field; a reader gets their language and, where a story exists in
the other language only, that text marked with its language (see `Story.text`).

The hero photo is stored only as the renditions made on upload (irum.stories.photos):
re-encoded, with every metadata block (EXIF, GPS, XMP) dropped. The uploaded original is
never kept, since a photographer's location can sit in its metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from irum.archive.models import Case, TimeStamped
from irum.gazetteer.models import Place


class Author(models.Model):
    slug = models.SlugField(_("id"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_ko = models.CharField(_("Korean name"), max_length=120, blank=True)
    role = models.CharField(
        _("role"), max_length=120, blank=True, help_text=_("For example: Staff reporter.")
    )
    role_ko = models.CharField(_("role (Korean)"), max_length=120, blank=True)
    bio = models.CharField(_("short bio"), max_length=300, blank=True)
    bio_ko = models.CharField(_("short bio (Korean)"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name

    def in_language(self, language: str) -> dict[str, str]:
        korean = language.startswith("ko")
        return {
            "name": (self.name_ko if korean else self.name) or self.name,
            "role": (self.role_ko if korean else self.role) or self.role or self.role_ko,
            "bio": (self.bio_ko if korean else self.bio) or self.bio or self.bio_ko,
        }


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The texts a story has in each language: `headline` and `headline_ko`, and so on.
TEXT_FIELDS = ("headline", "dek", "body", "photo_alt", "photo_caption", "update_note")
# A change to one of these after publication is what readers are told about.
SUBSTANTIVE_FIELDS = ("headline", "dek", "body", "headline_ko", "dek_ko", "body_ko")


@dataclass(frozen=True)
class StoryText:
    """A story's texts in one language, and which language that is."""

    language: str  # "en" or "ko": the language of the texts, not the reader's
    headline: str
    dek: str
    body: str
    photo_alt: str
    photo_caption: str
    update_note: str
    fallback: bool  # the reader's language has no text; this is the other one


class Story(TimeStamped):
    slug = models.SlugField(
        _("address"),
        max_length=120,
        unique=True,
        help_text=_("The last part of the story's web address: lowercase words and hyphens."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=StoryStatus.choices, default=StoryStatus.DRAFT
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    headline_ko = models.CharField(_("headline (Korean)"), max_length=200, blank=True)
    dek = models.CharField(
        _("summary line"),
        max_length=300,
        blank=True,
        help_text=_("One sentence under the headline, also shown in lists of stories."),
    )
    dek_ko = models.CharField(_("summary line (Korean)"), max_length=300, blank=True)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Markdown. HTML and images in the text are not shown; links are."),
    )
    body_ko = models.TextField(_("body (Korean)"), blank=True)
    author = models.ForeignKey(
        Author,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
    )

    # The hero photo: renditions only (see the module's note), named by content hash.
    photo = models.CharField(_("photo"), max_length=200, blank=True, editable=False)
    photo_small = models.CharField(max_length=200, blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo description (alt text)"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it. Required."),
    )
    photo_alt_ko = models.CharField(_("photo description (Korean)"), max_length=300, blank=True)
    photo_caption = models.CharField(_("caption"), max_length=300, blank=True)
    photo_caption_ko = models.CharField(_("caption (Korean)"), max_length=300, blank=True)
    photo_credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("For example: (Photographer/Agency)")
    )

    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    revised_at = models.DateTimeField(_("updated"), null=True, blank=True, editable=False)
    update_note = models.CharField(
        _("update note"),
        max_length=300,
        blank=True,
        help_text=_("What changed, shown with the update date. Optional."),
    )
    update_note_ko = models.CharField(_("update note (Korean)"), max_length=300, blank=True)

    related_cases = models.ManyToManyField(
        Case,
        verbose_name=_("related cases"),
        blank=True,
        related_name="stories",
        help_text=_("Only cases that are public are shown to readers."),
    )
    related_places = models.ManyToManyField(
        Place, verbose_name=_("related places"), blank=True, related_name="stories"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [models.Index(fields=["status", "-published_at"], name="story_published")]

    def __str__(self) -> str:
        return self.headline or self.headline_ko or self.slug

    @property
    def languages(self) -> list[str]:
        """The languages the story is written in."""
        return [
            code
            for code, suffix in (("en", ""), ("ko", "_ko"))
            if getattr(self, f"headline{suffix}") and getattr(self, f"body{suffix}")
        ]

    def text(self, language: str) -> StoryText:
        wanted = "ko" if language.startswith("ko") else "en"
        available = self.languages
        used = wanted if wanted in available or not available else available[0]
        suffix = "_ko" if used == "ko" else ""
        values = {name: getattr(self, f"{name}{suffix}") for name in TEXT_FIELDS}
        # Alt text and caption of the other language rather than none at all.
        other = "" if suffix else "_ko"
        for name in ("photo_alt", "photo_caption"):
            values[name] = values[name] or getattr(self, f"{name}{other}")
        return StoryText(language=used, fallback=used != wanted, **values)

    @property
    def photo_url(self) -> str:
        return _rendition_url(self.photo)

    @property
    def photo_small_url(self) -> str:
        return _rendition_url(self.photo_small)

    @property
    def is_public(self) -> bool:
        return (
            self.status == StoryStatus.PUBLISHED
            and self.deleted_at is None
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class CommentGuidelines(models.Model):
    """The rules readers comment under, shown on every story. One row (pk 1), edited in
    the admin; the wording moderators apply is the wording readers read."""

    text = models.TextField(_("guidelines"))
    text_ko = models.TextField(_("guidelines (Korean)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment guidelines")
        verbose_name_plural = _("comment guidelines")

    def __str__(self) -> str:
        return str(_("Comment guidelines"))

    def in_language(self, language: str) -> str:
        return (self.text_ko if language.startswith("ko") else self.text) or self.text


DEFAULT_GUIDELINES = (
    "Comments that include profanity, obscenity, personal attacks, harassment, or are "
    "defamatory, sexist, racist, violate a third party's right to privacy, or are otherwise "
    'inappropriate will be removed. Entries that are unsigned or are "signed" by someone '
    "other than the actual author will be removed. We reserve the right to not post "
    "comments that are more than 400 words. We will take steps to block users who "
    "repeatedly violate our commenting rules."
)
DEFAULT_GUIDELINES_KO = (
    "욕설, 음란한 내용, 인신공격, 괴롭힘이 담겼거나 명예를 훼손하는 댓글, 성차별적이거나 "
    "인종차별적인 댓글, 제3자의 사생활을 침해하는 댓글, 그 밖에 부적절한 댓글은 삭제됩니다. "
    '서명이 없거나 실제 작성자가 아닌 다른 사람의 이름으로 "서명"된 글도 삭제됩니다. '
    "400단어가 넘는 댓글은 게시하지 않을 수 있습니다. 댓글 규칙을 거듭 어기는 이용자는 "
    "차단합니다."
)


def _rendition_url(path: str) -> str:
    """Where the public photo view serves a stored rendition (irum.public.views.story_photo)."""
    from django.urls import reverse

    return reverse("story_photo", args=[path.rsplit("/", 1)[-1]]) if path else ""
