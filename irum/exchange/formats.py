"""Workbook format v1: the sheets and columns, in one place (docs/workbook.md).

The importer, the exporter and the tests all read these lists, so a column added here is
added everywhere at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMAT_VERSION = "1"


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    optional_sheet: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


CASES = Sheet(
    "cases",
    (
        "case_ref",
        "public_id",
        "title",
        "summary_public",
        "narrative_restricted",
        "reported_on",
        "verification",
        "confidentiality",
    ),
    required=("case_ref",),
)
PERSONS = Sheet(
    "persons",
    (
        "person_ref",
        "case_ref",
        "public_id",
        "pseudonym",
        "full_name",
        "full_name_ko",
        "aliases",
        "sex",
        "birth_year",
        "home_province",
        "status",
        "reason",
    ),
    required=("person_ref", "case_ref"),
)
EVENTS = Sheet(
    "events",
    (
        "person_ref",
        "seq",
        "kind",
        "date",
        "place",
        "place_country",
        "agency",
        "custody_acknowledged",
        "description_public",
        "description_restricted",
        "source_refs",
    ),
    required=("person_ref", "kind"),
)
SOURCES = Sheet(
    "sources",
    (
        "source_ref",
        "kind",
        "date",
        "connection",
        "reliability",
        "consent_public",
        "content_restricted",
    ),
    required=("source_ref",),
    optional_sheet=True,
)

SHEETS: tuple[Sheet, ...] = (CASES, PERSONS, EVENTS, SOURCES)

# Identity fields and restricted texts: written only when the exporting user may see the
# record and asks for them (--include-restricted); otherwise the cells are left empty.
RESTRICTED_COLUMNS = frozenset(
    {
        "narrative_restricted",
        "full_name",
        "full_name_ko",
        "aliases",
        "description_restricted",
        "content_restricted",
    }
)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# An .xlsx cannot hold most control characters, and XML parsers turn a CR into LF. Excel
# writes such a character as _xHHHH_, and escapes an underscore that would read as one
# (ECMA-376 Part 1, 22.9.2.19 ST_Xstring). openpyxl does neither, so we do both, and a
# narrative pasted from Word (which uses \x0b for a line break) survives the round trip.
_XLSX_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_escape(value: str) -> str:
    return _XLSX_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def xlsx_unescape(value: str) -> str:
    if "_x" not in value:
        return value
    return _XLSX_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
