"""The API throughput benchmark's URLconf (bench/api_throughput.py): Irum's URLs, plus a
bare Django view that serves the same rows as GET /api/persons/ without Django REST
framework, the baseline the API is measured against.

The bare view does what the API must do and nothing more: it finds the user from the
same Bearer token (prefix lookup, SHA-256 compare), applies the same visibility rule
(irum.partners.visibility.visible_persons), counts, takes the same page in the same
order, and writes the same fields in the same JSON envelope (count, next, previous,
results). It reads the columns it writes with values_list(), so it builds no model
instances and decrypts no identity field.

Two informative variants of the baseline, to tell where the API's time goes:
- `?touch=1` also stamps the token's last_used_at on every request (one write per
  request; the API's authentication stamps it at most once a minute);
- `?models=1` reads the page as Person instances (select_related, as the API does), so
  that every identity field of every row is decrypted, though none is written out.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone

from irum.api.models import TOKEN_PREFIX, ApiToken
from irum.partners import visibility
from irum.urls import urlpatterns as irum_urlpatterns

FIELDS = (
    ("public_id", "public_id"),
    ("ref", "ref"),
    ("case", "case__public_id"),
    ("position", "position"),
    ("pseudonym", "pseudonym"),
    ("sex", "sex"),
    ("birth_year", "birth_year"),
    ("nationality", "nationality"),
    ("home_province", "home_province__slug"),
    ("status", "status"),
    ("reason", "reason"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("version", "version"),
)
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


def token_user(request: HttpRequest, *, touch: bool) -> Any:
    keyword, _sep, text = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if keyword != "Bearer" or not text.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = text[len(TOKEN_PREFIX) :].partition("_")
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix[:16], revoked_at__isnull=True)
        .first()
    )
    if token is None or not secret or not token.matches(secret) or not token.user.is_active:
        return None
    if touch:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def iso(value: Any) -> str:
    # As DRF's DateTimeField writes it (the time zone is UTC).
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def page_url(request: HttpRequest, page: int | None) -> str:
    # As DRF's replace_query_param / remove_query_param write it: parameters sorted.
    query = {key: request.GET.getlist(key) for key in request.GET}
    if page is None:
        query.pop("page", None)
    else:
        query["page"] = [str(page)]
    encoded = urlencode(sorted(query.items()), doseq=True)
    return request.build_absolute_uri(request.path + (f"?{encoded}" if encoded else ""))


def getattr_path(obj: Any, column: str) -> Any:
    for name in column.split("__"):
        obj = getattr(obj, name) if obj is not None else None
    return obj


def bare_persons(request: HttpRequest) -> HttpResponse:
    user = token_user(request, touch=request.GET.get("touch") == "1")
    if user is None:
        return JsonResponse({"detail": "no valid token"}, status=401)
    try:
        page = int(request.GET.get("page", "1"))
        size = min(int(request.GET.get("page_size", DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE)
    except ValueError:
        return JsonResponse({"detail": "bad page"}, status=400)
    persons = visibility.visible_persons(user).order_by("case__ref", "position", "ref")
    count = persons.count()
    last = max(1, -(-count // size))
    if page < 1 or page > last:
        return JsonResponse({"detail": "Invalid page."}, status=404)
    window = slice((page - 1) * size, page * size)
    if request.GET.get("models") == "1":
        rows = [
            [getattr_path(person, column) for _name, column in FIELDS]
            for person in persons.select_related("case", "home_province")[window]
        ]
    else:
        rows = persons.values_list(*(column for _name, column in FIELDS))[window]
    results = []
    for row in rows:
        item = dict(zip((name for name, _column in FIELDS), row, strict=True))
        item["created_at"] = iso(item["created_at"])
        item["updated_at"] = iso(item["updated_at"])
        results.append(item)
    body = {
        "count": count,
        "next": page_url(request, page + 1) if page < last else None,
        "previous": None if page == 1 else page_url(request, None if page == 2 else page - 1),
        "results": results,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json",
    )


urlpatterns = [path("bench/bare-persons/", bare_persons), *irum_urlpatterns]
