"""The editors' side of stories: write, preview, publish, withdraw; authors; the comment
guidelines. Rights are Django's model permissions (an "Editors" group holds them); every
save goes through irum.stories.services, with its history and audit entry."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from irum.archive.admin import bind_actor
from irum.stories import services
from irum.stories.forms import AuthorForm, GuidelinesForm, StoryForm
from irum.stories.models import Author, CommentGuidelines, Story, StoryStatus


@admin.register(Story)
class StoryAdmin(SimpleHistoryAdmin):
    form = StoryForm
    list_display = ["__str__", "status", "author", "published_at", "revised_at", "links"]
    list_filter = ["status", "author"]
    search_fields = ["slug", "headline", "headline_ko", "dek", "dek_ko"]
    date_hierarchy = "published_at"
    readonly_fields = ["photo_preview", "published_at", "revised_at", "links"]
    filter_horizontal = ["related_places"]
    actions = ["publish_selected", "withdraw_selected"]
    fieldsets = [
        (None, {"fields": ["slug", "status", "author", "links"]}),
        (_("English"), {"fields": ["headline", "dek", "body"]}),
        (_("Korean"), {"fields": ["headline_ko", "dek_ko", "body_ko"]}),
        (
            _("Hero photo"),
            {
                "fields": [
                    "photo_preview",
                    "photo_upload",
                    "photo_alt",
                    "photo_alt_ko",
                    "photo_caption",
                    "photo_caption_ko",
                    "photo_credit",
                ]
            },
        ),
        (
            _("Updates"),
            {
                "fields": ["published_at", "revised_at", "substantive"],
                "description": _(
                    "Readers see “Updated” with the note when a published story's headline, "
                    "summary line or body changes and the box is ticked."
                ),
            },
        ),
        (_("Update note"), {"fields": ["update_note", "update_note_ko"]}),
        (_("Related"), {"fields": ["related_cases", "related_places"]}),
        (None, {"fields": ["opened_version"]}),
    ]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = bind_actor(self.form, request)
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request: HttpRequest, obj: Story, form: Any, change: bool) -> None:
        form.save(commit=True)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service set the related cases and places with the story, in one transaction.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Story) -> None:
        services.story_delete(actor=request.user, story=obj, change_reason="deleted in the admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        for story in queryset:
            self.delete_model(request, story)

    @admin.display(description=_("photo"))
    def photo_preview(self, obj: Story) -> str:
        if not obj.photo_small:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="max-width:320px;height:auto">', obj.photo_small_url
        )

    @admin.display(description=_("pages"))
    def links(self, obj: Story) -> str:
        if not obj.pk:
            return "—"
        preview = reverse("public:story_preview", kwargs={"pk": obj.pk})
        if obj.is_public:
            public = reverse("public:story", kwargs={"slug": obj.slug})
            return format_html(
                '<a href="{}">{}</a> · <a href="{}">{}</a>',
                public,
                _("on the site"),
                preview,
                _("preview"),
            )
        return format_html('<a href="{}">{}</a>', preview, _("preview"))

    @admin.action(description=_("Publish the selected stories"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        done, refused = 0, []
        for story in queryset.exclude(status=StoryStatus.PUBLISHED):
            try:
                services.story_publish(actor=request.user, story=story)
                done += 1
            except ValidationError as exc:
                refused.append(f"{story}: {'; '.join(exc.messages)}")
        if done:
            self.message_user(
                request,
                ngettext("%(n)d story published.", "%(n)d stories published.", done) % {"n": done},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(
        description=_("Withdraw the selected stories from the site"), permissions=["change"]
    )
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        done = 0
        for story in queryset.filter(status=StoryStatus.PUBLISHED):
            services.story_withdraw(actor=request.user, story=story)
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d story withdrawn.", "%(n)d stories withdrawn.", done) % {"n": done},
            messages.SUCCESS,
        )


@admin.register(Author)
class AuthorAdmin(SimpleHistoryAdmin):
    form = AuthorForm
    list_display = ["name", "name_ko", "role"]
    search_fields = ["slug", "name", "name_ko"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = bind_actor(self.form, request)
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request: HttpRequest, obj: Author, form: Any, change: bool) -> None:
        form.save(commit=True)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published stories name their authors; an author is renamed, never removed.
        return False


@admin.register(CommentGuidelines)
class CommentGuidelinesAdmin(admin.ModelAdmin):
    form = GuidelinesForm
    list_display = ["__str__", "updated_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = bind_actor(self.form, request)
        return super().get_form(request, obj, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: CommentGuidelines, form: Any, change: bool
    ) -> None:
        form.save(commit=True)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        # There is one set of guidelines: before anyone edits it, the published default.
        if object_id == "1":
            return services.guidelines()
        return super().get_object(request, object_id, from_field)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        return redirect("admin:stories_commentguidelines_change", "1")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
