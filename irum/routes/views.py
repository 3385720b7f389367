"""Map pages, the GeoJSON API and map images. Thin: read the filters, ask mapdata for
what this user may see, render it.

Scope: a partner member who has passed the second factor sees the archive (what
visibility lets her see); everyone else, and a member who asks with ?public=1, sees
the public map (public cases only, small flows hidden). Member-scope downloads are
exports, and audited; public ones carry nothing that is not already public.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from irum.accounts import twofactor
from irum.accounts.decorators import second_factor_required
from irum.audit.services import audit_record
from irum.partners import visibility
from irum.reports.suppression import suppression_note
from irum.routes import filters as filters_module
from irum.routes import geojson, labels, mapdata, payload
from irum.routes.filters import FilterError, RouteFilterForm, RouteFilters

GEOJSON = "application/geo+json"
IMAGE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def _member_scope(request: HttpRequest) -> bool:
    """Does this request see the archive (not only the public map)?"""
    if request.GET.get("public") == "1":
        return False
    return visibility.is_partner_member(request.user) and not twofactor.needs_second_factor(request)


def _bad_filters(request: HttpRequest, error: FilterError, *, as_json: bool) -> HttpResponse:
    if as_json:
        return JsonResponse({"errors": error.messages}, status=400)
    return render(request, "routes/bad_filters.html", {"messages": error.messages}, status=400)


def _audit_export(request: HttpRequest, what: str, filters: RouteFilters, **counts: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=request.user,
            kind="export",
            partner=twofactor.sole_partner(request.user),
            record_type=f"routes.{what}",
            summary=f"{what} ({filters.describe() or 'no filters'})",
            changes={"filters": filters.as_params(), **counts},
        )


def _wants_routes(filters: RouteFilters) -> bool:
    # One case or one person: show each person's numbered route. Otherwise, flows.
    return bool(filters.person or filters.case)


# ---------------------------------------------------------------------------- GeoJSON


def _geojson_response(body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type=f"{GEOJSON}; charset=utf-8",
    )


@require_safe
def flows_geojson(request: HttpRequest) -> HttpResponse:
    return _geojson_view(request, mapdata.flow_map, geojson.flows_collection, "flows")


@require_safe
def routes_geojson(request: HttpRequest) -> HttpResponse:
    return _geojson_view(request, mapdata.route_map, geojson.routes_collection, "routes")


def _geojson_view(request: HttpRequest, build: Any, collection: Any, what: str) -> HttpResponse:
    """The map's data as GeoJSON: the archive for a member, else the public map. A
    member's download is an export of archive data, so it is audited."""
    member = _member_scope(request)
    try:
        filters = filters_module.parse(request.GET)
        result = build(filters, user=request.user, public=not member)
    except FilterError as error:
        return _bad_filters(request, error, as_json=True)
    if member:
        count = len(result.flows if what == "flows" else result.routes)
        _audit_export(request, f"{what}.geojson", filters, **{what: count})
    return _geojson_response(collection(result))


# ------------------------------------------------------------------------------ pages


# The map page lists the biggest flows and the first routes under the map; the table
# page lists them all. A report's map has thousands of flows, and a page holding all of
# them as rows takes seconds to parse before the map is drawn.
PAGE_FLOWS = 100
PAGE_ROUTES = 20
PAGE_PLACES = 100


