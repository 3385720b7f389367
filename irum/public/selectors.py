"""What the public pages read. Everything here is public by construction: stories that
are published, cases through visibility.public_cases() and the public projection, and
counts with the small-count rule applied."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from irum.archive.models import Case, Event
from irum.gazetteer.models import Place
from irum.partners import projection, visibility
from irum.reports.suppression import threshold_setting
from irum.stories.models import Story, StoryStatus


def published_stories() -> QuerySet[Story]:
    return (
        Story.objects.filter(status=StoryStatus.PUBLISHED, published_at__lte=timezone.now())
        .select_related("author")
        .order_by("-published_at", "-pk")
    )


def photo_is_published(path: str) -> bool:
    """Whether a published story shows the photo rendition at PATH. A draft's photo may
    not be cleared for publication yet (a face, a place), so it is served to editors only."""
    return published_stories().filter(Q(photo=path) | Q(photo_small=path)).exists()


def more_stories(story: Story, limit: int = 4) -> list[Story]:
    """Stories about the same cases or places first, then the most recent ones."""
    others = published_stories().exclude(pk=story.pk)
    related = list(
        others.filter(
            Q(related_cases__in=story.related_cases.all())
            | Q(related_places__in=story.related_places.all())
        )
        .distinct()
        .order_by("-published_at", "-pk")[:limit]
    )
    if len(related) < limit:
        seen = [s.pk for s in related]
        related += list(others.exclude(pk__in=seen)[: limit - len(related)])
    return related


def public_case(public_id: str) -> Case | None:
    return visibility.public_cases().filter(public_id=public_id).first()


def story_cases(story: Story) -> list[projection.PublicCase]:
    """The story's related cases that are public now: a case made private after the story
    was written drops out of it, instead of being published through the story."""
    cases = story.related_cases.filter(pk__in=visibility.public_cases().values("pk"))
    return projection.project_cases(cases.order_by("public_id"))


def place_stories(place: Place, limit: int = 6) -> list[Story]:
    return list(published_stories().filter(related_places=place)[:limit])


def case_stories(case: Case, limit: int = 6) -> list[Story]:
    return list(published_stories().filter(related_cases=case)[:limit])


@dataclass(frozen=True)
class PlaceCount:
    kind: str
    n: int | None  # None: fewer than the threshold, not shown


@dataclass(frozen=True)
class PlaceFigures:
    threshold: int
    persons: int | None
    by_kind: list[PlaceCount]


def place_figures(place: Place) -> PlaceFigures:
    """How many persons of public cases the archive records at PLACE, in all and by the
    kind of event there, each count under the threshold hidden. The kinds overlap (one
    person can be detained and then transferred from the same place), so no count can be
    worked out from the others and no secondary suppression is needed."""
    threshold = threshold_setting()
    events = Event.objects.filter(
        place=place, person__case__in=visibility.public_cases(), person__deleted_at__isnull=True
    )
    total = events.values("person_id").distinct().count()
    rows = events.values("kind").annotate(n=Count("person_id", distinct=True)).order_by("kind")

    def shown(n: int) -> int | None:
        return n if n >= threshold else None

    return PlaceFigures(
        threshold=threshold,
        persons=shown(total),
        by_kind=[PlaceCount(row["kind"], shown(row["n"])) for row in rows],
    )


@dataclass(frozen=True)
class CasesPage:
    page: Page
    projected: list[projection.PublicCase]


def public_cases_page(number: str | None, per_page: int) -> CasesPage:
    """One page of the public cases, newest first, projected (a fixed number of queries
    whatever the page size)."""
    paginator = Paginator(visibility.public_cases().order_by("-created_at", "pk"), per_page)
    page = paginator.get_page(number)
    rank = {case.public_id: i for i, case in enumerate(page.object_list)}
    projected = projection.project_cases(Case.objects.filter(public_id__in=list(rank)))
    return CasesPage(page, sorted(projected, key=lambda c: rank[c.public_id]))
