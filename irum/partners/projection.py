"""The public projection: what the public may see of a case or a person, and nothing more.

Every public output (case pages, stories, public exports, the public map) goes through
here (DESIGN.md rule 2). It is an allow-list: a field reaches the public only if it is
named below, so a field added to the archive later stays private until someone decides,
here, that it may be published.

What is published, and why:

- the random public id and the pseudonym identify a record publicly. The case title and
  every ref are left out: partners type names, villages and family details into titles
  and refs ("Kim family, Hyesan"), and nothing checks that they do not;
- sex, status and reason are categories the public figures publish anyway;
- the birth year only as its decade (see `birth_decade`);
- the home province (a province, never a county or an address);
- each custody event's kind, place, agency and whether custody was acknowledged: the
  substance of an enforced disappearance, and the route maps are drawn from them;
- event dates coarsened to the year, unless every source of the event consents to
  publication (see `event_date`);
- public texts only (the case's public summary, the events' public descriptions), never
  a restricted narrative, description or source content;
- of the sources, only their kinds and years: never their refs, content, connection to
  the information or reliability, which together point at a witness.

Only records of cases in `visibility.public_cases()` may be projected. Anything else is a
caller's bug and raises NotPublicError: it must fail loudly, never publish.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from irum.archive.models import Case, Event, Person, Source
from irum.gazetteer.models import Agency, Place
from irum.lib import dates
from irum.partners import visibility


class NotPublicError(Exception):
    """A record that is not in a public case was passed to the public projection.

    Deliberately not a ValueError or PermissionDenied: a broad `except` in a view must not
    turn this bug into a quiet empty page, and Django must not turn it into a 403 that
    hides it. It is a programming error and should reach the error log.
    """


# The fields the projection reads. Loading no others means the identity fields and the
# restricted texts are never even decrypted into memory on the way to a public page.
PERSON_FIELDS = (
    "pk",
    "public_id",
    "pseudonym",
    "sex",
    "birth_year",
    "status",
    "reason",
    "position",
    "case_id",
    "case__public_id",
    "home_province__slug",
    "home_province__name",
    "home_province__name_ko",
    "home_province__kind",
)
EVENT_FIELDS = (
    "pk",
    "person_id",
    "chain_index",
    "kind",
    "date",
    "custody_acknowledged",
    "description_public",
    "place__slug",
    "place__name",
    "place__name_ko",
    "place__kind",
    "agency__slug",
    "agency__name",
    "agency__name_ko",
)
SOURCE_FIELDS = ("pk", "kind", "date", "consent_public")


@dataclass(frozen=True, slots=True)
class PublicPlace:
    slug: str
    name: str
    name_ko: str
    kind: str


@dataclass(frozen=True, slots=True)
class PublicAgency:
    slug: str
    name: str
    name_ko: str


@dataclass(frozen=True, slots=True)
class PublicSource:
    kind: str
    year: str  # EDTF, coarsened to the year; "" when unknown


@dataclass(frozen=True, slots=True)
class PublicEvent:
    kind: str
    date: str  # EDTF: the year, or the full date when every source consents
    place: PublicPlace | None
    agency: PublicAgency | None
    custody_acknowledged: str
    description: str
    sources: tuple[PublicSource, ...]


@dataclass(frozen=True, slots=True)
class PublicPerson:
    public_id: str
    case_public_id: str
    pseudonym: str
    sex: str
    birth_decade: str | None  # EDTF decade ("198X"), None when unknown
    home_province: PublicPlace | None
    status: str
    reason: str
    events: tuple[PublicEvent, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PublicCase:
    public_id: str
    summary: str
    verification: str
    reported: str  # EDTF, coarsened to the year
    persons: tuple[PublicPerson, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ----------------------------------------------------------------------------- dates

# One end of a plain EDTF date: a year (digits or X), then optional month and day (or a
# season), optionally a time. Qualifiers are removed before matching (see _year_of_end).
_PLAIN_END = re.compile(r"(-?[0-9X]{4})(?:-[0-9X]{2}){0,2}(?:T[0-9:.]+(?:Z|[+-][0-9:]+)?)?")
_QUALIFIERS = "?~%"


def _qualifier(marks: set[str]) -> str:
    if "%" in marks or {"?", "~"} <= marks:
        return "%"
    return "~" if "~" in marks else ("?" if "?" in marks else "")


def _year_of_end(end: str) -> str | None:
    """One interval end coarsened to its year, keeping the qualifiers that apply to the
    year; None when the end is not a plain date."""
    if end in ("", ".."):
        return end  # an unknown or open end stays what it is
    core = "".join(ch for ch in end if ch not in _QUALIFIERS)
    match = _PLAIN_END.fullmatch(core)
    if match is None:
        return None
    # EDTF level 2: a qualifier right after a component applies to it and to everything
    # before it (so to the year); one right before a month or day ("2004-?06") applies to
    # that component only, and says nothing about the year.
    marks = {ch for i, ch in enumerate(end) if ch in _QUALIFIERS and (i == 0 or end[i - 1] != "-")}
    return match.group(1) + _qualifier(marks)


def _years_from_bounds(bounds: dates.DateBounds) -> str:
    """The fallback for shapes that are not plain dates (sets, long years): the years of
    the strict bounds, with the date's qualifier on each known end."""
    mark = _qualifier(
        ({"?"} if bounds.uncertain else set()) | ({"~"} if bounds.approximate else set())
    )
    lower = f"{bounds.lower.year:04d}{mark}" if bounds.lower else None
    upper = f"{bounds.upper.year:04d}{mark}" if bounds.upper else None
    if lower is None and upper is None:
        return ""
    if lower == upper:
        return lower or ""
    return f"{lower or '..'}/{upper or '..'}"


