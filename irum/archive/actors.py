"""Who a command-line change is recorded as.

Services always take an explicit actor. A change made from the shell is recorded as the
named user, or as the built-in `irum-system` account, which cannot log in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError

SYSTEM_USERNAME = "irum-system"


def system_actor() -> AbstractBaseUser:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def command_actor(username: str | None) -> AbstractBaseUser:
    if not username:
        return system_actor()
    User = get_user_model()
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}") from None


def person_actor(username: str) -> AbstractBaseUser:
    """The person a command acts for, whose rights apply (imports and exports). Not the
    built-in system account, and not a disabled account: a command run by a person goes
    through the same visibility rule as the admin."""
    if username == SYSTEM_USERNAME:
        raise CommandError(
            f"{SYSTEM_USERNAME!r} is the built-in account; name the user you act for"
        )
    user = command_actor(username)
    if not user.is_active:
        raise CommandError(f"The account {username!r} is disabled")
    return user
