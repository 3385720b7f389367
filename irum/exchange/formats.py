"""Workbook format v1: the sheets and columns, in one place (docs/workbook.md).

The importer, the exporter and the tests all read these lists, so a column added here is
added everywhere at once.
"""

from __future__ import annotations

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

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
