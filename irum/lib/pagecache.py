"""The public pages' cache: whole pages, kept until something a reader sees changes.

Public pages are the same for every reader (they never read the session or the user), so
a rendered page can be served again to anyone. Each cached page is stored under the
current *generation*; a write that changes what readers see (a story published or
withdrawn, a case made public or private, a person edited) starts a new generation after
its transaction commits, and every page is rendered afresh. Old entries age out.

The generation lives in the cache itself, so with a cache shared between the server's
processes (IRUM_CACHE_DIR, file-based, the default outside tests) a change made in one
process, or by a management command, reaches them all at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

GENERATION_KEY = "irum:public:generation"
PAGE_TIMEOUT = 600  # seconds a page is kept on the server at most
BROWSER_MAX_AGE = 60  # and in a browser or proxy: short, since a case can be withdrawn
MAX_PATH = 512  # longer query strings are served, never stored (no cache flooding)


def generation() -> str:
    current = cache.get(GENERATION_KEY)
    if current is None:
        current = secrets.token_hex(6)
        # add(): two processes starting together agree on one generation.
        if not cache.add(GENERATION_KEY, current, timeout=None):
            current = cache.get(GENERATION_KEY) or current
    return current


def clear() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(6), timeout=None)


def clear_on_commit() -> None:
    """Start a new generation once the current transaction commits (at once outside one):
    a reader never gets a page rendered from data that was then rolled back."""
    transaction.on_commit(clear)


# The language is the first part of a public page's address (irum.urls, i18n_patterns).
_LANGUAGE_PREFIX = re.compile(r"^/(en|ko)/")


def _key(request: HttpRequest) -> str | None:
    """The cache key of REQUEST's page, or None when it may not be cached."""
    if request.method not in ("GET", "HEAD"):
        return None
    full_path = request.get_full_path()
    match = _LANGUAGE_PREFIX.match(full_path)
    if match is None or len(full_path) > MAX_PATH:
        return None
    path = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    return f"irum:page:{generation()}:{match.group(1)}:{request.method}:{path}"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark VIEW's answers as the same for every reader: PageCacheMiddleware keeps its 200
    answers, and browsers may keep them for a short while. For views whose output depends
    only on the URL (never on the session, the user or a cookie)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
            response.irum_public_page = True  # type: ignore[attr-defined]
        return response

    return wrapped


class PageCacheMiddleware:
    """Serves public pages (`public_page`) from the cache before any other middleware runs:
    a hit costs no session, user, database or template work. First in MIDDLEWARE, so that
    what it stores is the answer as it finally left, with the security and CSP headers
    the middleware below it added."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        if key is not None:
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                return response
        response = self.get_response(request)
        if (
            key is not None
            and getattr(response, "irum_public_page", False)
            and response.status_code == 200
            and not response.streaming
            # A page that set a cookie was not the same for everyone after all.
            and not response.cookies
        ):
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            cache.set(key, (response.content, headers), PAGE_TIMEOUT)
        return response
