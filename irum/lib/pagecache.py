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
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "irum:public:generation"
PAGE_TIMEOUT = 600  # seconds a page is kept on the server at most
BROWSER_MAX_AGE = 60  # and in a browser or proxy: short, since a case can be withdrawn
MAX_PATH = 512  # longer query strings are served, never stored (no cache flooding)
_HEADERS = ("Content-Type", "Content-Language", "Link")


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


def _key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"irum:page:{generation()}:{get_language()}:{request.method}:{path}"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve VIEW's 200 answers from the cache, and mark every answer as cacheable by
    browsers for a short while. For views whose output depends only on the URL."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cacheable = request.method in ("GET", "HEAD") and len(request.get_full_path()) <= MAX_PATH
        key = _key(request) if cacheable else ""
        stored = cache.get(key) if cacheable else None
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if cacheable and response.status_code == 200 and not response.streaming:
                headers = {h: response[h] for h in _HEADERS if h in response}
                cache.set(key, (response.content, headers), PAGE_TIMEOUT)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
        return response

    return wrapped
