"""Places and agencies, each findable by any of its names.

A place may have no public coordinates: many facilities are known only by the county
they are in. Such a place keeps lat/lon empty and borrows its parent's (or province's)
point for drawing, marked approximate. We never store invented coordinates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PlaceKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    CITY_REFERENCE = "city_reference", _("City (reference point)")
    BORDER_CROSSING = "border_crossing", _("Border crossing")
    DMZ_CROSSING = "dmz_crossing", _("DMZ crossing")
    KWANLISO = "kwanliso", _("Political prison camp (kwanliso)")
    KYOHWASO = "kyohwaso", _("Re-education camp (kyohwaso)")
    LABOUR_TRAINING_CAMP = "labour_training_camp", _("Labour training camp")
    MSS_HOLDING_CENTRE = "mss_holding_centre", _("MSS holding centre")
    MSS_PROVINCIAL_DETENTION = "mss_provincial_detention", _("Provincial MSS detention centre")
    MPS_DETENTION_CENTRE = (
        "mps_detention_centre",
        _("Police detention centre (Ministry of Social Security)"),
    )
    CN_BORDER_DETENTION_CENTRE = "cn_border_detention_centre", _("Chinese border detention centre")
    CN_PRISON = "cn_prison", _("Chinese prison")
    PRISON = "prison", _("Prison")
    OTHER = "other", _("Other")


class Precision(models.TextChoices):
    EXACT = "exact", _("Exact")
    APPROXIMATE = "approximate", _("Approximate")
    CITY_CENTRE = "city_centre", _("City centre")
    PROVINCE = "province", _("Province")
    UNKNOWN = "unknown", _("Unknown")


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float
    approximate: bool
    via: str  # slug of the place whose coordinates these are


class Place(models.Model):
    slug = models.SlugField(_("id"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=PlaceKind.choices)
    # ISO 3166 alpha-2. A border crossing lies in two countries and is written "CN/KP".
    country = models.CharField(_("country"), max_length=8, db_index=True)
    admin1 = models.CharField(_("province or region"), max_length=120, blank=True)
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": PlaceKind.PROVINCE},
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    precision = models.CharField(
        _("coordinate precision"),
        max_length=20,
        choices=Precision.choices,
        default=Precision.UNKNOWN,
    )
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=True) & models.Q(lon__isnull=True))
                | (models.Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180)),
                name="place_lat_lon_both_or_neither_and_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.name_ko})" if self.name_ko else self.name

    @property
    def countries(self) -> list[str]:
        return [c for c in self.country.split("/") if c]

    @property
    def single_country(self) -> str | None:
        """The country a place is in, or None for a place on a border."""
        codes = self.countries
        return codes[0] if len(codes) == 1 else None

    def point(self, places: Mapping[int, Place] | None = None) -> Point | None:
        """Where to draw this place: its own coordinates, else its parent's, else its
        province's, marked approximate. None when no ancestor has coordinates either.

        PLACES, all places by id, lets a map resolve many places without a query each.
        """

        def get(pk: int | None) -> Place | None:
            if pk is None:
                return None
            if places is not None:
                return places.get(pk)
            return Place.objects.filter(pk=pk).first()

        if self.lat is not None and self.lon is not None:
            approximate = self.precision not in (Precision.EXACT, Precision.CITY_CENTRE)
            return Point(self.lat, self.lon, approximate, self.slug)
        seen = {self.pk}
        for start in (self.parent_id, self.province_id):
            candidate = get(start)
            while candidate is not None and candidate.pk not in seen:
                seen.add(candidate.pk)
                if candidate.lat is not None and candidate.lon is not None:
                    return Point(candidate.lat, candidate.lon, True, candidate.slug)
                candidate = get(candidate.parent_id)
        return None


class PlaceName(models.Model):
    """Every name a place is known by. `folded` and `loose` are lookup keys (irum.lib.text)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    folded = models.CharField(max_length=200, db_index=True)
    loose = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="placename_unique_per_place")
        ]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    slug = models.SlugField(_("id"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.name} ({self.name_ko})" if self.name_ko else self.name


class AgencyName(models.Model):
    """A name or abbreviation of an agency, optionally valid only for a period (years)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    folded = models.CharField(max_length=200, db_index=True)
    loose = models.CharField(max_length=200, db_index=True)
    valid_from = models.PositiveSmallIntegerField(null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="agencyname_unique_per_agency")
        ]

    def __str__(self) -> str:
        return self.name