def coarsen_to_year(text: str) -> str:
    """An EDTF date reduced to year precision: "2013-04-05" → "2013", "2013-04~" →
    "2013~", "2012-03/2014-06" → "2012/2014"; an unknown date stays unknown ("").

    Fails closed: a date that cannot be read is published as unknown, never as typed.
    """
    raw = (text or "").strip()
    if not raw:
        return ""
    try:
        bounds = dates.parse(raw)
    except dates.EDTFError:
        return ""
    ends = raw.split("/")
    if len(ends) <= 2:
        years = [_year_of_end(end) for end in ends]
        if None not in years:
            candidate = "/".join(y for y in years if y is not None)
            if len(years) == 2 and years[0] == years[1]:
                candidate = years[0] or ""  # "2012-03/2012-06" is just "2012"
            try:
                return dates.parse(candidate).text
            except dates.EDTFError:
                pass
    return _years_from_bounds(bounds)


def birth_decade(birth_year: int | None) -> str | None:
    """The decade of birth as EDTF ("1983" → "198X").

    Not the year: a birth year, sex and home province together can single out one person
    in a small county, and the family with them. A decade is the width of the age bands
    the public figures already use, so it publishes nothing finer than the figures do,
    and it still tells a reader whether a child or a grandparent was taken.
    """
    if birth_year is None:
        return None
    return f"{birth_year // 10:03d}X"


def event_date(event: Event, sources: list[Source]) -> str:
    """The event's date as published: in full only when the event has sources and every
    one of them consents to publication. An event with no source has no consent to rely
    on, so it is coarsened like any other (all() of nothing must not mean yes)."""
    if sources and all(source.consent_public for source in sources):
        return event.date
    return coarsen_to_year(event.date)


# ------------------------------------------------------------------------ projection


def _place(place: Place | None) -> PublicPlace | None:
    if place is None:
        return None
    return PublicPlace(slug=place.slug, name=place.name, name_ko=place.name_ko, kind=place.kind)


def _agency(agency: Agency | None) -> PublicAgency | None:
    if agency is None:
        return None
    return PublicAgency(slug=agency.slug, name=agency.name, name_ko=agency.name_ko)


def _event(event: Event) -> PublicEvent:
    sources = list(event.sources.all())  # prefetched
    return PublicEvent(
        kind=event.kind,
        date=event_date(event, sources),
        place=_place(event.place),
        agency=_agency(event.agency),
        custody_acknowledged=event.custody_acknowledged,
        description=event.description_public,
        sources=tuple(
            PublicSource(kind=source.kind, year=coarsen_to_year(source.date))
            for source in sorted(sources, key=lambda s: (s.kind, s.date, s.pk))
        ),
    )


