from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from irum.partners.models import Organization


@transaction.atomic
def organization_create(
    *, actor: AbstractBaseUser | None, slug: str, name: str, name_ko: str = ""
) -> Organization:
    org = Organization(slug=slug, name=name, name_ko=name_ko)
    org._history_user = actor  # type: ignore[attr-defined]
    org.full_clean()
    org.save()
    return org
