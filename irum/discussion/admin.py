"""The moderators' side: the queue of held and reported comments, readers with their
history and strikes, and appeals. Moderators hold the "Moderators" group's permissions
(irum.discussion.apps); every decision goes through irum.discussion.services, which
audits it.

The queue opens on held comments, oldest first, each with its reasons and the words the
pipeline found highlighted. Approve and Reject are one click on each row; the same and
"reject without a strike" are bulk actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from irum.discussion import selectors, services
from irum.discussion.models import (
    REASON_NAMES,
    Appeal,
    Comment,
    CommentStatus,
    Reader,
    Strike,
)

MODERATE = "discussion.moderate_comment"


def highlighted(text: str, spans: list[list[Any]]) -> SafeString:
    """TEXT with the pipeline's spans marked, each with its reason as a title. Escaped:
    a comment is hostile input."""
    parts: list[tuple[str, ...]] = []
    position = 0
    for start, end, reason in sorted(
        (s for s in spans if isinstance(s, list) and len(s) == 3), key=lambda s: s[0]
    ):
        if not (isinstance(start, int) and isinstance(end, int)) or start < position:
            continue  # overlapping spans: the first one is marked
        parts.append(("{}", text[position:start]))
        parts.append(
            (
                '<mark title="{}" data-reason="{}">{}</mark>',
                str(REASON_NAMES.get(reason, reason)),
                reason,
                text[start:end],
            )
        )
        position = end
    parts.append(("{}", text[position:]))
    return format_html_join("", "{}", ((format_html(fmt, *args),) for fmt, *args in parts))


class StatusFilter(admin.SimpleListFilter):
    """Held comments first: the queue. "Reported" are published comments readers flagged."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("reported", _("Published, reported by readers")),
            *CommentStatus.choices,
            ("all", _("All")),
        ]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or CommentStatus.HELD) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        value = self.value() or CommentStatus.HELD
        if value == "all":
            return queryset
        if value == "reported":
            return queryset.filter(status=CommentStatus.PUBLISHED, flag_count__gt=0)
        return queryset.filter(status=value)


