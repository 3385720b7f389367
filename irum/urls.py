from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:figures", permanent=False)),
    path("admin/", admin.site.urls),
    path("reports/", include("irum.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
