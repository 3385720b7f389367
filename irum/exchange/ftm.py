"""FollowTheMoney export: the archive as FtM entities, one JSON object a line (docs/exports.md).

What goes out is decided by the one visibility rule (irum.partners.visibility, through
`Scope.for_user`); the identity fields and restricted texts go out only when the caller
asks for them explicitly, and the export is written to the audit log either way.

Entities, written so that each refers only to entities above it in the stream:

- agencies → PublicBody, places → Address (only those the exported events or persons use);
- sources → PlainText, Image or Article (the FtM `Document` family), linked from each
  event by `proof`;
- persons → Person;
- custody-chain events → Event (`involved` the person, `organizer` the agency,
  `addressEntity` the place, `proof` the sources).

Entity ids are never derived from names or birth dates, which could be guessed and then
confirmed against a leaked export: a person's id is its random public id, and records
without one (events, sources) get a keyed HMAC of their internal id. Gazetteer entities
use their public slugs, so that exports from two Irum instances merge on them.

The entities are plain dicts built here without the followthemoney package: its value
cleaning costs more than the whole export at 100,000 persons. The tests run every entity
through followthemoney and check that its cleaning leaves each value unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TextIO

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from irum.archive.models import (
    Case,
    Connection,
    CustodyAcknowledged,
    Event,
    EventKind,
    EventSource,
    Person,
    Reason,
    Reliability,
    SourceKind,
    Status,
)
from irum.audit.services import audit_record
from irum.exchange.exporter import Scope
from irum.gazetteer.models import Agency, Place, PlaceKind, Precision
from irum.lib import dates
from irum.routes import filters as route_filters
from irum.routes.filters import FilterError, RouteFilters, scope_persons
from irum.vault.keys import blind_index_key

# Rows fetched per database round trip, and events per batch of source links: one
# EventSource query per batch, so the query count grows with chunks, never with rows.
CHUNK = 2000

PREFIX = "irum"
# Sources have no FtM schema of their own; these are the Document kinds that fit.
SOURCE_SCHEMA = {SourceKind.SATELLITE_IMAGE: "Image", SourceKind.MEDIA: "Article"}
DEFAULT_SOURCE_SCHEMA = "PlainText"
GENDER = {"male": "male", "female": "female"}


# ------------------------------------------------------------------------------ ids


class EntityIds:
    """FtM ids for one export. Events and sources have no public id, so theirs is an HMAC
    of the internal id under a key derived from the blind-index key: stable across
    exports (so Aleph updates entities instead of duplicating them), unguessable, and
    telling nothing about the row count the way a bare database id would."""

    def __init__(self, key: bytes | None = None) -> None:
        root = blind_index_key() if key is None else key
        # A key of its own, so these ids say nothing about the blind index and the other
        # way round.
        derived = hmac.new(root, b"irum.exchange.ftm entity ids v1", hashlib.sha256).digest()
        self._mac = hmac.new(derived, digestmod=hashlib.sha256)

    def _keyed(self, kind: str, pk: int) -> str:
        mac = self._mac.copy()
        mac.update(f"{kind}:{pk}".encode())
        return f"{PREFIX}-{kind}-{mac.hexdigest()[:32]}"

    def event(self, pk: int) -> str:
        return self._keyed("event", pk)

    def source(self, pk: int) -> str:
        return self._keyed("source", pk)

    @staticmethod
    def person(public_id: str) -> str:
        return f"{PREFIX}-person-{public_id}"

    @staticmethod
    def place(slug: str) -> str:
        return f"{PREFIX}-place-{slug}"

    @staticmethod
    def agency(slug: str) -> str:
        return f"{PREFIX}-agency-{slug}"


# ---------------------------------------------------------------------------- values


def _prefix(bounds: dates.DateBounds) -> str | None:
    """The FtM date prefix that says what the bounds say and no more: a day, a month or a
    year; None when the bounds span years or an end is unknown."""
    lower, upper = bounds.lower, bounds.upper
    if lower is None or upper is None:
        return None
    if lower == upper:
        return lower.isoformat()
    if lower.year != upper.year:
        return None
    if lower.month == upper.month:
        return f"{lower.year:04d}-{lower.month:02d}"
    return f"{lower.year:04d}"


# Small, like dates.parse: the export must stay in constant memory however many distinct
# dates it meets.
@lru_cache(maxsize=4096)
def ftm_dates(text: str) -> dict[str, str]:
    """EDTF as FtM date properties: {"date": "2013-04"} for a date, {"startDate": "2012",
    "endDate": "2014"} for an interval or a span ("201X").

    FtM dates are prefixes (year, month or day) and have no qualifiers, so "2013-04~"
    becomes "2013-04" (the event's name keeps the EDTF), and a shape no prefix can hold
    (a season, a set) becomes the years it lies between. Never more precise than the
    record; an unreadable date gives nothing rather than a guess.
    """
    raw = (text or "").strip()
    if not raw:
        return {}
    try:
        whole = dates.parse(raw)
    except dates.EDTFError:
        return {}
    ends = raw.split("/")
    if len(ends) == 1:
        single = _prefix(whole)
        if single is not None:
            return {"date": single}
        ends = ["", ""]  # a span of years: from the bounds below
    out: dict[str, str] = {}
    for name, end, bound in (
        ("startDate", ends[0], whole.lower),
        ("endDate", ends[-1], whole.upper),
    ):
        value = None
        if end and end != "..":
            try:
                value = _prefix(dates.parse(end))
            except dates.EDTFError:
                value = None
        if value is None and bound is not None:
            value = f"{bound.year:04d}"
        if value is not None:
            out[name] = value
    return out


def _name(value: str) -> str:
    # FtM's name cleaning collapses whitespace; do it here so the values go out clean.
    return " ".join(value.split())


def _address(value: str) -> str:
    lines = (" ".join(line.split()) for line in value.splitlines())
    return ", ".join(line for line in lines if line)


def _timestamp(value: dt.datetime | None) -> str:
    """A time as FtM writes it: UTC, to the second, without an offset."""
    if value is None:
        return ""
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="seconds")[:19]


def _entity(entity_id: str, schema: str, properties: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: v for k, v in properties.items() if v},
    }


def _some(*values: str) -> list[str]:
    """The non-empty values, each once, in order."""
    return list(dict.fromkeys(v for v in values if v))


def _countries(code: str) -> list[str]:
    # A border crossing is "CN/KP": it lies in both.
    return [c.lower() for c in code.split("/") if c]


def _labels(choices: Any) -> dict[str, str]:
    with translation.override("en"):
        return {value: str(label) for value, label in choices.choices}


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class FtmOptions:
    include_restricted: bool = False
    filters: RouteFilters = field(default_factory=RouteFilters)
    # A selection (the admin's chosen cases); narrowed by the visibility rule all the same.
    cases: QuerySet[Case] | None = None


@dataclass
class FtmTally:
    """What an export wrote so far, by FtM schema."""

    counts: Counter[str] = field(default_factory=Counter)
    complete: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def parse_filters(items: list[str]) -> RouteFilters:
    """Filters given as `key=value` texts (the command's --filter), read by the same form
    as the map filters. Raises FilterError naming each bad one."""
    params: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise FilterError(
                [
                    _("%(item)s: write a filter as key=value (for example case=C7KX2ABCD)")
                    % {"item": item}
                ]
            )
        params.setdefault(key.strip(), []).append(value.strip())
    return route_filters.parse(params, strict=True)


def _persons(actor: Any, scope: Scope, filters: RouteFilters) -> QuerySet[Person]:
    persons = scope.persons
    if filters.case or filters.person or filters.partner or filters.eras or filters.country:
        # The filters mean here what they mean on the maps (irum.routes.filters).
        chosen = scope_persons(filters, user=actor, public=False)
        persons = persons.filter(pk__in=chosen.values("pk"))
    return persons.order_by()


def _events(scope: Scope, persons: QuerySet[Person], filters: RouteFilters) -> QuerySet[Event]:
    events = scope.events.filter(person__in=persons.values("pk"))
    if filters.kinds:
        events = events.filter(kind__in=filters.kinds)
    if filters.agency_ids:
        events = events.filter(agency_id__in=filters.agency_ids)
    # An event may be only partly inside the range: its bounds must overlap it.
    if filters.date_from:
        events = events.filter(date_upper__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(date_lower__lte=filters.date_to)
    return events.order_by()


# -------------------------------------------------------------------------- entities


class _Builder:
    def __init__(self, actor: Any, options: FtmOptions, ids: EntityIds | None = None) -> None:
        self.options = options
        self.restricted = options.include_restricted
        self.ids = ids or EntityIds()
        self.scope = Scope.for_user(actor, cases=options.cases)
        self.persons = _persons(actor, self.scope, options.filters)
        self.events = _events(self.scope, self.persons, options.filters)
        self.kind_label = _labels(EventKind)
        self.status_label = _labels(Status)
        self.reason_label = _labels(Reason)
        self.custody_keyword = {
            value: f"Custody acknowledged: {label}"
            for value, label in _labels(CustodyAcknowledged).items()
            if value != CustodyAcknowledged.UNKNOWN
        }
        self.source_label = _labels(SourceKind)
        self.connection_label = _labels(Connection)
        self.reliability_label = _labels(Reliability)
        self.place_kind_label = _labels(PlaceKind)
        self.precision_label = _labels(Precision)
        # Gazetteer entries by id: bounded by the gazetteer, not by the archive.
        self.place_ref: dict[int, tuple[str, str, list[str]]] = {}
        self.agency_ref: dict[int, str] = {}

    # -- gazetteer

    def agencies(self) -> Iterator[dict[str, Any]]:
        used = Agency.objects.filter(pk__in=self.events.values("agency_id")).order_by("slug")
        for agency in used.only("pk", "slug", "name", "name_ko", "country"):
            entity_id = self.ids.agency(agency.slug)
            self.agency_ref[agency.pk] = entity_id
            country = _countries(agency.country)
            yield _entity(
                entity_id,
                "PublicBody",
                {
                    "name": _some(_name(agency.name)),
                    "alias": _some(_name(agency.name_ko)),
                    "country": country,
                    "jurisdiction": country,
                },
            )

    def places(self) -> Iterator[dict[str, Any]]:
        used = Place.objects.filter(
            Q(pk__in=self.events.values("place_id"))
            | Q(pk__in=self.persons.values("home_province_id"))
        ).order_by("slug")
        for place in used:
            entity_id = self.ids.place(place.slug)
            full = _address(", ".join(_some(place.name, place.admin1)))
            countries = _countries(place.country)
            self.place_ref[place.pk] = (entity_id, full, countries)
            summary = self.place_kind_label.get(place.kind, "")
            has_point = place.lat is not None and place.lon is not None
            if has_point:
                summary += "; coordinates: " + self.precision_label.get(place.precision, "").lower()
            yield _entity(
                entity_id,
                "Address",
                {
                    "full": _some(full),
                    "name": _some(_name(place.name)),
                    "alias": _some(_name(place.name_ko)),
                    "region": _some(place.admin1.strip()),
                    "country": countries,
                    # Only the place's own point: a parent's would be invented precision.
                    "latitude": [repr(place.lat)] if has_point else [],
                    "longitude": [repr(place.lon)] if has_point else [],
                    "summary": _some(summary),
                },
            )

    # -- sources

    def sources(self) -> Iterator[dict[str, Any]]:
        linked = EventSource.objects.filter(event__in=self.events.values("pk")).values("source_id")
        fields = [
            "pk",
            "kind",
            "date",
            "connection",
            "reliability",
            "consent_public",
            "updated_at",
        ]
        if self.restricted:
            fields.append("content_restricted")
        rows = (
            self.scope.sources.filter(pk__in=linked)
            .order_by("pk")
            .values_list(*fields)
            .iterator(chunk_size=CHUNK)
        )
        for pk, kind, date, connection, reliability, consent, updated, *content in rows:
            label = self.source_label.get(kind, kind)
            summary = (
                f"{label}; connection to the information: "
                f"{self.connection_label.get(connection, connection)}; "
                f"reliability: {self.reliability_label.get(reliability, reliability)}; "
                f"consents to publication: {'yes' if consent else 'no'}"
            )
            yield _entity(
                self.ids.source(pk),
                SOURCE_SCHEMA.get(kind, DEFAULT_SOURCE_SCHEMA),
                {
                    # Never the source's ref: partners write names and villages into refs.
                    "title": [f"{label}, {date}" if date else label],
                    "date": _some(ftm_dates(date).get("date", "")),
                    "summary": [summary],
                    "bodyText": _some(content[0]) if content else [],
                    "modifiedAt": _some(_timestamp(updated)),
                },
            )

    # -- persons

    def person_rows(self) -> Iterator[dict[str, Any]]:
        fields = [
            "public_id",
            "pseudonym",
            "sex",
            "birth_year",
            "status",
            "reason",
            "home_province_id",
            "case__public_id",
            "case__owner__name",
            "updated_at",
        ]
        if self.restricted:
            fields += ["full_name", "full_name_ko", "aliases", "date_of_birth", "address"]
        rows = self.persons.order_by("pk").values_list(*fields).iterator(chunk_size=CHUNK)
        for row in rows:
            (
                public_id,
                pseudonym,
                sex,
                birth_year,
                status,
                reason,
                province_id,
                case_id,
                owner,
                updated,
                *identity,
            ) = row
            province = self.place_ref.get(province_id) if province_id else None
            birth = "" if birth_year is None else f"{birth_year:04d}"
            props: dict[str, list[str]] = {
                # Without the identity the name is the public id: a pseudonym as `name`
                # would be matched (Aleph's cross-referencing) against real people who
                # happen to bear it. `weakAlias` shows it and is never matched on.
                "name": [public_id],
                "weakAlias": _some(_name(pseudonym)),
                "gender": _some(GENDER.get(sex, "")),
                "status": _some(self.status_label.get(status, "")),
                "keywords": _some(f"Irum case {case_id}", self.reason_label.get(reason, "")),
                "addressEntity": [province[0]] if province else [],
                "country": province[2] if province else [],
                "publisher": _some(owner or ""),
                "modifiedAt": _some(_timestamp(updated)),
            }
            if identity:
                full_name, full_name_ko, aliases, date_of_birth, address = identity
                names = _some(_name(full_name), _name(full_name_ko))
                props["name"] = names or [public_id]
                props["alias"] = _some(*(_name(a) for a in aliases.split(";")))
                birth = ftm_dates(date_of_birth).get("date") or birth
                props["address"] = _some(_address(address))
                # Family contacts never go out in FtM: there is no property for a third
                # party's contact details, and they are who retaliation reaches.
            props["birthDate"] = _some(birth)
            yield _entity(self.ids.person(public_id), "Person", props)

    # -- events

    def _event_batches(self) -> Iterator[list[tuple[Any, ...]]]:
        fields = [
            "pk",
            "person__public_id",
            "person__case__owner__name",
            "kind",
            "date",
            "place_id",
            "agency_id",
            "custody_acknowledged",
            "description_public",
            "updated_at",
        ]
        if self.restricted:
            fields.append("description_restricted")
        rows = (
            self.events.order_by("person_id", "chain_index", "pk")
            .values_list(*fields)
            .iterator(chunk_size=CHUNK)
        )
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    def event_rows(self) -> Iterator[dict[str, Any]]:
        for batch in self._event_batches():
            proof: dict[int, list[str]] = defaultdict(list)
            links = (
                EventSource.objects.filter(
                    event_id__in=[row[0] for row in batch], source__deleted_at__isnull=True
                )
                .order_by("event_id", "source_id")
                .values_list("event_id", "source_id")
            )
            for event_id, source_id in links:
                proof[event_id].append(self.ids.source(source_id))
            for row in batch:
                yield self._event(row, proof.get(row[0], []))

    def _event(self, row: tuple[Any, ...], proof: list[str]) -> dict[str, Any]:
        # The hot path (several events a person): only the properties that have values,
        # built directly.
        (
            pk,
            person_id,
            owner,
            kind,
            date,
            place_id,
            agency_id,
            ack,
            description,
            updated,
            *restricted,
        ) = row
        label = self.kind_label.get(kind, kind)
        # The name keeps the date as recorded, with its qualifier: FtM dates cannot.
        props: dict[str, list[str]] = {
            "name": [f"{label} of {person_id}, {date}" if date else f"{label} of {person_id}"],
            "involved": [f"{PREFIX}-person-{person_id}"],
            "keywords": [label],
        }
        if date:
            for key, value in ftm_dates(date).items():
                props[key] = [value]
        if agency_id and agency_id in self.agency_ref:
            props["organizer"] = [self.agency_ref[agency_id]]
        if place_id and place_id in self.place_ref:
            place_ref, location, countries = self.place_ref[place_id]
            props["addressEntity"] = [place_ref]
            if location:
                props["location"] = [location]
            if countries:
                props["country"] = countries
        if description:
            props["summary"] = [description]
        if restricted and restricted[0]:
            props["description"] = [restricted[0]]
        custody = self.custody_keyword.get(ack)
        if custody:
            props["keywords"].append(custody)
        if proof:
            props["proof"] = proof
        if owner:
            props["publisher"] = [owner]
        if updated is not None:
            props["modifiedAt"] = [_timestamp(updated)]
        return {"id": self.ids.event(pk), "schema": "Event", "properties": props}

    def entities(self) -> Iterator[dict[str, Any]]:
        # Referenced entities first: agencies and places fill the lookups events use.
        yield from self.agencies()
        yield from self.places()
        yield from self.sources()
        yield from self.person_rows()
        yield from self.event_rows()


def ftm_entities(
    *, actor: AbstractBaseUser | None, options: FtmOptions | None = None
) -> Iterator[dict[str, Any]]:
    """The FtM entities ACTOR may see, as dicts ({"id", "schema", "properties"}), streamed.
    Not audited: whatever lets the entities leave the server uses `ftm_lines`."""
    return _Builder(actor, options or FtmOptions()).entities()


def _audit(actor: Any, options: FtmOptions, tally: FtmTally) -> None:
    audit_record(
        actor=actor,
        kind="export",
        record_type="exchange.ftm",
        summary=(
            f"FollowTheMoney export: {tally.total} entities"
            + (", identities and restricted texts included" if options.include_restricted else "")
            + ("" if tally.complete else " (interrupted)")
        ),
        changes={
            "counts": dict(sorted(tally.counts.items())),
            "include_restricted": options.include_restricted,
            "filters": options.filters.as_params(),
            "selection": options.cases is not None,
            "complete": tally.complete,
        },
    )


class FtmStream:
    """The export as JSON lines, for a file or a streaming response.

    Made up front, so that bad filters (irum.routes.filters.FilterError) fail before
    anything is written. Written to the audit log when the stream ends, and also when it
    is closed early: an interrupted download still took records out.
    """

    def __init__(self, actor: AbstractBaseUser | None, options: FtmOptions) -> None:
        self.actor = actor
        self.options = options
        self.tally = FtmTally()
        self._entities = _Builder(actor, options).entities()
        self._lines = self._generate()

    def _generate(self) -> Iterator[str]:
        dumps: Callable[[Any], str] = json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":")
        ).encode
        counts = self.tally.counts
        try:
            for entity in self._entities:
                counts[entity["schema"]] += 1
                yield dumps(entity) + "\n"
            self.tally.complete = True
        finally:
            _audit(self.actor, self.options, self.tally)

    def __iter__(self) -> FtmStream:
        return self

    def __next__(self) -> str:
        return next(self._lines)

    def close(self) -> None:
        self._lines.close()


def ftm_lines(*, actor: AbstractBaseUser | None, options: FtmOptions | None = None) -> FtmStream:
    return FtmStream(actor, options or FtmOptions())


def ftm_export(
    *, actor: AbstractBaseUser | None, out: TextIO, options: FtmOptions | None = None
) -> FtmTally:
    """Write the export to OUT; return what was written."""
    stream = ftm_lines(actor=actor, options=options)
    out.writelines(stream)
    return stream.tally