def _person(person: Person) -> PublicPerson:
    return PublicPerson(
        public_id=person.public_id,
        case_public_id=person.case.public_id,
        pseudonym=person.pseudonym,
        sex=person.sex,
        birth_decade=birth_decade(person.birth_year),
        home_province=_place(person.home_province),
        status=person.status,
        reason=person.reason,
        events=tuple(_event(event) for event in person.events.all()),  # prefetched
    )


def _prepared(persons: QuerySet[Person]) -> QuerySet[Person]:
    events = (
        Event.objects.select_related("place", "agency")
        .only(*EVENT_FIELDS)
        .prefetch_related(Prefetch("sources", queryset=Source.objects.only(*SOURCE_FIELDS)))
        .order_by("chain_index", "pk")
    )
    return (
        persons.select_related("case", "home_province")
        .only(*PERSON_FIELDS)
        .prefetch_related(Prefetch("events", queryset=events))
    )


def _refuse_unless_public(case_ids: set[int]) -> None:
    # Asked of the database through visibility, not read from the objects in hand, and
    # after the rows were read: a case restricted or deleted meanwhile is still refused.
    public = set(visibility.public_cases().filter(pk__in=case_ids).values_list("pk", flat=True))
    refused = len(case_ids - public)
    if refused:
        raise NotPublicError(
            f"asked to project records of {refused} case(s) that are not public "
            "(irum.partners.visibility.public_cases()); only public cases have a public "
            "projection"
        )


def project_persons(persons: QuerySet[Person]) -> list[PublicPerson]:
    """The public projection of every person in PERSONS, in the queryset's order.

    A fixed number of queries whatever the number of persons. Raises NotPublicError,
    before projecting anything, if any of them is not in a public case: to publish a
    selection, filter it with `Person.objects.filter(case__in=visibility.public_cases())`.
    """
    rows = list(_prepared(persons))
    if rows:
        _refuse_unless_public({person.case_id for person in rows})
    return [_person(person) for person in rows]


def project_person(person: Person) -> PublicPerson:
    """The public projection of one person of a public case."""
    if person.pk is None:
        raise NotPublicError("an unsaved person has no public projection")
    projected = project_persons(Person.objects.filter(pk=person.pk))
    if not projected:
        raise NotPublicError(f"person {person.public_id} is not in the archive (deleted?)")
    return projected[0]


def project_case(case: Case) -> PublicCase:
    """The public projection of a public case and of its persons."""
    if case.pk is None:
        raise NotPublicError("an unsaved case has no public projection")
    try:
        fresh = (
            visibility.public_cases()
            .only("pk", "public_id", "summary_public", "verification", "reported_on")
            .get(pk=case.pk)
        )
    except Case.DoesNotExist:
        raise NotPublicError(
            f"case {case.public_id} is not public (irum.partners.visibility.public_cases()); "
            "only public cases have a public projection"
        ) from None
    return PublicCase(
        public_id=fresh.public_id,
        summary=fresh.summary_public,
        verification=fresh.verification,
        reported=coarsen_to_year(fresh.reported_on),
        persons=tuple(project_persons(Person.objects.filter(case_id=case.pk))),
    )


def project_cases(cases: QuerySet[Case]) -> list[PublicCase]:
    """The public projection of every case in CASES, in the queryset's order, with their
    persons: a fixed number of queries whatever the number of cases (a page of the API)."""
    rows = list(cases.only("pk", "public_id", "summary_public", "verification", "reported_on"))
    if not rows:
        return []
    _refuse_unless_public({case.pk for case in rows})
    persons: dict[int, list[PublicPerson]] = {case.pk: [] for case in rows}
    by_public_id = {case.public_id: case.pk for case in rows}
    ordered = Person.objects.filter(case_id__in=persons).order_by("case_id", "position", "pk")
    for person in project_persons(ordered):
        persons[by_public_id[person.case_public_id]].append(person)
    return [
        PublicCase(
            public_id=case.public_id,
            summary=case.summary_public,
            verification=case.verification,
            reported=coarsen_to_year(case.reported_on),
            persons=tuple(persons[case.pk]),
        )
        for case in rows
    ]
