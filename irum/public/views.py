"""The public site: home, stories, case pages, place pages and the figures, in English
and Korean (the language is the first part of the address: /en/..., /ko/...).

Every page here is the same for every reader: no view reads the session or the user, so
the pages are cached whole (irum.lib.pagecache) and served with public cache headers.
Staff preview drafts elsewhere (story_preview), never through a cached page.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from irum.accounts import twofactor
from irum.accounts.decorators import second_factor_required
from irum.discussion import selectors as discussion
from irum.gazetteer.models import Place
from irum.lib import markdown
from irum.lib.pagecache import public_page
from irum.partners import projection
from irum.public import selectors
from irum.reports.presentation import report_sections, suppressed_label
from irum.reports.public import public_figures
from irum.routes import filters as route_filters
from irum.routes import mapdata
from irum.stories import photos
from irum.stories.models import Story
from irum.stories.services import guidelines

STORIES_PER_PAGE = 12
CASES_PER_PAGE = 50


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a public page with what every page needs: its addresses in both languages
    (for the language switch and hreflang) and its meta description."""
    path = request.path
    context.setdefault("meta", {})
    context["alternates"] = [(code, translate_url(path, code)) for code in ("en", "ko")]
    context["other_language"] = "en" if (get_language() or "en").startswith("ko") else "ko"
    context["other_url"] = translate_url(path, context["other_language"])
    return render(request, template, context)


def _figures_context() -> dict[str, Any]:
    figures = public_figures()
    hidden = suppressed_label(figures.threshold)
    return {
        "figures": figures,
        "suppressed_label": hidden,
        "headline": {
            "individuals": hidden if figures.individuals is None else figures.individuals,
            "cases": hidden if figures.cases is None else figures.cases,
        },
    }


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "public/home.html",
        {
            **_figures_context(),
            "stories": list(selectors.published_stories()[:6]),
            "meta": {
                "description": _(
                    "Irum documents enforced disappearances in North Korea: the people taken, "
                    "where they were held and moved, and by whom."
                )
            },
        },
    )


@require_safe
@public_page
def story_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.published_stories(), STORIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return _page(
        request,
        "public/stories.html",
        {"page": page, "meta": {"title": _("Stories"), "description": _("All stories.")}},
    )


def _story_context(story: Story) -> dict[str, Any]:
    language = get_language() or "en"
    text = story.text(language)
    return {
        "story": story,
        "text": text,
        "body": markdown.render(text.body),
        "author": story.author.in_language(language) if story.author else None,
        "cases": selectors.story_cases(story),
        "places": list(story.related_places.order_by("name")),
        "more": selectors.more_stories(story),
        "guidelines": guidelines().in_language(language),
        # The published comments only: this page is the same for every reader (cached).
        "thread": discussion.thread(story),
        "thread_url": reverse("discussion:story_thread", args=[story.slug]),
        "meta": {
            "title": text.headline,
            "description": text.dek or markdown.plain_text(text.body, limit=200),
            "type": "article",
            "image": story.photo_url,
            "image_alt": text.photo_alt,
            "published": story.published_at,
            "modified": story.revised_at,
        },
    }


@require_safe
@public_page
def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(selectors.published_stories(), slug=slug)
    return _page(request, "public/story.html", _story_context(story))


@require_safe
@second_factor_required
def story_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft as readers will see it, for staff who may edit stories. Never cached."""
    if not _may_preview(request):
        raise Http404
    story = get_object_or_404(Story, pk=pk)
    context = _story_context(story)
    context["preview"] = True
    response = _page(request, "public/story.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@public_page
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.public_cases_page(request.GET.get("page"), CASES_PER_PAGE)
    return _page(
        request,
        "public/cases.html",
        {
            "page": cases.page,
            "cases": cases.projected,
            "meta": {
                "title": _("Cases"),
                "description": _("The cases partners have made public, under pseudonyms."),
            },
        },
    )


@require_safe
@public_page
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.public_case(public_id)
    if case is None:
        raise Http404
    public = projection.project_case(case)
    routes = mapdata.route_map(
        route_filters.parse({"case": [case.public_id]}), user=None, public=True
    )
    title = _("Case %(id)s") % {"id": public.public_id}
    names = ", ".join(p.pseudonym or p.public_id for p in public.persons)
    return _page(
        request,
        "public/case.html",
        {
            "case": public,
            "routes": routes,
            "stories": selectors.case_stories(case),
            "thread": discussion.thread(case),
            "thread_url": reverse("discussion:case_thread", args=[case.public_id]),
            "guidelines": guidelines().in_language(get_language() or "en"),
            "meta": {
                "title": title,
                "description": (public.summary[:200] if public.summary else names),
            },
        },
    )


@require_safe
@public_page
def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(
        Place.objects.select_related("province", "parent").prefetch_related("names"), slug=slug
    )
    figures = selectors.place_figures(place)
    primary = {place.name, place.name_ko}
    return _page(
        request,
        "public/place.html",
        {
            "place": place,
            "variants": sorted(n.name for n in place.names.all() if n.name not in primary),
            "point": place.point(),
            "figures": figures,
            "suppressed_label": suppressed_label(figures.threshold),
            "stories": selectors.place_stories(place),
            "meta": {
                "title": place.name_ko
                if (get_language() or "").startswith("ko") and place.name_ko
                else place.name,
                "description": _("A place in the archive's records of enforced disappearance."),
            },
        },
    )


@require_safe
@public_page
def figures(request: HttpRequest) -> HttpResponse:
    context = _figures_context()
    context["sections"] = report_sections(context["figures"])
    context["meta"] = {
        "title": _("Figures"),
        "description": _(
            "How many people the public cases record as disappeared: where, by which agency, "
            "in which era, by sex, age and reason."
        ),
    }
    return _page(request, "public/figures.html", context)


@require_safe
def story_photo(request: HttpRequest, name: str) -> FileResponse:
    """A story photo rendition. Only names the upload step makes are served, so no other
    file under MEDIA_ROOT (evidence attachments) can be reached through here."""
    from django.core.files.storage import default_storage

    if not photos.RENDITION_NAME.fullmatch(name):
        raise Http404
    path = f"{photos.FOLDER}/{name}"
    published = selectors.photo_is_published(path)
    if not published and not _may_preview(request):
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    if published:
        # Named by the hash of their bytes: a name always means the same picture.
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


def _may_preview(request: HttpRequest) -> bool:
    return request.user.has_perm("stories.change_story") and not twofactor.needs_second_factor(
        request
    )
