"""The optional tile layer an administrator may set (IRUM_MAP_TILE_URL)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def tile_origin(url: str) -> str:
    """The origin (scheme://host[:port]) of a Leaflet tile URL template, for the CSP.

    Refuses, at start-up, a template that is not a tile template or that would send
    readers' map views over plain HTTP to another machine."""
    parts = urlsplit(url)
    if not all(token in url for token in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured(
            "IRUM_MAP_TILE_URL must be a tile URL template with {z}, {x} and {y}, "
            "for example https://tiles.example.org/{z}/{x}/{y}.png"
        )
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ImproperlyConfigured("IRUM_MAP_TILE_URL must use https (or http on localhost)")
    if not parts.netloc or "{" in parts.netloc:
        # Subdomain templates ({s}.tiles…) would need a wildcard in the CSP: name one host.
        raise ImproperlyConfigured("IRUM_MAP_TILE_URL must name one host, without {s}")
    return f"{parts.scheme}://{parts.netloc}"
