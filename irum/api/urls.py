"""The REST API under /api/, its OpenAPI 3 schema and its docs (Swagger UI from the
drf-spectacular sidecar wheel: no CDN, and its script is a file, as the CSP wants)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from irum.archive.api import CaseViewSet, EventViewSet, PersonViewSet, SourceViewSet
from irum.gazetteer.api import AgencyViewSet, PlaceViewSet

router = DefaultRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("persons", PersonViewSet, basename="person")
router.register("events", EventViewSet, basename="event")
router.register("sources", SourceViewSet, basename="source")
router.register("places", PlaceViewSet, basename="place")
router.register("agencies", AgencyViewSet, basename="agency")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
