"""Who may do what through the API. Reading follows the visibility rule in the querysets
(irum.partners.visibility); these decide the methods."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions

from irum.partners import visibility


def is_member(request: Any) -> bool:
    """Sees the archive (not only the public projection): a partner member or the
    platform administrator, signed in past the second factor or with a token."""
    return visibility.is_partner_member(request.user)


class ArchiveAccess(permissions.BasePermission):
    """Members read what visibility lets them see and write through the services, which
    check again; everyone else reads the public projection only (the viewsets choose)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_member(request) and visibility.can_change_case(request.user)


class MembersOnly(permissions.BasePermission):
    """Events and sources have no public form of their own (the public sees events
    inside a person's projection), so only members reach these endpoints."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not is_member(request):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return visibility.can_change_case(request.user)


class GazetteerAccess(permissions.BasePermission):
    """The gazetteer is public; only the platform administrator changes it."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return visibility.is_platform_admin(request.user)
