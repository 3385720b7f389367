"""Administrators enforce two-factor sign-in: they see who has set it up, and reset it.

The user admin gains a "2FA set up" column and a reset action for superusers (audited,
irum.accounts.services.two_factor_reset). django-otp's own device admin is replaced by a
read-only list: it would let an administrator read or edit a user's TOTP secret, and
remove a device without an audit entry.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.accounts import services
from irum.partners import visibility

User = get_user_model()

# Build on whatever user admin is registered (Django's, or a project one from an app
# listed earlier), so that this module adds to it instead of replacing it.
BaseUserAdmin: type[admin.ModelAdmin] = (
    type(admin.site.get_model_admin(User)) if admin.site.is_registered(User) else DjangoUserAdmin
)


class UserAdmin(BaseUserAdmin):  # type: ignore[valid-type,misc]
    list_display = [*BaseUserAdmin.list_display, "two_factor"]
    actions = [*(BaseUserAdmin.actions or []), "reset_two_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_confirmed_2fa=Exists(confirmed))

    @admin.display(boolean=True, description=_("2FA set up"), ordering="has_confirmed_2fa")
    def two_factor(self, obj: User) -> bool:  # type: ignore[valid-type]
        return bool(getattr(obj, "has_confirmed_2fa", False))

    @admin.action(
        description=_("Reset two-factor sign-in (the user must set it up again)"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        # Checked again here, not only when the action list is built: the list is a
        # convenience, this is the rule.
        if not self.has_reset_two_factor_permission(request):
            return
        users = list(queryset)
        for user in users:
            services.two_factor_reset(user=user, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(count)d user: they set it up again at "
                "their next sign-in.",
                "Two-factor sign-in reset for %(count)d users: they set it up again at "
                "their next sign-in.",
                len(users),
            )
            % {"count": len(users)},
        )

    def has_reset_two_factor_permission(self, request: HttpRequest) -> bool:
        return visibility.is_platform_admin(request.user)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)


class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
    ]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = list_display
    readonly_fields = list_display

    def has_module_permission(self, request: HttpRequest) -> bool:
        return visibility.is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return visibility.is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)
