"""Writes to the gazetteer. Everything that changes a place or agency comes through here."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from irum.audit.services import audit_record
from irum.gazetteer.models import Agency, AgencyName, Place, PlaceKind, PlaceName, Precision
from irum.lib import pagecache
from irum.lib.text import fold, loose

DATA_DIR = Path(__file__).resolve().parent / "data"

_PAREN = re.compile(r"\s*\(([^)]*)\)\s*$")


def split_names(value: str) -> list[str]:
    """Split a `;`-separated list of names, dropping editorial qualifiers."""
    names = []
    for raw in (value or "").split(";"):
        name = raw.strip().replace("(inferred variant)", "").strip()
        if name:
            names.append(name)
    return names


def name_variants(name: str) -> list[str]:
    """A name and, if it ends in a parenthetical, the name without it and the
    parenthetical alone: "Kwalliso No. 14 Kaechon (Camp 14)" is also "Camp 14"."""
    variants = [name]
    if match := _PAREN.search(name):
        inner = match.group(1).strip()
        bare = name[: match.start()].strip()
        if bare:
            variants.append(bare)
        if inner and inner.casefold() not in {"city reference"}:
            variants.append(inner)
    return variants


def place_slug(name: str) -> str:
    return slugify(name.replace("(city reference)", "").replace("/", " "))[:120]


def _set_names(
    model: type[PlaceName] | type[AgencyName],
    owner_field: str,
    owner,
    names: Iterable[tuple[str, int | None, int | None]],
) -> None:
    wanted: dict[str, tuple[int | None, int | None]] = {}
    for name, start, end in names:
        name = " ".join(name.split())
        if name and name not in wanted:
            wanted[name] = (start, end)
    model.objects.filter(**{owner_field: owner}).exclude(name__in=wanted).delete()
    existing = set(model.objects.filter(**{owner_field: owner}).values_list("name", flat=True))
    rows = []
    for name, (start, end) in wanted.items():
        if name in existing:
            continue
        extra = {"valid_from": start, "valid_to": end} if model is AgencyName else {}
        rows.append(
            model(
                **{owner_field: owner},
                name=name,
                folded=fold(name)[:200],
                loose=loose(name)[:200],
                **extra,
            )
        )
    model.objects.bulk_create(rows)


@transaction.atomic
def place_upsert(
    *,
    actor: AbstractBaseUser | None,
    slug: str,
    name: str,
    kind: str,
    country: str,
    name_ko: str = "",
    admin1: str = "",
    province: Place | None = None,
    parent: Place | None = None,
    lat: float | None = None,
    lon: float | None = None,
    precision: str = Precision.UNKNOWN,
    source: str = "",
    names: Iterable[str] = (),
) -> Place:
    if (lat is None) != (lon is None):
        raise ValueError(f"place {slug}: give both latitude and longitude, or neither")
    if lat is None and precision != Precision.UNKNOWN:
        raise ValueError(f"place {slug}: a precision needs coordinates")
    place = Place.objects.filter(slug=slug).first() or Place(slug=slug)
    place.name, place.name_ko, place.kind, place.country = name, name_ko, kind, country
    place.admin1, place.province, place.parent = admin1, province, parent
    place.lat, place.lon, place.precision, place.source = lat, lon, precision, source
    place._history_user = actor  # type: ignore[attr-defined]
    place.full_clean(validate_unique=False)
    place.save()
    all_names = [v for n in (name, name_ko, *names) if n for v in name_variants(n)]
    _set_names(PlaceName, "place", place, ((n, None, None) for n in all_names))
    return place


def _parse_agency_name(entry: str) -> tuple[str, int | None, int | None]:
    # "Ministry of People's Security@../2020": a name used until 2020.
    name, _, period = entry.partition("@")
    start = end = None
    if period:
        lo, _, hi = period.partition("/")
        start = int(lo) if lo.strip().isdigit() else None
        end = int(hi) if hi.strip().isdigit() else None
    return name.strip(), start, end


@transaction.atomic
def agency_upsert(
    *,
    actor: AbstractBaseUser | None,
    slug: str,
    name: str,
    country: str,
    name_ko: str = "",
    parent: Agency | None = None,
    notes: str = "",
    names: Iterable[str] = (),
) -> Agency:
    agency = Agency.objects.filter(slug=slug).first() or Agency(slug=slug)
    agency.name, agency.name_ko, agency.country = name, name_ko, country
    agency.parent, agency.notes = parent, notes
    agency._history_user = actor  # type: ignore[attr-defined]
    agency.full_clean(validate_unique=False)
    agency.save()
    parsed = [(name, None, None), (name_ko, None, None), *(_parse_agency_name(n) for n in names)]
    _set_names(AgencyName, "agency", agency, parsed)
    return agency


@dataclass
class GazetteerLoadResult:
    provinces: int
    places: int
    agencies: int


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _coord(value: str) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


@transaction.atomic
def gazetteer_load(
    *, actor: AbstractBaseUser | None, data_dir: Path = DATA_DIR
) -> GazetteerLoadResult:
    """Load provinces, places and agencies from the project's sourced CSV files.

    Idempotent: running it again updates rows in place, so ids stay stable for events.
    """
    provinces: dict[str, Place] = {}
    for row in _read_csv(data_dir / "provinces.csv"):
        place = place_upsert(
            actor=actor,
            slug=slugify(row["name"]),
            name=row["name"],
            name_ko=row["name_ko"],
            kind=PlaceKind.PROVINCE,
            country=row["country"],
            admin1=row["name"],
            lat=_coord(row["lat"]),
            lon=_coord(row["lon"]),
            precision=Precision.PROVINCE,
            source=row["source"],
            names=split_names(row["alt_names"]),
        )
        provinces[row["name"]] = place

    links = {row["place"]: row for row in _read_csv(data_dir / "links.csv")}
    rows = _read_csv(data_dir / "gazetteer.csv")
    by_name: dict[str, Place] = {}
    # Two passes: parents are themselves gazetteer rows, so every row must exist first.
    for row in rows:
        lat, lon = _coord(row["lat"]), _coord(row["lon"])
        link = links.get(row["name"], {})
        if lat is None:
            precision = Precision.UNKNOWN
        elif link.get("precision"):
            precision = link["precision"]
        elif row["kind"] == PlaceKind.CITY_REFERENCE:
            precision = Precision.CITY_CENTRE
        else:
            precision = Precision.APPROXIMATE
        korean = [n for n in split_names(row["alt_names"]) if _is_hangul(n)]
        by_name[row["name"]] = place_upsert(
            actor=actor,
            slug=place_slug(row["name"]),
            name=row["name"],
            name_ko=korean[0] if korean else "",
            kind=row["kind"],
            country=row["country"],
            admin1=row["admin1"],
            province=provinces.get(row["admin1"]),
            lat=lat,
            lon=lon,
            precision=precision,
            source=row["source"],
            names=split_names(row["alt_names"]),
        )
    for name, link in links.items():
        if not link.get("parent"):
            continue
        place, parent = by_name[name], by_name[link["parent"]]
        if place.parent_id != parent.pk:
            place.parent = parent
            place._history_user = actor  # type: ignore[attr-defined]
            place.save(update_fields=["parent"])

    agencies: dict[str, Agency] = {}
    agency_rows = _read_csv(data_dir / "agencies.csv")
    for row in agency_rows:
        agencies[row["slug"]] = agency_upsert(
            actor=actor,
            slug=row["slug"],
            name=row["name"],
            name_ko=row["name_ko"],
            country=row["country"],
            notes=row["notes"],
            names=split_names(row["names"]),
        )
    for row in agency_rows:
        if row["parent"]:
            agency = agencies[row["slug"]]
            agency.parent = agencies[row["parent"]]
            agency._history_user = actor  # type: ignore[attr-defined]
            agency.save(update_fields=["parent"])
    audit_record(
        actor=actor,
        kind="import",
        record_type="gazetteer.data",
        record_id="gazetteer",
        summary=f"gazetteer loaded: {len(provinces)} provinces, {len(by_name)} places, "
        f"{len(agencies)} agencies",
    )
    # Place and agency names are on the public pages: render them afresh after the commit.
    pagecache.clear_on_commit()
    return GazetteerLoadResult(len(provinces), len(by_name), len(agencies))


def _is_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
