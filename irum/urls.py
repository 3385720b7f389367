from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Irum archive")
admin.site.site_title = _("Irum")
admin.site.index_title = _("Archive")

urlpatterns = [
    # Readers land on the public figures (the public site's home comes with issue 6);
    # staff go to /admin/.
    path("", RedirectView.as_view(pattern_name="reports:public", permanent=False)),
    path("admin/", admin.site.urls),
    path("reports/", include("irum.reports.urls")),
    path("", include("irum.routes.urls")),
    path("api/", include("irum.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# A path under /api/ that matches no URL still answers in the API's error shape.
handler404 = "irum.api.errors.page_not_found"
