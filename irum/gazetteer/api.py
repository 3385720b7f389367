"""Places and agencies through the API. The gazetteer is public: anyone may read it;
only the platform administrator changes it, through the gazetteer services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import filters, serializers, viewsets

from irum.api.fields import SlugRelatedField
from irum.api.permissions import GazetteerAccess
from irum.api.schema import documented
from irum.audit.services import audit_record
from irum.gazetteer import services
from irum.gazetteer.models import Agency, AgencyName, Place, PlaceName, Precision


class PlaceSerializer(serializers.ModelSerializer):
    names = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50, write_only=True
    )
    province = SlugRelatedField(
        slug_field="slug", queryset=Place.objects.all(), required=False, allow_null=True
    )
    parent = SlugRelatedField(
        slug_field="slug", queryset=Place.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Place
        fields = [
            "slug",
            "name",
            "name_ko",
            "names",
            "kind",
            "country",
            "admin1",
            "province",
            "parent",
            "lat",
            "lon",
            "precision",
            "source",
        ]
        extra_kwargs = {"slug": {"validators": []}}

    def to_representation(self, instance: Place) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["names"] = [n.name for n in instance.names.all()]
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """What place_upsert refuses (with a ValueError, a 500), refused here as a 400.
        A partial update is checked with the place's current values for the rest."""

        def value(name: str, default: Any = None) -> Any:
            if name in attrs:
                return attrs[name]
            return getattr(self.instance, name, default) if self.instance else default

        lat, lon = value("lat"), value("lon")
        if (lat is None) != (lon is None):
            raise serializers.ValidationError(
                {
                    "lat" if lat is None else "lon": [
                        _("Give both latitude and longitude, or neither.")
                    ]
                }
            )
        if lat is None and value("precision", Precision.UNKNOWN) != Precision.UNKNOWN:
            raise serializers.ValidationError(
                {"precision": [_("A precision needs coordinates: leave it unknown, or give them.")]}
            )
        return attrs


class AgencySerializer(serializers.ModelSerializer):
    names = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50, write_only=True
    )
    parent = SlugRelatedField(
        slug_field="slug", queryset=Agency.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Agency
        fields = ["slug", "name", "name_ko", "names", "country", "parent", "notes"]
        extra_kwargs = {"slug": {"validators": []}}

    def to_representation(self, instance: Agency) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["names"] = [n.name for n in instance.names.all()]
        return data


class PlaceFilter(django_filters.FilterSet):
    class Meta:
        model = Place
        fields = ["kind", "country", "precision"]


class GazetteerViewSet(viewsets.ModelViewSet):
    permission_classes = [GazetteerAccess]
    lookup_field = "slug"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.OrderingFilter]
    upsert: Any = None

    def _save(self, serializer: serializers.ModelSerializer) -> None:
        data = dict(serializer.validated_data)
        instance = serializer.instance
        if instance is not None:
            # PATCH: what is not sent stays as it is.
            current = self.get_serializer(instance).data
            for key in serializer.fields:
                if key not in data and key not in ("province", "parent"):
                    data.setdefault(key, current.get(key))
            if "province" in serializer.fields:  # places have one; agencies do not
                data.setdefault("province", instance.province)
            data.setdefault("parent", instance.parent)
            data["slug"] = instance.slug
        with transaction.atomic():
            saved = type(self).upsert(actor=self.request.user, **data)
            audit_record(
                actor=self.request.user,
                kind="update" if instance is not None else "create",
                record=saved,
                summary="changed through the API",
            )
        serializer.instance = saved

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        self._save(serializer)

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        self._save(serializer)


@documented(PlaceSerializer, versioned=False, deletable=False)
class PlaceViewSet(GazetteerViewSet):
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    ordering_fields = ["slug", "name", "country"]
    ordering = ["country", "name"]
    upsert = staticmethod(services.place_upsert)

    def get_queryset(self) -> QuerySet[Place]:
        return Place.objects.select_related("province", "parent").prefetch_related(
            Prefetch("names", queryset=PlaceName.objects.order_by("name"))
        )


@documented(AgencySerializer, versioned=False, deletable=False)
class AgencyViewSet(GazetteerViewSet):
    serializer_class = AgencySerializer
    filterset_fields = ["country"]
    ordering_fields = ["slug", "name", "country"]
    ordering = ["country", "name"]
    upsert = staticmethod(services.agency_upsert)

    def get_queryset(self) -> QuerySet[Agency]:
        return Agency.objects.select_related("parent").prefetch_related(
            Prefetch("names", queryset=AgencyName.objects.order_by("name"))
        )
