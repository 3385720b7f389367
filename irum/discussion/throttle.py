"""Limits on what an anonymous visitor or a reader can make the site do for free:
open accounts, and send mail (address confirmation, password links). Without them a
script could fill the reader table or use Irum to send mail to strangers.

A fixed window per key in the shared cache (the same one the public pages use, so every
server process counts together). Sign-in failures are django-axes's business, not this.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address as django-axes read it (it knows the configured proxies)."""
    return str(getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", ""))


def allow(scope: str, who: str, *, limit: int, seconds: int) -> bool:
    """Count one more attempt by WHO at SCOPE; False once LIMIT attempts fall within the
    window. WHO is hashed: addresses and e-mail addresses are not kept in the cache."""
    digest = hashlib.sha256(who.encode("utf-8", "replace")).hexdigest()[:32]
    key = f"irum:throttle:{scope}:{digest}"
    # add() starts the window; incr() counts within it (atomic in the cache backends used).
    if cache.add(key, 1, timeout=seconds):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window
        cache.add(key, 1, timeout=seconds)
        return True
    return count <= limit
