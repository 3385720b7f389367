"""Uwazi CSV import (docs/uwazi.md).

FOOTPRINTS and the North Korean Prison Database run on HURIDOCS' Uwazi. This module reads
an Uwazi CSV file the way Uwazi's own CSV import reads it (huridocs/uwazi, app/api/csv:
headers are property labels or names, several values are joined with `|`, a geolocation
is `lat|lon`, a date range is `from:to`, dates follow the collection's date format) and
turns each row, as a mapping file directs, into rows of the workbook format (cases,
persons, events, sources).

Everything after that is the workbook importer's: it checks the rows with the same rules,
the same rights and the same all-or-nothing write, so the two imports cannot disagree.
Each workbook row remembers the Uwazi row and column it came from, and every problem is
reported there.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from irum.archive.models import (
    Case,
    Confidentiality,
    Connection,
    CustodyAcknowledged,
    EventKind,
    Reason,
    Reliability,
    Sex,
    SourceKind,
    Status,
    Verification,
)
from irum.exchange.formats import CASES, EVENTS, PERSONS, SOURCES
from irum.exchange.importer import (
    ImportResult,
    _partner_refused,
    _Validator,
    likely_duplicates,
    write,
)
from irum.exchange.problems import InputRejected, Problem
from irum.exchange.reader import MAX_CELL_CHARS, RawSheet, decode
from irum.gazetteer.models import Place, PlaceKind
from irum.lib.countries import ISO_ALPHA2
from irum.lib.text import fold
from irum.partners.models import Organization
from irum.vault.keys import blind_index_key

TEMPLATES = ("victims", "cases")

# Uwazi's property types (shared/propertyTypes in huridocs/uwazi) that a CSV column holds.
COLUMN_TYPES = (
    "text",
    "markdown",
    "generatedid",
    "numeric",
    "link",
    "select",
    "multiselect",
    "relationship",
    "date",
    "multidate",
    "daterange",
    "multidaterange",
    "geolocation",
)
_MULTI_TYPES = {"multiselect", "relationship", "multidate", "multidaterange"}
_DATE_TYPES = {"date", "multidate", "daterange", "multidaterange"}

# Uwazi's separators (app/api/csv/csvDefinitions.ts).
MULTI_SEPARATOR = "|"
RANGE_SEPARATORS = (":", "~")  # `from:to` on import; Uwazi's own export writes `from~to`
PARENT_CHILD = "::"

# What kind of value each Irum field takes, and which Uwazi column types can give it.
TEXT, CHOICE, DATE, YEAR, PLACE, LIST, REF = (
    "text",
    "choice",
    "date",
    "year",
    "place",
    "list",
    "ref",
)
ACCEPTS: dict[str, tuple[str, ...]] = {
    TEXT: ("text", "markdown", "generatedid", "numeric", "link", "select", "multiselect"),
    CHOICE: ("text", "select", "multiselect", "relationship", "generatedid"),
    DATE: ("date", "multidate", "daterange", "multidaterange", "text", "numeric"),
    YEAR: ("numeric", "date", "text", "select"),
    PLACE: ("geolocation", "select", "multiselect", "relationship", "text"),
    LIST: ("text", "select", "multiselect", "relationship", "generatedid"),
    REF: ("text", "generatedid", "numeric", "relationship", "select"),
}
CASE_FIELDS = {
    "ref": REF,
    "public_id": REF,
    "title": TEXT,
    "summary_public": TEXT,
    "narrative_restricted": TEXT,
    "reported_on": DATE,
    "verification": CHOICE,
    "confidentiality": CHOICE,
}
PERSON_FIELDS = {
    "public_id": REF,
    "pseudonym": TEXT,
    "full_name": TEXT,
    "full_name_ko": TEXT,
    "aliases": LIST,
    "sex": CHOICE,
    "birth_year": YEAR,
    "home_province": CHOICE,
    "status": CHOICE,
    "reason": CHOICE,
}
EVENT_FIELDS = {
    "seq": TEXT,
    "date": DATE,
    "place": PLACE,
    "place_country": CHOICE,
    "agency": CHOICE,
    "custody_acknowledged": CHOICE,
    "description_public": TEXT,
    "description_restricted": TEXT,
    "source_refs": LIST,
}
SOURCE_FIELDS = {
    "ref": REF,
    "kind": CHOICE,
    "date": DATE,
    "connection": CHOICE,
    "reliability": CHOICE,
    "consent_public": CHOICE,
    "content_restricted": TEXT,
}
# Constants the mapping gives are checked when it is read, not once per row.
_CONSTANT_CHOICES: dict[tuple[str, str], type[models.TextChoices]] = {
    ("case", "verification"): Verification,
    ("case", "confidentiality"): Confidentiality,
    ("person", "sex"): Sex,
    ("person", "status"): Status,
    ("person", "reason"): Reason,
    ("events", "custody_acknowledged"): CustodyAcknowledged,
    ("source", "kind"): SourceKind,
    ("source", "connection"): Connection,
    ("source", "reliability"): Reliability,
}
_TOP_KEYS = (
    "version",
    "template",
    "uwazi_template",
    "date_format",
    "language",
    "id",
    "geolocation_radius_km",
    "columns",
    "case",
    "person",
    "events",
    "source",
)
MAX_MAPPING_BYTES = 1_000_000
DEFAULT_DATE_FORMAT = "YYYY/MM/DD"  # importEntity.ts's default when the collection sets none
DEFAULT_RADIUS_KM = 2.0
# Two gazetteer points this close to each other are the same distance from a point.
_TIE_KM = 0.1


# -- the mapping file ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # as the mapping writes it: an Uwazi property label or name
    type: str = "text"
    values: dict[str, str] | None = None  # label key -> Irum value (a thesaurus's values)


@dataclass(frozen=True)
class Source:
    """Where one Irum field's value comes from: a column of the CSV, or a constant."""

    column: str | None = None
    constant: str | None = None


@dataclass
class EventSpec:
    kind: str
    fields: dict[str, Source]


