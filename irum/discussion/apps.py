from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MODERATORS = "Moderators"
# What a moderator may do: read the queue, readers and appeals, and decide (the custom
# permission); never edit a reader's words or delete anything.
MODERATOR_PERMISSIONS = (
    "moderate_comment",
    "view_comment",
    "view_reader",
    "view_appeal",
    "view_strike",
)


def ensure_moderators_group(sender: Any, **kwargs: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=MODERATORS)
    permissions = Permission.objects.filter(
        content_type__app_label="discussion", codename__in=MODERATOR_PERMISSIONS
    )
    group.permissions.add(*permissions)


class DiscussionConfig(AppConfig):
    name = "irum.discussion"
    verbose_name = _("Reader comments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(ensure_moderators_group, sender=self)
