from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

LOGIN_AUDIT_UID = "irum-audit-login"
LOGIN_FAILED_AUDIT_UID = "irum-audit-login-failed"


class AccountsConfig(AppConfig):
    # This module holds two configs; this one is what "irum.accounts" means.
    default = True
    name = "irum.accounts"
    verbose_name = _("Accounts and two-factor sign-in")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from irum.accounts import signals

        user_logged_in.connect(signals.on_user_logged_in, dispatch_uid=LOGIN_AUDIT_UID)
        user_login_failed.connect(signals.on_user_login_failed, dispatch_uid=LOGIN_FAILED_AUDIT_UID)


class IrumAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Irum's site as admin.site: every ModelAdmin registered
    anywhere is served behind the second-factor gate without knowing about it."""

    default = False
    default_site = "irum.accounts.sites.IrumAdminSite"
