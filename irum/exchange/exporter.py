"""Workbook export, format v1: the same sheets the importer reads, so a round trip loses
nothing. Every text cell that a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from irum.archive.models import Case, Event, EventSource, Person, Source
from irum.audit.services import audit_record
from irum.exchange.formats import (
    CASES,
    EVENTS,
    FORMULA_TRIGGERS,
    PERSONS,
    RESTRICTED_COLUMNS,
    SHEETS,
    SOURCES,
    Sheet,
    xlsx_escape,
)
from irum.gazetteer.lookup import Ambiguous, NotFound, place_index
from irum.gazetteer.models import Agency
from irum.partners import visibility

CHUNK = 5000
# A selection is sent to the database as a list of ids (see Scope.for_user); SQLite takes
# up to 32,766 parameters in one statement.
MAX_SELECTED_CASES = 30_000
# Excel holds at most this many characters in a cell, and openpyxl silently cuts a longer
# value to fit. A narrative that long has to go out as CSV instead.
XLSX_MAX_CELL = 32_767


class ExportError(Exception):
    """The archive cannot be written in the form asked for; no file was written."""


def neutralise(value: str) -> str:
    """Make a cell safe to open in a spreadsheet (OWASP's CSV-injection advice).

    A leading apostrophe marks the cell as text; the importer removes exactly one, so a
    value that itself starts with an apostrophe gets one more and survives the trip.
    """
    if value and (value[0] in FORMULA_TRIGGERS or value[0] == "'"):
        return "'" + value
    return value


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int]


@dataclass(frozen=True)
class Scope:
    """The records an export may hold: what its user may see (irum.partners.visibility)."""

    cases: QuerySet[Case]
    persons: QuerySet[Person]
    events: QuerySet[Event]
    sources: QuerySet[Source]
    include_restricted: bool = False

    @classmethod
    def for_user(
        cls,
        user: AbstractBaseUser | None,
        *,
        cases: QuerySet[Case] | None = None,
        include_restricted: bool = False,
    ) -> Scope:
        """What USER may see, narrowed to CASES when given (an admin selection, a
        filter): records outside what USER may see stay out whatever CASES holds."""
        if visibility.is_operator(user):
            scope = cls(
                Case.objects.all(), Person.objects.all(), Event.objects.all(), Source.objects.all()
            )
        else:
            scope = cls(
                visibility.visible_cases(user),
                visibility.visible_persons(user),
                visibility.visible_events(user),
                visibility.visible_sources(user),
            )
        if cases is not None:
            # The chosen cases as a list of ids: nesting the selection's own query (itself
            # through visibility) inside the scope's made queries deeper than SQLite parses.
            ids = list(cases.values_list("pk", flat=True)[: MAX_SELECTED_CASES + 1])
            if len(ids) > MAX_SELECTED_CASES:
                raise ExportError(
                    _(
                        "More than %(max)d cases are selected; narrow the filters, or "
                        "export without filters"
                    )
                    % {"max": MAX_SELECTED_CASES}
                )
            chosen = scope.cases.filter(pk__in=ids)
            persons = scope.persons.filter(case__in=chosen)
            events = scope.events.filter(person__in=persons)
            scope = cls(
                chosen,
                persons,
                events,
                scope.sources.filter(
                    pk__in=EventSource.objects.filter(event__in=events).values("source_id")
                ),
            )
        return cls(scope.cases, scope.persons, scope.events, scope.sources, include_restricted)

    def secret(self, record: Any, name: str) -> str:
        """A restricted value, or "" without reading (and decrypting) it."""
        return getattr(record, name) if self.include_restricted else ""

    def lean(self, queryset: QuerySet[Any], *names: str) -> QuerySet[Any]:
        """QUERYSET without the restricted columns NAMES unless they are wanted."""
        return queryset if self.include_restricted else queryset.defer(*names)

    def blank_restricted(self, sheet: Sheet, row: list[str]) -> list[str]:
        if self.include_restricted:
            return row
        return [
            "" if column in RESTRICTED_COLUMNS else value
            for column, value in zip(sheet.columns, row, strict=True)
        ]


def _cases(scope: Scope) -> Iterator[list[str]]:
    cases = scope.lean(scope.cases, "narrative_restricted")
    for c in cases.order_by("ref").iterator(chunk_size=CHUNK):
        yield [
            c.ref,
            c.public_id,
            c.title,
            c.summary_public,
            scope.secret(c, "narrative_restricted"),
            c.reported_on,
            c.verification,
            c.confidentiality,
        ]


# The workbook's identity columns, in sheet order (they are written in that place).
PERSON_SECRETS = tuple(c for c in PERSONS.columns if c in RESTRICTED_COLUMNS)
PERSON_COLUMNS = (
    "ref",
    "case",
    "public_id",
    "pseudonym",
    *PERSON_SECRETS,
    "sex",
    "birth_year",
    "home_province",
    "status",
    "reason",
    "position",
)


def _persons(scope: Scope) -> Iterator[list[str]]:
    persons = scope.lean(
        scope.persons.select_related("case", "home_province").only(
            *PERSON_COLUMNS, "case__ref", "home_province__name"
        ),
        *PERSON_SECRETS,
    )
    for p in persons.order_by("case__ref", "position", "pk").iterator(chunk_size=CHUNK):
        yield [
            p.ref,
            p.case.ref,
            p.public_id,
            p.pseudonym,
            *(scope.secret(p, name) for name in PERSON_SECRETS),
            p.sex,
            "" if p.birth_year is None else str(p.birth_year),
            p.home_province.name if p.home_province else "",
            p.status,
            p.reason,
        ]


def _sources(scope: Scope) -> Iterator[list[str]]:
    sources = scope.lean(scope.sources, "content_restricted")
    for s in sources.order_by("ref").iterator(chunk_size=CHUNK):
        yield [
            s.ref,
            s.kind,
            s.date,
            s.connection,
            s.reliability,
            "yes" if s.consent_public else "no",
            scope.secret(s, "content_restricted"),
        ]


def _events(scope: Scope) -> Iterator[list[str]]:
    index = place_index()
    place_label: dict[int, str] = {}
    for place in index.by_pk.values():
        # Write the name when it finds this place again on import, else the id.
        try:
            place_label[place.pk] = place.name if index.find(place.name) == place else place.slug
        except (NotFound, Ambiguous):
            place_label[place.pk] = place.slug
    place_country = {pk: p.country for pk, p in index.by_pk.items()}
    agency_slug: dict[int, str] = dict(Agency.objects.values_list("pk", "slug"))
    columns = [
        "pk",
        "person__ref",
        "seq",
        "kind",
        "date",
        "place_id",
        "agency_id",
        "custody_acknowledged",
        "description_public",
    ]
    if scope.include_restricted:
        columns.append("description_restricted")
    rows = (
        scope.events.order_by("person__case__ref", "person__position", "person_id", "chain_index")
        .values_list(*columns)
        .iterator(chunk_size=CHUNK)
    )
    for batch in _batches(rows, CHUNK):
        # The source links of this batch only, so memory stays flat however many events.
        sources_of: dict[int, list[str]] = defaultdict(list)
        for event_id, ref in (
            EventSource.objects.filter(event_id__in=[row[0] for row in batch])
            .order_by("pk")
            .values_list("event_id", "source__ref")
        ):
            sources_of[event_id].append(ref)
        for pk, person_ref, seq, kind, date, place_id, agency_id, ack, desc_pub, *secret in batch:
            country = place_country.get(place_id, "") if place_id else ""
            yield [
                person_ref,
                "" if seq is None else str(seq),
                kind,
                date,
                place_label.get(place_id, "") if place_id else "",
                "" if "/" in country else country,
                agency_slug.get(agency_id, "") if agency_id else "",
                ack,
                desc_pub,
                secret[0] if secret else "",
                ";".join(sources_of.get(pk, [])),
            ]


def _batches(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_PRODUCERS = {
    CASES.name: _cases,
    PERSONS.name: _persons,
    EVENTS.name: _events,
    SOURCES.name: _sources,
}


def _write_csv(fh: io.TextIOBase, sheet: Sheet, scope: Scope) -> int:
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(sheet.columns)
    n = 0
    for row in _PRODUCERS[sheet.name](scope):
        writer.writerow([neutralise(v) for v in scope.blank_restricted(sheet, row)])
        n += 1
    return n


def _write_xlsx_rows(ws: Any, sheet: Sheet, scope: Scope) -> int:
    n = 0
    for row in _PRODUCERS[sheet.name](scope):
        row = scope.blank_restricted(sheet, row)
        # Strings are written as text cells; neutralising keeps them inert when the sheet
        # is saved back to CSV by a spreadsheet.
        cells = [xlsx_escape(neutralise(v)) for v in row]
        for column, cell in zip(sheet.columns, cells, strict=True):
            if len(cell) > XLSX_MAX_CELL:
                raise ExportError(
                    _(
                        "%(sheet)s %(ref)s, %(column)s: %(n)d characters, more than an .xlsx "
                        "cell holds (%(max)d); export to a .zip or a folder of CSV files instead"
                    )
                    % {
                        "sheet": sheet.name,
                        "ref": row[0],
                        "column": column,
                        "n": len(cell),
                        "max": XLSX_MAX_CELL,
                    }
                )
        ws.append(cells)
        n += 1
    return n


def workbook_export(
    *,
    actor: AbstractBaseUser | None,
    path: Path,
    cases: QuerySet[Case] | None = None,
    include_restricted: bool = False,
) -> ExportResult:
    """Write what ACTOR may see of the archive (of CASES, when given) to PATH: .xlsx,
    .zip of CSVs, or a folder of CSVs. (The system operator account exports everything.)
    Identity fields and restricted texts are written only with INCLUDE_RESTRICTED."""
    path = Path(path)
    scope = Scope.for_user(actor, cases=cases, include_restricted=include_restricted)
    counts: dict[str, int] = {}
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        try:
            for sheet in SHEETS:
                ws = book.create_sheet(sheet.name)
                ws.append(list(sheet.columns))
                counts[sheet.name] = _write_xlsx_rows(ws, sheet, scope)
        except ExportError:
            # Finish the half-written sheets so openpyxl does not complain when they are
            # collected; nothing is saved to PATH.
            for ws in book.worksheets:
                if not ws.closed:
                    ws.close()
            raise
        book.save(path)
    elif suffix == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for sheet in SHEETS:
                # Streamed into the archive: a sheet is never held in memory whole.
                with archive.open(sheet.filename, "w", force_zip64=True) as raw:
                    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as fh:
                        counts[sheet.name] = _write_csv(fh, sheet, scope)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for sheet in SHEETS:
            # UTF-8 with a BOM, so that Korean Excel opens it without mangling Hangul.
            with (path / sheet.filename).open("w", encoding="utf-8-sig", newline="") as fh:
                counts[sheet.name] = _write_csv(fh, sheet, scope)
    audit_record(
        actor=actor,
        kind="export",
        record_type="exchange.workbook",
        record_id=path.name[:64],
        summary="export to "
        + path.name
        + ": "
        + ", ".join(f"{sheet} {n}" for sheet, n in counts.items()),
        changes={
            "include_restricted": include_restricted,
            "selection": cases is not None,
            "counts": counts,
        },
    )
    return ExportResult(path=path, counts=counts)
