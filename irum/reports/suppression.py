"""Small-count suppression for public figures (DESIGN.md rule 2; docs/figures.md).

A count below the threshold (settings.IRUM_PUBLIC_MIN_COUNT, 5 by default) is replaced
by None: "suppressed". Zero counts too: if zeros were shown and only 1..4 hidden, a hidden
cell would say "at least one person", which is itself the thing to protect.

Suppressing the small cells is not enough when a total is shown beside them. The report
shows the number of individuals, and the place, era, sex, age and reason breakdowns each
add up to it; "abroad" adds up its countries, and the escape-related figure adds up the
four escape reasons. With one hidden cell in such a group, the cell is the total minus
the others. So whenever a group has exactly one hidden cell, a second one is hidden too
(secondary suppression): the smallest visible part, or the group's total if no part is
left. Hiding the smallest part loses the least information. This repeats until every
group has none or at least two hidden cells, because a cell hidden in one group (say,
"abroad") can leave a single hidden cell in another (the countries abroad).

Rounding the total instead would not work here: every breakdown adds up to the same
total, so one breakdown with no small cell (sex, typically) gives the exact total back,
and the rounding with it.

The groups form a tree: apart from the number of individuals, each cell is a part of at
most one group and the total of at most one other; and the number of individuals, the
total of several, is below the threshold only when every count is. In such a tree "none or at least two hidden cells per group" means no hidden cell
can be worked out from the visible ones by adding and subtracting: each one can be moved
up or down with its partners taking up the difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from irum.reports.figures import ESCAPE_REASONS, Figures

Key = tuple[str, ...]
Count = int | None  # None: suppressed


def threshold_setting() -> int:
    return int(settings.IRUM_PUBLIC_MIN_COUNT)


def suppression_note(threshold: int) -> str:
    return _("Counts below %(threshold)d are not shown to protect the people counted.") % {
        "threshold": threshold
    }


@dataclass(frozen=True)
class PublicFigures:
    """The report figures with small counts suppressed (None) and the rule that did it.

    The same shape as Figures.as_dict(), so the report page, the command and any reader
    of the JSON handle both; `escape_related` is carried as a figure of its own because
    it is a total that the suppression has to guard too.
    """

    threshold: int
    individuals: Count
    cases: Count
    disappearance_place: dict[str, Any] = field(default_factory=dict)
    era: dict[str, Count] = field(default_factory=dict)
    mss: dict[str, Count] = field(default_factory=dict)
    first_agency: dict[str, Count] = field(default_factory=dict)
    sex: dict[str, Count] = field(default_factory=dict)
    age_at_disappearance: dict[str, Count] = field(default_factory=dict)
    reason: dict[str, Count] = field(default_factory=dict)
    escape_related: Count = None
    suppressed: int = 0  # how many counts were hidden

    @property
    def note(self) -> str:
        return suppression_note(self.threshold)

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
            "escape_related": self.escape_related,
            "suppression": {
                "threshold": self.threshold,
                "suppressed": self.suppressed,
                "note": self.note,
            },
        }


def _cells(f: Figures) -> dict[Key, int]:
    """Every count of the figures under a key naming where it sits."""
    cells: dict[Key, int] = {
        ("individuals",): f.individuals,
        ("cases",): f.cases,
        ("escape_related",): f.escape_related,
    }
    for name in ("era", "mss", "first_agency", "sex", "age_at_disappearance", "reason"):
        for key, n in getattr(f, name).items():
            cells[(name, key)] = n
    place = f.disappearance_place
    for key in ("KP", "abroad", "unknown"):
        cells[("disappearance_place", key)] = place.get(key, 0)
    for code, n in _by_country(f).items():
        cells[("disappearance_place", "by_country", code)] = n
    return cells


# Always listed, at zero too: if a country were listed only when someone was taken there,
# a hidden "abroad" with no country listed under it would read as zero.
LISTED_COUNTRIES = ("CN", "KP", "RU")


def _by_country(f: Figures) -> dict[str, int]:
    counts = dict.fromkeys(LISTED_COUNTRIES, 0) | f.disappearance_place.get("by_country", {})
    return dict(sorted(counts.items()))


def groups(f: Figures) -> Iterator[tuple[Key, list[Key]]]:
    """(total, parts): the sums the report shows, or that a reader can form from it."""
    total: Key = ("individuals",)
    yield total, [("disappearance_place", k) for k in ("KP", "abroad", "unknown")]
    yield (
        ("disappearance_place", "abroad"),
        [("disappearance_place", "by_country", c) for c in _by_country(f) if c != "KP"],
    )
    for name in ("era", "sex", "age_at_disappearance"):
        yield total, [(name, key) for key in getattr(f, name)]
    # The reasons add up to the total, and the escape reasons to escape_related; written
    # as a tree (escape_related standing for its four parts) so that no cell is a part of
    # two groups.
    others = [("reason", key) for key in f.reason if key not in ESCAPE_REASONS]
    yield total, [("escape_related",), *others]
    yield ("escape_related",), [("reason", key) for key in f.reason if key in ESCAPE_REASONS]


def hidden_cells(f: Figures, threshold: int) -> set[Key]:
    """The keys of the counts to suppress: the small ones, then their complements."""
    cells = _cells(f)
    hidden = {key for key, n in cells.items() if n < threshold}
    sums = list(groups(f))
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            # A group with no parts cannot give anything away (and has nothing to hide
            # a second count in).
            if not parts or sum(key in hidden for key in (total, *parts)) != 1:
                continue
            visible = [key for key in parts if key not in hidden]
            # Smallest first; ties by key so that the choice never depends on dict order.
            hidden.add(min(visible, key=lambda k: (cells[k], k)) if visible else total)
            changed = True
    # North Korea is listed twice (KP and by_country KP): the same count, hidden alike.
    if ("disappearance_place", "KP") in hidden:
        hidden.add(("disappearance_place", "by_country", "KP"))
    return hidden & set(cells)


def suppress(figures: Figures, *, threshold: int | None = None) -> PublicFigures:
    """FIGURES as the public may see them: every count below THRESHOLD (by default
    settings.IRUM_PUBLIC_MIN_COUNT) and the counts that would give it away, suppressed."""
    limit = threshold_setting() if threshold is None else threshold
    hidden = hidden_cells(figures, limit)

    def show(key: Key, n: int) -> Count:
        return None if key in hidden else n

    def breakdown(name: str) -> dict[str, Count]:
        return {key: show((name, key), n) for key, n in getattr(figures, name).items()}

    place = figures.disappearance_place
    first_agency = breakdown("first_agency")
    # Ordered by count for the visible agencies only: ordering the hidden ones by their
    # true counts would tell which of them is larger.
    ordered_agencies = dict(
        sorted(
            first_agency.items(),
            key=lambda kv: (kv[1] is None, -(kv[1] or 0), kv[0]),
        )
    )
    return PublicFigures(
        threshold=limit,
        individuals=show(("individuals",), figures.individuals),
        cases=show(("cases",), figures.cases),
        disappearance_place={
            **{
                key: show(("disappearance_place", key), place.get(key, 0))
                for key in ("KP", "abroad", "unknown")
            },
            "by_country": {
                code: show(("disappearance_place", "by_country", code), n)
                for code, n in _by_country(figures).items()
            },
        },
        era=breakdown("era"),
        mss=breakdown("mss"),
        first_agency=ordered_agencies,
        sex=breakdown("sex"),
        age_at_disappearance=breakdown("age_at_disappearance"),
        reason=breakdown("reason"),
        escape_related=show(("escape_related",), figures.escape_related),
        suppressed=len(hidden),
    )
