"""Names the map outputs share: place-kind groups (one marker style each, on the page and
in the images alike), and the translated words the page's script shows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from irum.archive.models import EventKind
from irum.gazetteer.models import PlaceKind

# Each place kind draws as one of these groups; the legend lists the groups.
PLACE_GROUPS: dict[str, tuple[str, ...]] = {
    "camp": (
        PlaceKind.KWANLISO,
        PlaceKind.KYOHWASO,
        PlaceKind.LABOUR_TRAINING_CAMP,
        PlaceKind.PRISON,
    ),
    "holding": (
        PlaceKind.MSS_HOLDING_CENTRE,
        PlaceKind.MSS_PROVINCIAL_DETENTION,
        PlaceKind.MPS_DETENTION_CENTRE,
    ),
    "crossing": (PlaceKind.BORDER_CROSSING, PlaceKind.DMZ_CROSSING),
    "china": (PlaceKind.CN_BORDER_DETENTION_CENTRE, PlaceKind.CN_PRISON),
    "place": (
        PlaceKind.PROVINCE,
        PlaceKind.CITY,
        PlaceKind.COUNTY,
        PlaceKind.CITY_REFERENCE,
        PlaceKind.OTHER,
    ),
}
GROUP_LABELS = {
    "camp": gettext_lazy("Prison camp or prison"),
    "holding": gettext_lazy("Holding or detention centre (North Korea)"),
    "crossing": gettext_lazy("Border crossing"),
    "china": gettext_lazy("Chinese border detention centre or prison"),
    "place": gettext_lazy("Town or other place"),
}
# Colours that stay apart for the common colour-vision deficiencies (Okabe–Ito).
GROUP_COLOURS = {
    "camp": "#8a1c1c",
    "holding": "#d55e00",
    "crossing": "#0072b2",
    "china": "#009e73",
    "place": "#555555",
}
_GROUP_OF = {kind: group for group, kinds in PLACE_GROUPS.items() for kind in kinds}


def place_group(kind: str) -> str:
    return _GROUP_OF.get(kind, "place")


def for_map() -> dict[str, object]:
    """What the page's script needs to label the map, in the reader's language."""
    return {
        "place_kinds": {str(k): str(v) for k, v in PlaceKind.choices},
        "event_kinds": {str(k): str(v) for k, v in EventKind.choices},
        "groups": {g: str(label) for g, label in GROUP_LABELS.items()},
        "group_of": {str(k): g for k, g in _GROUP_OF.items()},
        "colours": GROUP_COLOURS,
        "persons": _("persons"),
        "persons_through": _("Persons through this place"),
        "suppressed": _("fewer than the threshold (not shown)"),
        "source": _("Source"),
        "also_known_as": _("Also known as"),
        "kind": _("Kind"),
        "approximate": _("Approximate location"),
        "dates": _("Dates"),
        "agency": _("Agency"),
        "leg": _("Leg"),
        "stop": _("Stop"),
    }


def map_title(public: bool) -> str:
    return _("Transfer routes (public cases)") if public else _("Transfer routes")


def source_note() -> str:
    return _("Source: the Irum archive. Places: the Irum gazetteer.")