class ReasonFilter(admin.SimpleListFilter):
    title = _("reason")
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(REASON_NAMES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        value = self.value()
        if value not in REASON_NAMES:
            return queryset
        # The reasons are a JSON list of codes; each code is a whole quoted word in it.
        return queryset.filter(reasons__icontains=f'"{value}"')


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "marked_text",
        "reason_list",
        "author_link",
        "on",
        "created_at",
        "flag_count",
        "buttons",
    ]
    list_display_links = None
    list_filter = [StatusFilter, ReasonFilter]
    list_select_related = ["author__reader", "story", "case"]
    search_fields = ["text", "author__reader__display_name", "author__username"]
    ordering = ["created_at"]
    list_per_page = 50
    actions = [
        "approve_selected",
        "reject_selected",
        "reject_quietly_selected",
        "reject_erase_selected",
    ]
    readonly_fields = [
        "marked_text_full",
        "reason_list",
        "status",
        "author_link",
        "on",
        "parent",
        "created_at",
        "edited_at",
        "published_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "erased_at",
        "flags_list",
        "author_history",
        "author_strikes",
    ]
    fields = readonly_fields

    # The queue is read here and decided with the buttons: never edited or deleted.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE)

    @admin.display(description=_("comment"))
    def marked_text(self, obj: Comment) -> SafeString:
        text = obj.text if len(obj.text) <= 600 else obj.text[:600] + "…"
        spans = [s for s in obj.spans if isinstance(s, list) and len(s) == 3 and s[1] <= 600]
        link = reverse("admin:discussion_comment_change", args=[obj.pk])
        return format_html('<a href="{}">#{}</a> {}', link, obj.pk, highlighted(text, spans))

    @admin.display(description=_("comment"))
    def marked_text_full(self, obj: Comment) -> SafeString:
        return format_html('<div class="comment-text">{}</div>', highlighted(obj.text, obj.spans))

    @admin.display(description=_("reasons"))
    def reason_list(self, obj: Comment) -> str:
        return "; ".join(obj.reason_names()) or "—"

    @admin.display(description=_("author"))
    def author_link(self, obj: Comment) -> SafeString:
        reader = getattr(obj.author, "reader", None)
        name = reader.display_name if reader else obj.author.username
        if reader is None:
            return format_html("{}", name)
        url = reverse("admin:discussion_reader_change", args=[reader.pk])
        return format_html('<a href="{}">{}</a>', url, name)

    @admin.display(description=_("on"))
    def on(self, obj: Comment) -> SafeString:
        if obj.story_id:
            url = reverse("public:story", args=[obj.story.slug])
            return format_html('<a href="{}">{}</a>', url, obj.story.slug)
        url = reverse("public:case", args=[obj.case.public_id])
        return format_html('<a href="{}">{}</a>', url, obj.case.public_id)

    @admin.display(description=_("decide"))
    def buttons(self, obj: Comment) -> SafeString:
        if obj.status == CommentStatus.WITHDRAWN:
            return format_html("{}", obj.get_status_display())
        forms = []
        if obj.status != CommentStatus.PUBLISHED:
            forms.append(("approve", _("Approve")))
        if obj.status in (CommentStatus.PUBLISHED, CommentStatus.HELD):
            forms.append(
                ("reject", _("Reject") if obj.status == CommentStatus.HELD else _("Remove"))
            )
        return format_html_join(
            " ",
            '<button type="submit" form="decide-{}-{}" class="button">{}</button>',
            ((obj.pk, action, label) for action, label in forms),
        )

    @admin.display(description=_("reader reports"))
    def flags_list(self, obj: Comment) -> str:
        flags = list(obj.flags.all())
        if not flags:
            return "—"
        counts: dict[str, int] = {}
        for flag in flags:
            counts[flag.get_why_display()] = counts.get(flag.get_why_display(), 0) + 1
        return "; ".join(f"{why}: {n}" for why, n in counts.items())

    @admin.display(description=_("the author's recent comments"))
    def author_history(self, obj: Comment) -> SafeString:
        earlier = (
            Comment.objects.filter(author=obj.author)
            .exclude(pk=obj.pk)
            .order_by("-created_at")[:20]
        )
        return (
            format_html(
                "<ul>{}</ul>",
                format_html_join(
                    "",
                    '<li>{} · <a href="{}">{}</a> · {}: {}</li>',
                    (
                        (
                            c.created_at.strftime("%Y-%m-%d"),
                            reverse("admin:discussion_comment_change", args=[c.pk]),
                            c.get_status_display(),
                            "; ".join(c.reason_names()) or "—",
                            c.text[:140],
                        )
                        for c in earlier
                    ),
                ),
            )
            if earlier
            else "—"
        )

    @admin.display(description=_("the author's standing"))
    def author_strikes(self, obj: Comment) -> str:
        standing = selectors.standing_of(obj.author)
        count = selectors.active_strikes(obj.author).count()
        return _("%(level)s; %(n)d strike(s) on record") % {
            "level": standing.level.name.lower().replace("_", " "),
            "n": count,
        }

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data") and "cl" in response.context_data:
            # The row buttons are forms outside the changelist's own form (nested forms
            # are not allowed): one small form per button, at the page's end.
            response.context_data["decide_forms"] = [
                (c.pk, action)
                for c in response.context_data["cl"].result_list
                for action in ("approve", "reject")
            ]
        return response

    def get_urls(self) -> list[Any]:
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("<int:pk>/decide/<str:action>/", decide, name="discussion_comment_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=pk)
        note = request.POST.get("note", "")[:2000]
        try:
            if action == "approve":
                services.comment_approve(actor=request.user, comment=comment, note=note)
                self.message_user(
                    request, _("Comment #%(pk)d approved.") % {"pk": pk}, messages.SUCCESS
                )
            elif action in ("reject", "reject_quietly", "reject_erase"):
                services.comment_reject(
                    actor=request.user,
                    comment=comment,
                    note=note,
                    strike=action != "reject_quietly",
                    erase=action == "reject_erase",
                )
                self.message_user(
                    request, _("Comment #%(pk)d rejected.") % {"pk": pk}, messages.SUCCESS
                )
            else:
                raise PermissionDenied
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        back = request.POST.get("back", "")
        if not back.startswith(reverse("admin:discussion_comment_changelist")):
            back = reverse("admin:discussion_comment_changelist")
        return HttpResponseRedirect(back)

    def _bulk(self, request: HttpRequest, queryset: QuerySet[Comment], action: str) -> None:
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        done, refused = 0, []
        for comment in queryset:
            try:
                if action == "approve":
                    services.comment_approve(actor=request.user, comment=comment)
                else:
                    services.comment_reject(
                        actor=request.user,
                        comment=comment,
                        strike=action != "reject_quietly",
                        erase=action == "reject_erase",
                    )
                done += 1
            except ValidationError as exc:
                refused.append(f"#{comment.pk}: {' '.join(exc.messages)}")
        self.message_user(
            request,
            ngettext("%(n)d comment decided.", "%(n)d comments decided.", done) % {"n": done},
            messages.SUCCESS,
        )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Approve the selected comments"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "approve")

    @admin.action(description=_("Reject the selected comments (a strike each)"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "reject")

    @admin.action(description=_("Reject the selected comments without a strike"))
    def reject_quietly_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "reject_quietly")

    @admin.action(
        description=_("Reject the selected comments and erase their text (it endangers someone)")
    )
    def reject_erase_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "reject_erase")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.has_moderate_permission(request):
            return {}
        return actions


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "user",
        "email_verified_at",
        "standing",
        "blocked_at",
        "created_at",
    ]
    search_fields = ["display_name", "user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "display_name",
        "user",
        "email_verified_at",
        "created_at",
        "standing",
        "blocked_at",
        "block_reason",
        "comments",
        "strike_list",
    ]
    fields = readonly_fields
    actions = ["block_selected", "unblock_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reader]:
        # Each row's standing comes from its active strikes: read them for the whole page
        # at once, not a query per reader.
        active = Strike.objects.filter(cancelled_at__isnull=True).only("user_id", "created_at")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("user__strikes", queryset=active, to_attr="active"))
        )

    @admin.display(description=_("standing"))
    def standing(self, obj: Reader) -> str:
        standing = selectors.standing_from(obj.blocked_at, [s.created_at for s in obj.user.active])
        label = standing.level.name.lower()
        if standing.until:
            label += f" (until {standing.until:%Y-%m-%d %H:%M})"
        return label

    @admin.display(description=_("comments"))
    def comments(self, obj: Reader) -> SafeString:
        url = reverse("admin:discussion_comment_changelist")
        return format_html(
            '<a href="{}?status=all&q={}">{}</a>',
            url,
            obj.user.username,
            _("All %(n)d comments") % {"n": obj.user.comments.count()},
        )

    @admin.display(description=_("strikes"))
    def strike_list(self, obj: Reader) -> str:
        strikes = Strike.objects.filter(user=obj.user).order_by("-created_at")[:50]
        return (
            "; ".join(
                f"{s.created_at:%Y-%m-%d} {s.get_origin_display()} ({', '.join(s.reasons)})"
                + (" — cancelled" if s.cancelled_at else "")
                for s in strikes
            )
            or "—"
        )

    def _checked(self, request: HttpRequest) -> None:
        if not request.user.has_perm(MODERATE):
            raise PermissionDenied

    @admin.action(description=_("Block the selected readers"))
    def block_selected(self, request: HttpRequest, queryset: QuerySet[Reader]) -> None:
        self._checked(request)
        reason = request.POST.get("reason") or str(
            _("Repeated breaches of the comment guidelines.")
        )
        for reader in queryset:
            services.reader_block(actor=request.user, reader=reader, reason=reason)
        self.message_user(request, _("Blocked."), messages.SUCCESS)

    @admin.action(description=_("Lift the block and cancel the strikes of the selected readers"))
    def unblock_selected(self, request: HttpRequest, queryset: QuerySet[Reader]) -> None:
        self._checked(request)
        for reader in queryset:
            services.reader_unblock(actor=request.user, reader=reader)
        self.message_user(request, _("Unblocked."), messages.SUCCESS)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if request.user.has_perm(MODERATE) else {}


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reader", "state", "created_at", "decided_by"]
    list_filter = ["state"]
    readonly_fields = [
        "reader",
        "text",
        "state",
        "created_at",
        "decided_by",
        "decided_at",
        "response",
        "reader_standing",
    ]
    fields = readonly_fields
    actions = ["grant_selected", "deny_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("standing"))
    def reader_standing(self, obj: Appeal) -> str:
        return selectors.standing_of(obj.reader).level.name.lower()

    def _decide(self, request: HttpRequest, queryset: QuerySet[Appeal], grant: bool) -> None:
        if not request.user.has_perm(MODERATE):
            raise PermissionDenied
        response = request.POST.get("response") or str(
            _("A moderator reviewed your appeal and lifted the restriction.")
            if grant
            else _("A moderator reviewed your appeal and kept the restriction.")
        )
        for appeal in queryset.filter(state=Appeal.State.OPEN):
            services.appeal_decide(
                actor=request.user, appeal=appeal, grant=grant, response=response
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Grant the selected appeals (lift the restriction)"))
    def grant_selected(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("Deny the selected appeals"))
    def deny_selected(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        self._decide(request, queryset, False)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if request.user.has_perm(MODERATE) else {}


@admin.register(Strike)
class StrikeAdmin(admin.ModelAdmin):
    list_display = ["username", "origin", "created_at", "cancelled_at"]
    list_filter = ["origin"]
    search_fields = ["username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
