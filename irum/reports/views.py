from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from irum.reports import figures as figures_module
from irum.reports.presentation import report_sections


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    figures = figures_module.compute()
    return render(
        request,
        "reports/figures.html",
        {"figures": figures, "sections": report_sections(figures)},
    )
