"""Workbook import, format v1 (docs/workbook.md).

Two phases. `validate` reads every row, resolves every reference and collects every
problem, touching nothing. Only a workbook with no problems reaches `write`, which inserts
everything in one transaction. A dry run stops after `validate`. So a bad workbook can
never leave half its rows behind.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from irum.archive.chain import chain_sort_key, first_deprivation
from irum.archive.models import (
    Case,
    Confidentiality,
    Connection,
    CustodyAcknowledged,
    Event,
    EventKind,
    EventSource,
    Person,
    ProtectedName,
    Reason,
    Reliability,
    Sex,
    Source,
    SourceKind,
    Status,
    Verification,
)
from irum.archive.services import name_digests, new_public_id, person_reorder_events
from irum.audit.services import audit_record
from irum.exchange import bulk
from irum.exchange.formats import CASES, EVENTS, PERSONS, SHEETS, SOURCES, Sheet
from irum.exchange.problems import InputRejected, Problem
from irum.exchange.reader import RawSheet, iter_dicts, read_workbook
from irum.gazetteer.lookup import Ambiguous, NameIndex, NotFound, agency_index, place_index
from irum.gazetteer.models import Agency, Place, PlaceKind
from irum.gazetteer.services import place_slug, place_upsert
from irum.lib import dates, pagecache
from irum.lib.countries import ISO_ALPHA2
from irum.lib.text import fold
from irum.partners import visibility
from irum.partners.models import Organization
from irum.vault.crypto import blind_index
from irum.vault.fields import EncryptedTextField

_PUBLIC_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
_YES = {"yes", "y", "true", "1", "예", "네"}
_NO = {"no", "n", "false", "0", "", "아니오", "아니요"}
BATCH = 5000


Row = dict[str, Any]


@dataclass
class Plan:
    """Validated rows, as column -> value, ready to insert."""

    cases: list[Row] = field(default_factory=list)
    persons: list[Row] = field(default_factory=list)
    person_case_ref: dict[str, str] = field(default_factory=dict)
    person_sheet_rows: list[int] = field(default_factory=list)  # where each person came from
    sources: list[Row] = field(default_factory=list)
    # (person_ref, event row, source refs, key of a new place or None)
    events: list[tuple[str, Row, list[str], str | None]] = field(default_factory=list)
    new_places: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class ImportResult:
    cases: int = 0
    persons: int = 0
    events: int = 0
    sources: int = 0
    places_created: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    # Rows whose person is probably already recorded: warnings, not problems.
    likely_duplicates: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@cache
def _values(choices: type[models.TextChoices]) -> frozenset[str]:
    # Django rebuilds `.values` as a list on every access; a row-by-row check of a
    # million cells wants a set built once.
    return frozenset(choices.values)


class _Validator:
    def __init__(self, sheets: dict[str, RawSheet], user: AbstractBaseUser | None) -> None:
        self.sheets = sheets
        self.user = user
        self.problems: list[Problem] = []
        self.plan = Plan()
        self.places: NameIndex[Place] = place_index()
        self.agencies: NameIndex[Agency] = agency_index()

    # -- cell helpers ------------------------------------------------------------------

    def problem(self, sheet: str, row: int | None, column: str, value: str, reason: str) -> None:
        self.problems.append(Problem(sheet, row, column, value, reason))

    def text(
        self, sheet: str, row: int, data: dict[str, str], column: str, max_length: int | None = None
    ) -> str:
        raw = data.get(column)
        if not raw:
            return ""  # most cells of a real sheet are empty: keep that path short
        value = raw.strip()
        if "\x00" in value:
            # Only a corrupt or hostile file has one, and PostgreSQL cannot store it.
            self.problem(sheet, row, column, value, _("contains a NUL character"))
            return ""
        if value.startswith("="):
            self.problem(
                sheet,
                row,
                column,
                value,
                _(
                    "is a spreadsheet formula; type the value itself (start it with ' if it is text)"
                ),
            )
            return ""
        if value.startswith("'"):
            # The exporter's CSV-injection guard (and Excel's text marker): drop it.
            value = value[1:]
        if max_length is not None and len(value) > max_length:
            self.problem(
                sheet,
                row,
                column,
                value,
                _("is %(n)d characters long; the limit is %(max)d")
                % {"n": len(value), "max": max_length},
            )
            return ""
        return value

    def required(self, sheet: str, row: int, data: dict[str, str], column: str) -> None:
        # A cell that `text` refused (a formula, too long) is already reported; calling
        # it empty as well would send the documenter looking for the wrong mistake.
        if not (data.get(column) or "").strip():
            self.problem(sheet, row, column, "", _("is required"))

    def choice(
        self,
        sheet: str,
        row: int,
        data: dict[str, str],
        column: str,
        choices: type[models.TextChoices],
        default: str,
    ) -> str:
        value = self.text(sheet, row, data, column)
        if not value:
            return default
        key = value.casefold().replace(" ", "_").replace("-", "_")
        allowed = _values(choices)
        if key in allowed:
            return key
        self.problem(
            sheet,
            row,
            column,
            value,
            _("is not one of: %(choices)s") % {"choices": ", ".join(choices.values)},
        )
        return default

    def edtf(
        self, sheet: str, row: int, data: dict[str, str], column: str
    ) -> dates.DateBounds | None:
        value = self.text(sheet, row, data, column)
        try:
            return dates.parse(value)
        except dates.EDTFError as exc:
            self.problem(sheet, row, column, value, str(exc))
            return None

    def public_id(
        self, sheet: str, row: int, data: dict[str, str], seen: set[str], existing: set[str]
    ) -> str:
        value = self.text(sheet, row, data, "public_id").upper()
        if not value:
            return ""
        if not _PUBLIC_ID.match(value):
            self.problem(
                sheet, row, "public_id", value, _("must be up to 16 letters, digits or hyphens")
            )
        elif value in seen:
            self.problem(sheet, row, "public_id", value, _("appears twice in this sheet"))
        elif value in existing:
            self.problem(sheet, row, "public_id", value, _("is already used in the archive"))
        seen.add(value)
        return value

    def ref(
        self,
        sheet: str,
        row: int,
        data: dict[str, str],
        column: str,
        seen: set[str],
        existing: Container[str],
    ) -> str:
        value = self.text(sheet, row, data, column, max_length=64)
        if not value:
            self.required(sheet, row, data, column)
        elif value in seen:
            self.problem(
                sheet, row, column, value, _("appears twice in this sheet (duplicate ref)")
            )
        elif value in existing:
            self.problem(sheet, row, column, value, _("already exists in the archive"))
        seen.add(value)
        return value

    # -- structure ---------------------------------------------------------------------

    def check_structure(self) -> None:
        for sheet in SHEETS:
            raw = self.sheets.get(sheet.name)
            if raw is None:
                if not sheet.optional_sheet:
                    self.problem(
                        sheet.name,
                        None,
                        "",
                        "",
                        _("is missing: the workbook needs a %(file)s sheet")
                        % {"file": sheet.filename},
                    )
                continue
            self._check_header(sheet, raw)

    def _check_header(self, sheet: Sheet, raw: RawSheet) -> None:
        seen: set[str] = set()
        cleaned = []
        for column in raw.header:
            name = column.strip().lower().lstrip("\ufeff")
            cleaned.append(name)
            if not name:
                continue
            if name in seen:
                self.problem(sheet.name, 1, name, "", _("appears twice in the header"))
            elif name not in sheet.columns:
                self.problem(
                    sheet.name,
                    1,
                    name,
                    "",
                    _("is not a column of this sheet; the columns are: %(cols)s")
                    % {"cols": ", ".join(sheet.columns)},
                )
            seen.add(name)
        raw.header = cleaned
        for column in sheet.required:
            if column not in seen:
                self.problem(sheet.name, 1, column, "", _("is a required column and is missing"))

    # -- sheets --------------------------------------------------------------------------

    def run(self) -> Plan:
        self.check_structure()
        if self.problems:
            return self.plan
        # What the workbook may refer to: cases and persons the user may change, sources
        # the user may see (irum.partners.visibility). A ref is taken if any record has
        # it, deleted or another partner's: refs are unique across the archive.
        if visibility.is_operator(self.user):
            cases, sources = Case.objects.all(), Source.objects.all()
        else:
            cases, sources = (
                visibility.changeable_cases(self.user),
                visibility.visible_sources(self.user),
            )
        self.existing_cases = dict(cases.values_list("ref", "pk"))
        self.existing_persons = dict(
            Person.objects.filter(case__in=cases.values("pk")).values_list("ref", "pk")
        )
        self.existing_sources = dict(sources.values_list("ref", "pk"))
        self.taken_cases = set(Case.all_objects.values_list("ref", flat=True))
        self.taken_persons = set(Person.all_objects.values_list("ref", flat=True))
        self.taken_sources = set(Source.all_objects.values_list("ref", flat=True))
        self.case_refs: set[str] = set()
        self.person_refs: set[str] = set()
        self.source_refs: set[str] = set()
        self.validate_cases(self.sheets[CASES.name])
        self.validate_persons(self.sheets[PERSONS.name])
        if SOURCES.name in self.sheets:
            self.validate_sources(self.sheets[SOURCES.name])
        self.validate_events(self.sheets[EVENTS.name])
        return self.plan

    def validate_cases(self, raw: RawSheet) -> None:
        s = CASES.name
        public_ids: set[str] = set()
        existing_ids = set(Case.all_objects.values_list("public_id", flat=True))
        for row, data in iter_dicts(raw):
            ref = self.ref(s, row, data, "case_ref", self.case_refs, self.taken_cases)
            reported = self.edtf(s, row, data, "reported_on")
            self.plan.cases.append(
                dict(
                    ref=ref,
                    public_id=self.public_id(s, row, data, public_ids, existing_ids),
                    title=self.text(s, row, data, "title", 300),
                    summary_public=self.text(s, row, data, "summary_public"),
                    narrative_restricted=self.text(s, row, data, "narrative_restricted"),
                    reported_on=reported.text if reported else "",
                    verification=self.choice(
                        s, row, data, "verification", Verification, Verification.REPORTED
                    ),
                    confidentiality=self.choice(
                        s, row, data, "confidentiality", Confidentiality, Confidentiality.RESTRICTED
                    ),
                )
            )

    def validate_persons(self, raw: RawSheet) -> None:
        s = PERSONS.name
        public_ids: set[str] = set()
        existing_ids = set(Person.all_objects.values_list("public_id", flat=True))
        positions: dict[str, int] = defaultdict(int)
        this_year = timezone.now().year
        for row, data in iter_dicts(raw):
            ref = self.ref(s, row, data, "person_ref", self.person_refs, self.taken_persons)
            case_ref = self.text(s, row, data, "case_ref", 64)
            if not case_ref:
                self.required(s, row, data, "case_ref")
            elif case_ref not in self.case_refs and case_ref not in self.existing_cases:
                self.problem(
                    s,
                    row,
                    "case_ref",
                    case_ref,
                    _("is not a case in cases.csv or one you may change in the archive"),
                )
            birth_year = None
            raw_year = self.text(s, row, data, "birth_year")
            if raw_year:
                if raw_year.isdigit() and 1880 <= int(raw_year) <= this_year:
                    birth_year = int(raw_year)
                else:
                    self.problem(
                        s,
                        row,
                        "birth_year",
                        raw_year,
                        _("must be a year between 1880 and %(y)d") % {"y": this_year},
                    )
            province = None
            raw_province = self.text(s, row, data, "home_province")
            if raw_province:
                try:
                    province = self.places.find(raw_province)
                except (NotFound, Ambiguous) as exc:
                    self.problem(s, row, "home_province", raw_province, str(exc))
                else:
                    if province.kind != PlaceKind.PROVINCE:
                        self.problem(
                            s,
                            row,
                            "home_province",
                            raw_province,
                            _("is a place but not a province"),
                        )
                        province = None
            person = dict(
                ref=ref,
                public_id=self.public_id(s, row, data, public_ids, existing_ids),
                position=positions[case_ref],
                pseudonym=self.text(s, row, data, "pseudonym", 120),
                full_name=self.text(s, row, data, "full_name", 200),
                full_name_ko=self.text(s, row, data, "full_name_ko", 200),
                aliases=self.text(s, row, data, "aliases"),
                sex=self.choice(s, row, data, "sex", Sex, Sex.UNKNOWN),
                birth_year=birth_year,
                home_province_id=province.pk if province else None,
                status=self.choice(s, row, data, "status", Status, Status.UNKNOWN),
                reason=self.choice(s, row, data, "reason", Reason, Reason.UNKNOWN),
            )
            positions[case_ref] += 1
            self.plan.persons.append(person)
            self.plan.person_sheet_rows.append(row)
            self.plan.person_case_ref[ref] = case_ref
        # Persons added to a case already in the archive come after the ones it has.
        in_archive = {self.existing_cases[r] for r in positions if r in self.existing_cases}
        after = _next_positions(Person, "case_id", in_archive)
        for person in self.plan.persons:
            case_pk = self.existing_cases.get(self.plan.person_case_ref[person["ref"]])
            person["position"] += after.get(case_pk, 0)

    def validate_sources(self, raw: RawSheet) -> None:
        s = SOURCES.name
        for row, data in iter_dicts(raw):
            ref = self.ref(s, row, data, "source_ref", self.source_refs, self.taken_sources)
            date = self.edtf(s, row, data, "date")
            consent_raw = self.text(s, row, data, "consent_public")
            consent = consent_raw.casefold() in _YES
            if consent_raw.casefold() not in _YES | _NO:
                self.problem(s, row, "consent_public", consent_raw, _("must be yes or no"))
            self.plan.sources.append(
                dict(
                    ref=ref,
                    kind=self.choice(s, row, data, "kind", SourceKind, SourceKind.OTHER),
                    date=date.text if date else "",
                    connection=self.choice(
                        s, row, data, "connection", Connection, Connection.UNKNOWN
                    ),
                    reliability=self.choice(
                        s, row, data, "reliability", Reliability, Reliability.UNKNOWN
                    ),
                    consent_public=consent,
                    content_restricted=self.text(s, row, data, "content_restricted"),
                )
            )

    def _place(self, row: int, data: dict[str, str]) -> tuple[Place | None, str | None]:
        s = EVENTS.name
        name = self.text(s, row, data, "place", 200)
        country = self.text(s, row, data, "place_country").upper()
        if country and country not in ISO_ALPHA2:
            self.problem(
                s, row, "place_country", country, _("is not an ISO 3166 two-letter country code")
            )
            country = ""
        if not name:
            return None, None
        try:
            return self.places.find(name), None
        except Ambiguous as exc:
            self.problem(s, row, "place", name, str(exc))
            return None, None
        except NotFound:
            pass
        if not country:
            self.problem(
                s,
                row,
                "place",
                name,
                _("is not in the gazetteer; give place_country to add it as a new place"),
            )
            return None, None
        # Keyed like a lookup, not by slug: a slug drops Hangul, and every new place
        # named only in Hangul would otherwise become one place.
        key = fold(name) or name
        known = self.plan.new_places.get(key)
        if known and known["country"] != country:
            self.problem(
                s,
                row,
                "place_country",
                country,
                _("differs from an earlier row for the same new place"),
            )
        self.plan.new_places.setdefault(key, {"name": name, "country": country})
        return None, key

    def validate_events(self, raw: RawSheet) -> None:
        s = EVENTS.name
        seqs: dict[str, set[int]] = defaultdict(set)
        positions: dict[str, int] = defaultdict(int)
        known_sources = self.source_refs | set(self.existing_sources)
        archive_seqs: list[tuple[int, str, int]] = []
        for row, data in iter_dicts(raw):
            person_ref = self.text(s, row, data, "person_ref", 64)
            if not person_ref:
                self.required(s, row, data, "person_ref")
            elif person_ref not in self.person_refs and person_ref not in self.existing_persons:
                self.problem(
                    s,
                    row,
                    "person_ref",
                    person_ref,
                    _("is not a person in persons.csv or one you may change in the archive"),
                )
            seq = None
            raw_seq = self.text(s, row, data, "seq")
            if raw_seq:
                if raw_seq.isdigit() and int(raw_seq) < 2**31:
                    seq = int(raw_seq)
                    if seq in seqs[person_ref]:
                        self.problem(s, row, "seq", raw_seq, _("is used twice for the same person"))
                    seqs[person_ref].add(seq)
                else:
                    self.problem(s, row, "seq", raw_seq, _("must be a whole number (0 or more)"))
            kind_raw = self.text(s, row, data, "kind")
            kind = kind_raw.casefold().replace(" ", "_")
            if not kind_raw:
                self.required(s, row, data, "kind")
            elif kind not in _values(EventKind):
                self.problem(
                    s,
                    row,
                    "kind",
                    kind_raw,
                    _("is not one of: %(choices)s") % {"choices": ", ".join(EventKind.values)},
                )
            date = self.edtf(s, row, data, "date")
            place, new_place_key = self._place(row, data)
            agency = None
            agency_raw = self.text(s, row, data, "agency")
            if agency_raw:
                try:
                    agency = self.agencies.find(agency_raw)
                except (NotFound, Ambiguous) as exc:
                    self.problem(s, row, "agency", agency_raw, str(exc))
            refs = [
                r.strip() for r in self.text(s, row, data, "source_refs").split(";") if r.strip()
            ]
            for ref in refs:
                if ref not in known_sources:
                    self.problem(
                        s,
                        row,
                        "source_refs",
                        ref,
                        _("is not a source in sources.csv or one you may see in the archive"),
                    )
            event = dict(
                seq=seq,
                position=positions[person_ref],
                kind=kind,
                date=date.text if date else "",
                date_lower=date.lower if date else None,
                date_upper=date.upper if date else None,
                place_id=place.pk if place else None,
                agency_id=agency.pk if agency else None,
                custody_acknowledged=self.choice(
                    s,
                    row,
                    data,
                    "custody_acknowledged",
                    CustodyAcknowledged,
                    CustodyAcknowledged.UNKNOWN,
                ),
                description_public=self.text(s, row, data, "description_public"),
                description_restricted=self.text(s, row, data, "description_restricted"),
            )
            positions[person_ref] += 1
            self.plan.events.append((person_ref, event, list(dict.fromkeys(refs)), new_place_key))
            if seq is not None and person_ref in self.existing_persons:
                archive_seqs.append((row, person_ref, seq))
        # Events added to a chain already in the archive continue it: a seq it uses is
        # a duplicate (the database would refuse it), and file order comes after it.
        in_archive = {self.existing_persons[r] for r in positions if r in self.existing_persons}
        after = _next_positions(Event, "person_id", in_archive)
        for person_ref, event, *_rest in self.plan.events:
            event["position"] += after.get(self.existing_persons.get(person_ref), 0)
        if archive_seqs:
            taken = set(
                Event.all_objects.filter(person_id__in=in_archive, seq__isnull=False).values_list(
                    "person__ref", "seq"
                )
            )
            for row, person_ref, seq in archive_seqs:
                if (person_ref, seq) in taken:
                    self.problem(
                        s,
                        row,
                        "seq",
                        str(seq),
                        _("is already used by this person's events in the archive"),
                    )


def _next_positions(
    model: type[Person] | type[Event], parent: str, parent_ids: set[int]
) -> dict[int, int]:
    """The first free position under each parent already in the archive."""
    if not parent_ids:
        return {}
    rows = (
        model.objects.filter(**{f"{parent}__in": parent_ids})
        .values(parent)
        .annotate(last=models.Max("position"))
        .values_list(parent, "last")
    )
    return {pk: last + 1 for pk, last in rows}


def validate(path: Path, user: AbstractBaseUser | None = None) -> tuple[Plan, list[Problem]]:
    """Check every row as USER (whose rights decide which archive records the workbook
    may refer to). The system operator account may refer to any."""
    try:
        sheets = read_workbook(path)
    except InputRejected as exc:
        return Plan(), exc.problems
    validator = _Validator(sheets, user)
    plan = validator.run()
    return plan, validator.problems


_NAME_COLUMNS = (("full_name", "full_name_index"), ("full_name_ko", "full_name_ko_index"))


def likely_duplicates(plan: Plan, user: AbstractBaseUser | None) -> list[Problem]:
    """Rows naming a person whose full name (Latin or Hangul, however typed) is already
    in the archive, in any partner's records, or twice in the workbook.

    Matched through the blind index: no name is decrypted or compared in the clear. A
    match in a case the user may see names that case's person; a match elsewhere says
    only that another partner holds the name, so that the partners can compare notes
    without this import revealing the other record."""
    wanted: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row, person in zip(plan.person_sheet_rows, plan.persons, strict=True):
        for column, _index in _NAME_COLUMNS:
            index = blind_index(person[column]) if person[column] else ""
            if index:
                wanted[index].append((row, column))
    if not wanted:
        return []
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    keys = list(wanted)
    for start in range(0, len(keys), 500):  # keep each IN list within SQLite's limits
        chunk = keys[start : start + 500]
        rows = Person.objects.filter(
            models.Q(full_name_index__in=chunk) | models.Q(full_name_ko_index__in=chunk)
        ).values_list("full_name_index", "full_name_ko_index", "public_id", "case_id")
        for latin, hangul, public_id, case_id in rows:
            for index in {latin, hangul} & set(chunk):
                found[index].append((case_id, public_id))
    visible = set(visibility.visible_cases(user).values_list("pk", flat=True)) if found else set()
    notices: list[Problem] = []
    for index, places in wanted.items():
        for row, column in places:
            others = [r for r in places if r != (row, column)]
            if others:
                notices.append(
                    Problem(
                        PERSONS.name,
                        row,
                        column,
                        "",
                        _("has the same name as row %(row)d of this sheet (a likely duplicate)")
                        % {"row": others[0][0]},
                    )
                )
            for case_id, public_id in found.get(index, []):
                if case_id in visible:
                    reason = _(
                        "has the same name as person %(id)s already in the archive "
                        "(a likely duplicate)"
                    ) % {"id": public_id}
                else:
                    reason = _(
                        "has the same name as a person recorded by another partner (a likely "
                        "duplicate); ask the administrator to put you in touch"
                    )
                notices.append(Problem(PERSONS.name, row, column, "", reason))
    notices.sort(key=lambda p: (p.row or 0, p.column))
    return notices


# Columns written for each sheet, in insert order (the row dicts' keys plus the ones the
# writer fills in).
_CASE_COLUMNS = (
    "ref",
    "public_id",
    "title",
    "summary_public",
    "narrative_restricted",
    "reported_on",
    "verification",
    "confidentiality",
    "owner_id",
    "created_at",
    "updated_at",
    "version",
)
_PERSON_COLUMNS = (
    "ref",
    "public_id",
    "position",
    "pseudonym",
    "full_name",
    "full_name_ko",
    "aliases",
    "sex",
    "birth_year",
    "home_province_id",
    "status",
    "reason",
    "case_id",
    "created_at",
    "updated_at",
    "full_name_index",
    "full_name_ko_index",
    # Identity fields the workbook does not carry yet: stored empty, never NULL.
    "date_of_birth",
    "address",
    "family_contacts",
    "family_steps",
    "nationality",
    "version",
)
_SOURCE_COLUMNS = (
    "ref",
    "kind",
    "date",
    "connection",
    "reliability",
    "consent_public",
    "content_restricted",
    "created_at",
    "updated_at",
    "version",
)
_EVENT_COLUMNS = (
    "seq",
    "position",
    "kind",
    "date",
    "date_lower",
    "date_upper",
    "place_id",
    "agency_id",
    "custody_acknowledged",
    "description_public",
    "description_restricted",
    "person_id",
    "chain_index",
    "created_at",
    "updated_at",
    "version",
)
_LINK_COLUMNS = ("event_id", "source_id")


def _seal(
    model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Encrypt the values of MODEL's encrypted columns (irum.vault), as the ORM would."""
    sealed = [
        (i, field)
        for i, name in enumerate(columns)
        if isinstance(field := _field(model, name), EncryptedTextField)
    ]
    if not sealed:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i, field in sealed:
            row[i] = field.get_db_prep_save(row[i], connection)
        out.append(tuple(row))
    return out


