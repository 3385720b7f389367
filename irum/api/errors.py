"""Every API error as one JSON shape: {"detail": message, "code": code, "fields": {field:
[messages]}}. A service's ValidationError names its fields; an edit from a stale copy is
409 Conflict with the current version; nothing becomes a 500 that the caller caused."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from irum.archive.services import EditConflict


def _fields(data: Any) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {
            str(key): [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in data.items()
        }
    return {"non_field_errors": [str(m) for m in (data if isinstance(data, list) else [data])]}


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, EditConflict):
        return Response(
            {
                "detail": _(
                    "This record was changed by someone else since you read it (it is now "
                    "version %(current)s). Read it again and apply your change to it."
                )
                % {"current": exc.current},
                "code": "conflict",
                "current_version": exc.current,
                "fields": {},
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail=detail)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("Some fields are not valid."),
            "code": "invalid",
            "fields": _fields(response.data),
        }
    else:
        data = response.data if isinstance(response.data, dict) else {}
        detail = data.get("detail", response.status_text)
        response.data = {
            "detail": str(detail),
            "code": getattr(detail, "code", None) or "error",
            "fields": {},
        }
    return response


def page_not_found(request: Any, exception: Exception) -> Any:
    """A path that no URL matches (irum.urls handler404): under /api/, the API's error
    shape, as a record that does not exist gets; elsewhere, Django's page."""
    from django.http import JsonResponse
    from django.views import defaults

    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Not found."), "code": "not_found", "fields": {}}, status=404
        )
    return defaults.page_not_found(request, exception)
