"""The archive's REST API: cases, persons, events and sources.

Reads go through the one visibility rule (the querysets below); writes go through the
services (irum.archive.services), which validate, keep history and write the audit
entry. An update names the version it was made from, and a stale one is 409 Conflict.
Identity fields and restricted texts are in a response only when the caller may see the
record and asks for them (`?include=restricted`), and that look is audited.
Anonymous callers, and signed-in people who are not partner members, get the public
projection (irum.partners.projection) of public cases and persons only.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, filters, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from irum.api.fields import SlugRelatedField
from irum.api.permissions import ArchiveAccess, MembersOnly, is_member
from irum.api.schema import PublicCaseSerializer, PublicPersonSerializer, documented
from irum.archive import services
from irum.archive.models import Case, Event, EventSource, Person, Source
from irum.audit.services import audit_record
from irum.gazetteer.models import Agency, Place, PlaceKind
from irum.partners import projection, visibility
from irum.partners.models import Organization
from irum.vault.fields import EncryptedTextField

INCLUDE = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    enum=["restricted"],
    description="`restricted`: add identity fields and restricted texts (audited).",
)


def wants_restricted(request: Request) -> bool:
    return request.query_params.get("include") == "restricted"


# ------------------------------------------------------------------------ serializers


class VersionedSerializer(serializers.ModelSerializer):
    """Restricted fields leave only when asked for; an update must name its version."""

    restricted: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["version"] = serializers.IntegerField(
            min_value=1,
            required=False,
            help_text=_("The version this change was made from (required to update)."),
        )
        return fields

    @property
    def _readable_fields(self):  # type: ignore[override]
        # Leave restricted fields out before they are read, not after: reading one
        # decrypts it (irum.vault), and the viewsets defer those columns on reads.
        hidden = () if self.context.get("include_restricted") else self.restricted
        for field in super()._readable_fields:
            if field.field_name not in hidden:
                yield field

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [_("Send the version you read, so that no change is lost.")]}
            )
        return attrs


class SlugField(SlugRelatedField):
    """A related record by its public key; the choices come from a callable of the
    requesting user, so that a hidden record cannot be named (it reads as not found)."""

    def __init__(self, queryset_for: Any, *, null_on_read: bool = False, **kwargs: Any) -> None:
        self.queryset_for = queryset_for
        self.null_on_read = null_on_read  # the schema: may be null in a response
        kwargs.setdefault("queryset", Place.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.queryset_for(getattr(request, "user", None))


class CaseSerializer(VersionedSerializer):
    restricted = ("narrative_restricted",)
    owner = SlugField(
        lambda user: (
            Organization.objects.filter(pk__in=visibility.partner_ids(user, visibility.WRITE_ROLES))
            if not visibility.is_platform_admin(user)
            else Organization.objects.all()
        ),
        slug_field="slug",
        null_on_read=True,
    )
    shared_with = SlugField(
        lambda user: Organization.objects.all(), slug_field="slug", many=True, required=False
    )

    class Meta:
        model = Case
        fields = [
            "public_id",
            "ref",
            "owner",
            "shared_with",
            "confidentiality",
            "verification",
            "title",
            "summary_public",
            "narrative_restricted",
            "reported_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["public_id", "created_at", "updated_at"]


# A person's identity: the fields kept encrypted (irum.vault). Derived from the model, so
# an identity field added later is restricted here without anyone remembering to.
PERSON_IDENTITY = tuple(
    f.name for f in Person._meta.concrete_fields if isinstance(f, EncryptedTextField)
)


class PersonSerializer(VersionedSerializer):
    restricted = PERSON_IDENTITY
    case = SlugField(visibility.changeable_cases, slug_field="public_id")
    home_province = SlugField(
        lambda user: Place.objects.filter(kind=PlaceKind.PROVINCE),
        slug_field="slug",
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Person
        fields = [
            "public_id",
            "ref",
            "case",
            "position",
            "pseudonym",
            *PERSON_IDENTITY,
            "sex",
            "birth_year",
            "nationality",
            "home_province",
            "status",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["public_id", "created_at", "updated_at"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # Reading: the case as the person's case, whether or not this user may change it.
        data = super().to_representation(instance)
        data["case"] = instance.case.public_id
        return data


class SourceSerializer(VersionedSerializer):
    restricted = ("content_restricted",)

    class Meta:
        model = Source
        fields = [
            "id",
            "ref",
            "kind",
            "date",
            "connection",
            "reliability",
            "consent_public",
            "content_restricted",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class EventSerializer(VersionedSerializer):
    restricted = ("description_restricted",)
    person = SlugField(
        lambda user: Person.objects.filter(case__in=visibility.changeable_cases(user)),
        slug_field="public_id",
    )
    place = SlugField(
        lambda user: Place.objects.all(), slug_field="slug", required=False, allow_null=True
    )
    agency = SlugField(
        lambda user: Agency.objects.all(), slug_field="slug", required=False, allow_null=True
    )
    sources = SlugField(visibility.visible_sources, slug_field="ref", many=True, required=False)

    class Meta:
        model = Event
        fields = [
            "id",
            "person",
            "seq",
            "chain_index",
            "kind",
            "date",
            "date_lower",
            "date_upper",
            "place",
            "agency",
            "custody_acknowledged",
            "description_public",
            "description_restricted",
            "sources",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "chain_index",
            "date_lower",
            "date_upper",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["person"] = instance.person.public_id
        data["sources"] = [source.ref for source in instance.sources.all()]
        return data


# ---------------------------------------------------------------------------- filters


class CaseFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__slug")

    class Meta:
        model = Case
        fields = ["confidentiality", "verification", "owner"]


class PublicCaseFilter(django_filters.FilterSet):
    """The public projection names no owner and no confidentiality: nor do its filters."""

    class Meta:
        model = Case
        fields = ["verification"]


class PersonFilter(django_filters.FilterSet):
    case = django_filters.CharFilter(field_name="case__public_id")
    home_province = django_filters.CharFilter(field_name="home_province__slug")

    class Meta:
        model = Person
        fields = ["case", "sex", "status", "reason", "home_province"]


class EventFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(field_name="person__public_id")
    case = django_filters.CharFilter(field_name="person__case__public_id")
    place = django_filters.CharFilter(field_name="place__slug")
    agency = django_filters.CharFilter(field_name="agency__slug")
    date_from = django_filters.DateFilter(field_name="date_upper", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date_lower", lookup_expr="lte")

    class Meta:
        model = Event
        fields = ["person", "case", "kind", "place", "agency", "custody_acknowledged"]


class SourceFilter(django_filters.FilterSet):
    class Meta:
        model = Source
        fields = ["kind", "connection", "reliability", "consent_public"]


# --------------------------------------------------------------------------- viewsets


class ArchiveViewSet(viewsets.ModelViewSet):
    """Shared: the visibility-filtered queryset, restricted fields on request (audited),
    writes through the services, soft delete."""

    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.OrderingFilter]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    record_label = ""

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["include_restricted"] = wants_restricted(self.request) and is_member(self.request)
        return context

    def _audit_restricted(self, public_ids: list[str]) -> None:
        if public_ids and self.get_serializer_context()["include_restricted"]:
            audit_record(
                actor=self.request.user,
                kind="view_restricted",
                record_type=self.record_label,
                summary=f"read through the API with restricted fields ({len(public_ids)})",
                changes={"records": public_ids[:200]},
            )

    def finalize_response(self, request: Request, response: Response, *args: Any, **kw: Any):
        if request.method == "GET" and response.status_code == 200 and is_member(request):
            data = response.data
            rows = data.get("results", [data]) if isinstance(data, dict) else []
            key = "public_id" if self.lookup_field == "public_id" else "id"
            self._audit_restricted([str(row.get(key)) for row in rows if isinstance(row, dict)])
        return super().finalize_response(request, response, *args, **kw)

    def defer_restricted(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """On reads without `include=restricted`, do not load (and decrypt) the restricted
        columns at all. Writes keep them: a service saves the whole record."""
        if self.request.method in ("GET", "HEAD") and not wants_restricted(self.request):
            return queryset.defer(*self.get_serializer_class().restricted)
        return queryset

    def check_changeable(self, case: Case) -> None:
        if not visibility.can_change_case(self.request.user, case):
            raise exceptions.PermissionDenied(_("You may not change this case."))

    # Each viewset says which case a record belongs to; the writes below are shared.
    record_name = ""  # the services' name: case_create, person_update, ...
    create_service = ""

    def case_of(self, record: Any) -> Case:
        raise NotImplementedError

    def check_can_change(self, record: Any) -> None:
        self.check_changeable(self.case_of(record))

    def check_new(self, data: dict[str, Any]) -> None:
        """May this user add a record with DATA? (By default: may they change its case.)"""

    def check_update(self, record: Any, data: dict[str, Any]) -> dict[str, Any]:
        """DATA for the update service, once the change itself is allowed."""
        return data

    def take_version(self, instance: Any, data: dict[str, Any]) -> dict[str, Any]:
        instance.version = data.pop("version", instance.version)
        return data

    def save(self, record: Any | None, data: dict[str, Any]) -> Any:
        actor = self.request.user
        if record is None:
            return getattr(services, self.create_service)(actor=actor, **data)
        update = getattr(services, f"{self.record_name}_update")
        return update(actor=actor, **{self.record_name: record}, **data)

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        self.check_new(data)
        serializer.instance = self.save(None, data)

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        record = serializer.instance
        self.check_can_change(record)
        data = self.check_update(record, self.take_version(record, dict(serializer.validated_data)))
        serializer.instance = self.save(record, data)

    def perform_destroy(self, instance: Any) -> None:
        self.check_can_change(instance)
        version = self.request.query_params.get("version")
        if version is not None:
            if not version.isdigit():
                raise exceptions.ValidationError({"version": [_("A version is a number.")]})
            instance.version = int(version)
        delete = getattr(services, f"{self.record_name}_delete")
        delete(actor=self.request.user, **{self.record_name: instance})


@documented(CaseSerializer, public=PublicCaseSerializer, parameters=[INCLUDE])
class CaseViewSet(ArchiveViewSet):
    serializer_class = CaseSerializer
    permission_classes = [ArchiveAccess]
    ordering_fields = ["ref", "created_at", "updated_at", "public_id"]
    ordering = ["ref"]
    lookup_field = "public_id"
    record_label = "archive.case"

    @property
    def filterset_class(self) -> type[django_filters.FilterSet]:
        if getattr(self, "swagger_fake_view", False) or is_member(self.request):
            return CaseFilter
        return PublicCaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        if not is_member(self.request):
            return visibility.public_cases().order_by("public_id")
        return self.defer_restricted(
            visibility.visible_cases(self.request.user)
            .select_related("owner")
            .prefetch_related("shared_with")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if is_member(request):
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(
            self.filter_queryset(self.get_queryset()).order_by("public_id")
        )
        return self.get_paginated_response(
            [
                case.to_dict()
                for case in projection.project_cases(
                    Case.objects.filter(pk__in=[c.pk for c in page]).order_by("public_id")
                )
            ]
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if is_member(request):
            return super().retrieve(request, *args, **kwargs)
        return Response(projection.project_case(self.get_object()).to_dict())

    record_name, create_service = "case", "case_create"

    def case_of(self, record: Case) -> Case:
        return record

    @transaction.atomic
    def save(self, record: Case | None, data: dict[str, Any]) -> Case:
        shared = data.pop("shared_with", None)
        case = super().save(record, data)
        if shared is not None:
            case.shared_with.set(shared)
        return case


@documented(PersonSerializer, public=PublicPersonSerializer, parameters=[INCLUDE])
class PersonViewSet(ArchiveViewSet):
    serializer_class = PersonSerializer
    permission_classes = [ArchiveAccess]
    filterset_class = PersonFilter
    ordering_fields = ["ref", "public_id", "birth_year", "created_at", "updated_at"]
    ordering = ["case__ref", "position", "ref"]
    lookup_field = "public_id"
    record_label = "archive.person"

    def get_queryset(self) -> QuerySet[Person]:
        if not is_member(self.request):
            return Person.objects.filter(case__in=visibility.public_cases())
        persons = (
            visibility.visible_persons(self.request.user)
            .select_related("case", "home_province")
            .defer(*(f"case__{name}" for name in CaseSerializer.restricted))
        )
        return self.defer_restricted(persons)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if is_member(request):
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("pk"))
        persons = Person.objects.filter(pk__in=[p.pk for p in page]).order_by("pk")
        return self.get_paginated_response(
            [person.to_dict() for person in projection.project_persons(persons)]
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if is_member(request):
            return super().retrieve(request, *args, **kwargs)
        return Response(projection.project_person(self.get_object()).to_dict())

    record_name, create_service = "person", "person_create"

    def case_of(self, record: Person) -> Case:
        return record.case

    def check_new(self, data: dict[str, Any]) -> None:
        self.check_changeable(data["case"])

    def check_update(self, record: Person, data: dict[str, Any]) -> dict[str, Any]:
        if "case" in data:  # moving a person: the new case must be theirs to change too
            self.check_changeable(data["case"])
        return data


@documented(EventSerializer, members_only=True, parameters=[INCLUDE])
class EventViewSet(ArchiveViewSet):
    serializer_class = EventSerializer
    permission_classes = [MembersOnly]
    filterset_class = EventFilter
    ordering_fields = ["chain_index", "date_lower", "date_upper", "created_at", "id"]
    ordering = ["person_id", "chain_index"]
    record_label = "archive.event"

    def get_queryset(self) -> QuerySet[Event]:
        return self.defer_restricted(
            visibility.visible_events(self.request.user)
            .select_related("person__case", "place", "agency")
            # An event names its person and case by id only: never load their secrets.
            .defer(
                *(f"person__{name}" for name in PersonSerializer.restricted),
                *(f"person__case__{name}" for name in CaseSerializer.restricted),
            )
            .prefetch_related(Prefetch("sources", queryset=Source.objects.only("pk", "ref")))
        )

    record_name, create_service = "event", "event_record"

    def case_of(self, record: Event) -> Case:
        return record.person.case

    def check_new(self, data: dict[str, Any]) -> None:
        self.check_changeable(data["person"].case)

    def check_update(self, record: Event, data: dict[str, Any]) -> dict[str, Any]:
        if "person" in data and data["person"].pk != record.person_id:
            raise exceptions.ValidationError(
                {"person": [_("An event cannot be moved to another person.")]}
            )
        data.pop("person", None)
        return data


@documented(SourceSerializer, members_only=True, parameters=[INCLUDE])
class SourceViewSet(ArchiveViewSet):
    serializer_class = SourceSerializer
    permission_classes = [MembersOnly]
    filterset_class = SourceFilter
    ordering_fields = ["ref", "date", "created_at", "id"]
    ordering = ["ref"]
    record_label = "archive.source"

    def get_queryset(self) -> QuerySet[Source]:
        return self.defer_restricted(visibility.visible_sources(self.request.user))

    record_name, create_service = "source", "source_create"

    def check_can_change(self, record: Source) -> None:
        # A source may back events in several cases: its own rule (irum.partners.visibility).
        if not visibility.can_change_source(self.request.user, record):
            raise exceptions.PermissionDenied(_("You may not change this source."))


__all__ = [
    "CaseViewSet",
    "EventSource",
    "EventViewSet",
    "PersonViewSet",
    "SourceViewSet",
]
