from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def local_name(thing: Any) -> str:
    """A place's or agency's name in the reader's language: the Korean name for Korean
    readers when there is one, else the English name."""
    if thing is None:
        return ""
    korean = getattr(thing, "name_ko", "")
    if (get_language() or "").startswith("ko") and korean:
        return korean
    return thing.name


@register.filter
def other_name(thing: Any) -> str:
    """The name in the other language, shown beside local_name as a variant."""
    if thing is None:
        return ""
    korean = getattr(thing, "name_ko", "")
    if (get_language() or "").startswith("ko"):
        return thing.name if korean else ""
    return korean


@register.filter
def place_kind(kind: str) -> str:
    from irum.gazetteer.models import PlaceKind

    return str(PlaceKind(kind).label) if kind in PlaceKind.values else kind


@register.filter
def event_kind(kind: str) -> str:
    from irum.archive.models import EventKind

    return str(EventKind(kind).label) if kind in EventKind.values else kind


@register.filter
def event_kinds(kinds: Any) -> str:
    return ", ".join(event_kind(kind) for kind in kinds)
