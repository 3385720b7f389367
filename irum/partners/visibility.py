"""What may this user see or change of this record: the one place that decides.

Every page, API response, export, map and statistic asks here (DESIGN.md rule 2).

- public cases: anyone may see their public projection; members of any partner see them
  whole;
- partners cases: members of any partner organisation;
- restricted cases: members of the owner partner and of the partners it is shared with.

Persons, events and sources follow their case. Changing a case takes an editor or
administrator of its owner partner. The platform administrator (superuser) sees all;
partner staff are never superusers.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from irum.archive.models import Case, Confidentiality, Event, Person, Source
from irum.partners.models import Membership, Role

User = AbstractBaseUser | AnonymousUser | None

WRITE_ROLES = (Role.ADMIN, Role.EDITOR)


def _authenticated(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def partner_ids(user: User, roles: tuple[str, ...] | None = None) -> set[int]:
    """The partner organisations the user is a member of (optionally, with a role)."""
    if not _authenticated(user):
        return set()
    cached = getattr(user, "_irum_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("organization_id", "role"))
        user._irum_memberships = cached  # type: ignore[union-attr]
    return {org for org, role in cached if roles is None or role in roles}


def is_platform_admin(user: User) -> bool:
    return _authenticated(user) and bool(getattr(user, "is_superuser", False))


def case_filter(user: User) -> Q:
    """A Q over Case: the cases whose records USER may see whole."""
    if is_platform_admin(user):
        return Q()
    orgs = partner_ids(user)
    if not orgs:
        return Q(pk__in=[])
    return (
        Q(confidentiality__in=[Confidentiality.PUBLIC, Confidentiality.PARTNERS])
        | Q(owner_id__in=orgs)
        | Q(shared_with__in=orgs)
    )


def visible_cases(user: User) -> QuerySet[Case]:
    # shared_with is many-to-many: filter by id so no case is repeated.
    return Case.objects.filter(pk__in=Case.objects.filter(case_filter(user)).values("pk"))


def visible_persons(user: User) -> QuerySet[Person]:
    return Person.objects.filter(case__in=visible_cases(user))


def visible_events(user: User) -> QuerySet[Event]:
    return Event.objects.filter(person__case__in=visible_cases(user))


def visible_sources(user: User) -> QuerySet[Source]:
    if is_platform_admin(user):
        return Source.objects.all()
    linked = Source.objects.filter(events__person__case__in=visible_cases(user)).values("pk")
    condition = Q(pk__in=linked)
    if partner_ids(user, WRITE_ROLES):
        # A source not yet linked to any event is visible to partner editors, who add them.
        condition |= Q(events__isnull=True)
    return Source.objects.filter(pk__in=Source.objects.filter(condition).values("pk"))


def public_cases() -> QuerySet[Case]:
    """Cases whose public projection may be published."""
    return Case.objects.filter(confidentiality=Confidentiality.PUBLIC)


def can_view_case(user: User, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def can_change_case(user: User, case: Case | None = None) -> bool:
    """May USER change CASE (or, with no case, create one)?"""
    if is_platform_admin(user):
        return True
    writable = partner_ids(user, WRITE_ROLES)
    if case is None:
        return bool(writable)
    return case.owner_id in writable


def can_change_source(user: User, source: Source) -> bool:
    """A source may be changed by an editor who may change every case it supports (or,
    for a source not yet linked to any event, by any partner editor)."""
    if is_platform_admin(user):
        return True
    writable = partner_ids(user, WRITE_ROLES)
    if not writable:
        return False
    owners = set(
        Case.objects.filter(persons__events__sources=source).values_list("owner_id", flat=True)
    )
    return owners <= writable


def changeable_cases(user: User) -> QuerySet[Case]:
    """Cases USER may change: those of partners where USER is an editor or administrator."""
    if is_platform_admin(user):
        return Case.objects.all()
    return Case.objects.filter(owner_id__in=partner_ids(user, WRITE_ROLES))


def is_operator(user: User) -> bool:
    """The platform administrator, or the built-in `irum-system` account that internal
    commands (demo data, benchmarks) act as. That account cannot log in: only someone
    already holding the server acts as it. Command-line imports and exports by people
    name a real user (`--actor`), whose rights apply."""
    from irum.archive.actors import SYSTEM_USERNAME

    if is_platform_admin(user):
        return True
    return bool(
        user is not None
        and getattr(user, "username", None) == SYSTEM_USERNAME
        and not user.is_active
        and not user.has_usable_password()
    )


# -- deleted records ----------------------------------------------------------------------
# Deleted records are out of every list above (the archive's default managers leave them
# out). Restoring is for the platform administrator and the administrators of the owner
# partner; they see the deleted records of their partner's cases here.


def restorable_cases(user: User) -> QuerySet[Case]:
    deleted = Case.all_objects.filter(deleted_at__isnull=False)
    if is_platform_admin(user):
        return deleted
    return deleted.filter(owner_id__in=partner_ids(user, (Role.ADMIN,)))


def restorable_persons(user: User) -> QuerySet[Person]:
    deleted = Person.all_objects.filter(deleted_at__isnull=False)
    if is_platform_admin(user):
        return deleted
    return deleted.filter(case__owner_id__in=partner_ids(user, (Role.ADMIN,)))


def restorable_events(user: User) -> QuerySet[Event]:
    deleted = Event.all_objects.filter(deleted_at__isnull=False)
    if is_platform_admin(user):
        return deleted
    return deleted.filter(person__case__owner_id__in=partner_ids(user, (Role.ADMIN,)))


def restorable_sources(user: User) -> QuerySet[Source]:
    deleted = Source.all_objects.filter(deleted_at__isnull=False)
    if is_platform_admin(user):
        return deleted
    orgs = partner_ids(user, (Role.ADMIN,))
    if not orgs:
        return deleted.none()
    # Like changing a source: every case it supports must be the admin's partner's.
    foreign = Case.all_objects.exclude(owner_id__in=orgs).values("pk")
    return deleted.exclude(events__person__case__in=foreign)


def can_restore(user: User) -> bool:
    return is_platform_admin(user) or bool(partner_ids(user, (Role.ADMIN,)))


def is_partner_member(user: User) -> bool:
    return is_platform_admin(user) or bool(partner_ids(user))
