from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from irum.partners import visibility
from irum.reports import figures as figures_module
from irum.reports.presentation import report_sections


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    # Partner members see figures over the records they may see; the public figures,
    # with small counts suppressed, are the public site's.
    if not visibility.is_partner_member(request.user):
        raise PermissionDenied
    figures = figures_module.compute(visibility.visible_persons(request.user))
    return render(
        request,
        "reports/figures.html",
        {"figures": figures, "sections": report_sections(figures)},
    )
