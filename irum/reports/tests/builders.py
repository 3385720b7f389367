"""Small builders for figure tests: a person and their chain, written through services."""

from __future__ import annotations

import itertools

from irum.archive import services
from irum.gazetteer.models import Agency, Place

_refs = itertools.count(1)


def person_with_chain(actor, *steps, case=None, **person_fields):
    """steps: (kind, date, place slug or None, agency slug or None[, seq])."""
    n = next(_refs)
    case = case or services.case_create(actor=actor, ref=f"C{n}")
    person = services.person_create(actor=actor, ref=f"P{n}", case=case, **person_fields)
    for step in steps:
        kind, date, place, agency, *rest = step
        services.event_record(
            actor=actor,
            person=person,
            kind=kind,
            date=date,
            place=Place.objects.get(slug=place) if place else None,
            agency=Agency.objects.get(slug=agency) if agency else None,
            seq=rest[0] if rest else None,
        )
    return person


class Canaries:
    """Distinctive strings to plant in fields that must never be published, each one
    unique (Latin and Hangul), so that a leak names the field it came from."""

    def __init__(self) -> None:
        self.planted: dict[str, str] = {}  # canary (lower case) -> where it was planted

    def __call__(self, where: str, *, hangul: bool = True) -> str:
        n = len(self.planted)
        # Mixed case, so that a check that is not case-insensitive would miss a leak.
        latin = f"ZqxLeak{n:03d}Q"
        self.planted[latin.lower()] = where
        if not hangul:
            return latin
        korean = "누설" + chr(0xAC00 + 1000 + n) + chr(0xAC00 + 5000 + n)
        self.planted[korean] = where
        return f"{latin} {korean}"

    def found_in(self, text: str) -> list[str]:
        """The plantings whose canary appears in TEXT (in any case)."""
        folded = text.lower()
        return sorted({where for canary, where in self.planted.items() if canary in folded})


def seed_case(
    actor,
    canary: Canaries,
    *,
    label: str,
    confidentiality: str,
    owner=None,
    shared_with=(),
    persons: int = 2,
    consent: bool = False,
    plain_public_texts: bool | None = None,
) -> dict:
    """A case with PERSONS persons, each with a two-step custody chain and two sources,
    every field that must stay private filled with a canary.

    For a public case the texts meant for the public (public summary, pseudonyms, public
    descriptions) are plain and returned under "public"; for any other case they are
    canaries too, since nothing of a non-public case may be published (PLAIN_PUBLIC_TEXTS
    overrides this: False for a public case about to be deleted).
    """
    public = confidentiality == "public" if plain_public_texts is None else plain_public_texts
    published: list[str] = []

    def public_text(where: str, text: str) -> str:
        if not public:
            return canary(f"{label}.{where}")
        published.append(text)
        return text

    case = services.case_create(
        actor=actor,
        ref=canary(f"{label}.case.ref", hangul=False),
        title=canary(f"{label}.case.title"),
        summary_public=public_text("case.summary_public", f"Public summary of {label}"),
        narrative_restricted=canary(f"{label}.case.narrative_restricted"),
        reported_on="2016-03-09",
        owner=owner,
        confidentiality=confidentiality,
    )
    for org in shared_with:
        case.shared_with.add(org)
    records: dict = {"case": case, "persons": [], "events": [], "sources": [], "public": published}
    hyesan = Place.objects.get(slug="hyesan")
    camp = Place.objects.get(slug="kwalliso-no-16-hwasong-camp-16")
    mss = Agency.objects.get(slug="nk-state-security")
    for i in range(persons):
        where = f"{label}.person{i}"
        person = services.person_create(
            actor=actor,
            ref=canary(f"{where}.ref", hangul=False),
            case=case,
            pseudonym=public_text(f"person{i}.pseudonym", f"Pseudonym {label} {i}"),
            full_name=canary(f"{where}.full_name"),
            full_name_ko=canary(f"{where}.full_name_ko"),
            aliases=canary(f"{where}.aliases") + "; " + canary(f"{where}.aliases2"),
            date_of_birth=canary(f"{where}.date_of_birth"),
            address=canary(f"{where}.address"),
            family_contacts=canary(f"{where}.family_contacts"),
            sex="female" if i % 2 else "male",
            birth_year=1983 + i,
            reason="escape_repatriated",
        )
        sources = [
            services.source_create(
                actor=actor,
                ref=canary(f"{where}.source{j}.ref", hangul=False),
                kind=kind,
                date="2017-05-02",
                connection="relative",
                reliability="high",
                consent_public=consent,
                content_restricted=canary(f"{where}.source{j}.content_restricted"),
            )
            for j, kind in enumerate(("testimony", "family_report"))
        ]
        records["sources"].extend(sources)
        for kind, date, place in (("arrest", "2014-04-05", hyesan), ("transfer", "2014-06~", camp)):
            event = services.event_record(
                actor=actor,
                person=person,
                kind=kind,
                date=date,
                place=place,
                agency=mss,
                custody_acknowledged="denied",
                description_public=public_text(
                    f"person{i}.{kind}.description_public", f"Public account of the {kind}"
                ),
                description_restricted=canary(f"{where}.{kind}.description_restricted"),
                sources=sources,
            )
            records["events"].append(event)
        records["persons"].append(person)
    return records
