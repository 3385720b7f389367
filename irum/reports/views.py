from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def figures_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/figures.html", {})
