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

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractYear

from irum.archive.models import (
    CUSTODY_KINDS,
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

ESCAPE_REASONS = ("escape_repatriated", "escape_attempt", "escape_preparing", "escape_helping")
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

    @property
    def escape_related(self) -> int:
        """The four escape reasons together, which the report shows as one figure."""
        return sum(self.reason.get(key, 0) for key in ESCAPE_REASONS)

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


def _era_conditions(lower: str, upper: str) -> dict[str, Q]:
    """Each era as a condition on the FDL's date bounds, named LOWER and UPPER. The one
    definition both the figures (_era) and the era filters of other views (era_q) use."""
    return {
        "kim_il_sung": Q(**{f"{upper}__lt": KIM_JONG_IL_FROM}),
        "kim_jong_il": Q(**{f"{lower}__gte": KIM_JONG_IL_FROM, f"{upper}__lte": KIM_JONG_IL_TO}),
        "kim_jong_un": Q(**{f"{lower}__gte": KIM_JONG_UN_FROM}),
    }


def _era() -> SqlCase:
    return SqlCase(
        *(
            When(condition, then=Value(era))
            for era, condition in _era_conditions("fdl_lower", "fdl_upper").items()
        ),
        default=Value("unknown"),
        output_field=CharField(),
    )


def era_q(era: str, prefix: str = "first_deprivation__") -> Q:
    """A condition over Person: the person's FDL falls in ERA (one of ERAS). "unknown" is
    every person no era claims, including persons with no FDL."""
    conditions = _era_conditions(f"{prefix}date_lower", f"{prefix}date_upper")
    if era == "unknown":
        known = Q()
        for condition in conditions.values():
            known |= condition
        return ~known | Q(**{f"{prefix[:-2]}__isnull": True})
    return conditions[era]


def _age() -> ExpressionWrapper:
    return ExpressionWrapper(
        ExtractYear("fdl_lower") - F("birth_year"), output_field=IntegerField()
    )


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return "unknown"
    if age >= 60:
        return "60_plus"
    return "under_10" if age < 10 else f"{age // 10}0s"


# Bits of a person's custody mask: one correlated pass over their custody events answers
# every MSS question (see _custody_mask).
ANY_CUSTODY, ANY_MSS, ANY_NOT_MSS, MSS_AFTER_FDL, FDL_BY_MSS = 1, 2, 4, 8, 16


def _custody_mask(mss_ids: list[int]) -> Subquery:
    def bit(condition: Q, value: int) -> Max:
        return Max(SqlCase(When(condition, then=Value(value)), default=Value(0)))

    is_mss = Q(agency_id__in=mss_ids)
    mask = (
        Event.objects.filter(person=OuterRef("pk"), kind__in=CUSTODY_KINDS)
        .order_by()
        .values("person")
        .annotate(
            mask=Max(Value(ANY_CUSTODY))
            + bit(is_mss, ANY_MSS)
            + bit(Q(agency_id__isnull=True) | ~is_mss, ANY_NOT_MSS)
            + bit(
                is_mss & Q(chain_index__gt=OuterRef("first_deprivation__chain_index")),
                MSS_AFTER_FDL,
            )
            # The FDL is itself a custody event, so its agency is seen in this pass too.
            + bit(is_mss & Q(pk=OuterRef("first_deprivation_id")), FDL_BY_MSS)
        )
        .values("mask")
    )
    return Subquery(mask, output_field=IntegerField())


def _count_by(persons: QuerySet[Person], **dimension: Any) -> Counter[Any]:
    """One GROUP BY query: persons counted by one annotated dimension."""
    (name,) = dimension
    rows = persons.annotate(**dimension).values_list(name).annotate(n=Count("pk")).order_by()
    return Counter({key: n for key, n in rows})


def compute(persons: QuerySet[Person] | None = None) -> Figures:
    """The report figures for PERSONS (every person when None).

    Each figure is its own GROUP BY over the persons in scope, with only the joins it
    needs: a fixed number of queries whatever the number of persons, each returning a
    handful of rows.
    """
    persons = (Person.objects.all() if persons is None else persons).order_by()
    mss_ids = mss_agency_ids()
    fdl = "first_deprivation__"
    figures = Figures()

    sex = _count_by(persons, key=F("sex"))
    figures.individuals = sum(sex.values())
    figures.cases = persons.values("case_id").distinct().count()
    figures.sex = {key: sex.get(key, 0) for key in Sex.values}
    reason = _count_by(persons, key=F("reason"))
    figures.reason = {key: reason.get(key, 0) for key in Reason.values}

    country: Counter[str] = Counter()
    for code, n in _count_by(persons, key=F(f"{fdl}place__country")).items():
        # A place on a border ("CN/KP") cannot say on which side a person was taken.
        country[code if code and "/" not in code else "unknown"] += n
    figures.disappearance_place = {
        "KP": country.get("KP", 0),
        "abroad": sum(n for code, n in country.items() if code not in ("KP", "unknown")),
        "unknown": country.get("unknown", 0),
        "by_country": {code: n for code, n in sorted(country.items()) if code != "unknown"},
    }

    dated = persons.annotate(fdl_lower=F(f"{fdl}date_lower"), fdl_upper=F(f"{fdl}date_upper"))
    era = _count_by(dated, key=_era())
    figures.era = {key: era.get(key, 0) for key in ERAS}
    # Grouped by age in years (a few dozen values), banded here: one date extraction per
    # person instead of one per band.
    age: Counter[str] = Counter()
    for years, n in _count_by(dated.filter(birth_year__isnull=False), key=_age()).items():
        age[age_band(years)] += n
    age["unknown"] += figures.individuals - sum(age.values())
    figures.age_at_disappearance = {key: age.get(key, 0) for key in AGE_BANDS}

    slugs = dict(Agency.objects.values_list("pk", "slug"))
    first = _count_by(persons.filter(first_deprivation__isnull=False), key=F(f"{fdl}agency_id"))
    by_slug = Counter({slugs.get(pk, "unknown"): n for pk, n in first.items()})
    figures.first_agency = dict(sorted(by_slug.items(), key=lambda kv: (-kv[1], kv[0])))

    mss: Counter[str] = Counter()
    for mask, n in _count_by(persons, key=_custody_mask(mss_ids)).items():
        mask = mask or 0
        if mask & ANY_CUSTODY and not mask & ANY_NOT_MSS:
            mss["sole"] += n
        # The FDL is not by the MSS (or its agency is unrecorded) and MSS custody follows.
        if mask & MSS_AFTER_FDL and not mask & FDL_BY_MSS:
            mss["after_other_agency"] += n
        if mask & ANY_MSS:
            mss["total"] += n
    figures.mss = {key: mss.get(key, 0) for key in ("sole", "after_other_agency", "total")}
    return figures