@dataclass
class Mapping:
    template: str
    date_format: str = DEFAULT_DATE_FORMAT
    date_order: tuple[str, ...] = ("Y", "M", "D")
    language: str = ""
    id_column: str | None = None
    uwazi_template: str = ""
    radius_km: float = DEFAULT_RADIUS_KM
    columns: dict[str, Column] = field(default_factory=dict)  # by column_key(name)
    case: dict[str, Source] = field(default_factory=dict)
    person: dict[str, Source] = field(default_factory=dict)
    events: list[EventSpec] = field(default_factory=list)
    source: dict[str, Source] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return self.columns.get(column_key(name)) or Column(name)

    def used_columns(self) -> list[str]:
        names = [self.id_column] if self.id_column else []
        sections = [self.case, self.person, self.source, *(e.fields for e in self.events)]
        for section in sections:
            names += [s.column for s in section.values() if s.column]
        return list(dict.fromkeys(names))


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader (no Python objects, ever), stricter in three ways: every
    plain scalar stays text as written (YAML 1.1 would read `No`, a common thesaurus
    label, as false and `1.10` as 1.1), an alias is refused (a mapping file has no use
    for one, and nested aliases are how a few lines of YAML become gigabytes), and a
    key given twice is refused instead of silently keeping the last."""

    yaml_implicit_resolvers: dict = {}

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, _("aliases (*name) are not allowed"), self.peek_event().start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen = set()
        for key_node, _value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    _("the key %(key)r is given twice") % {"key": key},
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


# Uwazi's column for one language of a property: `title__en` (csvDefinitions.ts).
_LANGUAGE_SUFFIX = re.compile(r"(.*?)__([A-Za-z]{2,3})")


def column_key(label: str) -> str:
    """The key a column is matched by: its label or its Uwazi name, however spaced or
    punctuated (Uwazi names a property by its label with every other character made `_`;
    app/api/core/domain/template/utils/propertyNameGeneration.ts). Letters of any script
    count, so Hangul labels do not all collapse to underscores."""
    return re.sub(r"[\W_]+", "_", (label or "").strip().casefold()).strip("_")


def _label_key(label: str) -> str:
    return " ".join(label.casefold().split())


def _reject(name: str, reason: str, row: int | None = None) -> InputRejected:
    return InputRejected([Problem(name, row, "", "", reason)])


class _MappingReader:
    def __init__(self, name: str, template: str) -> None:
        self.name = name
        self.template = template
        self.problems: list[Problem] = []

    def problem(self, where: str, value: str, reason: str) -> None:
        self.problems.append(Problem(self.name, None, where, value, reason))

    def text(self, where: str, value: object) -> str | None:
        if isinstance(value, str):
            return value.strip()
        self.problem(where, "", _("must be a single value (text), not a list or a mapping"))
        return None

    def read(self, data: object) -> Mapping | None:
        if isinstance(data, dict):
            # `source:` with nothing after it is text here (every scalar is): no section.
            data = {k: v for k, v in data.items() if v != ""}
        if not isinstance(data, dict):
            self.problem("", "", _("must be a mapping of keys to values (see docs/uwazi.md)"))
            return None
        for key in data:
            if key not in _TOP_KEYS:
                self.problem(
                    str(key),
                    "",
                    _("is not a key of a mapping file; the keys are: %(keys)s")
                    % {"keys": ", ".join(_TOP_KEYS)},
                )
        mapping = Mapping(template=self.template)
        if "version" in data and self.text("version", data["version"]) not in ("1", None):
            self.problem("version", str(data["version"]), _("must be 1"))
        if "template" in data:
            template = self.text("template", data["template"])
            if template is not None and template != self.template:
                self.problem(
                    "template",
                    template,
                    _("differs from --template %(template)s") % {"template": self.template},
                )
        mapping.uwazi_template = self.text("uwazi_template", data.get("uwazi_template", "")) or ""
        self.read_date_format(mapping, data.get("date_format", DEFAULT_DATE_FORMAT))
        language = self.text("language", data.get("language", "")) or ""
        if language and not re.fullmatch(r"[A-Za-z]{2,3}", language):
            self.problem("language", language, _("must be a language code such as en or ko"))
        mapping.language = language.lower()
        if "id" in data:
            mapping.id_column = self.text("id", data["id"]) or None
        radius = self.text("geolocation_radius_km", data.get("geolocation_radius_km", "2"))
        try:
            mapping.radius_km = float(radius or "")
            if not 0 < mapping.radius_km <= 50:
                raise ValueError
        except ValueError:
            self.problem(
                "geolocation_radius_km", radius or "", _("must be a number of km above 0, up to 50")
            )
        self.read_columns(mapping, data.get("columns", {}))
        if self.template == "cases":
            for key in ("person", "events", "source"):
                if key in data:
                    self.problem(
                        key, "", _("is for the victims template; the cases template reads case:")
                    )
        mapping.case = self.read_section("case", data.get("case", {}), CASE_FIELDS, mapping)
        if self.template == "cases" and "ref" in mapping.case:
            self.problem("case.ref", "", _("is given by id: in the cases template"))
        if self.template == "victims":
            mapping.person = self.read_section(
                "person", data.get("person", {}), PERSON_FIELDS, mapping
            )
            mapping.source = self.read_section(
                "source", data.get("source", {}), SOURCE_FIELDS, mapping
            )
            self.read_events(mapping, data.get("events", []))
        return mapping

    def read_date_format(self, mapping: Mapping, value: object) -> None:
        text = self.text("date_format", value)
        if text is None:
            return
        # Uwazi upper-cases the collection's format (`dd/MM/yyyy` -> `DD/MM/YYYY`) and hands
        # it to moment.js (app/api/csv/typeParsers.ts); so do we.
        upper = text.upper()
        tokens = re.findall(r"Y+|M+|D+", upper)
        rest = re.sub(r"Y+|M+|D+", "", upper)
        order = tuple(t[0] for t in tokens)
        if (
            sorted(order) != ["D", "M", "Y"]
            or any(len(t) > 2 for t in tokens if t[0] != "Y")
            or any(len(t) != 4 for t in tokens if t[0] == "Y")
            or not re.fullmatch(r"[\s/.\-]*", rest)
        ):
            self.problem(
                "date_format",
                text,
                _(
                    "is not a date format Irum reads: give the day, the month and the "
                    "four-digit year, such as dd/MM/yyyy or YYYY-MM-DD"
                ),
            )
            return
        mapping.date_format, mapping.date_order = upper, order

    def read_columns(self, mapping: Mapping, data: object) -> None:
        if not isinstance(data, dict):
            self.problem("columns", "", _("must map each column name to its type"))
            return
        for name, spec in data.items():
            where = f"columns.{name}"
            values = None
            if isinstance(spec, str):
                kind = spec.strip() or "text"
            elif isinstance(spec, dict):
                unknown = set(spec) - {"type", "values"}
                if unknown:
                    self.problem(
                        where,
                        ", ".join(sorted(map(str, unknown))),
                        _("a column takes only type: and values:"),
                    )
                kind = self.text(f"{where}.type", spec.get("type", "text")) or "text"
                values = self.read_values(f"{where}.values", spec.get("values"))
            else:
                self.problem(where, "", _("must be a column type, or type: and values:"))
                continue
            if kind not in COLUMN_TYPES:
                self.problem(
                    f"{where}.type",
                    kind,
                    _("is not an Uwazi property type; the types are: %(types)s")
                    % {"types": ", ".join(COLUMN_TYPES)},
                )
                continue
            if values is not None and kind in _DATE_TYPES | {"geolocation"}:
                self.problem(
                    f"{where}.values", "", _("a %(type)s column takes no values:") % {"type": kind}
                )
            key = column_key(name)
            if key in mapping.columns:
                self.problem(where, "", _("names the same column as another entry"))
            mapping.columns[key] = Column(name, kind, values)

    def read_values(self, where: str, data: object) -> dict[str, str] | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            self.problem(where, "", _("must map each Uwazi value to an Irum value"))
            return None
        values: dict[str, str] = {}
        for label, target in data.items():
            text = self.text(f"{where}.{label}", target)
            if text is not None:
                values[_label_key(str(label))] = text
        return values

    def read_source(self, where: str, spec: object) -> Source | None:
        if isinstance(spec, str):
            if not spec.strip():
                self.problem(where, "", _("names no column"))
                return None
            return Source(column=spec.strip())
        if isinstance(spec, dict) and len(spec) == 1 and set(spec) <= {"value", "column"}:
            ((key, value),) = spec.items()
            text = self.text(f"{where}.{key}", value)
            if text is None:
                return None
            return Source(column=text) if key == "column" else Source(constant=text)
        self.problem(where, "", _("must be a column name, or value: with a constant"))
        return None

    def read_section(
        self,
        section: str,
        data: object,
        fields: dict[str, str],
        mapping: Mapping,
        choices: str = "",
    ) -> dict[str, Source]:
        if not isinstance(data, dict):
            self.problem(section, "", _("must map Irum fields to Uwazi columns"))
            return {}
        out: dict[str, Source] = {}
        for name, spec in data.items():
            where = f"{section}.{name}"
            if name not in fields:
                reason = _("is not an Irum field here; the fields are: %(fields)s") % {
                    "fields": ", ".join(fields)
                }
                if name == "ref" and section == "person":
                    reason = _("is given by id: (the column that identifies each row)")
                self.problem(where, "", reason)
                continue
            source = self.read_source(where, spec)
            if source is None:
                continue
            self.check_source(choices or section, name, fields[name], source, mapping, where)
            out[name] = source
        return out

    def check_source(
        self, section: str, name: str, kind: str, source: Source, mapping: Mapping, where: str
    ) -> None:
        if source.column is not None:
            column = mapping.column(source.column)
            if column.type not in ACCEPTS[kind]:
                self.problem(
                    where,
                    source.column,
                    _("is a %(type)s column; this field takes %(types)s")
                    % {"type": column.type, "types": ", ".join(ACCEPTS[kind])},
                )
            return
        value = source.constant or ""
        choices = _CONSTANT_CHOICES.get((section, name))
        if choices is not None and value:
            if value.casefold().replace(" ", "_").replace("-", "_") not in choices.values:
                self.problem(
                    where,
                    value,
                    _("is not one of: %(choices)s") % {"choices": ", ".join(choices.values)},
                )
        elif name == "consent_public" and value.casefold() not in ("", "yes", "no"):
            self.problem(where, value, _("must be yes or no"))
        elif name == "place_country" and value and value.upper() not in ISO_ALPHA2:
            self.problem(where, value, _("is not an ISO 3166 two-letter country code"))

    def read_events(self, mapping: Mapping, data: object) -> None:
        if not isinstance(data, list):
            self.problem("events", "", _("must be a list of events, each with its kind"))
            return
        for i, spec in enumerate(data, start=1):
            where = f"events[{i}]"
            if not isinstance(spec, dict):
                self.problem(where, "", _("must map Irum fields to Uwazi columns"))
                continue
            kind = self.text(f"{where}.kind", spec.get("kind", "")) or ""
            if kind.casefold().replace(" ", "_") not in EventKind.values:
                self.problem(
                    f"{where}.kind",
                    kind,
                    _("is not one of: %(choices)s") % {"choices": ", ".join(EventKind.values)},
                )
            rest = {k: v for k, v in spec.items() if k != "kind"}
            fields = self.read_section(where, rest, EVENT_FIELDS, mapping, choices="events")
            if not any(s.column for s in fields.values()):
                self.problem(where, "", _("takes no column: an event needs at least one"))
            mapping.events.append(EventSpec(kind.casefold().replace(" ", "_"), fields))


def load_mapping(path: Path, template: str) -> Mapping:
    """Read and check a mapping file. Raises InputRejected with every problem found."""
    path = Path(path)
    name = path.name
    if template not in TEMPLATES:
        raise InputRejected(
            [
                Problem(
                    "",
                    None,
                    "--template",
                    template,
                    _("must be one of: %(choices)s") % {"choices": ", ".join(TEMPLATES)},
                )
            ]
        )
    try:
        if not path.is_file():
            raise _reject(name, _("does not exist"))
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise _reject(name, _("is too large for a mapping file (over 1 MB)"))
        text = decode(path.read_bytes(), name)
        # yaml.safe_load, with _Loader (a SafeLoader) in place of SafeLoader itself.
        data = yaml.load(text, Loader=_Loader)
    except InputRejected:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputRejected(
            [
                Problem(
                    name,
                    mark.line + 1 if mark is not None else None,
                    "",
                    "",
                    _("is not valid YAML (%(reason)s)") % {"reason": problem},
                )
            ]
        ) from None
    except RecursionError:
        raise _reject(name, _("is nested too deeply")) from None
    except OSError as exc:
        raise _reject(name, _("cannot be read (%(reason)s)") % {"reason": exc.strerror}) from None
    reader = _MappingReader(name, template)
    mapping = reader.read(data if data is not None else {})
    if reader.problems or mapping is None:
        raise InputRejected(reader.problems)
    return mapping


# -- the CSV file --------------------------------------------------------------------------


@dataclass
class UwaziCsv:
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _delimiter(text: str) -> str:
    # Uwazi reads `,` or `;` (app/api/csv/csv.ts); a European Excel saves with `;`.
    first = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    return ";" if first.count(";") > first.count(",") else ","


def read_csv(path: Path) -> UwaziCsv:
    """Read an Uwazi CSV file into text cells. Raises InputRejected; never half-reads."""
    path = Path(path)
    name = path.name
    limit = int(settings.IRUM_IMPORT_MAX_BYTES)
    try:
        if not path.is_file():
            raise _reject(name, _("does not exist"))
        size = path.stat().st_size
        if size > limit:
            raise _reject(
                name,
                _("is %(size)d MB, larger than the limit of %(limit)d MB (IRUM_IMPORT_MAX_BYTES)")
                % {"size": size // 2**20, "limit": limit // 2**20},
            )
        data = path.read_bytes()
    except OSError as exc:
        raise _reject(name, _("cannot be read (%(reason)s)") % {"reason": exc.strerror}) from None
    if not data.strip():
        raise _reject(name, _("is empty"))
    text = decode(data, name)
    max_rows = int(settings.IRUM_IMPORT_MAX_ROWS)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_delimiter(text),
        strict=True,
        skipinitialspace=True,  # Uwazi's own test files put a space after each comma
    )
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    row_no = 0
    old_limit = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        for row_no, cells in enumerate(reader, start=1):
            if row_no == 1:
                header = [c.strip().lstrip("\ufeff").strip() for c in cells]
                while header and not header[-1]:
                    header.pop()  # Uwazi's test files end each line with a comma
                continue
            if not "".join(cells).strip():
                continue
            if len(rows) >= max_rows:
                raise _reject(name, _("has more than %(n)d rows") % {"n": max_rows})
            rows.append((row_no, cells))
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = _("has a cell longer than %(n)d characters") % {"n": MAX_CELL_CHARS}
        elif "unexpected end of data" in reason:
            reason = _(
                'has a quoted cell that is never closed: a " opens it and no " ends it '
                "(write a quote inside a cell as two quotes)"
            )
        else:
            reason = _("is not valid CSV (%(reason)s)") % {"reason": reason}
        raise _reject(name, reason, row_no + 1) from None
    finally:
        csv.field_size_limit(old_limit)
    if not any(header):
        raise _reject(name, _("is empty: it has no header row"))
    return UwaziCsv(name, header, rows)


# -- cell values ---------------------------------------------------------------------------


class _Bad(Exception):
    """A cell that cannot be read; the message says why."""


_TIMESTAMP = re.compile(r"-\d+|\d{5,}")
_YEAR = re.compile(r"\d{4}")
_LONG_DATE = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")  # moment's LL format
_DATE_SEPARATORS = re.compile(r"[\s/.\-]+")
_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def uwazi_date(text: str, order: tuple[str, ...], date_format: str) -> str:
    """An Uwazi date as EDTF. Uwazi reads a date in the collection's format, or as
    `LL` (December 17, 1995), YYYY MM DD, YYYY/MM/DD, YYYY-MM-DD or YYYY
    (app/api/csv/typeParsers.ts), and stores it as a Unix timestamp (seconds, UTC), as it
    hands out through its API. A bare year or year and month stays that coarse: Uwazi
    would make it 1 January, and Irum never adds precision a source did not give."""
    value = text.strip()
    if _TIMESTAMP.fullmatch(value):
        try:
            day = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(value))
        except (OverflowError, ValueError):
            raise _Bad(_("is not a date: the timestamp is out of range")) from None
        return day.date().isoformat()
    if _YEAR.fullmatch(value):
        return value
    if match := _LONG_DATE.fullmatch(value):
        month = _MONTHS.get(match[1].casefold())
        if month and (iso := _day(int(match[3]), month, int(match[2]))):
            return iso
    parts = _DATE_SEPARATORS.split(value)
    if all(p.isdigit() for p in parts):
        if len(parts) == 3:
            for candidate in (order, ("Y", "M", "D")):
                got = dict(zip(candidate, parts, strict=True))
                if len(got["Y"]) == 4 and len(got["M"]) <= 2 and len(got["D"]) <= 2:
                    if iso := _day(int(got["Y"]), int(got["M"]), int(got["D"])):
                        return iso
        elif len(parts) == 2:
            year, month = (parts[0], parts[1]) if len(parts[0]) == 4 else (parts[1], parts[0])
            if len(year) == 4 and len(month) <= 2 and 1 <= int(month) <= 12:
                return f"{year}-{int(month):02d}"
    raise _Bad(
        _(
            "is not a date in the form %(format)s (nor YYYY-MM-DD, a year, "
            '"December 17, 1995" or a Unix timestamp)'
        )
        % {"format": date_format}
    )


def uwazi_range(text: str, order: tuple[str, ...], date_format: str) -> str:
    """An Uwazi date range, `from:to` (or `from~to`, as Uwazi exports it), as an EDTF
    interval; an empty end is open (`..`)."""
    for separator in RANGE_SEPARATORS:
        if separator in text:
            ends = text.split(separator)
            break
    else:
        ends = []
    if len(ends) != 2:
        raise _Bad(_("is not a date range: write it as from:to, such as 2013/04/15:2013/06/30"))
    low, high = (uwazi_date(end, order, date_format) if end.strip() else ".." for end in ends)
    return "" if low == high == ".." else f"{low}/{high}"


def title_ref(template: str, title: str) -> str:
    """A stable ref made from an Uwazi title, for rows without an id column: the same
    title gives the same ref on every import (so a re-import is refused as a duplicate,
    not added twice). Keyed, like the blind index, because a victim's title is usually
    their name and a plain hash of a name is easily reversed."""
    key = fold(title) or title.strip()
    digest = hmac.new(
        blind_index_key(), f"uwazi-ref\x00{template}\x00{key}".encode(), hashlib.sha256
    ).hexdigest()
    return f"uwazi-{template}-{digest[:16]}"


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _formula_reason() -> str:
    return _("is a spreadsheet formula; type the value itself (start it with ' if it is text)")


# -- the conversion --------------------------------------------------------------------------

Origin = tuple[int, dict[str, str]]  # Uwazi row, and workbook column -> Uwazi column


class _Converter:
    """Turns Uwazi rows into workbook sheets, remembering where each cell came from."""

    def __init__(self, mapping: Mapping, data: UwaziCsv) -> None:
        self.mapping = mapping
        self.data = data
        self.name = data.name
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.sheets = {
            s.name: RawSheet(s.name, list(s.columns)) for s in (CASES, PERSONS, EVENTS, SOURCES)
        }
        self.origin: dict[tuple[str, int], Origin] = {}
        self.index: dict[str, int] = {}  # mapping column name -> position in the header
        self.shown: dict[str, str] = {}  # a ref made from a title -> that title
        self._events = 0
        self._places: list[tuple[str, float, float, str]] | None = None
        self._place_at: dict[tuple[float, float], str | _Bad] = {}

    # -- header ----------------------------------------------------------------------------

    def header_problem(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.name, 1, column, "", reason))

    def resolve_columns(self) -> None:
        """Find every column the mapping names; a missing one stops the import before a
        row is read, since every row would be wrong the same way."""
        found: dict[str, dict[str | None, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, header in enumerate(self.data.header):
            match = _LANGUAGE_SUFFIX.fullmatch(header)
            base, language = (match[1], match[2].lower()) if match else (header, None)
            if column_key(base):
                found[column_key(base)][language].append(i)
        names = self.mapping.used_columns()
        plain = {column_key(n) for n in names if not _LANGUAGE_SUFFIX.fullmatch(n.strip())}
        if not self.mapping.id_column and "title" not in plain:
            names.append("Title")
        for name in names:
            column = self.mapping.column(name)
            match = _LANGUAGE_SUFFIX.fullmatch(name.strip())
            wanted = match[2].lower() if match else None
            keys = [column_key(match[1] if match else name)]
            if column.type == "geolocation":
                # Uwazi names a geolocation property `<label>_geolocation`.
                keys.append(f"{keys[0]}_geolocation")
            entry = next((found[k] for k in keys if k in found), None)
            if entry is None:
                if keys[0] == "title" and not self.mapping.id_column:
                    reason = _(
                        "is missing: without id: in the mapping, each row's ref is made "
                        "from its Title"
                    )
                else:
                    reason = _(
                        "is named in the mapping but is not a column of this file; its "
                        "columns are: %(columns)s"
                    ) % {"columns": ", ".join(h for h in self.data.header if h)}
                self.header_problem(name, reason)
                continue
            positions = self.pick_language(name, entry, wanted)
            if positions is None:
                continue
            if len(positions) > 1:
                self.header_problem(
                    name,
                    _("matches several columns of this file (%(columns)s)")
                    % {"columns": ", ".join(self.data.header[i] for i in positions)},
                )
                continue
            self.index[name] = positions[0]
            if keys[0] == "title" and wanted is None:
                self.index.setdefault("Title", positions[0])  # however the mapping spells it
        read = set(self.index.values())
        if self.mapping.uwazi_template and "template" in found:
            read.update(found["template"][None])
        unread = [h for i, h in enumerate(self.data.header) if h and i not in read]
        if unread:
            self.warnings.append(
                _("columns not in the mapping, not read: %(columns)s")
                % {"columns": ", ".join(unread)}
            )

    def pick_language(
        self, name: str, entry: dict[str | None, list[int]], wanted: str | None
    ) -> list[int] | None:
        # Uwazi's rules (app/api/csv/validateColumns.ts): a property is either in one
        # column or in one column per language, never both.
        languages = sorted(k for k in entry if k is not None)
        if wanted is not None:
            if wanted in entry:
                return entry[wanted]
        elif None in entry and languages:
            self.header_problem(
                name,
                _(
                    "has a column with no language and columns in %(languages)s; "
                    "keep one or the other"
                )
                % {"languages": ", ".join(languages)},
            )
            return None
        elif None in entry:
            return entry[None]
        else:
            wanted = self.mapping.language or (languages[0] if len(languages) == 1 else None)
            if wanted is None:
                self.header_problem(
                    name,
                    _(
                        "is in several languages (%(languages)s); say which with language: "
                        "in the mapping"
                    )
                    % {"languages": ", ".join(languages)},
                )
                return None
            if wanted in entry:
                return entry[wanted]
        self.header_problem(
            name,
            _("has no column in language %(language)s (it has %(languages)s)")
            % {"language": wanted, "languages": ", ".join(languages) or "-"},
        )
        return None

    # -- cells -----------------------------------------------------------------------------

    def place_at(self, lat: float, lon: float) -> str:
        """The gazetteer place at a point. A point is never turned into a new place:
        many facilities have no public coordinates, and inventing a place from a click on
        a map would put it on Irum's maps as if it were known."""
        if self._places is None:
            self._places = list(
                Place.objects.filter(lat__isnull=False, lon__isnull=False).values_list(
                    "slug", "lat", "lon", "kind"
                )
            )
        key = (round(lat, 6), round(lon, 6))
        if key not in self._place_at:
            self._place_at[key] = self._nearest(lat, lon)
        answer = self._place_at[key]
        if isinstance(answer, _Bad):
            raise _Bad(str(answer))
        return answer

    def _nearest(self, lat: float, lon: float) -> str | _Bad:
        radius = self.mapping.radius_km
        near = sorted(
            (d, slug, kind)
            for slug, plat, plon, kind in self._places or []
            if (d := _haversine_km(lat, lon, plat, plon)) <= radius
        )
        if not near:
            return _Bad(
                _(
                    "is not within %(km)s km of any place in the gazetteer; add the place "
                    "there first, or map this column by place name"
                )
                % {"km": f"{radius:g}"}
            )
        tied = [(slug, kind) for d, slug, kind in near if d <= near[0][0] + _TIE_KM]
        # A province's point is its capital's: a point there means the town.
        specific = [slug for slug, kind in tied if kind != PlaceKind.PROVINCE]
        chosen = specific or [slug for slug, _kind in tied]
        if len(chosen) == 1:
            return chosen[0]
        return _Bad(
            _("is as near to several gazetteer places (%(places)s); map this column by place name")
            % {"places": ", ".join(sorted(chosen))}
        )

    def values(self, row: int, cells: list[str], source: Source, kind: str) -> list[str] | None:
        """The values one field takes from one row; None if the cell is bad (reported)."""
        if source.constant is not None:
            return [source.constant] if source.constant else []
        name = source.column or ""
        position = self.index[name]
        raw = cells[position] if position < len(cells) else ""
        try:
            return self.parse(self.mapping.column(name), raw, kind)
        except _Bad as exc:
            self.problems.append(
                Problem(self.name, row, self.data.header[position], raw.strip(), str(exc))
            )
            return None

    def parse(self, column: Column, raw: str, kind: str) -> list[str]:
        text = raw.strip()
        if not text:
            return []
        if column.type in _MULTI_TYPES:
            parts = [p.strip() for p in text.split(MULTI_SEPARATOR)]
        else:
            parts = [text]
        out: list[str] = []
        for part in parts:
            if "\x00" in part:
                raise _Bad(_("contains a NUL character"))
            if part.startswith("="):
                raise _Bad(_formula_reason())
            if part.startswith("'"):
                part = part[1:]  # Excel's "this is text" marker, as the workbook reads it
            if part and (value := self.convert(column, part, kind)):
                out.append(value)
        return list(dict.fromkeys(out))

    def convert(self, column: Column, part: str, kind: str) -> str:
        m = self.mapping
        type_ = column.type
        if type_ == "geolocation":
            return self.place_at(*self.point(part))
        if type_ in ("date", "multidate"):
            value = uwazi_date(part, m.date_order, m.date_format)
            return value[:4] if kind == YEAR else value
        if type_ in ("daterange", "multidaterange"):
            return uwazi_range(part, m.date_order, m.date_format)
        if type_ == "numeric":
            try:
                number = float(part)
            except ValueError:
                raise _Bad(_("is not a number")) from None
            if kind == DATE:
                return uwazi_date(part, m.date_order, m.date_format)
            if kind == YEAR and number.is_integer():
                return str(int(number))
            return part
        if type_ == "link":
            # Uwazi writes a link as label|url (app/api/csv/typeFormatters.ts).
            label, _bar, url = part.partition(MULTI_SEPARATOR)
            return f"{label} ({url})" if url and label and label != url else (url or label)
        if column.values is not None:
            return self.lookup(column, part)
        if type_ in ("select", "multiselect") and PARENT_CHILD in part:
            # A thesaurus value in a group is written Group::Value; the value is meant.
            return part.split(PARENT_CHILD, 1)[1].strip()
        return part

    def point(self, text: str) -> tuple[float, float]:
        parts = text.split(MULTI_SEPARATOR)
        try:
            if len(parts) != 2:
                raise ValueError
            lat, lon = float(parts[0]), float(parts[1])
            if not (math.isfinite(lat) and math.isfinite(lon)):
                raise ValueError
        except ValueError:
            raise _Bad(
                _("is not a geolocation: write latitude|longitude, such as 41.83|129.72")
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _Bad(_("is not a geolocation: latitude or longitude out of range"))
        return lat, lon

    def lookup(self, column: Column, part: str) -> str:
        values = column.values or {}
        key = _label_key(part)
        if key in values:
            return values[key]
        if PARENT_CHILD in part:
            child = _label_key(part.split(PARENT_CHILD, 1)[1])
            if child in values:
                return values[child]
        known = sorted(values)
        shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
        raise _Bad(
            _("is not one of the values the mapping gives for this column (%(values)s)")
            % {"values": shown}
        )

    def single(self, row: int, source: Source, values: list[str], field_name: str) -> str:
        if len(values) > 1:
            position = self.index.get(source.column or "")
            self.problems.append(
                Problem(
                    self.name,
                    row,
                    self.data.header[position] if position is not None else field_name,
                    MULTI_SEPARATOR.join(values),
                    _("holds %(n)d values; %(field)s takes one")
                    % {"n": len(values), "field": field_name},
                )
            )
            return ""
        return values[0] if values else ""

    def where(self, source: Source, field_name: str) -> str:
        if source.column is None:
            return _("%(field)s (a constant of the mapping)") % {"field": field_name}
        return self.data.header[self.index[source.column]]

    def section(
        self,
        row: int,
        cells: list[str],
        specs: dict[str, Source],
        kinds: dict[str, str],
        columns: dict[str, str],
    ) -> tuple[dict[str, str], dict[str, str], bool]:
        """One section's workbook cells from one row, where each came from, and whether
        any column gave a value."""
        values: dict[str, str] = {}
        where: dict[str, str] = {}
        from_columns = False
        for name, source in specs.items():
            got = self.values(row, cells, source, kinds[name])
            column = columns.get(name, name)
            where[column] = self.where(source, name)
            if not got:
                continue
            from_columns |= source.column is not None
            if kinds[name] == LIST:
                values[column] = "; ".join(got)
            else:
                values[column] = self.single(row, source, got, name)
        return values, where, from_columns

    def emit(
        self, sheet: str, synthetic: int, row: int, values: dict[str, str], where: dict[str, str]
    ) -> None:
        raw = self.sheets[sheet]
        raw.rows.append((synthetic, [_keep_apostrophe(values.get(c, "")) for c in raw.header]))
        self.origin[(sheet, synthetic)] = (row, where)

    # -- rows ------------------------------------------------------------------------------

    def rows(self) -> list[tuple[int, list[str]]]:
        wanted = self.mapping.uwazi_template
        template_at = next(
            (i for i, h in enumerate(self.data.header) if column_key(h) == "template"), None
        )
        rows = []
        skipped = 0
        width = len(self.data.header)
        for row, cells in self.data.rows:
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                self.problems.append(
                    Problem(
                        self.name,
                        row,
                        "",
                        extra[0],
                        _(
                            "has %(n)d cells but the header has %(m)d columns: a cell that "
                            "holds a comma must be in quotes"
                        )
                        % {"n": len(cells), "m": width},
                    )
                )
                continue
            if wanted and template_at is not None and template_at < len(cells):
                if fold(cells[template_at]) != fold(wanted):
                    skipped += 1
                    continue
            rows.append((row, cells))
        if skipped:
            self.warnings.append(
                ngettext(
                    "%(n)d row of another Uwazi template (not %(template)s) was skipped",
                    "%(n)d rows of other Uwazi templates (not %(template)s) were skipped",
                    skipped,
                )
                % {"n": skipped, "template": wanted}
            )
        return rows

    def ref(self, row: int, cells: list[str], seen: dict[str, int]) -> tuple[str, str]:
        """The row's ref, and the column it came from."""
        m = self.mapping
        column = m.id_column or "Title"
        where = self.data.header[self.index[column]]
        got = self.values(row, cells, Source(column=column), REF)
        if got is None:
            return "", where
        if not got:
            reason = (
                _("is empty: every row needs an id (the mapping's id: column)")
                if m.id_column
                else _(
                    "is empty: without id: in the mapping, each row's ref is made from its Title"
                )
            )
            self.problems.append(Problem(self.name, row, where, "", reason))
            return "", where
        value = self.single(row, Source(column=column), got, "id")
        if not value or m.id_column:
            return value, where
        ref = title_ref(m.template, value)
        self.shown[ref] = value
        if ref in seen:
            self.problems.append(
                Problem(
                    self.name,
                    row,
                    where,
                    value,
                    _(
                        "is the same title as row %(row)d, and without id: in the mapping "
                        "the title is the ref; map an id column so each row has its own"
                    )
                    % {"row": seen[ref]},
                )
            )
        seen.setdefault(ref, row)
        return ref, where

    def convert_cases(self) -> None:
        seen: dict[str, int] = {}
        for row, cells in self.rows():
            ref, where = self.ref(row, cells, seen)
            values, origin, _any = self.section(row, cells, self.mapping.case, CASE_FIELDS, {})
            values["case_ref"], origin["case_ref"] = ref, where
            self.emit(CASES.name, row, row, values, origin)

    def convert_victims(self) -> None:
        m = self.mapping
        seen: dict[str, int] = {}
        case_spec = {k: v for k, v in m.case.items() if k != "ref"}
        new_cases: dict[str, tuple[int, dict[str, str], dict[str, str]]] = {}
        for row, cells in self.rows():
            ref, where = self.ref(row, cells, seen)
            person, origin, _any = self.section(row, cells, m.person, PERSON_FIELDS, {})
            person["person_ref"], origin["person_ref"] = ref, where
            case_ref, case_where = self.case_ref(row, cells, ref, where)
            person["case_ref"], origin["case_ref"] = case_ref, case_where
            self.emit(PERSONS.name, row, row, person, origin)
            if case_ref:
                case, case_origin, _any = self.section(row, cells, case_spec, CASE_FIELDS, {})
                case["case_ref"], case_origin["case_ref"] = case_ref, case_where
                if "title" not in case_spec and case_ref in self.shown:
                    # A case named by a relationship cell keeps its Uwazi title.
                    case["title"], case_origin["title"] = self.shown[case_ref], case_where
                self.merge_case(row, case_ref, case, case_origin, new_cases)
            source_ref = self.convert_source(row, cells, ref)
            for spec in m.events:
                self.convert_event(row, cells, ref, spec, source_ref)
        # A case named by the case column that is already in the archive is added to,
        # never rewritten: its row is left out, and the validator decides whether this
        # user may add to it. A victim's own case (no case column) is always new.
        taken = _existing_case_refs(list(new_cases)) if "ref" in m.case else set()
        for case_ref, (row, case, case_origin) in new_cases.items():
            if case_ref not in taken:
                self.emit(CASES.name, row, row, case, case_origin)

    def case_ref(self, row: int, cells: list[str], ref: str, where: str) -> tuple[str, str]:
        source = self.mapping.case.get("ref")
        if source is None:
            return ref, where  # each victim gets a case of their own, with the same ref
        got = self.values(row, cells, source, REF)
        column = self.where(source, "case.ref")
        if got is None:
            return "", column
        if not got:
            self.problems.append(
                Problem(
                    self.name,
                    row,
                    column,
                    "",
                    _("is empty: the mapping takes each victim's case from this column"),
                )
            )
            return "", column
        value = self.single(row, source, got, "case.ref")
        if value and source.column and self.mapping.column(source.column).type == "relationship":
            # A relationship cell holds the related entity's title: the ref the cases
            # template gives a case imported without id:.
            title, value = value, title_ref("cases", value)
            self.shown[value] = title
        return value, column

    def merge_case(
        self,
        row: int,
        case_ref: str,
        case: dict[str, str],
        origin: dict[str, str],
        new_cases: dict[str, tuple[int, dict[str, str], dict[str, str]]],
    ) -> None:
        if case_ref not in new_cases:
            new_cases[case_ref] = (row, case, origin)
            return
        first_row, first, _origin = new_cases[case_ref]
        for column, value in case.items():
            if not value or column == "case_ref":
                continue
            if first.get(column) and first[column] != value:
                self.problems.append(
                    Problem(
                        self.name,
                        row,
                        origin.get(column, column),
                        value,
                        _("differs from row %(row)d, which gives this case's %(field)s")
                        % {"row": first_row, "field": column},
                    )
                )
            else:
                first[column] = value

    def convert_source(self, row: int, cells: list[str], ref: str) -> str:
        spec = self.mapping.source
        if not spec:
            return ""
        values, origin, any_column = self.section(
            row, cells, spec, SOURCE_FIELDS, {"ref": "source_ref"}
        )
        if not any_column:
            return ""
        if not values.get("source_ref") and "source_ref" not in origin:
            values["source_ref"] = f"{ref}-source" if ref else ""
            origin["source_ref"] = self.data.header[self.index[self.mapping.id_column or "Title"]]
        self.emit(SOURCES.name, row, row, values, origin)
        return values.get("source_ref", "")

    def convert_event(
        self, row: int, cells: list[str], ref: str, spec: EventSpec, source_ref: str
    ) -> None:
        fields: dict[str, list[str]] = {}
        where: dict[str, str] = {
            "person_ref": self.where(Source(column=self.mapping.id_column or "Title"), "id")
        }
        where["kind"] = self.where(Source(constant=spec.kind), "kind")
        from_columns = False
        for name, source in spec.fields.items():
            got = self.values(row, cells, source, EVENT_FIELDS[name])
            where[name] = self.where(source, name)
            if got:
                fields[name] = got
                from_columns |= source.column is not None
        if not from_columns:
            return
        # A field with several values (a multiselect of places, a multidate) makes one
        # event per value; two such fields could not be paired up.
        repeated = [n for n, v in fields.items() if len(v) > 1 and EVENT_FIELDS[n] != LIST]
        if len(repeated) > 1:
            self.problems.append(
                Problem(
                    self.name,
                    row,
                    where[repeated[1]],
                    MULTI_SEPARATOR.join(fields[repeated[1]]),
                    _(
                        "holds several values, and so does %(other)s: an event repeats for "
                        "the values of one column only"
                    )
                    % {"other": where[repeated[0]]},
                )
            )
            return
        copies = fields[repeated[0]] if repeated else [None]
        for copy in copies:
            values = {"person_ref": ref, "kind": spec.kind}
            for name, got in fields.items():
                if EVENT_FIELDS[name] == LIST:
                    values[name] = "; ".join(got)
                else:
                    values[name] = copy if repeated and name == repeated[0] else got[0]
            if source_ref:
                values["source_refs"] = "; ".join(
                    filter(None, (values.get("source_refs", ""), source_ref))
                )
                where.setdefault(
                    "source_refs", self.data.header[self.index[self.mapping.id_column or "Title"]]
                )
            self._events += 1
            self.emit(EVENTS.name, self._events, row, values, dict(where))


def _keep_apostrophe(value: str) -> str:
    # A cell this layer read is no formula (it refused those); one that was marked as
    # text (`'=…`) keeps its marker for the validator to drop.
    return f"'{value}" if value.startswith(("'", "=")) else value


def _existing_case_refs(refs: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(refs), 500):  # keep each IN list within SQLite's limits
        chunk = refs[start : start + 500]
        taken.update(Case.all_objects.filter(ref__in=chunk).values_list("ref", flat=True))
    return taken


# -- the import ----------------------------------------------------------------------------


@dataclass
class UwaziResult(ImportResult):
    # Things the person should know that do not stop the import (unread columns, refs
    # made from titles).
    warnings: list[str] = field(default_factory=list)


def _back(problem: Problem, converter: _Converter) -> Problem:
    """A workbook problem, told at the Uwazi row and column (and value) it came from."""
    value = converter.shown.get(problem.value, problem.value)
    found = converter.origin.get((problem.sheet, problem.row or 0))
    if found is None:
        return Problem(converter.name, None, problem.column, value, problem.reason)
    row, where = found
    return Problem(
        converter.name, row, where.get(problem.column, problem.column), value, problem.reason
    )


def uwazi_import(
    *,
    actor: AbstractBaseUser | None,
    path: Path,
    template: str,
    mapping_path: Path,
    partner: Organization | None = None,
    dry_run: bool = False,
) -> UwaziResult:
    """Import an Uwazi CSV file all or nothing, as ACTOR, with the workbook importer's
    rules and rights (docs/workbook.md, docs/uwazi.md). Returns the counts, or every
    problem found, each at its Uwazi row and column."""
    refused = _partner_refused(actor, partner)
    if refused:
        return UwaziResult(problems=[Problem("", None, "", "", refused)], dry_run=dry_run)
    try:
        mapping = load_mapping(Path(mapping_path), template)
        data = read_csv(Path(path))
    except InputRejected as exc:
        return UwaziResult(problems=exc.problems, dry_run=dry_run)
    converter = _Converter(mapping, data)
    converter.resolve_columns()
    if converter.problems:
        return UwaziResult(problems=converter.problems, dry_run=dry_run)
    if not mapping.id_column:
        converter.warnings.append(
            _(
                "the mapping has no id: column, so refs are made from Title: an entity "
                "retitled in Uwazi will import as a new one"
            )
        )
    if template == "cases":
        converter.convert_cases()
    else:
        converter.convert_victims()
    validator = _Validator(converter.sheets, actor)
    plan = validator.run()
    # A cell this layer could not read is reported once, as what it is: the validator's
    # view of the same cell (empty, so "is required") would point at the wrong mistake.
    bad_cells = {(p.row, p.column) for p in converter.problems}
    problems = list(converter.problems)
    for problem in validator.problems:
        back = _back(problem, converter)
        if (back.row, back.column) not in bad_cells:
            problems.append(back)
    if problems:
        # A victim and the case made for them share a ref: one duplicate, said once.
        problems = sorted(dict.fromkeys(problems), key=lambda p: p.row or 0)
        return UwaziResult(problems=problems, dry_run=dry_run, warnings=converter.warnings)
    duplicates = [_back(p, converter) for p in likely_duplicates(plan, actor)]
    if dry_run:
        return UwaziResult(
            cases=len(plan.cases),
            persons=len(plan.persons),
            events=len(plan.events),
            sources=len(plan.sources),
            places_created=len(plan.new_places),
            dry_run=True,
            likely_duplicates=duplicates,
            warnings=converter.warnings,
        )
    label = f"{data.name} (Uwazi, {template})"
    done = write(plan, actor=actor, partner=partner, label=label, duplicates=len(duplicates))
    return UwaziResult(
        cases=done.cases,
        persons=done.persons,
        events=done.events,
        sources=done.sources,
        places_created=done.places_created,
        likely_duplicates=duplicates,
        warnings=converter.warnings,
    )


__all__ = ["UwaziResult", "load_mapping", "read_csv", "uwazi_import"]
