"""What the OpenAPI schema says the API answers, beyond what drf-spectacular infers.

- Every error the API gives, in its one shape (irum.api.errors): 400, 401, 403, 404 and,
  for an update or delete from a stale copy, 409 with `current_version`.
- The public projection (irum.partners.projection), which anonymous callers get from
  cases and persons instead of the member serializer: both shapes are documented.
- A related record named by its key (irum.archive.api.SlugField) is a string; a case's
  owner may be empty on reading (cases loaded without an owner partner).

The fuzz run (irum/api/tests/test_api_fuzz.py) holds every response to this schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="invalid, parse_error, not_authenticated, authentication_failed, "
        "permission_denied, not_found, conflict, …"
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages for each field that is not valid (empty for other errors).",
    )


class ConflictSerializer(ErrorSerializer):
    code = serializers.CharField(help_text="conflict")
    current_version = serializers.IntegerField()


INVALID = OpenApiResponse(ErrorSerializer, description=_("Not valid (`code`: invalid)."))
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description=_("No or bad credentials."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("Not allowed for this caller."))
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description=_("No such record, or not visible to this caller.")
)
CONFLICT = OpenApiResponse(
    ConflictSerializer, description=_("Changed since the version sent: read it again.")
)


# --------------------------------------------------------------- the public projection


class PublicPlaceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_ko = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()


class PublicAgencySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_ko = serializers.CharField(allow_blank=True)


class PublicSourceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    year = serializers.CharField(allow_blank=True)


class PublicEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    date = serializers.CharField(allow_blank=True)
    place = PublicPlaceSerializer(allow_null=True)
    agency = PublicAgencySerializer(allow_null=True)
    custody_acknowledged = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    sources = PublicSourceSerializer(many=True)


class PublicPersonSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    case_public_id = serializers.CharField()
    pseudonym = serializers.CharField(allow_blank=True)
    sex = serializers.CharField(allow_blank=True)
    birth_decade = serializers.CharField(allow_null=True)
    home_province = PublicPlaceSerializer(allow_null=True)
    status = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    events = PublicEventSerializer(many=True)


class PublicCaseSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    verification = serializers.CharField()
    reported = serializers.CharField(allow_blank=True)
    persons = PublicPersonSerializer(many=True)


# ---------------------------------------------------------------------------- fields


class KeyFieldExtension(OpenApiSerializerFieldExtension):
    """irum.archive.api.SlugField names a record by its key: a string. Its default
    queryset is a placeholder, so drf-spectacular cannot infer the type from it."""

    target_class = "irum.archive.api.SlugField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.target.allow_null or (
            direction == "response" and getattr(self.target, "null_on_read", False)
        ):
            schema["nullable"] = True
        return schema


# -------------------------------------------------------------------------- viewsets


def documented(
    serializer: type[serializers.Serializer],
    *,
    public: type[serializers.Serializer] | None = None,
    members_only: bool = False,
    versioned: bool = True,
    deletable: bool = True,
    parameters: list[Any] | None = None,
) -> Any:
    """extend_schema_view for one of the API's model viewsets: each action's success
    and every error it may answer with.

    public: the public projection's serializer, when anonymous callers read this shape
    instead; members_only: reading needs a partner member (401/403 otherwise);
    versioned: updates and deletes name a version (409 from a stale copy)."""
    shown: Any = serializer
    if public is not None:
        shown = PolymorphicProxySerializer(
            component_name=f"{serializer.Meta.model.__name__}OrPublic",
            serializers=[serializer, public],
            resource_type_field_name=None,
        )
    read_auth = {401: UNAUTHENTICATED, 403: FORBIDDEN} if members_only else {}
    write = {400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN}
    found = {404: NOT_FOUND, **({409: CONFLICT} if versioned else {})}
    params = {"parameters": parameters} if parameters else {}
    views = {
        "list": extend_schema(
            responses={200: shown, 400: INVALID, 404: NOT_FOUND, **read_auth}, **params
        ),
        "retrieve": extend_schema(responses={200: shown, 404: NOT_FOUND, **read_auth}, **params),
        "create": extend_schema(responses={201: serializer, **write}),
        "update": extend_schema(responses={200: serializer, **write, **found}),
        "partial_update": extend_schema(responses={200: serializer, **write, **found}),
    }
    if deletable:
        views["destroy"] = extend_schema(responses={204: None, **write, **found})
    return extend_schema_view(**views)
