"""Headline figures, computed exactly as docs/figures.md defines them.

Every figure is decided in the database: persons are annotated with what their first
deprivation of liberty (FDL) was, then grouped by every dimension at once. The number of
queries is fixed, whatever the number of persons, and the rows returned are the
distinct combinations of dimensions, not persons.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import ExtractYear

from irum.archive.models import (
    CUSTODY_KINDS,
    Case,
    Event,
    Person,
    Reason,
    Sex,
)
from irum.gazetteer.models import Agency

MSS_SLUG = "nk-state-security"

# Kim Il Sung died on 8 July 1994, Kim Jong Il on 17 December 2011 (docs/figures.md).
KIM_JONG_IL_FROM = dt.date(1994, 7, 8)
KIM_JONG_IL_TO = dt.date(2011, 12, 16)
KIM_JONG_UN_FROM = dt.date(2011, 12, 17)

ERAS = ("kim_il_sung", "kim_jong_il", "kim_jong_un", "unknown")
AGE_BANDS = ("under_10", "10s", "20s", "30s", "40s", "50s", "60_plus", "unknown")


@dataclass
class Figures:
    individuals: int = 0
    cases: int = 0
    disappearance_place: dict[str, Any] = field(default_factory=dict)
    era: dict[str, int] = field(default_factory=dict)
    mss: dict[str, int] = field(default_factory=dict)
    first_agency: dict[str, int] = field(default_factory=dict)
    sex: dict[str, int] = field(default_factory=dict)
    age_at_disappearance: dict[str, int] = field(default_factory=dict)
    reason: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "individuals": self.individuals,
            "cases": self.cases,
            "disappearance_place": self.disappearance_place,
            "era": self.era,
            "mss": self.mss,
            "first_agency": self.first_agency,
            "sex": self.sex,
            "age_at_disappearance": self.age_at_disappearance,
            "reason": self.reason,
        }


def mss_agency_ids() -> list[int]:
    """The Ministry of State Security and any body recorded as part of it."""
    ids = list(
        Agency.objects.filter(Q(slug=MSS_SLUG) | Q(parent__slug=MSS_SLUG)).values_list(
            "pk", flat=True
        )
    )
    return ids or [-1]


def _era() -> SqlCase:
    return SqlCase(
        When(fdl_upper__lt=KIM_JONG_IL_FROM, then=Value("kim_il_sung")),
        When(
            fdl_lower__gte=KIM_JONG_IL_FROM,
            fdl_upper__lte=KIM_JONG_IL_TO,
            then=Value("kim_jong_il"),
        ),
        When(fdl_lower__gte=KIM_JONG_UN_FROM, then=Value("kim_jong_un")),
        default=Value("unknown"),
        output_field=CharField(),
    )


def _age_band() -> SqlCase:
    age = ExpressionWrapper(ExtractYear("fdl_lower") - F("birth_year"), output_field=IntegerField())
    known = Q(fdl_lower__isnull=False, birth_year__isnull=False)
    bands = [
        When(known & Q(age__gte=0, age__lt=10), then=Value("under_10")),
        *(
            When(known & Q(age__gte=lo, age__lt=lo + 10), then=Value(label))
            for lo, label in ((10, "10s"), (20, "20s"), (30, "30s"), (40, "40s"), (50, "50s"))
        ),
        When(known & Q(age__gte=60), then=Value("60_plus")),
    ]
    return age, SqlCase(*bands, default=Value("unknown"), output_field=CharField())


def annotated_persons(persons: QuerySet[Person], mss_ids: list[int]) -> QuerySet[Person]:
    """Persons with their FDL facts and MSS flags, as SQL annotations.

    The FDL is the person's stored `first_deprivation` (kept by the services that order
    the chain), so its place, dates and agency are plain joins.
    """
    custody = Event.objects.filter(person=OuterRef("pk"), kind__in=CUSTODY_KINDS)
    age, age_band = _age_band()
    return persons.annotate(
        fdl_index=F("first_deprivation__chain_index"),
        fdl_country=F("first_deprivation__place__country"),
        fdl_lower=F("first_deprivation__date_lower"),
        fdl_upper=F("first_deprivation__date_upper"),
        fdl_agency_id=F("first_deprivation__agency_id"),
    ).annotate(
        age=age,
        era=_era(),
        age_band=age_band,
        any_custody=Exists(custody),
        any_mss=Exists(custody.filter(agency_id__in=mss_ids)),
        any_not_mss=Exists(custody.filter(Q(agency_id__isnull=True) | ~Q(agency_id__in=mss_ids))),
        mss_after=Exists(
            custody.filter(agency_id__in=mss_ids, chain_index__gt=OuterRef("fdl_index"))
        ),
        fdl_is_mss=SqlCase(
            When(fdl_agency_id__in=mss_ids, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def compute(persons: QuerySet[Person] | None = None) -> Figures:
    """The report figures for PERSONS (every person when None)."""
    persons = Person.objects.all() if persons is None else persons
    mss_ids = mss_agency_ids()
    rows = (
        annotated_persons(persons.order_by(), mss_ids)
        .values(
            "fdl_country",
            "era",
            "age_band",
            "sex",
            "reason",
            "fdl_agency_id",
            "fdl_index",
            "any_custody",
            "any_mss",
            "any_not_mss",
            "mss_after",
            "fdl_is_mss",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    agency_slugs = dict(Agency.objects.values_list("pk", "slug"))

    figures = Figures()
    country: Counter[str] = Counter()
    era: Counter[str] = Counter()
    age: Counter[str] = Counter()
    sex: Counter[str] = Counter()
    reason: Counter[str] = Counter()
    first_agency: Counter[str] = Counter()
    mss: Counter[str] = Counter()
    for row in rows:
        n = row["n"]
        figures.individuals += n
        # A place on a border ("CN/KP") cannot say on which side a person was taken.
        code = row["fdl_country"] if row["fdl_country"] and "/" not in row["fdl_country"] else ""
        country[code or "unknown"] += n
        era[row["era"]] += n
        age[row["age_band"]] += n
        sex[row["sex"]] += n
        reason[row["reason"]] += n
        if row["fdl_index"] is not None:
            first_agency[agency_slugs.get(row["fdl_agency_id"], "unknown")] += n
        if row["any_custody"] and not row["any_not_mss"]:
            mss["sole"] += n
        if row["fdl_index"] is not None and not row["fdl_is_mss"] and row["mss_after"]:
            mss["after_other_agency"] += n
        if row["any_mss"]:
            mss["total"] += n

    figures.cases = Case.objects.filter(persons__in=persons.order_by()).distinct().count()
    abroad = sum(n for code, n in country.items() if code not in ("KP", "unknown"))
    figures.disappearance_place = {
        "KP": country.get("KP", 0),
        "abroad": abroad,
        "unknown": country.get("unknown", 0),
        "by_country": {code: n for code, n in sorted(country.items()) if code != "unknown"},
    }
    figures.era = {key: era.get(key, 0) for key in ERAS}
    figures.mss = {key: mss.get(key, 0) for key in ("sole", "after_other_agency", "total")}
    figures.first_agency = dict(sorted(first_agency.items(), key=lambda kv: (-kv[1], kv[0])))
    figures.sex = {key: sex.get(key, 0) for key in Sex.values}
    figures.age_at_disappearance = {key: age.get(key, 0) for key in AGE_BANDS}
    figures.reason = {key: reason.get(key, 0) for key in Reason.values}
    return figures