def _field(model: type[models.Model], column: str) -> models.Field | None:
    try:
        return model._meta.get_field(column)
    except FieldDoesNotExist:
        return None


def _insert(
    model: type[models.Model],
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    history: dict[str, Any],
) -> list[int]:
    """Insert rows and their creation history rows; return the new ids. Encrypted
    columns are sealed once: the history table takes the same ciphertext (its associated
    data names the recorded model's column; see irum.vault.fields)."""
    rows = _seal(model, columns, rows)
    ids = bulk.insert(model, columns, rows)
    bulk.insert_history(model, columns, rows, ids, **history)
    return ids


def write(
    plan: Plan,
    *,
    actor: AbstractBaseUser | None,
    partner: Organization | None,
    label: str,
    duplicates: int = 0,
) -> ImportResult:
    now = timezone.now()
    stamp = bulk.adapt_datetime(now)
    history = {
        "when": now,
        "actor_id": actor.pk if actor else None,
        "reason": f"import {label}"[:100],
    }
    dates: dict[Any, Any] = {}

    def day(value):  # adapt each distinct date once, not once per row
        if value not in dates:
            dates[value] = bulk.adapt_date(value)
        return dates[value]

    with transaction.atomic():
        pagecache.clear_on_commit()  # the public pages may show what is imported
        created_places: dict[str, int] = {}
        for key, spec in plan.new_places.items():
            created_places[key] = place_upsert(
                actor=actor,
                slug=_free_slug(place_slug(spec["name"]) or "place"),
                name=spec["name"],
                kind=PlaceKind.OTHER,
                country=spec["country"],
                # Stored data, not a message: always English, whoever ran the import.
                source=f"added by the import of {label} on {now.date().isoformat()}; "
                "not in the sourced gazetteer",
            ).pk

        owner_id = partner.pk if partner else None
        case_rows = [
            (
                c["ref"],
                c["public_id"] or new_public_id("C"),
                c["title"],
                c["summary_public"],
                c["narrative_restricted"],
                c["reported_on"],
                c["verification"],
                c["confidentiality"],
                owner_id,
                stamp,
                stamp,
                1,
            )
            for c in plan.cases
        ]
        case_ids = _insert(Case, _CASE_COLUMNS, case_rows, history)
        case_pk = dict(
            Case.objects.filter(
                ref__in=set(plan.person_case_ref.values()) - {c["ref"] for c in plan.cases}
            ).values_list("ref", "pk")
        )
        case_pk.update(zip((c["ref"] for c in plan.cases), case_ids, strict=True))

        person_rows = [
            (
                p["ref"],
                p["public_id"] or new_public_id("P"),
                p["position"],
                p["pseudonym"],
                p["full_name"],
                p["full_name_ko"],
                p["aliases"],
                p["sex"],
                p["birth_year"],
                p["home_province_id"],
                p["status"],
                p["reason"],
                case_pk[plan.person_case_ref[p["ref"]]],
                stamp,
                stamp,
                blind_index(p["full_name"]),
                blind_index(p["full_name_ko"]),
                "",
                "",
                "",
                "",
                "",
                1,
            )
            for p in plan.persons
        ]
        person_ids = _insert(Person, _PERSON_COLUMNS, person_rows, history)
        new_person_pk = dict(zip((p["ref"] for p in plan.persons), person_ids, strict=True))
        # The names comment moderation must find (archive.models.ProtectedName), from the
        # plaintext still in hand rather than decrypted again.
        ProtectedName.objects.bulk_create(
            [
                ProtectedName(person_id=pk, digest=digest)
                for p, pk in zip(plan.persons, person_ids, strict=True)
                for digest in sorted(name_digests(p["full_name"], p["full_name_ko"], p["aliases"]))
            ],
            batch_size=2000,
        )

        source_rows = [
            (
                s["ref"],
                s["kind"],
                s["date"],
                s["connection"],
                s["reliability"],
                s["consent_public"],
                s["content_restricted"],
                stamp,
                stamp,
                1,
            )
            for s in plan.sources
        ]
        source_ids = _insert(Source, _SOURCE_COLUMNS, source_rows, history)

        # Chain order for new persons is decided here, from the validated rows; persons
        # already in the archive are renumbered by the service afterwards.
        chains: dict[str, list[Row]] = defaultdict(list)
        for person_ref, event, _refs, place_key in plan.events:
            if place_key:
                event["place_id"] = created_places[place_key]
            event["chain_index"] = 0
            chains[person_ref].append(event)
        for person_ref, events in chains.items():
            if person_ref in new_person_pk:
                events.sort(key=event_chain_key)
                for index, event in enumerate(events):
                    event["chain_index"] = index
        person_pk = {**plan_existing_persons(plan, new_person_pk), **new_person_pk}
        event_rows = [
            (
                e["seq"],
                e["position"],
                e["kind"],
                e["date"],
                day(e["date_lower"]),
                day(e["date_upper"]),
                e["place_id"],
                e["agency_id"],
                e["custody_acknowledged"],
                e["description_public"],
                e["description_restricted"],
                person_pk[person_ref],
                e["chain_index"],
                stamp,
                stamp,
                1,
            )
            for person_ref, e, _refs, _key in plan.events
        ]
        event_ids = _insert(Event, _EVENT_COLUMNS, event_rows, history)
        for (_ref, event, _refs, _key), pk in zip(plan.events, event_ids, strict=True):
            event["id"] = pk

        first = []
        for person_ref, events in chains.items():
            if person_ref in new_person_pk and (
                fdl := first_deprivation(events, kind=itemgetter("kind"))
            ):
                first.append((fdl["id"], new_person_pk[person_ref]))
        if first:
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(Person._meta.db_table)
                cursor.executemany(
                    f"UPDATE {table} SET first_deprivation_id = %s WHERE id = %s", first
                )

        source_pk = dict(zip((s["ref"] for s in plan.sources), source_ids, strict=True))
        wanted = {r for _p, _e, refs, _k in plan.events for r in refs} - set(source_pk)
        if wanted:
            source_pk.update(Source.objects.filter(ref__in=wanted).values_list("ref", "pk"))
        link_rows = [
            (event["id"], source_pk[r]) for _p, event, refs, _k in plan.events for r in refs
        ]
        _insert(EventSource, _LINK_COLUMNS, link_rows, history)
        # Persons that already had events get their whole chain renumbered.
        appended = [person_pk[r] for r in chains if r not in new_person_pk]
        for person in Person.objects.filter(pk__in=appended):
            person_reorder_events(actor=actor, person=person)
        # One audit entry for the import (its rows carry the same reason in history):
        # an entry per row would double the import's cost and say nothing more.
        audit_record(
            actor=actor,
            kind="import",
            partner=partner,
            record_type="exchange.workbook",
            record_id=label[:64],
            summary=(
                f"import {label}: {len(plan.cases)} cases, {len(plan.persons)} persons, "
                f"{len(plan.events)} events, {len(plan.sources)} sources"
            ),
            changes={
                "case_refs": [None, [c["ref"] for c in plan.cases][:1000]],
                "likely_duplicates": duplicates,
            },
        )
    return ImportResult(
        cases=len(plan.cases),
        persons=len(plan.persons),
        events=len(plan.events),
        sources=len(plan.sources),
        places_created=len(created_places),
    )


