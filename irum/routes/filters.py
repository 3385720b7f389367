"""The filters every route and flow output takes: the map pages, the GeoJSON API and
`irum map`. One form reads them, so a filter means the same thing everywhere.

Two kinds of filter:

- person filters choose whose custody chains count: case, person, partner, era and
  country of disappearance (the era and country of the person's first deprivation of
  liberty, exactly as the report figures define them);
- leg filters choose which legs of those chains count: the agency and event kind of the
  step that brought the person to the leg's destination, and a date range the step's
  date may fall in.

Leg filters apply to legs after the chains are built. Filtering events first would join
places that were never consecutive (A → [B by another agency] → C would become A → C).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from irum.archive.models import EventKind, Person
from irum.gazetteer.models import Agency
from irum.lib import dates
from irum.partners import visibility
from irum.partners.models import Organization
from irum.reports.figures import ERAS, era_q

COUNTRY_CHOICES = (
    ("KP", _("Inside North Korea")),
    ("abroad", _("Abroad (any country)")),
    ("CN", _("China")),
    ("RU", _("Russia")),
    ("unknown", _("Unknown")),
)
ERA_CHOICES = (
    ("kim_il_sung", _("Kim Il Sung (to July 1994)")),
    ("kim_jong_il", _("Kim Jong Il (July 1994 to December 2011)")),
    ("kim_jong_un", _("Kim Jong Un (from December 2011)")),
    ("unknown", _("Unknown")),
)
assert [key for key, _label in ERA_CHOICES] == list(ERAS)

# Query parameters besides the filters that the route views read.
OTHER_PARAMETERS = frozenset({"public", "format"})


class FilterError(ValueError):
    """Bad filters. `messages` are the user's: each names the parameter and the reason."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _not_a_choice(what: str) -> dict[str, Any]:
    # The bad value is never echoed back: a reflected parameter is how pages get abused.
    return {"invalid_choice": what}


class RouteFilterForm(forms.Form):
    case = forms.CharField(label=_("Case (public id)"), required=False, max_length=16)
    person = forms.CharField(label=_("Person (public id)"), required=False, max_length=16)
    partner = forms.SlugField(label=_("Partner"), required=False, max_length=60)
    era = forms.MultipleChoiceField(
        label=_("Era"),
        required=False,
        choices=ERA_CHOICES,
        error_messages=_not_a_choice(_("use kim_il_sung, kim_jong_il, kim_jong_un or unknown")),
    )
    country = forms.ChoiceField(
        label=_("Country of disappearance"),
        required=False,
        choices=(("", _("Any")), *COUNTRY_CHOICES),
        error_messages=_not_a_choice(_("use KP, abroad, CN, RU or unknown")),
    )
    agency = forms.MultipleChoiceField(
        label=_("Agency"),
        required=False,
        choices=(),
        error_messages=_not_a_choice(_("not the id of an agency in the gazetteer")),
    )
    kind = forms.MultipleChoiceField(
        label=_("Event kind"),
        required=False,
        choices=EventKind.choices,
        error_messages=_not_a_choice(_("not an event kind (arrest, detention, transfer, …)")),
    )
    date_from = forms.CharField(label=_("From (EDTF)"), required=False, max_length=64)
    date_to = forms.CharField(label=_("To (EDTF)"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            (slug, name)
            for slug, name in Agency.objects.order_by("name").values_list("slug", "name")
        ]

    def _bound(self, name: str, end: str) -> dt.date | None:
        text = self.cleaned_data.get(name, "")
        if not text:
            return None
        try:
            bounds = dates.parse(text)
        except dates.EDTFError as error:
            raise forms.ValidationError(str(error)) from None
        return bounds.lower if end == "lower" else bounds.upper

    def clean_date_from(self) -> dt.date | None:
        return self._bound("date_from", "lower")

    def clean_date_to(self) -> dt.date | None:
        return self._bound("date_to", "upper")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("ends before the start of the range"))
        return data


@dataclass(frozen=True)
class RouteFilters:
    case: str = ""
    person: str = ""
    partner: str = ""
    eras: tuple[str, ...] = ()
    country: str = ""
    agencies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    agency_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def has_leg_filters(self) -> bool:
        return bool(self.agencies or self.kinds or self.date_from or self.date_to)

    def as_params(self) -> dict[str, Any]:
        """The filters as query parameters (for links to the GeoJSON and the image)."""
        params: dict[str, Any] = {}
        for name in ("case", "person", "partner", "country"):
            if getattr(self, name):
                params[name] = getattr(self, name)
        if self.eras:
            params["era"] = list(self.eras)
        if self.agencies:
            params["agency"] = list(self.agencies)
        if self.kinds:
            params["kind"] = list(self.kinds)
        if self.date_from:
            params["date_from"] = self.date_from.isoformat()
        if self.date_to:
            params["date_to"] = self.date_to.isoformat()
        return params

    def describe(self) -> str:
        """The filters in a line, for a map's title block and the audit log."""
        parts = [
            f"{key}={','.join(value) if isinstance(value, list) else value}"
            for key, value in self.as_params().items()
        ]
        return "; ".join(parts)


