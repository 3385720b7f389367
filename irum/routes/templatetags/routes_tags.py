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


def _labels(choices: Any) -> dict[str, str]:
    # Labels are lazy translations: resolved per call (the language may differ between
    # requests), but from a dict, not by rebuilding the choices for every table cell.
    return {str(value): label for value, label in choices}


_PLACE_KINDS: dict[str, Any] | None = None
_EVENT_KINDS: dict[str, Any] | None = None


@register.filter
def place_kind(kind: str) -> str:
    global _PLACE_KINDS
    if _PLACE_KINDS is None:
        from irum.gazetteer.models import PlaceKind

        _PLACE_KINDS = _labels(PlaceKind.choices)
    label = _PLACE_KINDS.get(kind)
    return str(label) if label is not None else kind


@register.filter
def event_kind(kind: str) -> str:
    global _EVENT_KINDS
    if _EVENT_KINDS is None:
        from irum.archive.models import EventKind

        _EVENT_KINDS = _labels(EventKind.choices)
    label = _EVENT_KINDS.get(kind)
    return str(label) if label is not None else kind


@register.filter
def event_kinds(kinds: Any) -> str:
    return ", ".join(event_kind(kind) for kind in kinds)
