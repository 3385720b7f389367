"""Names and dates in the reader's language, for the public pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from irum.lib import dates
from irum.routes.templatetags.routes_tags import local_name, other_name

register = template.Library()


@register.filter
def named(thing: Any) -> SafeString:
    """A place's or agency's name in the reader's language with the other as a variant:
    "회령 (Hoeryong)" for a Korean reader, "Hoeryong (회령)" for an English one. Each part
    carries its language, so that a screen reader pronounces it right."""
    if thing is None:
        return SafeString("")
    korean_reader = (get_language() or "en").startswith("ko")
    first, other = local_name(thing), other_name(thing)
    first_lang = "ko" if korean_reader and getattr(thing, "name_ko", "") else "en"
    other_lang = "en" if first_lang == "ko" else "ko"
    if not other or other == first:
        return format_html('<span lang="{}">{}</span>', first_lang, first)
    return format_html(
        '<span lang="{}">{}</span> <span class="variant">(<span lang="{}">{}</span>)</span>',
        first_lang,
        first,
        other_lang,
        other,
    )


@register.filter
def edtf(text: str) -> str:
    """An EDTF date in words, in the reader's language ("April 2013", "2013년 4월")."""
    return dates.describe(text or "", get_language() or "en")
