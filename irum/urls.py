from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from irum.public import views as public_views

admin.site.site_header = _("Irum archive")
admin.site.site_title = _("Irum")
admin.site.index_title = _("Archive")

urlpatterns = [
    # "/" has no page of its own: LocaleMiddleware sends a reader to /en/ or /ko/, by
    # their browser's language. Staff go to /admin/.
    path("admin/", admin.site.urls),
    path("media/stories/<str:name>", public_views.story_photo, name="story_photo"),
    path("reports/", include("irum.reports.urls")),
    path("", include("irum.routes.urls")),
    path("api/", include("irum.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
# The public site, one address per language, so that a page can be linked, cached and
# indexed in each (and carries no language cookie).
urlpatterns += i18n_patterns(
    path("", include("irum.discussion.urls")),
    path("", include("irum.public.urls")),
    prefix_default_language=True,
)

# A path under /api/ that matches no URL still answers in the API's error shape.
handler404 = "irum.api.errors.page_not_found"
