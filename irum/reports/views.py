from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from irum.accounts.decorators import second_factor_required
from irum.partners import visibility
from irum.reports import figures as figures_module
from irum.reports.presentation import report_sections, suppressed_label
from irum.reports.public import public_figures

PUBLIC_FORMATS = ("html", "json")


@login_required
@second_factor_required
def figures_page(request: HttpRequest) -> HttpResponse:
    # Partner members see figures over the records they may see; the public figures,
    # with small counts suppressed, are the public site's (public_figures_page).
    if not visibility.is_partner_member(request.user):
        raise PermissionDenied
    figures = figures_module.compute(visibility.visible_persons(request.user))
    return render(
        request,
        "reports/figures.html",
        {"figures": figures, "sections": report_sections(figures)},
    )


@require_safe
def public_figures_page(request: HttpRequest) -> HttpResponse:
    """The figures anyone may see: public cases only, small counts suppressed. The same
    for every visitor, signed in or not: a partner member's whole figures are on
    /reports/, and mixing them in here would let the public page vary with who asks."""
    # Only ?format= is read; anything else in the query string is ignored.
    fmt = request.GET.get("format", "html")
    if fmt not in PUBLIC_FORMATS:
        # The bad value is not echoed back: a reflected parameter is how pages get abused.
        message = _("Unknown format: use one of %(formats)s.") % {
            "formats": ", ".join(PUBLIC_FORMATS)
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    figures = public_figures()
    if fmt == "json":
        return JsonResponse(figures.as_dict(), json_dumps_params={"ensure_ascii": False})
    hidden = suppressed_label(figures.threshold)
    return render(
        request,
        "reports/public_figures.html",
        {
            "figures": figures,
            "sections": report_sections(figures),
            "suppressed_label": hidden,
            "headline": {
                "individuals": hidden if figures.individuals is None else figures.individuals,
                "cases": hidden if figures.cases is None else figures.cases,
            },
        },
    )
