"""Admin forms for stories. Saving goes through irum.stories.services, never form.save(),
so the admin keeps the services' rules: a published story is complete, its photo is
re-encoded without metadata, and every change is kept and audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from irum.archive.forms import ServiceForm
from irum.archive.models import Case
from irum.partners import visibility
from irum.stories import photos, services
from irum.stories.models import Author, CommentGuidelines, Story

STORY_FIELDS = [
    "slug",
    "status",
    "author",
    "headline",
    "headline_ko",
    "dek",
    "dek_ko",
    "body",
    "body_ko",
    "photo_alt",
    "photo_alt_ko",
    "photo_caption",
    "photo_caption_ko",
    "photo_credit",
    "update_note",
    "update_note_ko",
    "related_cases",
    "related_places",
]


class PublicCaseChoice(forms.ModelMultipleChoiceField):
    # Story editors need not be partner members: they see a case by its public id only,
    # never by its title (a title is the partner's, and may name someone).
    def label_from_instance(self, obj: Case) -> str:
        return obj.public_id


class StoryForm(ServiceForm):
    photo_upload = forms.FileField(
        label=_("hero photo"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, at most %(mb)d MB. It is re-encoded and every piece of "
            "metadata (camera, GPS position, date) is removed before it is stored."
        )
        % {"mb": photos.MAX_UPLOAD_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    substantive = forms.BooleanField(
        label=_("Tell readers this story was updated"),
        required=False,
        help_text=_(
            "For a published story: a change to the headline, summary line or body shows "
            "the date and the update note. Leave unticked for a typo."
        ),
    )
    related_cases = PublicCaseChoice(
        queryset=Case.objects.none(),
        required=False,
        label=_("related cases"),
        help_text=_("Only public cases can be linked: the story page shows their public record."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Story
        fields = STORY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        public = visibility.public_cases().order_by("public_id")
        if self.instance.pk:
            # A case made private since stays linked (the page drops it); keep it selectable
            # so that saving the story does not silently unlink it.
            public = Case.objects.filter(
                Q(pk__in=public.values("pk")) | Q(pk__in=self.instance.related_cases.values("pk"))
            ).order_by("public_id")
        self.fields["related_cases"].queryset = public

    def clean_photo_upload(self) -> photos.Renditions | None:
        upload = self.cleaned_data.get("photo_upload")
        if not upload:
            return None
        # Stored now, so that the checks below see the story with its photo. The names are
        # content hashes and unpublished renditions are served to editors only, so a form
        # that fails later leaves nothing a reader can reach.
        try:
            return photos.store(upload)
        except photos.PhotoError as exc:
            raise ValidationError(str(exc)) from None

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        story = self.instance
        made = self.cleaned_data.get("photo_upload")
        saved = (story.photo, story.photo_small, story.photo_width, story.photo_height)
        if made is not None:
            story.photo, story.photo_small = made.large, made.small
            story.photo_width, story.photo_height = made.width, made.height
        try:
            services.check_story(story)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = field if field in self.fields else None
                if field == "photo":
                    target = "photo_upload"
                for message in messages:
                    self.add_error(target, message)
        finally:
            story.photo, story.photo_small, story.photo_width, story.photo_height = saved

    def persist(self, *, actor: Any) -> Story:
        data = self.service_data()
        data["related_cases"] = list(self.cleaned_data.get("related_cases") or [])
        data["related_places"] = list(self.cleaned_data.get("related_places") or [])
        photo = self.cleaned_data.get("photo_upload")
        if self.instance.pk is None:
            slug = data.pop("slug")
            return services.story_create(actor=actor, slug=slug, photo=photo, **data)
        # The form has written its values onto self.instance already; the service compares
        # against the story as stored to tell whether readers must be told of an update.
        stored = Story.objects.get(pk=self.instance.pk)
        stored.version = self.instance.version  # the copy the editor opened (stale check)
        return services.story_update(
            actor=actor,
            story=stored,
            photo=photo,
            substantive=self.cleaned_data.get("substantive", False),
            **data,
        )


class AuthorForm(forms.ModelForm):
    actor: Any = None

    class Meta:
        model = Author
        fields = ["slug", "name", "name_ko", "role", "role_ko", "bio", "bio_ko"]

    def save(self, commit: bool = True) -> Author:
        if not commit:
            return super().save(commit=False)
        return services.author_save(actor=self.actor, author=self.instance)


class GuidelinesForm(forms.ModelForm):
    actor: Any = None

    class Meta:
        model = CommentGuidelines
        fields = ["text", "text_ko"]

    def save(self, commit: bool = True) -> CommentGuidelines:
        if not commit:
            return super().save(commit=False)
        return services.guidelines_update(
            actor=self.actor,
            text=self.cleaned_data["text"],
            text_ko=self.cleaned_data["text_ko"],
        )
