"""Find a place or agency by any of its names.

The importer resolves hundreds of thousands of cells, so lookups go through an in-memory
index built once from the (small) gazetteer instead of one query per cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from irum.gazetteer.models import Agency, AgencyName, Place, PlaceKind, PlaceName
from irum.lib.text import fold, loose

T = TypeVar("T", Place, Agency)


class LookupError_(LookupError):
    """Base for lookup failures; the message is safe to show to a user."""


class NotFound(LookupError_):
    pass


class Ambiguous(LookupError_):
    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass
class NameIndex(Generic[T]):
    """Maps lookup keys to objects. Resolution order: id (slug), folded name, loose name."""

    noun: str
    # Breaks a tie between several objects sharing a name; returns the one meant, or None.
    prefer: Callable[[list[T]], T | None] = lambda objs: None
    by_slug: dict[str, T] = field(default_factory=dict)
    by_folded: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_loose: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_pk: dict[int, T] = field(default_factory=dict)
    _answers: dict[str, T | LookupError_] = field(default_factory=dict, repr=False)

    def add(self, obj: T, names: list[str]) -> None:
        self._answers.clear()
        self.by_pk[obj.pk] = obj
        self.by_slug[obj.slug.casefold()] = obj
        for name in names:
            if f := fold(name):
                self.by_folded[f].add(obj.pk)
            if lo := loose(name):
                self.by_loose[lo].add(obj.pk)

    def find(self, text: str) -> T:
        """The object TEXT names; raises NotFound or Ambiguous. Answers are remembered
        per text, since an import asks about the same few names again and again."""
        answer = self._answers.get(text)
        if answer is None:
            try:
                answer = self._find(text)
            except LookupError_ as exc:
                answer = exc
            self._answers[text] = answer
        if isinstance(answer, LookupError_):
            # A remembered exception is raised afresh each time: re-raising the same object
            # would chain every earlier traceback onto it, and keep their frames alive,
            # for each bad cell of a large import.
            raise answer.with_traceback(None)
        return answer

    def _find(self, text: str) -> T:
        query = (text or "").strip()
        if not query:
            raise NotFound(_("is empty"))
        if hit := self.by_slug.get(query.casefold()):
            return hit
        for table, key in ((self.by_folded, fold(query)), (self.by_loose, loose(query))):
            pks = table.get(key)
            if not pks:
                continue
            if len(pks) == 1:
                return self.by_pk[next(iter(pks))]
            objs = [self.by_pk[pk] for pk in pks]
            if (chosen := self.prefer(objs)) is not None:
                return chosen
            candidates = sorted(self.by_pk[pk].slug for pk in pks)
            raise Ambiguous(
                _("is ambiguous: it names more than one %(noun)s (%(candidates)s); use the id")
                % {"noun": self.noun, "candidates": ", ".join(candidates)},
                candidates,
            )
        raise NotFound(_("is not a known %(noun)s") % {"noun": self.noun})


_SETTLEMENTS = {
    PlaceKind.PROVINCE,
    PlaceKind.CITY,
    PlaceKind.COUNTY,
    PlaceKind.CITY_REFERENCE,
}


def _prefer_settlement(places: list[Place]) -> Place | None:
    # Sources often list a bare town name ("Hoiryeong") among a facility's variants. A
    # bare town name means the town; the facility is found by its own name.
    settlements = [p for p in places if p.kind in _SETTLEMENTS]
    return settlements[0] if len(settlements) == 1 else None


def place_index() -> NameIndex[Place]:
    index: NameIndex[Place] = NameIndex(noun=str(_("place")), prefer=_prefer_settlement)
    names: dict[int, list[str]] = defaultdict(list)
    for place_id, name in PlaceName.objects.values_list("place_id", "name"):
        names[place_id].append(name)
    for place in Place.objects.select_related("province", "parent"):
        index.add(place, [place.name, place.name_ko, *names[place.pk]])
    return index


def agency_index() -> NameIndex[Agency]:
    index: NameIndex[Agency] = NameIndex(noun=str(_("agency")))
    names: dict[int, list[str]] = defaultdict(list)
    for agency_id, name in AgencyName.objects.values_list("agency_id", "name"):
        names[agency_id].append(name)
    for agency in Agency.objects.all():
        index.add(agency, [agency.name, agency.name_ko, *names[agency.pk]])
    return index


def find_place(text: str) -> Place:
    return place_index().find(text)


def find_agency(text: str) -> Agency:
    return agency_index().find(text)