def _page(request: HttpRequest, *, public: bool, table_only: bool = False) -> HttpResponse:
    try:
        filters = filters_module.parse(request.GET)
        if _wants_routes(filters):
            result: mapdata.FlowMap | mapdata.RouteMap = mapdata.route_map(
                filters, user=request.user, public=public
            )
            data = None if table_only else payload.routes_payload(result)
        else:
            result = mapdata.flow_map(filters, user=request.user, public=public)
            data = None if table_only else payload.flows_payload(result)
    except FilterError as error:
        return _bad_filters(request, error, as_json=False)
    params = filters.as_params() | ({"public": "1"} if public else {})
    query = urlencode(params, doseq=True)
    images = "routes:public_image_" if public else "routes:image_"
    geojson_name = "geojson_routes" if _wants_routes(filters) else "geojson_flows"
    table_url = reverse("routes:public_table" if public else "routes:table")
    downloads = [
        (_("Full table"), f"{table_url}?{query}"),
        (_("GeoJSON"), f"{reverse('routes:' + geojson_name)}?{query}"),
        (_("SVG image"), f"{reverse(images + 'svg')}?{query}"),
        (_("PNG image"), f"{reverse(images + 'png')}?{query}"),
    ]
    form = RouteFilterForm(initial=filters.as_params())
    if public:
        del form.fields["partner"]
    limit = None if table_only else (PAGE_ROUTES if _wants_routes(filters) else PAGE_FLOWS)
    shown = result.routes if isinstance(result, mapdata.RouteMap) else result.flows
    places = result.places
    if not table_only and len(places) > PAGE_PLACES:
        # The places most persons went through; the full table has the rest.
        places = sorted(places, key=lambda p: -(p.persons or 0))[:PAGE_PLACES]
    return render(
        request,
        "routes/table.html" if table_only else "routes/map.html",
        {
            "public": public,
            "result": result,
            "rows": shown[:limit] if limit else shown,
            "more_rows": len(shown) - limit if limit and len(shown) > limit else 0,
            "place_rows": places,
            "more_places": len(result.places) - len(places),
            "table_url": f"{table_url}?{query}",
            "is_routes": isinstance(result, mapdata.RouteMap),
            "map_data": data,
            "map_labels": labels.for_map(),
            "legend": list(labels.GROUP_LABELS.items()),
            "form": form,
            "downloads": downloads,
            "suppression_note": suppression_note(result.threshold)
            if public and isinstance(result, mapdata.FlowMap)
            else "",
            "tile_url": settings.IRUM_MAP_TILE_URL,
            "tile_attribution": settings.IRUM_MAP_TILE_ATTRIBUTION,
        },
    )


@login_required
@second_factor_required
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """The archive's map: what this partner member may see, flows or routes."""
    if not visibility.is_partner_member(request.user):
        raise PermissionDenied
    return _page(request, public=False)


@require_safe
def public_map_page(request: HttpRequest) -> HttpResponse:
    """The public map: public cases only, small flows hidden; the same for everyone."""
    return _page(request, public=True)


@login_required
@second_factor_required
@require_safe
def table_page(request: HttpRequest) -> HttpResponse:
    """Every flow or leg of the archive map as tables: for screen readers and print."""
    if not visibility.is_partner_member(request.user):
        raise PermissionDenied
    return _page(request, public=False, table_only=True)


@require_safe
def public_table_page(request: HttpRequest) -> HttpResponse:
    return _page(request, public=True, table_only=True)


# ----------------------------------------------------------------------------- images


def _image(request: HttpRequest, fmt: str, *, public: bool) -> HttpResponse:
    from irum.routes import render as render_module

    try:
        filters = filters_module.parse(request.GET)
        if _wants_routes(filters):
            route_result = mapdata.route_map(filters, user=request.user, public=public)
            body = render_module.render_route_map(
                route_result,
                fmt=fmt,
                title=labels.map_title(public),
                source_note=labels.source_note(),
            )
            counts = {"routes": len(route_result.routes)}
        else:
            flow_result = mapdata.flow_map(filters, user=request.user, public=public)
            body = render_module.render_flow_map(
                flow_result,
                fmt=fmt,
                title=labels.map_title(public),
                source_note=labels.source_note(),
            )
            counts = {"flows": len(flow_result.flows)}
    except FilterError as error:
        return _bad_filters(request, error, as_json=False)
    if not public:
        _audit_export(request, f"map.{fmt}", filters, **counts)
    response = HttpResponse(body, content_type=IMAGE_TYPES[fmt])
    name = "irum-public-map" if public else "irum-map"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@second_factor_required
@require_safe
def map_image(request: HttpRequest, fmt: str) -> HttpResponse:
    if not visibility.is_partner_member(request.user):
        raise PermissionDenied
    return _image(request, fmt, public=False)


@require_safe
def public_map_image(request: HttpRequest, fmt: str) -> HttpResponse:
    return _image(request, fmt, public=True)


def person_route_context(person: Any, user: Any) -> dict[str, Any]:
    """What a person's page needs to show her route: the numbered stops and legs, and the
    data for the small map (see admin/archive/person/change_form.html)."""
    filters = filters_module.parse({"person": [person.public_id]})
    result = mapdata.route_map(filters, user=user, public=False)
    if not result.routes or not result.routes[0].stops:
        return {}
    return {
        "person_route": result,
        "person_route_data": payload.routes_payload(result),
        "map_labels": labels.for_map(),
        "tile_url": settings.IRUM_MAP_TILE_URL,
        "tile_attribution": settings.IRUM_MAP_TILE_ATTRIBUTION,
    }
