"""The public figures: computed from the persons of public cases only, then suppressed.

The partner report (`/reports/`) counts whatever the member may see, whole. The public
one counts only what the public projection may publish, and hides small counts
(irum.reports.suppression).
"""

from __future__ import annotations

from django.db.models import QuerySet

from irum.archive.models import Person
from irum.partners import visibility
from irum.reports.figures import compute
from irum.reports.suppression import PublicFigures, suppress


def public_persons() -> QuerySet[Person]:
    """The persons whose records may be published: those of public cases."""
    return Person.objects.filter(case__in=visibility.public_cases())


def public_figures(*, threshold: int | None = None) -> PublicFigures:
    return suppress(compute(public_persons()), threshold=threshold)