def _agency_ids(slugs: tuple[str, ...]) -> frozenset[int]:
    # An agency and the bodies recorded as part of it: "the MSS" includes its bureaus.
    return frozenset(
        Agency.objects.filter(Q(slug__in=slugs) | Q(parent__slug__in=slugs)).values_list(
            "pk", flat=True
        )
    )


def parse(params: Mapping[str, Any], *, strict: bool = True) -> RouteFilters:
    """Read filters from query parameters (a QueryDict, or a dict of lists).

    Raises FilterError naming every bad parameter; with STRICT, a parameter that is not a
    filter is an error too (a misspelt filter must not silently draw the unfiltered map).
    """
    getlist = getattr(params, "getlist", None)
    data: dict[str, Any] = {}
    for key in params:
        values = getlist(key) if getlist else params[key]
        if not isinstance(values, list | tuple):
            values = [values]
        data[key] = [str(v) for v in values]
    messages: list[str] = []
    if strict:
        known = set(RouteFilterForm.base_fields) | OTHER_PARAMETERS
        for key in sorted(set(data) - known):
            # Named back only when it looks like a parameter name (a misspelt filter).
            name = key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", key) else "?"
            messages.append(
                str(_("%(name)s: not a filter (filters: %(known)s)"))
                % {"name": name, "known": ", ".join(RouteFilterForm.base_fields)}
            )
    multi = {"era", "agency", "kind"}
    form = RouteFilterForm(
        {
            key: (values if key in multi else (values[-1] if values else ""))
            for key, values in data.items()
            if key in RouteFilterForm.base_fields
        }
    )
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.append(f"{name}: {error}")
    if messages:
        raise FilterError(messages)
    cleaned = form.cleaned_data
    agencies = tuple(cleaned["agency"])
    return RouteFilters(
        case=cleaned["case"].strip(),
        person=cleaned["person"].strip(),
        partner=cleaned["partner"],
        eras=tuple(cleaned["era"]),
        country=cleaned["country"],
        agencies=agencies,
        kinds=tuple(cleaned["kind"]),
        date_from=cleaned["date_from"],
        date_to=cleaned["date_to"],
        agency_ids=_agency_ids(agencies) if agencies else frozenset(),
    )


def _country_q(country: str) -> Q:
    field_name = "first_deprivation__place__country"
    if country == "unknown":
        # No FDL, an FDL with no place, or one on a border ("CN/KP"): as in the figures.
        return (
            Q(first_deprivation__isnull=True)
            | Q(first_deprivation__place__isnull=True)
            | Q(**{f"{field_name}__contains": "/"})
            | Q(**{field_name: ""})
        )
    if country == "abroad":
        return (
            Q(first_deprivation__place__isnull=False)
            & ~Q(**{field_name: "KP"})
            & ~Q(**{f"{field_name}__contains": "/"})
            & ~Q(**{field_name: ""})
        )
    return Q(**{field_name: country})


def scope_persons(filters: RouteFilters, *, user: Any, public: bool) -> QuerySet[Person]:
    """The persons whose chains a route or flow output draws on: the public cases (PUBLIC)
    or what USER may see, narrowed by the person filters."""
    if public:
        if filters.partner:
            # The public projection names no owner; a partner filter would tell by
            # difference which public cases a partner holds.
            raise FilterError([str(_("partner: the public map cannot be filtered by partner"))])
        persons = Person.objects.filter(case__in=visibility.public_cases())
    else:
        persons = visibility.visible_persons(user)
    if filters.case:
        persons = persons.filter(case__public_id=filters.case)
    if filters.person:
        persons = persons.filter(public_id=filters.person)
    if filters.partner:
        if not Organization.objects.filter(slug=filters.partner).exists():
            raise FilterError([str(_("partner: no partner has this id"))])
        persons = persons.filter(case__owner__slug=filters.partner)
    if filters.eras:
        condition = Q()
        for era in filters.eras:
            condition |= era_q(era)
        persons = persons.filter(condition)
    if filters.country:
        persons = persons.filter(_country_q(filters.country))
    return persons.order_by()