def event_chain_key(event: Row) -> tuple[int, Any, int]:
    return chain_sort_key(event["seq"], event["date_lower"], event["position"])


def plan_existing_persons(plan: Plan, new: dict[str, int]) -> dict[str, int]:
    refs = {ref for ref, *_ in plan.events} - set(new)
    return dict(Person.objects.filter(ref__in=refs).values_list("ref", "pk")) if refs else {}


def _free_slug(key: str) -> str:
    slug, n = key, 2
    while Place.objects.filter(slug=slug).exists():
        slug = f"{key[:110]}-{n}"
        n += 1
    return slug


def workbook_import(
    *,
    actor: AbstractBaseUser | None,
    path: Path,
    partner: Organization | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a workbook all or nothing, as ACTOR, whose rights apply: new cases go to
    PARTNER, which ACTOR must edit for; rows may add to cases ACTOR may change. Returns
    the counts, or every problem found."""
    refused = _partner_refused(actor, partner)
    if refused:
        return ImportResult(problems=[Problem("", None, "", "", refused)], dry_run=dry_run)
    plan, problems = validate(Path(path), actor)
    if problems:
        return ImportResult(problems=problems, dry_run=dry_run)
    duplicates = likely_duplicates(plan, actor)
    if dry_run:
        return ImportResult(
            cases=len(plan.cases),
            persons=len(plan.persons),
            events=len(plan.events),
            sources=len(plan.sources),
            places_created=len(plan.new_places),
            dry_run=True,
            likely_duplicates=duplicates,
        )
    result = write(
        plan, actor=actor, partner=partner, label=Path(path).name, duplicates=len(duplicates)
    )
    result.likely_duplicates = duplicates
    return result


def _partner_refused(actor: AbstractBaseUser | None, partner: Organization | None) -> str:
    if visibility.is_operator(actor):
        return ""
    if not visibility.partner_ids(actor, visibility.WRITE_ROLES):
        return _("Only editors of a partner organisation may import.")
    if partner is None:
        return _("Name the partner organisation that will own the new cases (--partner).")
    if partner.pk not in visibility.partner_ids(actor, visibility.WRITE_ROLES):
        return _("You may import only for a partner organisation you edit for.")
    return ""


__all__ = ["ImportResult", "Problem", "workbook_import"]
